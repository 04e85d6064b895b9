import { strict as assert } from 'node:assert';
import { evaluateTemplateString, parseTemplateText, readCloudFormationTemplate, valueOf } from '../../../server/src/languages/cloudformation/template';

const yamlText = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Method:
    Type: String
    Default: EMAIL
Resources:
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: !Sub "www.\${AWS::StackName}.example.com"
      ValidationMethod: !Ref Method
      Tags: !If [IsProd, [{Key: a, Value: b}], !Ref "AWS::NoValue"]
`;

describe('CloudFormation reader', () => {
  it('reads YAML short-form tags as intrinsic functions with exact ranges', () => {
    const template = readCloudFormationTemplate('/t.yaml', yamlText, 'yaml');
    assert.ok(template);
    assert.deepEqual(
      template.resources.map((resource) => [resource.logicalId, resource.type]),
      [['Cert', 'AWS::CertificateManager::Certificate']],
    );
    const properties = template.resources[0]?.properties;
    assert.ok(properties);
    const method = valueOf(properties, 'ValidationMethod');
    assert.equal(method?.kind, 'intrinsic');
    assert.deepEqual(method?.kind === 'intrinsic' && [method.name, method.argument.kind === 'scalar' && method.argument.value], ['Ref', 'Method']);
    assert.deepEqual(method?.range, { start: { line: 10, character: 24 }, end: { line: 10, character: 35 } });
    assert.equal(evaluateTemplateString(template, method), 'EMAIL');
    const domain = valueOf(properties, 'DomainName');
    assert.deepEqual(domain?.kind === 'intrinsic' && domain.name, 'Fn::Sub');
    assert.equal(evaluateTemplateString(template, domain), undefined);
    const tags = valueOf(properties, 'Tags');
    assert.deepEqual(tags?.kind === 'intrinsic' && [tags.name, tags.argument.kind], ['Fn::If', 'sequence']);
    assert.deepEqual(
      template.parameters.map((parameter) => [parameter.name, parameter.type]),
      [['Method', 'String']],
    );
  });

  it('reads JSON templates and their long-form functions', () => {
    const text =
      '{\n\t"Resources": {\n\t\t"Cert": {\n\t\t\t"Type": "AWS::CertificateManager::Certificate",\n\t\t\t"Properties": { "DomainName": { "Ref": "Domain" }, "ValidationMethod": "DNS" }\n\t\t}\n\t}\n}\n';
    const template = readCloudFormationTemplate('/t.json', text, 'json');
    assert.ok(template);
    const properties = template.resources[0]?.properties;
    assert.ok(properties);
    const domain = valueOf(properties, 'DomainName');
    assert.deepEqual(domain?.kind === 'intrinsic' && domain.name, 'Ref');
    const method = valueOf(properties, 'ValidationMethod');
    assert.deepEqual(method, {
      kind: 'scalar',
      value: 'DNS',
      span: { start: text.indexOf('"DNS"'), end: text.indexOf('"DNS"') + 5 },
      range: { start: { line: 4, character: 74 }, end: { line: 4, character: 79 } },
    });
  });

  it('is not a template without AWSTemplateFormatVersion or AWS:: resources', () => {
    assert.equal(readCloudFormationTemplate('/compose.yaml', 'services:\n  web:\n    image: nginx\n', 'yaml'), undefined);
    assert.equal(readCloudFormationTemplate('/x.yaml', 'Resources:\n  A:\n    Type: Custom::Thing\n', 'yaml'), undefined);
  });

  it('reports malformed input as errors, never throws', () => {
    assert.equal(parseTemplateText('Resources: [\n', 'yaml').errors.length > 0, true);
    assert.deepEqual(
      parseTemplateText('{"a": }', 'json').errors.map((error) => error.range.start),
      [{ line: 0, character: 6 }],
    );
    for (const [input, format] of [
      ['a: *unknown', 'yaml'],
      ['!Ref', 'yaml'],
      ['\u0000', 'json'],
      ['key: [a, b', 'yaml'],
      ['', 'json'],
    ] as const) {
      assert.doesNotThrow(() => parseTemplateText(input, format));
    }
  });
});
