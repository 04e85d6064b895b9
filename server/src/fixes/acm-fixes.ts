import type { CfnValue } from '../languages/cloudformation/template';
import type { FileEdit, Fix } from '../text/findings';
import { LineIndex } from '../text/line-index';
import type { Position } from '../text/source-location';
import { attributeStep, referencesIn, type HclBlock, type HclReference } from '../languages/terraform/hcl-syntax';
import type { TerraformModule } from '../languages/terraform/module';
import type { CloudFormationCertificate, TerraformCertificate } from '../model/infrastructure/acm-certificates';
import {
  cloudFormationPublicZones,
  longestSuffixZone,
  templateString,
  terraformCertificateDomains,
  terraformPublicZones,
} from '../model/infrastructure/acm-hosted-zones';

/** The indentation one nesting level adds in this file; two spaces when nothing is indented. */
function indentationUnit(text: string): string {
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
}

/** The blanks before the token that opens a line. */
function lineIndentation(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** The indentation a block's body adds, read from its first line inside; else the file's unit. */
function bodyIndentation(text: string, block: HclBlock): string {
  const first = [...block.body.attributes, ...block.body.blocks].sort((one, other) => one.span.start - other.span.start)[0];
  const base = lineIndentation(text, block.span.start);
  const inner = first ? lineIndentation(text, first.span.start) : '';
  return inner.length > base.length && inner.startsWith(base) ? inner.slice(base.length) : indentationUnit(text);
}

function insertion(file: string, position: Position, newText: string): FileEdit {
  return { kind: 'replace', file, range: { start: position, end: position }, newText };
}

function freeName(module: TerraformModule, type: string, wanted: string): string {
  let name = wanted;
  for (let suffix = 2; module.resource('resource', type, name); suffix++) name = `${wanted}_${suffix}`;
  return name;
}

/** A domain that can be written as a key of an HCL map as is, and matches the name ACM reports. */
const plainDomain = /^[a-z0-9*._-]+$/;

/**
 * The hosted zone the records go to. Each domain of the certificate takes the public zone of the
 * module whose name is its longest suffix; when they all take one zone, that zone; when they take
 * different ones, `zoneMap` says which (the records then read the zone of their own domain); when
 * a domain is not certain or no zone of the module fits it, a variable.
 */
function zoneIdExpression(
  certificate: TerraformCertificate,
): { expression: string; zoneMap?: readonly (readonly [string, string])[]; variableBlock?: string } | undefined {
  const module = certificate.module;
  const domains = terraformCertificateDomains(module, certificate.resource);
  const zones = terraformPublicZones(module);
  const chosen = domains?.map((domain) => [domain, longestSuffixZone(domain, zones)] as const);
  if (chosen && chosen.length > 0 && chosen.every(([, zone]) => zone !== undefined)) {
    const ids = new Set(chosen.map(([, zone]) => zone?.zoneId));
    const [first] = chosen;
    if (ids.size === 1 && first?.[1]) return { expression: first[1].zoneId };
    if (chosen.every(([domain]) => plainDomain.test(domain))) {
      return { expression: 'each.value.zone_id', zoneMap: chosen.map(([domain, zone]) => [domain, zone?.zoneId ?? ''] as const) };
    }
  }
  if (module.variables.has('route53_zone_id')) return { expression: 'var.route53_zone_id' };
  // a new variable without a default would break every `module` block of the workspace that calls this one
  if (module.calledByOtherModules) return undefined;
  return {
    expression: 'var.route53_zone_id',
    variableBlock: `variable "route53_zone_id" {\n§description = "The Route 53 hosted zone that holds the DNS validation records of ${certificate.address}"\n§type        = string\n}`,
  };
}

/**
 * No DNS validation fix because the records need a hosted zone the module does not have, and the
 * module is called by another module of the workspace: a new required variable would break the caller.
 */
export function zoneMissingInCalledModule(certificate: TerraformCertificate): boolean {
  return !certificate.repeated && certificate.module.calledByOtherModules && zoneIdExpression(certificate) === undefined;
}

/** The fields of each record, with the zone of its own domain: `{ "a.example.com" = …, … }[option.domain_name]`. */
function recordFieldsWithZone(zoneMap: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...zoneMap.map(([domain]) => JSON.stringify(domain).length));
  return [
    // as terraform fmt writes them: a value over several lines ends the group whose `=` line up
    '§§§name   = option.resource_record_name',
    '§§§record = option.resource_record_value',
    '§§§type   = option.resource_record_type',
    '§§§zone_id = {',
    ...zoneMap.map(([domain, zoneId]) => `§§§§${JSON.stringify(domain).padEnd(width)} = ${zoneId}`),
    '§§§}[option.domain_name]',
  ];
}

