import {
  entryOf,
  evaluateTemplateString,
  valueOf,
  type CfnEntry,
  type CfnResource,
  type CfnValue,
  type CloudFormationTemplate,
} from '../../languages/cloudformation/template';
import {
  attributeStep,
  findAttribute,
  findBlocks,
  referencesIn,
  type HclAttribute,
  type HclBlock,
  type HclExpression,
  type HclReference,
} from '../../languages/terraform/hcl-syntax';
import type { TerraformFile, TerraformModule, TerraformResource, TerraformValue } from '../../languages/terraform/module';
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
  /**
   * Imported (`private_key` and `certificate_body`): new PEMs are imported again into the same
   * ARN, in place — in the AWS provider (internal/service/acm/certificate.go at fc271f69) those
   * attributes are not ForceNew, the update calls ImportCertificate with the certificate's ARN,
   * and the ForceNew ones (`domain_name`, `subject_alternative_names`, `validation_method`,
   * `certificate_authority_arn`) conflict with them. Terraform never replaces it.
   */
  readonly imported: boolean;
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

/**
 * The attribute read from a resource reference, past any index or splat: `arn` of
 * `aws_acm_certificate.cert[0].arn`, `aws_acm_certificate.cert[*].arn` and `….cert.*.arn`;
 * undefined when the reference takes the whole resource (`aws_acm_certificate.cert[*]`).
 */
function readAttribute(reference: HclReference, from: number): string | undefined {
  for (const step of reference.steps.slice(from)) {
    if (step.kind === 'attribute') return step.name;
  }
  return undefined;
}

/** `aws_acm_certificate.each` or `values(aws_acm_certificate.each)`: the name of the resource of this type a `for_each` iterates over. */
function forEachOver(value: HclExpression, type: string): string | undefined {
  const inner = value.kind === 'function' && value.name === 'values' && value.arguments.length === 1 ? value.arguments[0] : value;
  if (inner?.kind !== 'reference' || inner.root !== type || inner.steps.length !== 1) return undefined;
  return attributeStep(inner, 0);
}

/**
 * A reference as a use of a resource of this type: the resource's name and the attribute read.
 * `each.value.arn` in a resource whose `for_each` is `aws_acm_certificate.each` reads `arn` of it.
 */
function resourceRead(
  reference: HclReference,
  type: string,
  forEach: ReadonlyMap<string, string>,
): { readonly name: string; readonly attribute: string | undefined } | undefined {
  if (reference.root === type) {
    const name = attributeStep(reference, 0);
    return name === undefined ? undefined : { name, attribute: readAttribute(reference, 1) };
  }
  const iterated = forEach.get(type);
  if (iterated !== undefined && reference.root === 'each' && attributeStep(reference, 0) === 'value')
    return { name: iterated, attribute: readAttribute(reference, 1) };
  return undefined;
}

/** One attribute of a consumer resource, with the references its value makes through locals. */
interface ConsumerAttribute {
  readonly resource: TerraformResource;
  readonly description: string;
  readonly attribute: HclAttribute;
  readonly references: readonly HclReference[];
  /** The certificates whose `arn` / `id` it reads, by name, and the validations whose `certificate_arn` / `id` it reads. */
  readonly certificates: ReadonlySet<string>;
  readonly validations: ReadonlySet<string>;
}

/**
 * What the ACM rules look up per certificate, gathered in one pass over a module: reading every
 * attribute once for all certificates, not once per certificate (which is quadratic in them).
 */
interface CertificateIndex {
  /** Per certificate name: the uses reading its `domain_validation_options` or the whole certificate, in module order. */
  readonly recordUses: ReadonlyMap<string, readonly CertificateUse[]>;
  /** Per certificate name: the validations whose `certificate_arn` references it. */
  readonly validations: ReadonlyMap<string, readonly TerraformResource[]>;
  readonly consumerAttributes: readonly ConsumerAttribute[];
  /** Per certificate name: the indices into consumerAttributes that read its `arn` / `id`. */
  readonly consumersByCertificate: ReadonlyMap<string, readonly number[]>;
  /** Per validation name: the indices into consumerAttributes that read its `certificate_arn` / `id`. */
  readonly consumersByValidation: ReadonlyMap<string, readonly number[]>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list.at(-1) !== value) list.push(value);
}

/** Per resource type: the resource of that type a block's `for_each` iterates over, which `each.value` then stands for. */
function forEachTargets(body: HclBlock['body']): ReadonlyMap<string, string> {
  const targets = new Map<string, string>();
  const forEach = findAttribute(body, 'for_each');
  if (forEach === undefined) return targets;
  for (const type of [terraformCertificateType, terraformValidationType]) {
    const name = forEachOver(forEach.value, type);
    if (name !== undefined) targets.set(type, name);
  }
  return targets;
}

