import { strict as assert } from 'node:assert';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { parseTemplateText } from '../../../server/src/languages/cloudformation/template';
import type { FileEdit } from '../../../server/src/text/findings';
import { longestSuffixZone } from '../../../server/src/model/infrastructure/acm-hosted-zones';
import { offsetAt } from '../../../server/src/text/line-index';
import { initializeTerraformParser, parseHcl } from '../../../server/src/languages/terraform/hcl-parser';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

const root = '/project';

/** The one file after the first fix of the one finding of the rule, its edits applied last to first. */
async function fixedText(path: string, text: string, ruleId: string): Promise<string> {
  const analysis = await analyzeWorkspace(new MemoryFileSystem({ [path]: text }), root);
  const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
  assert.equal(findings.length, 1, findings.map((finding) => finding.message).join('\n'));
  const edits = (findings[0]?.fixes[0]?.edits ?? []).filter((edit): edit is Extract<FileEdit, { kind: 'replace' }> => edit.kind === 'replace');
  assert.ok(edits.length > 0, 'no fix');
  assert.ok(edits.every((edit) => edit.file === path));
  const fixed = edits
    .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
    .sort((first, second) => second.start - first.start)
    .reduce((current, edit) => current.slice(0, edit.start) + edit.newText + current.slice(edit.end), text);
  if (path.endsWith('.tf')) assert.deepEqual(parseHcl(fixed).errors, []);
  else assert.deepEqual(parseTemplateText(fixed, path.endsWith('.json') ? 'json' : 'yaml').errors, []);
  const after = await analyzeWorkspace(new MemoryFileSystem({ [path]: fixed }), root);
  assert.deepEqual(
    after.findings.filter((finding) => finding.ruleId === ruleId),
    [],
    fixed,
  );
  return fixed;
}

const records = (certificate: string, zoneId: string): string =>
  `\nresource "aws_route53_record" "${certificate}_validation" {\n  for_each = {\n    for option in aws_acm_certificate.${certificate}.domain_validation_options : option.domain_name => {\n` +
  '      name   = option.resource_record_name\n      record = option.resource_record_value\n      type   = option.resource_record_type\n    }\n  }\n\n' +
  `  allow_overwrite = true\n  name            = each.value.name\n  records         = [each.value.record]\n  ttl             = 60\n  type            = each.value.type\n  zone_id         = ${zoneId}\n}\n\n` +
  `resource "aws_acm_certificate_validation" "${certificate}" {\n  certificate_arn         = aws_acm_certificate.${certificate}.arn\n  validation_record_fqdns = [for record in aws_route53_record.${certificate}_validation : record.fqdn]\n}\n`;

const apiCertificate = 'resource "aws_acm_certificate" "api" {\n  domain_name       = "api.example.com"\n  validation_method = "DNS"\n}\n';
const routeVariable =
  '\nvariable "route53_zone_id" {\n  description = "The Route 53 hosted zone that holds the DNS validation records of aws_acm_certificate.api"\n  type        = string\n}\n';