/**
 * The reference to the validated ARN that replaces a reference to the certificate's `arn` / `id`,
 * keeping any index or splat: `aws_acm_certificate.cert[*].arn` becomes
 * `aws_acm_certificate_validation.cert[*].certificate_arn`, a list as before.
 */
function validatedReference(reference: HclReference, text: string, validationName: string): string {
  const replacement = `aws_acm_certificate_validation.${validationName}`;
  const [name] = reference.steps;
  const read = reference.steps.findIndex((step) => step.kind === 'attribute' && step !== name);
  const attribute = reference.steps[read];
  if (name === undefined || attribute === undefined || read === 1)
    return `${replacement}.certificate_arn${attribute ? text.slice(attribute.span.end, reference.span.end) : ''}`;
  return `${replacement}${text.slice(name.span.end, attribute.span.start)}.certificate_arn${text.slice(attribute.span.end, reference.span.end)}`;
}

export interface DnsValidationParts {
  readonly switchMethod: boolean;
  readonly addRecords: boolean;
  readonly addValidation: boolean;
}

/**
 * Edits that make a certificate DNS-validated end to end: the method, the Route 53 records from
 * `domain_validation_options`, the `aws_acm_certificate_validation` that waits for issuance, and
 * the consumers pointed at the validated ARN. undefined when the certificate is repeated.
 */