function certificateIndex(module: TerraformModule): CertificateIndex {
  const forEachOfBlock = new Map<HclBlock, ReadonlyMap<string, string>>();
  for (const resource of module.resources) forEachOfBlock.set(resource.block, forEachTargets(resource.block.body));
  const noTargets: ReadonlyMap<string, string> = new Map();

  const recordUses = new Map<string, CertificateUse[]>();
  for (const use of module.allAttributes()) {
    if (orderingAttributes.has(use.attribute.name)) continue;
    const forEach = forEachOfBlock.get(use.block) ?? noTargets;
    // `for_each = aws_acm_certificate.each` hands each certificate to `each.value`: what that reads decides
    if (use.attribute.name === 'for_each' && forEach.has(terraformCertificateType) && use.block.body.attributes.includes(use.attribute)) continue;
    for (const reference of module.referencesThroughLocals(use.attribute.value)) {
      const read = resourceRead(reference, terraformCertificateType, forEach);
      if (read !== undefined && ['domain_validation_options', undefined].includes(read.attribute)) push(recordUses, read.name, use);
    }
  }

  const validations = new Map<string, TerraformResource[]>();
  for (const validation of module.resourcesOfType(terraformValidationType)) {
    const arn = findAttribute(validation.block.body, 'certificate_arn');
    if (arn === undefined) continue;
    const forEach = forEachOfBlock.get(validation.block) ?? noTargets;
    for (const reference of module.referencesThroughLocals(arn.value)) {
      const read = resourceRead(reference, terraformCertificateType, forEach);
      if (read !== undefined) push(validations, read.name, validation);
    }
  }

  const consumerAttributes: ConsumerAttribute[] = [];
  const consumersByCertificate = new Map<string, number[]>();
  const consumersByValidation = new Map<string, number[]>();
  for (const resource of module.resources) {
    const description = resource.mode === 'resource' ? consumerTypes.get(resource.type) : undefined;
    if (description === undefined) continue;
    const forEach = forEachOfBlock.get(resource.block) ?? noTargets;
    const pending = [resource.block.body];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      pending.push(...next.blocks.map((block) => block.body));
      for (const attribute of next.attributes) {
        if (orderingAttributes.has(attribute.name)) continue;
        const references = module.referencesThroughLocals(attribute.value);
        const index = consumerAttributes.length;
        const certificates = new Set<string>();
        const validationNames = new Set<string>();
        for (const reference of references) {
          const certificate = resourceRead(reference, terraformCertificateType, forEach);
          if (certificate !== undefined && ['arn', 'id'].includes(certificate.attribute ?? '')) {
            push(consumersByCertificate, certificate.name, index);
            certificates.add(certificate.name);
          }
          const validation = resourceRead(reference, terraformValidationType, forEach);
          if (validation !== undefined && ['certificate_arn', 'id'].includes(validation.attribute ?? '')) {
            push(consumersByValidation, validation.name, index);
            validationNames.add(validation.name);
          }
        }
        if (certificates.size > 0 || validationNames.size > 0)
          consumerAttributes.push({ resource, description, attribute, references, certificates, validations: validationNames });
      }
    }
  }
  return { recordUses, validations, consumerAttributes, consumersByCertificate, consumersByValidation };
}

function terraformCertificate(module: TerraformModule, index: CertificateIndex, resource: TerraformResource): TerraformCertificate {
  const body = resource.block.body;
  const validationMethodAttribute = findAttribute(body, 'validation_method');
  const definition = validationMethodAttribute ? module.definition({ expression: validationMethodAttribute.value, file: resource.file }) : undefined;
  const isCertificate = (reference: HclReference): boolean => referencesResource(reference, 'resource', terraformCertificateType, resource.name);

  const validationRecordUses = (index.recordUses.get(resource.name) ?? []).filter((use) => use.block !== resource.block);
  const validations = index.validations.get(resource.name) ?? [];

  // the consumer attributes that name the certificate or one of its validations, in module order
  const candidates = new Set([
    ...(index.consumersByCertificate.get(resource.name) ?? []),
    ...validations.flatMap((validation) => index.consumersByValidation.get(validation.name) ?? []),
  ]);
  const consumers: CertificateConsumer[] = [];
  for (const position of [...candidates].sort((one, other) => one - other)) {
    const { resource: candidate, description, attribute, certificates, validations: validationNames } = index.consumerAttributes[position] as ConsumerAttribute;
    const readsArn = (reference: HclReference): boolean => isCertificate(reference) && ['arn', 'id'].includes(readAttribute(reference, 1) ?? '');
    const direct = certificates.has(resource.name);
    const throughValidation = validations.some((validation) => validationNames.has(validation.name));
    if (!direct && !throughValidation) continue;
    consumers.push({
      resource: candidate,
      description,
      attribute,
      directReference: referencesIn(attribute.value).find(readsArn),
      throughValidation: !direct && throughValidation,
    });
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
    imported: ['private_key', 'certificate_body'].some((name) => findAttribute(body, name) !== undefined),
    repeated: findAttribute(body, 'count') !== undefined || findAttribute(body, 'for_each') !== undefined,
    validationRecordUses,
    validations,
    consumers,
    lifecycle,
    createBeforeDestroy: lifecycle ? findAttribute(lifecycle.body, 'create_before_destroy') : undefined,
  };
}

/**
 * Every `aws_acm_certificate` of the workspace's Terraform modules that Terraform accepts: a
 * module with a syntax error or a name declared twice is planned by nobody, and linking its
 * files' resources to one another would be made up. Facts keeps them per analysis.
 */
export function terraformCertificates(infrastructure: Infrastructure): TerraformCertificate[] {
  return infrastructure.terraformModules
    .filter((module) => module.acceptedByTerraform)
    .flatMap((module) => {
      const index = certificateIndex(module);
      return module.resourcesOfType(terraformCertificateType).map((resource) => terraformCertificate(module, index, resource));
    });
}

/** Modules that declare an ACM certificate but that Terraform refuses for a name declared twice: their certificates go unchecked. */
export function refusedCertificateModules(infrastructure: Infrastructure): TerraformModule[] {
  return infrastructure.terraformModules.filter(
    (module) => !module.hasSyntaxErrors && module.duplicates.length > 0 && module.resourcesOfType(terraformCertificateType).length > 0,
  );
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
