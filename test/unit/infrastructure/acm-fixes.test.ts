import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { parseTemplateText } from '../../../server/src/languages/cloudformation/template';
import type { FileEdit } from '../../../server/src/text/findings';
import { offsetAt } from '../../../server/src/text/line-index';
import { initializeTerraformParser, parseHcl } from '../../../server/src/languages/terraform/hcl-parser';
import { TerraformModule } from '../../../server/src/languages/terraform/module';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { fixturesRoot } from '../../support/paths';

const ruleIds = ['acm-email-validation', 'acm-validation-missing', 'acm-replace-without-create-before-destroy'];
const root = '/project';

function filesOf(directory: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) Object.assign(files, filesOf(path, `${prefix}${name}/`));
    else if (name !== 'expected.json') files[`${root}/${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return files;
}

/** Applies one file's replace edits from the last to the first, as an editor does. */
function applyEdits(files: Record<string, string>, edits: readonly FileEdit[]): Record<string, string> {
  const result = { ...files };
  for (const edit of edits) if (edit.kind === 'create') result[edit.file] = edit.content;
  const replacements = edits.flatMap((edit) => (edit.kind === 'replace' ? [edit] : []));
  for (const file of new Set(replacements.map((edit) => edit.file))) {
    const text = result[file] ?? '';
    const ordered = replacements
      .filter((edit) => edit.file === file)
      .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
      .sort((first, second) => second.start - first.start);
    for (const [index, edit] of ordered.entries()) assert.ok(index === 0 || edit.end <= (ordered[index - 1]?.start ?? 0), `edits of ${file} overlap`);
    result[file] = ordered.reduce((current, edit) => current.slice(0, edit.start) + edit.newText + current.slice(edit.end), text);
  }
  return result;
}

function assertParses(path: string, text: string): void {
  if (path.endsWith('.tf')) assert.deepEqual(parseHcl(text).errors, [], `${path}:\n${text}`);
  else if (/\.(ya?ml|json)$/.test(path)) assert.deepEqual(parseTemplateText(text, path.endsWith('.json') ? 'json' : 'yaml').errors, [], `${path}:\n${text}`);
}

describe('ACM quick fixes', () => {
  before(() => initializeTerraformParser());

  for (const ruleId of ruleIds) {
    const directory = join(fixturesRoot, 'rules', ruleId);
    for (const name of readdirSync(directory).filter((candidate) => candidate.startsWith('bad-'))) {
      it(`${ruleId}/${name}: the fix parses again and silences the rule`, async () => {
        const files = filesOf(join(directory, name));
        const before = await analyzeWorkspace(new MemoryFileSystem(files), root);
        const findings = before.findings.filter((finding) => finding.ruleId === ruleId);
        assert.ok(findings.length > 0);
        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const fixed = applyEdits(files, fix.edits);
            for (const edit of fix.edits) assertParses(edit.file, fixed[edit.file] ?? '');
            const after = await analyzeWorkspace(new MemoryFileSystem(fixed), root);
            assert.deepEqual(after.internalErrors, []);
            assert.deepEqual(
              after.findings.filter((candidate) => candidate.ruleId === ruleId).map((candidate) => candidate.message),
              [],
              Object.entries(fixed)
                .map(([path, text]) => `${path}:\n${text}`)
                .join('\n'),
            );
          }
        }
      });
    }
  }
});

/** The files after the first fix of the one finding of the rule. */
async function fixedFiles(files: Record<string, string>, ruleId: string): Promise<Record<string, string>> {
  const analysis = await analyzeWorkspace(new MemoryFileSystem(files), root);
  const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
  assert.equal(findings.length, 1, findings.map((finding) => finding.message).join('\n'));
  const fix = findings[0]?.fixes[0];
  assert.ok(fix, 'no fix');
  return applyEdits(files, fix.edits);
}

const listener = `
resource "aws_lb_listener_certificate" "api" {
  listener_arn    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"
  certificate_arn = aws_acm_certificate.api.arn
}
`;

describe('ACM quick fixes: the edited text', () => {
  before(() => initializeTerraformParser());

  it('offers no DNS fix in a module another module calls when no hosted zone fits: a new required variable would break the caller', async () => {
    const certificate = `variable "method" {\n  default = "EMAIL"\n}\n\nresource "aws_acm_certificate" "this" {\n  domain_name       = "app.example.com"\n  validation_method = var.method\n}\n`;
    const called = { [`${root}/main.tf`]: 'module "cert" {\n  source = "./cert"\n}\n', [`${root}/cert/main.tf`]: certificate };
    const findings = (await analyzeWorkspace(new MemoryFileSystem(called), root)).findings.filter((finding) => finding.ruleId === 'acm-email-validation');
    assert.deepEqual(
      findings.map((finding) => [finding.fixes.length, /No fix is offered/.test(finding.message)]),
      [[0, true]],
    );
    // alone, the module is a root module: its fix adds the variable, which `terraform apply` asks for
    const alone = await fixedFiles({ [`${root}/main.tf`]: certificate }, 'acm-email-validation');
    assert.match(alone[`${root}/main.tf`] ?? '', /variable "route53_zone_id" \{/);
    // a zone in the module: the fix uses it, called or not
    const zone = 'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n';
    const withZone = await fixedFiles({ ...called, [`${root}/cert/zone.tf`]: zone }, 'acm-email-validation');
    assert.match(withZone[`${root}/cert/main.tf`] ?? '', /zone_id += aws_route53_zone\.main\.zone_id/);
    assert.doesNotMatch(withZone[`${root}/cert/main.tf`] ?? '', /route53_zone_id/);
  });

  it('sees each.value.arn in a resource whose for_each is the certificate, and splats, as uses of the certificate', async () => {
    const certificate = (meta: string): string =>
      `resource "aws_acm_certificate" "c" {\n  ${meta}\n  domain_name       = "app.example.com"\n  validation_method = "DNS"\n}\n`;
    const consumer = (meta: string, arn: string): string =>
      `resource "aws_lb_listener_certificate" "l" {\n  ${meta}\n  listener_arn    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"\n  certificate_arn = ${arn}\n}\n`;
    const cases: [string, string, string][] = [
      ['for_each = toset(["a"])', 'for_each = aws_acm_certificate.c', 'each.value.arn'],
      ['for_each = toset(["a"])', 'for_each = values(aws_acm_certificate.c)', 'each.value.id'],
      ['count = 1', '', 'one(aws_acm_certificate.c[*].arn)'],
      ['count = 1', '', 'aws_acm_certificate.c.*.arn[0]'],
    ];
    for (const [certificateMeta, consumerMeta, arn] of cases) {
      const files = { [`${root}/main.tf`]: certificate(certificateMeta) + consumer(consumerMeta, arn) };
      const findings = (await analyzeWorkspace(new MemoryFileSystem(files), root)).findings.map((finding) => finding.ruleId).sort();
      assert.deepEqual(findings, ['acm-replace-without-create-before-destroy', 'acm-validation-missing'], arn);
    }
  });

  it('expands a one-line lifecycle block to add create_before_destroy (Terraform allows one argument on one line)', async () => {
    const path = `${root}/main.tf`;
    const fixed = await fixedFiles(
      {
        [path]: `resource "aws_acm_certificate" "api" {\n  domain_name       = "api.example.com"\n  validation_method = "DNS"\n  lifecycle { prevent_destroy = true }\n}\n${listener}`,
      },
      'acm-replace-without-create-before-destroy',
    );
    assert.equal(
      fixed[path],
      `resource "aws_acm_certificate" "api" {\n  domain_name       = "api.example.com"\n  validation_method = "DNS"\n  lifecycle {\n    prevent_destroy = true\n    create_before_destroy = true\n  }\n}\n${listener}`,
    );
  });

  it('expands a one-line certificate block to add its lifecycle', async () => {
    const path = `${root}/main.tf`;
    const fixed = await fixedFiles(
      { [path]: `resource "aws_acm_certificate" "api" { domain_name = "api.example.com" }\n${listener}` },
      'acm-replace-without-create-before-destroy',
    );
    assert.equal(
      fixed[path],
      `resource "aws_acm_certificate" "api" {\n  domain_name = "api.example.com"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n${listener}`,
    );
  });

  it('writes a long-form Ref domain as a flow mapping in DomainValidationOptions', async () => {
    const path = `${root}/template.yaml`;
    const head = 'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Domain:\n    Type: String\n';
    const resources =
      'Resources:\n  Cert:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName:\n        Ref: Domain\n      ValidationMethod: DNS\n';
    const fixed = await fixedFiles({ [path]: head + resources }, 'acm-validation-missing');
    assert.equal(
      fixed[path],
      `${head}  HostedZoneId:\n    Type: AWS::Route53::HostedZone::Id\n    Description: The Route 53 hosted zone that holds the certificate's DNS validation records\n${resources}` +
        '      DomainValidationOptions:\n        - DomainName: { "Ref": "Domain" }\n          HostedZoneId: !Ref HostedZoneId\n',
    );
    assert.deepEqual(parseTemplateText(fixed[path] ?? '', 'yaml').errors, []);
  });

  it('writes a long-form Fn::Join domain as a flow mapping in DomainValidationOptions', async () => {
    const path = `${root}/template.yaml`;
    const text =
      'Resources:\n  Zone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.com\n  Cert:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName:\n        Fn::Join: [".", ["c", "example.com"]]\n      ValidationMethod: EMAIL\n';
    const fixed = await fixedFiles({ [path]: text }, 'acm-email-validation');
    assert.equal(
      fixed[path],
      text.replace(
        'EMAIL\n',
        'DNS\n      DomainValidationOptions:\n        - DomainName: { "Fn::Join": [".", ["c", "example.com"]] }\n          HostedZoneId: !Ref Zone\n',
      ),
    );
  });

  const emailCertificate = 'resource "aws_acm_certificate" "cdn" {\n  domain_name       = "cdn.example.com"\n  validation_method = "EMAIL"\n}\n';

  it('names the instance of a hosted zone with count = 1 in the generated records', async () => {
    const path = `${root}/main.tf`;
    const fixed = await fixedFiles(
      { [path]: `${emailCertificate}resource "aws_route53_zone" "a" {\n  count = 1\n  name  = "example.com"\n}\n` },
      'acm-email-validation',
    );
    assert.match(fixed[path] ?? '', /\n {2}zone_id {9}= aws_route53_zone\.a\[0\]\.zone_id\n/);
  });

  it('does not pick a hosted zone with for_each or a count that may be 0: it asks for the zone in a variable', async () => {
    const path = `${root}/main.tf`;
    const zones =
      'resource "aws_route53_zone" "each" {\n  for_each = toset(["example.com"])\n  name     = each.key\n}\n' +
      'resource "aws_route53_zone" "maybe" {\n  count = var.create_zone ? 1 : 0\n  name  = "example.com"\n}\n';
    const fixed = await fixedFiles({ [path]: emailCertificate + zones }, 'acm-email-validation');
    assert.match(fixed[path] ?? '', /\n {2}zone_id {9}= var\.route53_zone_id\n/);
    assert.match(fixed[path] ?? '', /\nvariable "route53_zone_id" \{\n/);
  });

  it('still reports a validation whose validation_record_fqdns is provably empty', async () => {
    const text =
      'resource "aws_acm_certificate" "api" {\n  domain_name       = "api.example.com"\n  validation_method = "DNS"\n}\n' +
      'resource "aws_acm_certificate_validation" "api" {\n  certificate_arn         = aws_acm_certificate.api.arn\n  validation_record_fqdns = []\n}\n';
    const analysis = await analyzeWorkspace(new MemoryFileSystem({ [`${root}/main.tf`]: text }), root);
    assert.deepEqual(
      analysis.findings
        .filter((finding) => finding.ruleId === 'acm-validation-missing')
        .map((finding) => [finding.location.range, finding.fixes.map((fix) => fix.title)]),
      [[{ start: { line: 2, character: 22 }, end: { line: 2, character: 27 } }, ['Add the Route 53 validation records for aws_acm_certificate.api']]],
    );
  });

  it('reads each attribute of a module a bounded number of times, however many certificates it has', async () => {
    const certificates = (count: number): Record<string, string> => {
      const blocks = Array.from(
        { length: count },
        (_, index) =>
          `resource "aws_acm_certificate" "c${index}" {\n  domain_name       = "s${index}.example.com"\n  validation_method = "DNS"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n` +
          `resource "aws_route53_record" "v${index}" {\n  for_each = { for o in aws_acm_certificate.c${index}.domain_validation_options : o.domain_name => o }\n  name     = each.value.resource_record_name\n  records  = [each.value.resource_record_value]\n  type     = each.value.resource_record_type\n  ttl      = 60\n  zone_id  = "Z1"\n}\n` +
          `resource "aws_acm_certificate_validation" "c${index}" {\n  certificate_arn         = aws_acm_certificate.c${index}.arn\n  validation_record_fqdns = [for r in aws_route53_record.v${index} : r.fqdn]\n}\n` +
          `resource "aws_lb_listener_certificate" "c${index}" {\n  listener_arn    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"\n  certificate_arn = aws_acm_certificate_validation.c${index}.certificate_arn\n}\n`,
      );
      return { [`${root}/main.tf`]: blocks.join('\n') };
    };
    const original = TerraformModule.prototype.referencesThroughLocals;
    let calls = 0;
    TerraformModule.prototype.referencesThroughLocals = function (this: TerraformModule, ...args: Parameters<typeof original>) {
      calls++;
      return original.apply(this, args);
    };
    try {
      const counted = async (count: number): Promise<number> => {
        calls = 0;
        const analysis = await analyzeWorkspace(new MemoryFileSystem(certificates(count)), root);
        assert.deepEqual(
          analysis.findings.filter((finding) => ruleIds.includes(finding.ruleId)),
          [],
        );
        return calls;
      };
      const few = await counted(20);
      const many = await counted(80);
      // 4 times the certificates: about 4 times the work, not 16 times
      assert.ok(many <= few * 4.5, `${few} reads for 20 certificates, ${many} for 80`);
    } finally {
      TerraformModule.prototype.referencesThroughLocals = original;
    }
  });
});
