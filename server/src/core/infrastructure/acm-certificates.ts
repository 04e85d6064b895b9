import { entryOf, evaluateTemplateString, valueOf, type CfnEntry, type CfnResource, type CfnValue, type CloudFormationTemplate } from '../cloudformation/template';
import { attributeStep, findAttribute, findBlocks, referencesIn, type HclAttribute, type HclBlock, type HclReference } from '../terraform/hcl-syntax';
import type { TerraformFile, TerraformModule, TerraformResource, TerraformValue } from '../terraform/module';
import type { Infrastructure } from './infrastructure';

export const terraformCertificateType = 'aws_acm_certificate';
export const terraformValidationType = 'aws_acm_certificate_validation';
export const cloudFormationCertificateType = 'AWS::CertificateManager::Certificate';

/** Resources that serve a certificate to clients, and what to call them in a message. */
const consumerTypes: ReadonlyMap<string, string> = new Map([
  ['aws_lb_listener', 'load balancer listener'],
  ['aws_alb_listener', 'load balancer listener'],
  ['aws_lb_listener_certificate', 'load balancer listener certificate'],
  ['aws_alb_listener_certificate', 'load balancer listener certificate'],
  ['aws_elb', 'classic load balancer'],
  ['aws_cloudfront_distribution', 'CloudFront distribution'],
  ['aws_api_gateway_domain_name', 'API Gateway domain name'],
  ['aws_apigatewayv2_domain_name', 'API Gateway domain name'],
]);

/** Meta-arguments that name a resource without using its value. */
const orderingAttributes = new Set(['depends_on', 'replace_triggered_by']);

export interface CertificateConsumer {
  readonly resource: TerraformResource;
  readonly description: string;
  readonly attribute: HclAttribute;
  /** The reference written in the consumer's attribute, when it names the certificate itself (`aws_acm_certificate.cert.arn`). */
  readonly directReference: HclReference | undefined;
  /** Through `aws_acm_certificate_validation.x.certificate_arn`: the consumer waits for issuance. */
  readonly throughValidation: boolean;
}

export interface CertificateUse {
  readonly attribute: HclAttribute;
  readonly block: HclBlock;
  readonly file: TerraformFile;
}

export interface TerraformCertificate {
  readonly module: TerraformModule;
  readonly resource: TerraformResource;
  /** `aws_acm_certificate.cert`, as Terraform prints it. */
  readonly address: string;
  readonly validationMethodAttribute: HclAttribute | undefined;
  /** Where the method's value is written: the resource, a local or a variable default. */
  readonly validationMethodDefinition: TerraformValue | undefined;
  /** undefined when the value depends on something unknown. */
  readonly validationMethod: string | undefined;
  /** Issued by a private CA or imported: ACM validates neither. */
  readonly needsNoValidation: boolean;
  /** `count` / `for_each`: several certificates; generated resources would not fit them. */
  readonly repeated: boolean;
  /** Places that read `domain_validation_options` (records, outputs for DNS elsewhere) or pass the whole certificate on. */
  readonly validationRecordUses: readonly CertificateUse[];
  readonly validations: readonly TerraformResource[];
  readonly consumers: readonly CertificateConsumer[];
  readonly lifecycle: HclBlock | undefined;
  readonly createBeforeDestroy: HclAttribute | undefined;
}

function referencesResource(reference: HclReference, mode: 'resource' | 'data', type: string, name: string): boolean {
  if (mode === 'data') return reference.root === 'data' && attributeStep(reference, 0) === type && attributeStep(reference, 1) === name;
  return reference.root === type && attributeStep(reference, 0) === name;
}

/** The attribute read from a resource reference, past any index: `arn` of `aws_acm_certificate.cert[0].arn`. */
function readAttribute(reference: HclReference, from: number): string | undefined {
  for (const step of reference.steps.slice(from)) {
    if (step.kind === 'attribute') return step.name;
    if (step.kind === 'splat') return undefined;
  }
  return undefined;
}

