import { evaluateTemplateString, valueOf, type CfnValue, type CloudFormationTemplate } from '../../languages/cloudformation/template';
import { findAttribute, findBlocks, type HclExpression } from '../../languages/terraform/hcl-syntax';
import type { TerraformModule, TerraformResource } from '../../languages/terraform/module';

/** A DNS name as ACM and Route 53 compare it: lower case, without the root's trailing dot. */
function normalizedName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * The hosted zone a validation record of the domain goes in: of the zones whose name is the
 * domain or a label-wise suffix of it, the longest one (a delegated `api.example.com` before
 * `example.com`, whose record for it would never resolve); the first of equals. A wildcard's
 * record is named after the domain below `*.`.
 */
export function longestSuffixZone<T>(domain: string, zones: readonly { readonly name: string; readonly zone: T }[]): T | undefined {
  const wanted = normalizedName(domain).replace(/^\*\./, '');
  let best: { readonly name: string; readonly zone: T } | undefined;
  for (const candidate of zones) {
    const name = normalizedName(candidate.name);
    if (name === '' || (wanted !== name && !wanted.endsWith(`.${name}`))) continue;
    if (!best || name.length > normalizedName(best.name).length) best = candidate;
  }
  return best?.zone;
}

export interface TerraformZone {
  readonly resource: TerraformResource;
  /** `aws_route53_zone.main.zone_id`, `data.aws_route53_zone.main.zone_id`, `aws_route53_zone.a[0].zone_id`. */
  readonly zoneId: string;
}

function literalBoolean(module: TerraformModule, resource: TerraformResource, expression: HclExpression): boolean | undefined {
  const definition = module.definition({ expression, file: resource.file }).expression;
  return definition.kind === 'literal' && typeof definition.value === 'boolean' ? definition.value : undefined;
}

/**
 * The public hosted zones of a module a record can name, with their names: ACM cannot validate
 * through a private zone (a data source with `private_zone = true` or a `vpc_id`, a resource with a
 * `vpc` block), and a zone whose name is not certain is not picked. A zone with `count` is named
 * `aws_route53_zone.x[0]`, which exists only when the count is a number above 0; one with
 * `for_each` or another count is not picked.
 */
export function terraformPublicZones(module: TerraformModule): { readonly name: string; readonly zone: TerraformZone }[] {
  return module.resources.flatMap((resource) => {
    if (resource.type !== 'aws_route53_zone') return [];
    const body = resource.block.body;
    if (findAttribute(body, 'for_each') !== undefined) return [];
    if (resource.mode === 'data') {
      const privateZone = findAttribute(body, 'private_zone');
      if (privateZone !== undefined && literalBoolean(module, resource, privateZone.value) !== false) return [];
      if (findAttribute(body, 'vpc_id') !== undefined) return [];
    } else if (findBlocks(body, 'vpc').length > 0 || findBlocks(body, 'dynamic').some((block) => block.labels[0]?.value === 'vpc')) {
      return [];
    }
    const count = findAttribute(body, 'count');
    let key = '';
    if (count !== undefined) {
      if (!(count.value.kind === 'literal' && typeof count.value.value === 'number' && count.value.value >= 1)) return [];
      key = '[0]';
    }
    const nameAttribute = findAttribute(body, 'name');
    const name = nameAttribute ? module.evaluateString(nameAttribute.value) : undefined;
    if (name === undefined || normalizedName(name) === '') return [];
    return [{ name, zone: { resource, zoneId: `${resource.mode === 'data' ? 'data.' : ''}aws_route53_zone.${resource.name}${key}.zone_id` } }];
  });
}

/** `domain_name` and the `subject_alternative_names` of a certificate; undefined when one is not certain. */
export function terraformCertificateDomains(module: TerraformModule, resource: TerraformResource): string[] | undefined {
  const body = resource.block.body;
  const domainAttribute = findAttribute(body, 'domain_name');
  const domain = domainAttribute ? module.evaluateString(domainAttribute.value) : undefined;
  if (domain === undefined) return undefined;
  const domains = [domain];
  const alternatives = findAttribute(body, 'subject_alternative_names');
  if (alternatives) {
    const list = module.definition({ expression: alternatives.value, file: resource.file }).expression;
    if (list.kind !== 'tuple') return undefined;
    for (const element of list.elements) {
      const alternative = module.evaluateString(element);
      if (alternative === undefined) return undefined;
      domains.push(alternative);
    }
  }
  return [...new Set(domains)];
}

function parameterDefault(template: CloudFormationTemplate, name: string): string | undefined {
  const value = template.parameters.find((parameter) => parameter.name === name)?.default;
  return value?.kind === 'scalar' && typeof value.value === 'string' ? value.value : undefined;
}

/**
 * A string a template value certainly is: a literal, a `Ref` to a parameter with a default, an
 * `Fn::Sub` of such parameters, an `Fn::Join` of such values; undefined otherwise.
 */
export function templateString(template: CloudFormationTemplate, value: CfnValue | undefined, depth = 0): string | undefined {
  if (value === undefined || depth > 20) return undefined;
  const direct = evaluateTemplateString(template, value);
  if (direct !== undefined || value.kind !== 'intrinsic') return direct;
  const argument = value.argument;
  if (value.name === 'Fn::Sub' && argument.kind === 'scalar' && typeof argument.value === 'string') {
    let unknown = false;
    const text = argument.value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const substituted = parameterDefault(template, name.trim());
      if (substituted === undefined) unknown = true;
      return substituted ?? whole;
    });
    return unknown ? undefined : text;
  }
  if (value.name === 'Fn::Join' && argument.kind === 'sequence' && argument.items.length === 2) {
    const [delimiter, list] = argument.items;
    if (delimiter?.kind !== 'scalar' || typeof delimiter.value !== 'string' || list?.kind !== 'sequence') return undefined;
    const parts = list.items.map((item) => templateString(template, item, depth + 1));
    return parts.every((part) => part !== undefined) ? parts.join(delimiter.value) : undefined;
  }
  return undefined;
}

/**
 * The public hosted zones of a template, by logical id and name: one with `VPCs` is private (ACM
 * cannot validate through it), one with a `Condition` may not exist, one whose name is not
 * certain is not picked.
 */
export function cloudFormationPublicZones(template: CloudFormationTemplate): { readonly name: string; readonly zone: string }[] {
  return template.resources.flatMap((resource) => {
    if (resource.type !== 'AWS::Route53::HostedZone' || !resource.properties) return [];
    if (valueOf(resource.properties, 'VPCs') !== undefined) return [];
    if (resource.entry.value.kind === 'mapping' && valueOf(resource.entry.value, 'Condition') !== undefined) return [];
    const name = templateString(template, valueOf(resource.properties, 'Name'));
    return name === undefined || normalizedName(name) === '' ? [] : [{ name, zone: resource.logicalId }];
  });
}
