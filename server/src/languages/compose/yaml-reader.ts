import { posix } from 'node:path';
import { type Alias, type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, visit } from 'yaml';
import { describeFileSystemError, type FileSystem, FileSystemError } from '../../workspace/file-system';
import { exceedsYamlTokens, maximumYamlTokens } from '../yaml-tokens';
import type { ComposeEntry, ComposeMapping, ComposeNode, MergeTag } from './compose-node';
import { indentFlowContinuations } from './flow-indentation';
import { findForeignTemplate, type ForeignTemplate } from './foreign-template';
import { interpolate, type VariableLookup } from './interpolation';
import { type ComposeDiagnostic, fileStartLocation, type Position, type Range, type SourceLocation } from './source-location';

/** Compose files are small; anything bigger is a generated or unrelated file not worth parsing. */
export const maximumComposeFileSize = 5 * 1024 * 1024;

/** Bounds alias expansion, so a "billion laughs" file costs a diagnostic, not the editor. */
const maximumNodeCount = 100_000;

export interface ComposeFileContent {
  readonly file: string;
  /** undefined when the file cannot be used at all (unreadable, binary, not YAML, not a mapping). */
  readonly root: ComposeMapping | undefined;
  readonly diagnostics: ComposeDiagnostic[];
  /** The parsed document, for edits that keep comments; undefined when the file was not parsed. */
  readonly document: Document.Parsed | undefined;
  readonly lineCounter: LineCounter | undefined;
  /** Set when the file is a template another tool renders (Jinja, a Go template, ERB): compose never reads it as it is. */
  readonly template?: ForeignTemplate;
}

/**
 * Reads one compose file: refuses binary and huge files, parses YAML keeping ranges, expands
 * aliases and merge keys, and interpolates every string value with `variables` (compose
 * interpolates each file before merging, and never interpolates keys).
 */
export function readComposeFile(fileSystem: FileSystem, file: string, variables: VariableLookup, baseDirectory: string): ComposeFileContent {
  const unusable = (code: ComposeDiagnostic['code'], message: string, severity: ComposeDiagnostic['severity'] = 'error'): ComposeFileContent => ({
    file,
    root: undefined,
    diagnostics: [{ code, severity, message, location: fileStartLocation(file) }],
    document: undefined,
    lineCounter: undefined,
  });
  const size = fileSystem.stat(file)?.size ?? 0;
  if (size > maximumComposeFileSize) {
    return unusable('file-too-large', `${file} is ${size} bytes; compose files over ${maximumComposeFileSize} bytes are not read`, 'warning');
  }
  let bytes: Uint8Array;
  try {
    bytes = fileSystem.readFile(file);
  } catch (error) {
    // compose would follow a link out of the workspace; certboot never reads there
    if (error instanceof FileSystemError && error.code === 'OUTSIDE_ROOTS') {
      return unusable('unreadable-file', `${file} links outside the workspace, where certboot does not read: its services are not checked`, 'warning');
    }
    return unusable('unreadable-file', `cannot read ${file}: ${describeFileSystemError(error)}`);
  }
  if (bytes.byteLength > maximumComposeFileSize) {
    return unusable('file-too-large', `${file} is ${bytes.byteLength} bytes; compose files over ${maximumComposeFileSize} bytes are not read`, 'warning');
  }
  if (bytes.indexOf(0) >= 0) return unusable('binary-file', `${file} is a binary file (it holds NUL bytes), not a compose file`);
  const text = new TextDecoder('utf-8').decode(bytes);
  const template = findForeignTemplate(text, file);
  if (template) {
    const shown = template.mark === '' ? '' : ` (\`${template.mark.length > 60 ? `${template.mark.slice(0, 57)}...` : template.mark}\`)`;
    return {
      file,
      root: undefined,
      diagnostics: [
        {
          code: 'template-file',
          severity: 'information',
          message: `${posix.basename(file)} is a ${template.language} template${shown}: another tool renders it before docker compose reads the result, so certboot does not check it`,
          location: { file, range: template.range },
        },
      ],
      document: undefined,
      lineCounter: undefined,
      template,
    };
  }
  if (exceedsYamlTokens(text)) {
    return unusable('file-too-large', `${file} has more than ${maximumYamlTokens} YAML tokens; compose files this big are not read`, 'warning');
  }

  const { document, lineCounter } = parseAsComposeReads(text);
  const locate = (start: number, end: number): SourceLocation => ({ file, range: rangeOf(lineCounter, start, end) });
  const diagnostics: ComposeDiagnostic[] = [];
  for (const error of document.errors) {
    diagnostics.push({ code: 'yaml-syntax', severity: 'error', message: error.message, location: locate(error.pos[0], error.pos[1]) });
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED' && /!(reset|override)$/.test(warning.message)) continue;
    diagnostics.push({ code: 'yaml-warning', severity: 'warning', message: warning.message, location: locate(warning.pos[0], warning.pos[1]) });
  }
  // compose refuses a file with a YAML error; a half-read file would only produce false alarms.
  if (document.errors.length > 0) return { file, root: undefined, diagnostics, document, lineCounter };

  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { file, root: { kind: 'mapping', entries: new Map(), location: fileStartLocation(file), baseDirectory }, diagnostics, document, lineCounter };
  }
  if (!isMap(contents)) {
    const [start, end] = contents.range ?? [0, 0];
    diagnostics.push({
      code: 'not-a-mapping',
      severity: 'error',
      message: `${file} is not a compose file: its top level is not a mapping`,
      location: locate(start, end),
    });
    return { file, root: undefined, diagnostics, document, lineCounter };
  }
  // yaml ends a block collection at the start of the next line; a location ends at its last character.
  const locateNode = (start: number, end: number): SourceLocation => {
    let trimmed = end;
    while (trimmed > start && /\s/.test(text[trimmed - 1])) trimmed--;
    return locate(start, trimmed);
  };
  const converter = new NodeConverter(document, locateNode, baseDirectory, variables, diagnostics, file);
  const root = converter.convert(contents, new Set());
  return { file, root: root.kind === 'mapping' ? root : undefined, diagnostics, document, lineCounter };
}