function terraformCertificate(module: TerraformModule, resource: TerraformResource): TerraformCertificate {
  const body = resource.block.body;
  const validationMethodAttribute = findAttribute(body, 'validation_method');
  const definition = validationMethodAttribute ? module.definition({ expression: validationMethodAttribute.value, file: resource.file }) : undefined;
  const isCertificate = (reference: HclReference): boolean => referencesResource(reference, 'resource', terraformCertificateType, resource.name);

  const validationRecordUses: CertificateUse[] = [];
  for (const use of module.allAttributes()) {
    if (use.block === resource.block || orderingAttributes.has(use.attribute.name)) continue;
    const references = module.referencesThroughLocals(use.attribute.value).filter(isCertificate);
    if (references.some((reference) => ['domain_validation_options', undefined].includes(readAttribute(reference, 1)))) validationRecordUses.push(use);
  }

  const validations = module.resourcesOfType(terraformValidationType).filter((validation) => {
    const arn = findAttribute(validation.block.body, 'certificate_arn');
    return arn !== undefined && module.referencesThroughLocals(arn.value).some(isCertificate);
  });
  const isValidation = (reference: HclReference): boolean => validations.some((validation) => referencesResource(reference, 'resource', terraformValidationType, validation.name));

  const consumers: CertificateConsumer[] = [];
  for (const candidate of module.resources) {
    const description = candidate.mode === 'resource' ? consumerTypes.get(candidate.type) : undefined;
    if (description === undefined) continue;
    const pending = [candidate.block.body];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      pending.push(...next.blocks.map((block) => block.body));
      for (const attribute of next.attributes) {
        if (orderingAttributes.has(attribute.name)) continue;
        const references = module.referencesThroughLocals(attribute.value);
        const readsArn = (reference: HclReference): boolean => isCertificate(reference) && ['arn', 'id'].includes(readAttribute(reference, 1) ?? '');
        const direct = references.some(readsArn);
        const throughValidation = references.some((reference) => isValidation(reference) && ['certificate_arn', 'id'].includes(readAttribute(reference, 1) ?? ''));
        if (!direct && !throughValidation) continue;
        consumers.push({ resource: candidate, description, attribute, directReference: referencesIn(attribute.value).find(readsArn), throughValidation: !direct && throughValidation });
      }
    }
  }

  const lifecycle = findBlocks(body, 'lifecycle')[0];
  return {
    module,
    resource,
    address: `${terraformCertificateType}.${resource.name}`,
    validationMethodAttribute,
    validationMethodDefinition: definition,
    validationMethod: validationMethodAttribute ? module.evaluateString(validationMethodAttribute.value)?.toUpperCase() : undefined,
    needsNoValidation: ['certificate_authority_arn', 'private_key', 'certificate_body'].some((name) => findAttribute(body, name) !== undefined),
    repeated: findAttribute(body, 'count') !== undefined || findAttribute(body, 'for_each') !== undefined,
    validationRecordUses,
    validations,
    consumers,
    lifecycle,
    createBeforeDestroy: lifecycle ? findAttribute(lifecycle.body, 'create_before_destroy') : undefined,
  };
}

/** Every `aws_acm_certificate` of the workspace's Terraform modules that have no syntax error. */
export function terraformCertificates(infrastructure: Infrastructure): TerraformCertificate[] {
  return infrastructure.terraformModules
    .filter((module) => !module.hasSyntaxErrors)
    .flatMap((module) => module.resourcesOfType(terraformCertificateType).map((resource) => terraformCertificate(module, resource)));
}

export interface CloudFormationCertificate {
  readonly template: CloudFormationTemplate;
  readonly resource: CfnResource;
  readonly validationMethodEntry: CfnEntry | undefined;
  readonly validationMethod: string | undefined;
  /** Issued by a private CA: ACM validates nothing. */
  readonly needsNoValidation: boolean;
  readonly domainValidationOptions: CfnEntry | undefined;
  /** Some entry of DomainValidationOptions names a HostedZoneId (or the list is not plain data). */
  readonly hasHostedZone: boolean;
}

function namesHostedZone(options: CfnValue): boolean {
  if (options.kind !== 'sequence') return true;
  return options.items.some((item) => item.kind !== 'mapping' || entryOf(item, 'HostedZoneId') !== undefined);
}

/** Every `AWS::CertificateManager::Certificate` of the workspace's templates. */
export function cloudFormationCertificates(infrastructure: Infrastructure): CloudFormationCertificate[] {
  return infrastructure.cloudFormationTemplates.flatMap((template) =>
    template.resources
      .filter((resource) => resource.type === cloudFormationCertificateType && resource.properties !== undefined)
      .map((resource): CloudFormationCertificate => {
        const properties = resource.properties ?? { kind: 'mapping', entries: [], flow: false, span: resource.entry.keySpan, range: resource.entry.keyRange };
        const validationMethodEntry = entryOf(properties, 'ValidationMethod');
        const domainValidationOptions = entryOf(properties, 'DomainValidationOptions');
        return {
          template,
          resource,
          validationMethodEntry,
          validationMethod: evaluateTemplateString(template, validationMethodEntry?.value)?.toUpperCase(),
          needsNoValidation: valueOf(properties, 'CertificateAuthorityArn') !== undefined,
          domainValidationOptions,
          hasHostedZone: domainValidationOptions !== undefined && namesHostedZone(domainValidationOptions.value),
        };
      }),
  );
}

/** Where a `!Ref` to a parameter takes its default, for a related location. */
export function parameterDefault(template: CloudFormationTemplate, value: CfnValue | undefined): CfnValue | undefined {
  if (value?.kind !== 'intrinsic' || value.name !== 'Ref' || value.argument.kind !== 'scalar') return undefined;
  const name = value.argument.value;
  return template.parameters.find((parameter) => parameter.name === name)?.default;
}
