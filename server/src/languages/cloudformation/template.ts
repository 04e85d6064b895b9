import { exceedsYamlTokens, maximumYamlTokens } from '../yaml-tokens';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type ScalarTag, type CollectionTag } from 'yaml';
import { JsonSyntaxError, type JsonValue, nodeRange, parseJsonDocument } from '../json/json-document';
import { LineIndex } from '../../text/line-index';
import type { Range } from '../../text/source-location';

/** UTF-16 offsets into the template's text, end exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

interface CfnNode {
  readonly span: TextSpan;
  readonly range: Range;
}

export interface CfnScalar extends CfnNode {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
}

export interface CfnSequence extends CfnNode {
  readonly kind: 'sequence';
  readonly items: readonly CfnValue[];
  /** `[a, b]` in YAML, and every JSON array. */
  readonly flow: boolean;
}

export interface CfnEntry {
  readonly key: string;
  readonly keySpan: TextSpan;
  readonly keyRange: Range;
  readonly value: CfnValue;
}

export interface CfnMapping extends CfnNode {
  readonly kind: 'mapping';
  readonly entries: readonly CfnEntry[];
  readonly flow: boolean;
}

/** `!Ref X`, `{ "Ref": "X" }`, `!Sub …`, `Fn::GetAtt: […]`: named by the long form (`Ref`, `Fn::Sub`). */
export interface CfnIntrinsic extends CfnNode {
  readonly kind: 'intrinsic';
  readonly name: string;
  readonly argument: CfnValue;
}

export type CfnValue = CfnScalar | CfnSequence | CfnMapping | CfnIntrinsic;

export interface CfnSyntaxError extends CfnNode {
  readonly message: string;
}

export type TemplateFormat = 'yaml' | 'json';

export interface ParsedTemplateText {
  readonly root: CfnValue | undefined;
  readonly errors: readonly CfnSyntaxError[];
}

export interface CfnResource {
  readonly logicalId: string;
  readonly entry: CfnEntry;
  readonly type: string;
  readonly properties: CfnMapping | undefined;
}

export interface CfnParameter {
  readonly name: string;
  readonly entry: CfnEntry;
  readonly type: string | undefined;
  readonly default: CfnValue | undefined;
}

export interface CloudFormationTemplate {
  readonly file: string;
  readonly text: string;
  readonly format: TemplateFormat;
  readonly root: CfnMapping;
  readonly resources: readonly CfnResource[];
  readonly parameters: readonly CfnParameter[];
  readonly parametersEntry: CfnEntry | undefined;
  readonly resourcesEntry: CfnEntry;
}

/** The short forms CloudFormation's YAML accepts, each the long form's name without `Fn::`. */
const shortFormNames = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

function longFormName(shortName: string): string {
  return shortName === 'Ref' || shortName === 'Condition' ? shortName : `Fn::${shortName}`;
}

/** Each short form on a scalar, a sequence and a mapping; the node keeps its tag, read below. */
const customTags: (ScalarTag | CollectionTag)[] = shortFormNames.flatMap((name): (ScalarTag | CollectionTag)[] => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq', resolve: (value) => value },
  { tag: `!${name}`, collection: 'map', resolve: (value) => value },
]);

/** Templates are small; CloudFormation itself refuses a template body over 1 MB. */
const maximumLength = 2_000_000;
/** Bounds alias expansion and nesting, so a hostile file costs an error, not the editor. */
const maximumNodes = 200_000;
const maximumDepth = 500;

class TooComplex extends Error {}