const parseOptions = { merge: true, prettyErrors: false, uniqueKeys: true } as const;

/**
 * The YAML document as compose's go-yaml reads it. When `yaml` refuses the text, and some of its
 * errors come from continuation lines go-yaml does not hold to an indentation (see
 * flow-indentation.ts), the text with those lines indented further is parsed instead, with every
 * offset mapped back to the file; its errors are then the ones left.
 */
function parseAsComposeReads(text: string): { document: Document.Parsed; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, ...parseOptions });
  if (document.errors.length === 0) return { document, lineCounter };
  const indented = indentFlowContinuations(text);
  if (!indented) return { document, lineCounter };
  const lenient = parseDocument(indented.text, parseOptions);
  const toOriginal = (range: [number, number, number]): [number, number, number] => [
    indented.toOriginal(range[0]),
    indented.toOriginal(range[1]),
    indented.toOriginal(range[2]),
  ];
  visit(lenient, (_key, node) => {
    if (isNode(node) && node.range) node.range = toOriginal(node.range);
  });
  if (lenient.range) lenient.range = toOriginal(lenient.range);
  for (const problem of [...lenient.errors, ...lenient.warnings]) problem.pos = [indented.toOriginal(problem.pos[0]), indented.toOriginal(problem.pos[1])];
  const originalLines = new LineCounter();
  originalLines.addNewLine(0);
  for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', newline + 1)) originalLines.addNewLine(newline + 1);
  return { document: lenient, lineCounter: originalLines };
}

/** The LSP position of an offset of a YAML document (the yaml package counts lines and columns from 1). */
export function yamlPositionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(lineCounter: LineCounter, start: number, end: number): Range {
  return { start: yamlPositionAt(lineCounter, start), end: yamlPositionAt(lineCounter, end) };
}

class NodeConverter {
  private nodeCount = 0;
  private budgetReported = false;