describe('ACM quick fixes: the hosted zone of the validation records', () => {
  before(() => initializeTerraformParser());

  it('matches zone names label-wise and prefers the longest', () => {
    const zones = [
      { name: 'example.com', zone: 'root' },
      { name: 'API.example.com.', zone: 'api' },
      { name: 'le.com', zone: 'not-a-label' },
    ];
    assert.equal(longestSuffixZone('a.api.example.com', zones), 'api');
    assert.equal(longestSuffixZone('*.api.example.com', zones), 'api');
    assert.equal(longestSuffixZone('api.example.com', zones), 'api');
    assert.equal(longestSuffixZone('www.example.com', zones), 'root');
    assert.equal(longestSuffixZone('myapi.example.com', zones), 'root');
    assert.equal(longestSuffixZone('notexample.com', zones), undefined);
    assert.equal(longestSuffixZone('sample.le.com', zones), 'not-a-label');
  });

  it('skips a private data source zone listed first and takes the public one of the same name', async () => {
    const zones =
      'data "aws_route53_zone" "internal" {\n  name         = "example.com"\n  private_zone = true\n}\n\n' +
      'data "aws_route53_zone" "public" {\n  name         = "example.com"\n  private_zone = false\n}\n\n';
    const fixed = await fixedText(`${root}/main.tf`, zones + apiCertificate, 'acm-validation-missing');
    assert.equal(fixed, zones + apiCertificate + records('api', 'data.aws_route53_zone.public.zone_id'));
    assert.doesNotMatch(fixed, /zone_id += data\.aws_route53_zone\.internal/);
  });

  it('never picks a private zone (a vpc block, vpc_id, private_zone = true): it asks for the zone in a variable', async () => {
    const zones =
      'resource "aws_route53_zone" "internal" {\n  name = "example.com"\n\n  vpc {\n    vpc_id = "vpc-1"\n  }\n}\n\n' +
      'data "aws_route53_zone" "by_vpc" {\n  name   = "example.com"\n  vpc_id = "vpc-1"\n}\n\n' +
      'data "aws_route53_zone" "private" {\n  name         = "example.com"\n  private_zone = true\n}\n\n';
    const fixed = await fixedText(`${root}/main.tf`, zones + apiCertificate, 'acm-validation-missing');
    assert.equal(fixed, zones + apiCertificate + records('api', 'var.route53_zone_id') + routeVariable);
  });

  it('takes the delegated zone of the domain, not its parent', async () => {
    const zones =
      'resource "aws_route53_zone" "root" {\n  name = "example.com"\n}\n\n' +
      'resource "aws_route53_zone" "api" {\n  name = "api.example.com"\n}\n\n' +
      'resource "aws_route53_record" "api_ns" {\n  zone_id = aws_route53_zone.root.zone_id\n  name    = "api.example.com"\n  type    = "NS"\n  ttl     = 300\n  records = aws_route53_zone.api.name_servers\n}\n\n';
    const fixed = await fixedText(`${root}/main.tf`, zones + apiCertificate, 'acm-validation-missing');
    assert.equal(fixed, zones + apiCertificate + records('api', 'aws_route53_zone.api.zone_id'));
    assert.doesNotMatch(fixed, /\n {2}zone_id {9}= aws_route53_zone\.root\.zone_id/);
  });

  it('gives each record the zone of its own domain when the names need different zones', async () => {
    const zones = 'resource "aws_route53_zone" "root" {\n  name = "example.com"\n}\n\nresource "aws_route53_zone" "api" {\n  name = "api.example.com."\n}\n\n';
    const certificate =
      'resource "aws_acm_certificate" "site" {\n  domain_name               = "example.com"\n  subject_alternative_names = ["*.api.example.com", "www.example.com"]\n  validation_method         = "DNS"\n}\n';
    const fixed = await fixedText(`${root}/main.tf`, zones + certificate, 'acm-validation-missing');
    assert.equal(
      fixed,
      zones +
        certificate +
        '\nresource "aws_route53_record" "site_validation" {\n  for_each = {\n    for option in aws_acm_certificate.site.domain_validation_options : option.domain_name => {\n' +
        '      name   = option.resource_record_name\n      record = option.resource_record_value\n      type   = option.resource_record_type\n' +
        '      zone_id = {\n        "example.com"       = aws_route53_zone.root.zone_id\n        "*.api.example.com" = aws_route53_zone.api.zone_id\n        "www.example.com"   = aws_route53_zone.root.zone_id\n      }[option.domain_name]\n    }\n  }\n\n' +
        '  allow_overwrite = true\n  name            = each.value.name\n  records         = [each.value.record]\n  ttl             = 60\n  type            = each.value.type\n  zone_id         = each.value.zone_id\n}\n\n' +
        'resource "aws_acm_certificate_validation" "site" {\n  certificate_arn         = aws_acm_certificate.site.arn\n  validation_record_fqdns = [for record in aws_route53_record.site_validation : record.fqdn]\n}\n',
    );
  });

  it('asks for the zone in a variable when a name fits no zone or a zone name is not known', async () => {
    const zones =
      'resource "aws_route53_zone" "other" {\n  name = "example.org"\n}\n\n' +
      'variable "zone_name" {\n  type = string\n}\n\n' +
      'resource "aws_route53_zone" "unknown" {\n  name = var.zone_name\n}\n\n';
    const fixed = await fixedText(`${root}/main.tf`, zones + apiCertificate, 'acm-validation-missing');
    assert.equal(fixed, zones + apiCertificate + records('api', 'var.route53_zone_id') + routeVariable);
  });

  it('asks for the zone in a variable when an alternative name is not known', async () => {
    const head = 'resource "aws_route53_zone" "root" {\n  name = "example.com"\n}\n\nvariable "names" {\n  type = list(string)\n}\n\n';
    const certificate =
      'resource "aws_acm_certificate" "api" {\n  domain_name               = "api.example.com"\n  subject_alternative_names = var.names\n  validation_method         = "DNS"\n}\n';
    const fixed = await fixedText(`${root}/main.tf`, head + certificate, 'acm-validation-missing');
    assert.equal(fixed, head + certificate + records('api', 'var.route53_zone_id') + routeVariable);
  });

  const cloudFormationCertificate =
    '  OrgCert:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: api.example.org\n      ValidationMethod: DNS\n';

  it('CloudFormation: takes the zone whose name ends the domain, not the first zone', async () => {
    const text =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  ComZone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.com\n' +
      '  OrgZone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.org\n' +
      cloudFormationCertificate;
    const fixed = await fixedText(`${root}/zones.yaml`, text, 'acm-validation-missing');
    assert.equal(fixed, `${text}      DomainValidationOptions:\n        - DomainName: api.example.org\n          HostedZoneId: !Ref OrgZone\n`);
    assert.doesNotMatch(fixed, /!Ref ComZone/);
  });

  it('CloudFormation: a zone per entry, never a private one, a parameter for a name no zone fits', async () => {
    const resources =
      'Resources:\n  Internal:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.org\n      VPCs:\n        - VPCId: vpc-1\n          VPCRegion: us-east-1\n' +
      '  OrgZone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.org\n' +
      '  ApiZone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: !Sub "api.${Domain}"\n' +
      '  Cert:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: !Ref Domain\n      SubjectAlternativeNames:\n        - "*.api.example.org"\n        - shop.example.net\n      ValidationMethod: EMAIL\n';
    const head = 'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Domain:\n    Type: String\n    Default: example.org\n';
    const fixed = await fixedText(`${root}/zones.yaml`, head + resources, 'acm-email-validation');
    assert.equal(
      fixed,
      `${head}  HostedZoneId:\n    Type: AWS::Route53::HostedZone::Id\n    Description: The Route 53 hosted zone that holds the certificate's DNS validation records\n` +
        resources.replace(
          'EMAIL\n',
          'DNS\n      DomainValidationOptions:\n        - DomainName: !Ref Domain\n          HostedZoneId: !Ref OrgZone\n' +
            '        - DomainName: "*.api.example.org"\n          HostedZoneId: !Ref ApiZone\n        - DomainName: shop.example.net\n          HostedZoneId: !Ref HostedZoneId\n',
        ),
    );
    assert.doesNotMatch(fixed, /!Ref Internal/);
  });

  it('CloudFormation JSON: a zone per entry', async () => {
    const text =
      '{\n  "Resources": {\n    "ComZone": { "Type": "AWS::Route53::HostedZone", "Properties": { "Name": "example.com" } },\n' +
      '    "OrgZone": { "Type": "AWS::Route53::HostedZone", "Properties": { "Name": "example.org" } },\n' +
      '    "Cert": {\n      "Type": "AWS::CertificateManager::Certificate",\n      "Properties": {\n        "DomainName": "api.example.org",\n        "SubjectAlternativeNames": ["www.example.com"],\n        "ValidationMethod": "DNS"\n      }\n    }\n  }\n}\n';
    const fixed = await fixedText(`${root}/template.json`, text, 'acm-validation-missing');
    assert.equal(
      fixed,
      text.replace(
        '"ValidationMethod": "DNS"\n',
        '"ValidationMethod": "DNS",\n        "DomainValidationOptions": [\n          { "DomainName": "api.example.org", "HostedZoneId": { "Ref": "OrgZone" } },\n          { "DomainName": "www.example.com", "HostedZoneId": { "Ref": "ComZone" } }\n        ]\n',
      ),
    );
  });
});