/** Reads a template's text (YAML with short-form tags, or JSON); reports errors, never throws. */
export function parseTemplateText(text: string, format: TemplateFormat): ParsedTemplateText {
  const lines = new LineIndex(text);
  const error = (message: string, start: number, end: number): CfnSyntaxError => ({
    message,
    span: { start, end },
    range: { start: lines.positionAt(start), end: lines.positionAt(end) },
  });
  if (text.length > maximumLength)
    return { root: undefined, errors: [error(`not analysed: ${text.length} characters, more than the limit of ${maximumLength}`, 0, 0)] };
  try {
    if (format === 'json') return { root: fromJson(parseJsonDocument(text), lines, 0), errors: [] };
    if (exceedsYamlTokens(text)) return { root: undefined, errors: [error(`not analysed: more than ${maximumYamlTokens} YAML tokens`, 0, 0)] };
    const document = parseDocument(text, { customTags, prettyErrors: false, uniqueKeys: true, merge: false });
    const errors = document.errors.map((problem) => error(problem.message, problem.pos[0], problem.pos[1]));
    if (errors.length > 0) return { root: undefined, errors };
    const contents = document.contents;
    if (contents === null) return { root: undefined, errors: [] };
    return { root: new YamlConverter(text, lines).convert(contents, 0), errors: [] };
  } catch (problem) {
    if (problem instanceof JsonSyntaxError) return { root: undefined, errors: [error(problem.message, problem.offset, problem.offset)] };
    if (problem instanceof TooComplex) return { root: undefined, errors: [error(problem.message, 0, 0)] };
    throw problem;
  }
}

function fromJson(value: JsonValue, lines: LineIndex, depth: number): CfnValue {
  if (depth > maximumDepth) throw new TooComplex(`nested deeper than ${maximumDepth} levels`);
  const span = { start: value.start, end: value.end };
  const range = nodeRange(lines, value);
  if (value.kind === 'array') return { kind: 'sequence', span, range, flow: true, items: value.items.map((item) => fromJson(item, lines, depth + 1)) };
  if (value.kind === 'object') {
    const entries = value.members.map(
      (member): CfnEntry => ({
        key: member.key,
        keySpan: { start: member.keyNode.start, end: member.keyNode.end },
        keyRange: nodeRange(lines, member.keyNode),
        value: fromJson(member.value, lines, depth + 1),
      }),
    );
    return longFormIntrinsic({ kind: 'mapping', span, range, flow: true, entries });
  }
  return { kind: 'scalar', span, range, value: value.value };
}

/** `{ "Ref": "X" }` and `Fn::Sub: …` as the only key of a mapping is a function call. */
function longFormIntrinsic(mapping: CfnMapping): CfnValue {
  const [only] = mapping.entries;
  if (mapping.entries.length !== 1 || !only) return mapping;
  if (only.key !== 'Ref' && only.key !== 'Condition' && !only.key.startsWith('Fn::')) return mapping;
  return { kind: 'intrinsic', name: only.key, argument: only.value, span: mapping.span, range: mapping.range };
}

class YamlConverter {
  private nodes = 0;

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  private located(start: number, end: number): { span: TextSpan; range: Range } {
    // yaml ends a block collection at the start of the next line; a node ends at its last character
    let trimmed = end;
    while (trimmed > start && /\s/.test(this.text.charAt(trimmed - 1))) trimmed--;
    return { span: { start, end: trimmed }, range: { start: this.lines.positionAt(start), end: this.lines.positionAt(trimmed) } };
  }

  /** Where a tagged node's tag starts: yaml's ranges begin after it. */
  private tagStart(tag: string, valueStart: number): number {
    const index = this.text.lastIndexOf(tag, valueStart);
    return index >= 0 && /^\s*$/.test(this.text.slice(index + tag.length, valueStart)) ? index : valueStart;
  }

  convert(node: YamlNode, depth: number): CfnValue {
    if (++this.nodes > maximumNodes) throw new TooComplex(`more than ${maximumNodes} YAML nodes`);
    if (depth > maximumDepth) throw new TooComplex(`nested deeper than ${maximumDepth} levels`);
    const [start = 0, end = start] = node.range ?? [];
    // an alias stands for a node elsewhere in the file: its value is not at this place, so unknown here
    if (isAlias(node)) return { kind: 'scalar', value: null, ...this.located(start, end) };
    const value = this.untagged(node, start, end, depth);
    const tag = node.tag;
    if (tag?.startsWith('!') && shortFormNames.includes(tag.slice(1))) {
      return { kind: 'intrinsic', name: longFormName(tag.slice(1)), argument: value, ...this.located(this.tagStart(tag, start), end) };
    }
    return value;
  }