export function terraformDnsValidationEdits(certificate: TerraformCertificate, parts: DnsValidationParts): FileEdit[] | undefined {
  if (certificate.repeated) return undefined;
  const { module, resource } = certificate;
  const file = resource.file.path;
  const text = resource.file.syntax.text;
  const lines = new LineIndex(text);
  const edits: FileEdit[] = [];
  if (parts.switchMethod) {
    if (!certificate.validationMethodAttribute) return undefined;
    edits.push({ kind: 'replace', file, range: certificate.validationMethodAttribute.value.range, newText: '"DNS"' });
  }
  const recordsName = freeName(module, 'aws_route53_record', `${resource.name}_validation`);
  const validationName = freeName(module, 'aws_acm_certificate_validation', resource.name);
  const blocks: string[] = [];
  let variableBlock: string | undefined;
  if (parts.addRecords) {
    const zone = zoneIdExpression(certificate);
    if (zone === undefined) return undefined;
    variableBlock = zone.variableBlock;
    blocks.push(
      [
        `resource "aws_route53_record" "${recordsName}" {`,
        '§for_each = {',
        `§§for option in ${certificate.address}.domain_validation_options : option.domain_name => {`,
        ...(zone.zoneMap
          ? recordFieldsWithZone(zone.zoneMap)
          : ['§§§name   = option.resource_record_name', '§§§record = option.resource_record_value', '§§§type   = option.resource_record_type']),
        '§§}',
        '§}',
        '',
        '§allow_overwrite = true',
        '§name            = each.value.name',
        '§records         = [each.value.record]',
        '§ttl             = 60',
        '§type            = each.value.type',
        `§zone_id         = ${zone.expression}`,
        '}',
      ].join('\n'),
    );
  }
  if (parts.addValidation) {
    const fqdns = parts.addRecords ? `\n§validation_record_fqdns = [for record in aws_route53_record.${recordsName} : record.fqdn]` : '';
    blocks.push(
      `resource "aws_acm_certificate_validation" "${validationName}" {\n§certificate_arn${parts.addRecords ? '        ' : ''} = ${certificate.address}.arn${fqdns}\n}`,
    );
    // consumers read the ARN directly or through a local: both must wait for the validation
    const readers = [
      ...certificate.consumers.flatMap((consumer) =>
        consumer.directReference ? [{ reference: consumer.directReference, file: consumer.resource.file.path, text: consumer.resource.file.syntax.text }] : [],
      ),
      ...[...module.locals.values()].flatMap((local) =>
        referencesIn(local.expression)
          .filter(
            (reference) =>
              reference.root === 'aws_acm_certificate' &&
              attributeStep(reference, 0) === resource.name &&
              attributeStep(reference, 1) === 'arn' &&
              reference.steps.length === 2,
          )
          .map((reference) => ({ reference, file: local.file.path, text: local.file.syntax.text })),
      ),
    ];
    for (const reader of readers) {
      edits.push({
        kind: 'replace',
        file: reader.file,
        range: reader.reference.range,
        newText: validatedReference(reader.reference, reader.text, validationName),
      });
    }
  }
  if (variableBlock) blocks.push(variableBlock);
  if (blocks.length > 0) {
    const base = lineIndentation(text, resource.block.span.start);
    const unit = bodyIndentation(text, resource.block);
    const rendered = blocks
      .map((block) =>
        block
          .split('\n')
          .map((line) => (line === '' ? '' : base + line.replace(/§/g, unit)))
          .join('\n'),
      )
      .join('\n\n');
    edits.push(insertion(file, lines.positionAt(resource.block.span.end), `\n\n${rendered}`));
  }
  return edits;
}

/** `lifecycle { create_before_destroy = true }` in the certificate, or the flag set in the existing block. */
export function createBeforeDestroyFix(certificate: TerraformCertificate): Fix {
  const file = certificate.resource.file.path;
  const text = certificate.resource.file.syntax.text;
  const lines = new LineIndex(text);
  const unit = bodyIndentation(text, certificate.resource.block);
  const title = `Add \`lifecycle { create_before_destroy = true }\` to ${certificate.address}`;
  if (certificate.createBeforeDestroy) {
    return {
      title: `Set create_before_destroy = true in ${certificate.address}`,
      edits: [{ kind: 'replace', file, range: certificate.createBeforeDestroy.value.range, newText: 'true' }],
      preferred: true,
      safe: true,
    };
  }
  const target: HclBlock = certificate.lifecycle ?? certificate.resource.block;
  const base = lineIndentation(text, target.span.start);
  if (!text.slice(target.openBrace.end, target.closeBrace.start).includes('\n')) {
    // `lifecycle { prevent_destroy = true }`: a one-line block holds a single argument, so it
    // becomes a block of lines (Terraform: "Invalid single-argument block definition")
    const content = text.slice(target.openBrace.end, target.closeBrace.start).trim();
    const added = certificate.lifecycle ? ['create_before_destroy = true'] : ['lifecycle {', `${unit}create_before_destroy = true`, '}'];
    const body = [...(content === '' ? [] : [content]), ...added].map((line) => `${base}${unit}${line}\n`).join('');
    const range = { start: lines.positionAt(target.openBrace.end), end: lines.positionAt(target.closeBrace.start) };
    return { title, edits: [{ kind: 'replace', file, range, newText: `\n${body}${base}` }], preferred: true, safe: true };
  }
  const inner = certificate.lifecycle
    ? `${base}${bodyIndentation(text, certificate.lifecycle)}create_before_destroy = true\n`
    : `\n${base}${unit}lifecycle {\n${base}${unit}${unit}create_before_destroy = true\n${base}${unit}}\n`;
  const closeLineStart = text.lastIndexOf('\n', target.closeBrace.start - 1) + 1;
  const closeAlone = /^[ \t]*$/.test(text.slice(closeLineStart, target.closeBrace.start));
  const edit = closeAlone
    ? insertion(file, lines.positionAt(closeLineStart), inner)
    : insertion(file, lines.positionAt(target.closeBrace.start), `\n${inner}${base}`);
  return { title, edits: [edit], preferred: true, safe: true };
}