  constructor(
    private readonly document: Document.Parsed,
    private readonly locate: (start: number, end: number) => SourceLocation,
    private readonly baseDirectory: string,
    private readonly variables: VariableLookup,
    private readonly diagnostics: ComposeDiagnostic[],
    private readonly file: string,
  ) {}

  /** `ancestors` holds the YAML nodes being converted, so an alias to one of them cannot recurse forever. */
  convert(node: unknown, ancestors: Set<Node>, fallback?: SourceLocation): ComposeNode {
    const location = this.locationOf(node) ?? fallback ?? fileStartLocation(this.file);
    const empty: ComposeNode = { kind: 'scalar', value: null, unknown: false, location, baseDirectory: this.baseDirectory };
    if (++this.nodeCount > maximumNodeCount) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.diagnostics.push({
          code: 'yaml-syntax',
          severity: 'error',
          message: `${this.file} expands to more than ${maximumNodeCount} YAML nodes through aliases; the rest is ignored`,
          location,
        });
      }
      return empty;
    }
    if (isAlias(node)) return this.convertAlias(node, ancestors, location);
    const tag = mergeTagOf(node);
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'string') {
        const result = interpolate(value, this.variables);
        for (const error of result.errors) {
          this.diagnostics.push({ code: 'invalid-interpolation', severity: 'error', message: error, location });
        }
        return { kind: 'scalar', value: result.text, unknown: result.unknown, location, baseDirectory: this.baseDirectory, tag };
      }
      if (value === null || value === undefined) return { ...empty, tag };
      const primitive = typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
      return { kind: 'scalar', value: primitive, unknown: false, location, baseDirectory: this.baseDirectory, tag };
    }
    if (!isSeq(node) && !isMap(node)) return empty;
    const nested = new Set(ancestors).add(node);
    if (isSeq(node)) {
      const items = node.items.map((item) => this.convert(item, nested, location));
      return { kind: 'sequence', items, location, baseDirectory: this.baseDirectory, tag };
    }
    const entries = new Map<string, ComposeEntry>();
    const mergeSources: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isMergeKey(pair)) {
        mergeSources.push(...(isSeq(pair.value) ? pair.value.items : [pair.value]));
        continue;
      }
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key === null || key === undefined || typeof key === 'object') continue;
      const keyLocation = this.locationOf(pair.key) ?? location;
      entries.set(String(key), { key: String(key), keyLocation, value: this.convert(pair.value, nested, keyLocation) });
    }
    // Keys written in the mapping win over merged ones; among merged mappings the first one wins.
    for (const source of mergeSources) {
      const merged = this.convert(source, nested, location);
      if (merged.kind !== 'mapping') continue;
      for (const [key, entry] of merged.entries) if (!entries.has(key)) entries.set(key, entry);
    }
    return { kind: 'mapping', entries, location, baseDirectory: this.baseDirectory, tag };
  }

  private convertAlias(alias: Alias, ancestors: Set<Node>, location: SourceLocation): ComposeNode {
    const target = alias.resolve(this.document);
    if (target === undefined || ancestors.has(target)) {
      const message = target === undefined ? `unknown alias *${alias.source}` : `alias *${alias.source} refers to a node that contains it`;
      this.diagnostics.push({ code: 'yaml-syntax', severity: 'error', message, location });
      return { kind: 'scalar', value: null, unknown: false, location, baseDirectory: this.baseDirectory };
    }
    return this.convert(target, ancestors, location);
  }

  private locationOf(node: unknown): SourceLocation | undefined {
    if (!(isScalar(node) || isSeq(node) || isMap(node) || isAlias(node)) || !node.range) return undefined;
    return this.locate(node.range[0], node.range[1]);
  }
}

function isMergeKey(pair: Pair<unknown, unknown>): boolean {
  return isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.source === '<<';
}

function mergeTagOf(node: unknown): MergeTag | undefined {
  if (!(isScalar(node) || isSeq(node) || isMap(node))) return undefined;
  if (node.tag === '!reset') return 'reset';
  if (node.tag === '!override') return 'override';
  return undefined;
}