  private untagged(node: YamlNode, start: number, end: number, depth: number): CfnValue {
    const located = this.located(start, end);
    if (isMap(node)) {
      const entries: CfnEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const [keyStart = 0, keyEnd = keyStart] = pair.key.range ?? [];
        const keyLocated = this.located(keyStart, keyEnd);
        const value: CfnValue = pair.value
          ? this.convert(pair.value as YamlNode, depth + 1)
          : { kind: 'scalar', value: null, ...this.located(keyLocated.span.end, keyLocated.span.end) };
        entries.push({ key: String(pair.key.value), keySpan: keyLocated.span, keyRange: keyLocated.range, value });
      }
      return longFormIntrinsic({ kind: 'mapping', entries, flow: node.flow === true, ...located });
    }
    if (isSeq(node)) {
      return { kind: 'sequence', items: node.items.map((item) => this.convert(item as YamlNode, depth + 1)), flow: node.flow === true, ...located };
    }
    if (isScalar(node)) {
      const value = node.value;
      const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value);
      return { kind: 'scalar', value: scalar, ...located };
    }
    return { kind: 'scalar', value: null, ...located };
  }
}

export function entryOf(mapping: CfnMapping, key: string): CfnEntry | undefined {
  return mapping.entries.find((entry) => entry.key === key);
}

export function valueOf(mapping: CfnMapping, key: string): CfnValue | undefined {
  return entryOf(mapping, key)?.value;
}

function scalarString(value: CfnValue | undefined): string | undefined {
  return value?.kind === 'scalar' && typeof value.value === 'string' ? value.value : undefined;
}

/**
 * A template is a mapping with `AWSTemplateFormatVersion`, or whose `Resources` entries have an
 * `AWS::` type: anything else (compose files, package.json) is not one.
 */
export function readCloudFormationTemplate(file: string, text: string, format: TemplateFormat): CloudFormationTemplate | undefined {
  const { root } = parseTemplateText(text, format);
  if (root?.kind !== 'mapping') return undefined;
  const resourcesEntry = entryOf(root, 'Resources');
  if (resourcesEntry?.value.kind !== 'mapping') return undefined;
  const resources = resourcesEntry.value.entries.flatMap((entry): CfnResource[] => {
    if (entry.value.kind !== 'mapping') return [];
    const type = scalarString(valueOf(entry.value, 'Type'));
    if (type === undefined) return [];
    const properties = valueOf(entry.value, 'Properties');
    return [{ logicalId: entry.key, entry, type, properties: properties?.kind === 'mapping' ? properties : undefined }];
  });
  const declared = entryOf(root, 'AWSTemplateFormatVersion') !== undefined;
  if (!declared && !resources.some((resource) => resource.type.startsWith('AWS::'))) return undefined;
  const parametersEntry = entryOf(root, 'Parameters');
  const parameters =
    parametersEntry?.value.kind === 'mapping'
      ? parametersEntry.value.entries.map((entry): CfnParameter => {
          const body = entry.value.kind === 'mapping' ? entry.value : undefined;
          return { name: entry.key, entry, type: body ? scalarString(valueOf(body, 'Type')) : undefined, default: body ? valueOf(body, 'Default') : undefined };
        })
      : [];
  return { file, text, format, root, resources, parameters, parametersEntry, resourcesEntry };
}

/** A string the value certainly is: a literal, or a `Ref` to a parameter with a default. */
export function evaluateTemplateString(template: CloudFormationTemplate, value: CfnValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'scalar') return typeof value.value === 'string' ? value.value : undefined;
  if (value.kind === 'intrinsic' && value.name === 'Ref') {
    const name = scalarString(value.argument);
    const parameter = template.parameters.find((candidate) => candidate.name === name);
    return parameter?.default?.kind === 'scalar' && typeof parameter.default.value === 'string' ? parameter.default.value : undefined;
  }
  return undefined;
}