/**
 * A value's own text, when it sits on one line and can be copied elsewhere as is. A YAML
 * function call in long form (`Ref: Domain`, `Fn::Join: [...]` below its key) is a block
 * mapping: it becomes the flow mapping `{ "Ref": "Domain" }`, which fits after a key.
 */
function copyable(text: string, value: CfnValue): string | undefined {
  const source = text.slice(value.span.start, value.span.end);
  if (source.includes('\n') || value.kind === 'mapping' || value.kind === 'sequence') return undefined;
  if (value.kind !== 'intrinsic' || source.startsWith('!') || source.startsWith('{')) return source;
  const argument = value.argument;
  if (argument.kind === 'scalar') return argument.value === null ? undefined : `{ ${JSON.stringify(value.name)}: ${JSON.stringify(argument.value)} }`;
  // a flow collection (`[".", [a, b]]`) reads the same inside a flow mapping; anything else is not copied
  const argumentSource = text.slice(argument.span.start, argument.span.end);
  return /^[[{]/.test(argumentSource) ? `{ ${JSON.stringify(value.name)}: ${argumentSource} }` : undefined;
}

/**
 * CloudFormation: `ValidationMethod: DNS` and `DomainValidationOptions` with a `HostedZoneId` per
 * domain: the public hosted zone of the template whose name is the domain's longest suffix, else a
 * hosted-zone parameter, or a new parameter.
 */
export function cloudFormationDnsValidationEdits(certificate: CloudFormationCertificate, switchMethod: boolean): FileEdit[] | undefined {
  const { template, resource } = certificate;
  const properties = resource.properties;
  const methodEntry = certificate.validationMethodEntry;
  if (!properties || (properties.flow && template.format === 'yaml') || !methodEntry || certificate.domainValidationOptions) return undefined;
  const { text, file } = template;
  const json = template.format === 'json';
  const lines = new LineIndex(text);
  const unit = json ? indentationUnit(text) : indentationUnit(text.slice(template.resourcesEntry.keySpan.start));
  const domainValues = [properties.entries.find((entry) => entry.key === 'DomainName')?.value];
  const alternatives = properties.entries.find((entry) => entry.key === 'SubjectAlternativeNames')?.value;
  if (alternatives?.kind === 'sequence') domainValues.push(...alternatives.items);
  // each domain once, in the order written, with the public zone of the template that is its longest suffix
  const domains = new Map<string, string | undefined>();
  const zones = cloudFormationPublicZones(template);
  for (const value of domainValues) {
    const source = value ? copyable(text, value) : undefined;
    if (source === undefined || domains.has(source)) continue;
    const domain = templateString(template, value);
    domains.set(source, domain === undefined ? undefined : longestSuffixZone(domain, zones));
  }
  if (domains.size === 0) return undefined;

  const edits: FileEdit[] = [];
  // a domain no zone of the template fits takes a hosted-zone parameter, an existing one or a new one
  let fallbackZone = template.parameters.find((parameter) => parameter.type === 'AWS::Route53::HostedZone::Id')?.name;
  if (fallbackZone === undefined && [...domains.values()].some((zone) => zone === undefined)) {
    fallbackZone = template.parameters.some((parameter) => parameter.name === 'HostedZoneId') ? 'CertificateHostedZoneId' : 'HostedZoneId';
    const parametersEdit = newParameterEdit(template, fallbackZone, unit, lines);
    if (!parametersEdit) return undefined;
    edits.push(parametersEdit);
  }
  const entries = [...domains].map(([domain, zone]) => ({ domain, zone: zone ?? fallbackZone ?? '' }));
  const indentation = lineIndentation(text, methodEntry.keySpan.start);
  const methodValue = methodEntry.value;
  let addition: string;
  if (json) {
    const items = entries.map(({ domain, zone }) => `${indentation}${unit}{ "DomainName": ${domain}, "HostedZoneId": { "Ref": "${zone}" } }`).join(',\n');
    addition = `,\n${indentation}"DomainValidationOptions": [\n${items}\n${indentation}]`;
    edits.push({
      kind: 'replace',
      file,
      range: methodValue.range,
      newText: `${switchMethod ? '"DNS"' : text.slice(methodValue.span.start, methodValue.span.end)}${addition}`,
    });
  } else {
    const items = entries
      .map(({ domain, zone }) => `${indentation}${unit}- DomainName: ${domain}\n${indentation}${unit}  HostedZoneId: !Ref ${zone}`)
      .join('\n');
    addition = `\n${indentation}DomainValidationOptions:\n${items}`;
    const lineEnd = text.indexOf('\n', methodValue.span.end);
    const endOfLine = lineEnd < 0 ? text.length : text.charAt(lineEnd - 1) === '\r' ? lineEnd - 1 : lineEnd;
    if (endOfLine === methodValue.span.end) {
      edits.push({
        kind: 'replace',
        file,
        range: methodValue.range,
        newText: `${switchMethod ? 'DNS' : text.slice(methodValue.span.start, methodValue.span.end)}${addition}`,
      });
    } else {
      if (switchMethod) edits.push({ kind: 'replace', file, range: methodValue.range, newText: 'DNS' });
      edits.push(insertion(file, lines.positionAt(endOfLine), addition));
    }
  }
  return edits;
}

function newParameterEdit(template: CloudFormationCertificate['template'], name: string, unit: string, lines: LineIndex): FileEdit | undefined {
  const { text, file } = template;
  const parameters = template.parametersEntry;
  if (template.format === 'json') {
    const body = `"${name}": { "Type": "AWS::Route53::HostedZone::Id", "Description": "The Route 53 hosted zone that holds the certificate's DNS validation records" }`;
    if (parameters) {
      const value = parameters.value;
      if (value.kind !== 'mapping') return undefined;
      const last = value.entries.at(-1);
      if (!last) return undefined;
      return insertion(file, lines.positionAt(last.value.span.end), `,\n${lineIndentation(text, last.keySpan.start)}${body}`);
    }
    const indentation = lineIndentation(text, template.resourcesEntry.keySpan.start);
    return insertion(
      file,
      lines.positionAt(template.resourcesEntry.keySpan.start),
      `"Parameters": {\n${indentation}${unit}${body}\n${indentation}},\n${indentation}`,
    );
  }
  const body = (indentation: string): string =>
    `${indentation}${name}:\n${indentation}${unit}Type: AWS::Route53::HostedZone::Id\n${indentation}${unit}Description: The Route 53 hosted zone that holds the certificate's DNS validation records`;
  if (parameters) {
    const value = parameters.value;
    if (value.kind !== 'mapping' || value.flow) return undefined;
    const first = value.entries[0];
    if (!first) return undefined;
    return insertion(file, lines.positionAt(value.span.end), `\n${body(lineIndentation(text, first.keySpan.start))}`);
  }
  const resourcesStart = template.resourcesEntry.keySpan.start;
  const indentation = lineIndentation(text, resourcesStart);
  return insertion(file, lines.positionAt(resourcesStart), `Parameters:\n${body(indentation + unit)}\n\n${indentation}`);
}
