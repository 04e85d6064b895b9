import { strict as assert } from 'node:assert';
import { findAttribute, referencesIn, type HclExpression } from '../../../server/src/languages/terraform/hcl-syntax';
import { initializeTerraformParser, parseHcl } from '../../../server/src/languages/terraform/hcl-parser';
import { TerraformModule } from '../../../server/src/languages/terraform/module';

const text = `locals {
  domain = "example.com"
}

variable "method" {
  default = "EMAIL"
}

resource "aws_acm_certificate" "cert" {
  domain_name       = "www.\${local.domain}"
  validation_method = var.method # comment
  tags              = { Name = "site", "x-y" = 1 }
  lifecycle {
    create_before_destroy = true
  }
}
`;

function written(expression: HclExpression): string {
  return text.slice(expression.span.start, expression.span.end);
}

describe('HCL reader', () => {
  before(() => initializeTerraformParser());

  it('reads blocks, labels, attributes and nested blocks with exact ranges', () => {
    const file = parseHcl(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(
      file.body.blocks.map((block) => [block.type, ...block.labels.map((label) => label.value)]),
      [['locals'], ['variable', 'method'], ['resource', 'aws_acm_certificate', 'cert']],
    );
    const resource = file.body.blocks[2];
    assert.ok(resource);
    assert.deepEqual(resource.labels[1]?.range, { start: { line: 8, character: 31 }, end: { line: 8, character: 37 } });
    assert.deepEqual(resource.range, { start: { line: 8, character: 0 }, end: { line: 15, character: 1 } });
    const method = findAttribute(resource.body, 'validation_method');
    assert.equal(method && written(method.value), 'var.method');
    assert.deepEqual(method?.value.range, { start: { line: 10, character: 22 }, end: { line: 10, character: 32 } });
    assert.deepEqual(method?.value.kind === 'reference' && [method.value.root, method.value.steps.map((step) => step.kind === 'attribute' && step.name)], [
      'var',
      ['method'],
    ]);
    const domain = findAttribute(resource.body, 'domain_name');
    assert.equal(domain?.value.kind, 'template');
    assert.deepEqual(domain && referencesIn(domain.value).map(written), ['local.domain']);
    const tags = findAttribute(resource.body, 'tags')?.value;
    assert.deepEqual(
      tags?.kind === 'object' &&
        tags.entries.map((entry) => [entry.key.kind === 'literal' && entry.key.value, entry.value.kind === 'literal' && entry.value.value]),
      [
        ['Name', 'site'],
        ['x-y', 1],
      ],
    );
    const lifecycle = resource.body.blocks[0];
    assert.equal(lifecycle?.type, 'lifecycle');
    assert.deepEqual(lifecycle && findAttribute(lifecycle.body, 'create_before_destroy')?.value, {
      kind: 'literal',
      value: true,
      span: { start: text.indexOf('true'), end: text.indexOf('true') + 4 },
      range: { start: { line: 13, character: 28 }, end: { line: 13, character: 32 } },
    });
  });

  it('evaluates locals and variable defaults, and leaves the unknown unknown', () => {
    const module = new TerraformModule('/m', [{ path: '/m/main.tf', syntax: parseHcl(text) }], {
      tfvars: new Map(),
      unreadTfvars: false,
      passedByCallers: new Set(),
    });
    const resource = module.resource('resource', 'aws_acm_certificate', 'cert');
    assert.ok(resource);
    const value = (name: string): string | undefined => {
      const attribute = findAttribute(resource.block.body, name);
      return attribute && module.evaluateString(attribute.value);
    };
    assert.equal(value('domain_name'), 'www.example.com');
    assert.equal(value('validation_method'), 'EMAIL');
    const called = new TerraformModule('/m', module.files, { tfvars: new Map(), unreadTfvars: false, passedByCallers: new Set(['method']) });
    const method = findAttribute(resource.block.body, 'validation_method');
    assert.equal(method && called.evaluateString(method.value), undefined);
  });

  it('finds the names Terraform refuses to see declared twice, but not what an override file merges', () => {
    const files = [
      { path: '/m/a.tf', syntax: parseHcl('resource "aws_acm_certificate" "cert" {}\nlocals {\n  zone = "a"\n}\n') },
      { path: '/m/b.tf', syntax: parseHcl('resource "aws_acm_certificate" "cert" {}\ndata "aws_acm_certificate" "cert" {}\nlocals {\n  zone = "b"\n}\n') },
      { path: '/m/override.tf', syntax: parseHcl('resource "aws_acm_certificate" "cert" {}\n') },
      { path: '/m/dns_override.tf', syntax: parseHcl('variable "zone" {}\nvariable "zone" {}\n') },
    ];
    const module = new TerraformModule('/m', files, { tfvars: new Map(), unreadTfvars: false, passedByCallers: new Set() });
    assert.deepEqual(
      module.duplicates.map((duplicate) => [
        duplicate.address,
        duplicate.summary,
        duplicate.first.file.path,
        duplicate.first.range.start.line,
        duplicate.second.file.path,
        duplicate.second.range.start.line,
      ]),
      [
        ['aws_acm_certificate.cert', 'Duplicate resource "aws_acm_certificate" configuration', '/m/a.tf', 0, '/m/b.tf', 0],
        ['local.zone', 'Duplicate local value definition', '/m/a.tf', 2, '/m/b.tf', 3],
      ],
    );
    assert.equal(module.acceptedByTerraform, false);
    assert.equal(
      new TerraformModule('/m', files.slice(0, 1), { tfvars: new Map(), unreadTfvars: false, passedByCallers: new Set() }).acceptedByTerraform,
      true,
    );
  });

  it('decodes escapes and reads for expressions over domain_validation_options', () => {
    const file = parseHcl('a = "q\\"\\n$${x}"\nb = { for o in aws_acm_certificate.c.domain_validation_options : o.domain_name => o }\n');
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.body.attributes[0]?.value.kind === 'literal' && file.body.attributes[0].value.value, 'q"\n${x}');
    const loop = file.body.attributes[1]?.value;
    assert.equal(loop?.kind, 'for');
    assert.deepEqual(loop?.kind === 'for' && loop.variables, ['o']);
    assert.deepEqual(loop && referencesIn(loop).map((reference) => reference.root), ['aws_acm_certificate', 'o', 'o']);
  });

  it('keeps the steps after a splat: x[*].arn and x.*.arn read arn like x[0].arn', () => {
    const file = parseHcl('a = one(x.c[*].arn)\nb = element(concat(x.c.*.arn, [""]), 0)\nc = x.c[0].arn\nd = x.c.*.arn[0]\ne = x.c[*]\n');
    assert.deepEqual(file.errors, []);
    const steps = file.body.attributes.map((attribute) =>
      referencesIn(attribute.value).map((reference) => reference.steps.map((step) => (step.kind === 'attribute' ? step.name : step.kind))),
    );
    assert.deepEqual(steps, [[['c', 'splat', 'arn']], [['c', 'splat', 'arn']], [['c', 'index', 'arn']], [['c', 'splat', 'arn', 'index']], [['c', 'splat']]]);
  });

  it('reports two arguments on one line, which Terraform refuses ("Missing newline after argument")', () => {
    const file = parseHcl('resource "a" "b" {\n  x = "1" y = "2"\n  z = 3 # comment\n  w = [\n    1,\n  ]\n}\n');
    assert.deepEqual(
      file.errors.map((error) => [error.message, error.range.start]),
      [['syntax error: missing newline after argument', { line: 1, character: 10 }]],
    );
    assert.deepEqual(parseHcl('a = 1\nb = { c = 1, d = 2 }\nlifecycle { x = true }\n').errors, []);
  });

  it('reports malformed input as errors and keeps what it could read', () => {
    const file = parseHcl('resource "a" "b" {\n  x = \n}\nresource "c" "d" {\n  y = 1\n}\n');
    assert.ok(file.errors.length > 0);
    assert.ok(file.errors.every((error) => error.message.startsWith('syntax error')));
    for (const input of ['{{{{', '\u0000\u0001', '"unterminated', 'a = [1, 2', '']) assert.doesNotThrow(() => parseHcl(input));
    assert.deepEqual(parseHcl('').errors, []);
  });
});
