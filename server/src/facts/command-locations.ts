import { isScalar, isSeq, parseDocument, visit, type LineCounter, type Scalar, type YAMLSeq } from 'yaml';
import { yamlPositionAt } from '../languages/compose/yaml-reader';
import type { ComposeDocument, ComposeProject, ComposeService } from '../languages/compose/model';
import type { FileEdit } from '../text/findings';
import type { ComposeCommand, ComposeCommandField, ComposeWord } from '../languages/shell/compose-command';
import { resolveComposeInterpolation } from '../languages/shell/compose-words';
import type { ShellWord, TextSpan } from '../languages/shell/shell-script';
import type { SourceLocation } from '../text/source-location';
import type { SourceTexts } from '../inventory/inventory';

/**
 * Which string of a service's `command:` / `entrypoint:` a span counts in: the string form
 * (item 0) or one item of the list form. Spans count in the string after compose's
 * interpolation, as the deployment model parses it.
 */
export interface CommandStringPlace {
  readonly field: ComposeCommandField;
  readonly item: number;
}

/** The place of a word: its own for an argv word, the script's for a word of an `sh -c` body. */
export function placeOfWord(command: ComposeCommand, word: ShellWord): CommandStringPlace | undefined {
  const composeWord = command.argv.find((candidate) => candidate === word) as ComposeWord | undefined;
  if (composeWord) return { field: composeWord.field, item: composeWord.item };
  const body = command.shell?.body;
  return body ? { field: body.field, item: body.item } : undefined;
}

interface ResolvedString {
  readonly file: string;
  readonly text: string;
  readonly lineCounter: LineCounter;
  readonly scalar: Scalar;
  /** Set for the list form: the sequence holding `scalar`. */
  readonly sequence?: YAMLSeq;
  /** The YAML value before interpolation. */
  readonly raw: string;
  /** The value as the model holds it (after interpolation). */
  readonly interpolated: string;
  /** For each index of `raw` (and its end), where it stands in `text`. */
  readonly sourceOffsets: readonly number[];
}

function startsAt(lineCounter: LineCounter, offset: number, position: { line: number; character: number }): boolean {
  const start = yamlPositionAt(lineCounter, offset);
  return start.line === position.line && start.character === position.character;
}

/** The YAML node a compose value was read from: the node that starts where its location starts. */
function nodeAt(document: ComposeDocument, position: { line: number; character: number }): Scalar | YAMLSeq | undefined {
  let found: Scalar | YAMLSeq | undefined;
  visit(document.document, {
    Scalar(_key, node) {
      if (node.range && startsAt(document.lineCounter, node.range[0], position)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
    Seq(_key, node) {
      if (node.range && startsAt(document.lineCounter, node.range[0], position)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

const doubleQuoteEscapes: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** Where each character of a one-line quoted scalar's value is written; undefined when the scalar folds lines. */
function quotedOffsets(text: string, start: number, end: number, double: boolean): { value: string; offsets: number[] } | undefined {
  let value = '';
  const offsets: number[] = [];
  let index = start + 1;
  const close = end - 1;
  while (index < close) {
    const character = text[index] as string;
    if (character === '\n' || character === '\r') return undefined;
    if (!double && character === "'" && text[index + 1] === "'") {
      value += "'";
      offsets.push(index);
      index += 2;
      continue;
    }
    if (double && character === '\\') {
      const next = text[index + 1] as string;
      const simple = doubleQuoteEscapes[next];
      if (simple === undefined) return undefined;
      value += simple;
      offsets.push(index);
      index += 2;
      continue;
    }
    value += character;
    offsets.push(index);
    index++;
  }
  offsets.push(close);
  return { value, offsets };
}

/**
 * Where each character of a block scalar's value is written. Literal scalars keep their line
 * breaks, folded ones turn a single break between two plain lines into a space; the caller
 * checks the result against the parsed value, so any case read differently yields nothing.
 */
function blockOffsets(text: string, start: number, end: number, folded: boolean): { value: string; offsets: number[] } | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return undefined;
  if (/\d/.test(text.slice(start, headerEnd).replace(/#.*$/, ''))) return undefined;
  const lines: { start: number; content: string }[] = [];
  let lineStart = headerEnd + 1;
  while (lineStart < end) {
    const lineEnd = text.indexOf('\n', lineStart);
    const stop = lineEnd < 0 || lineEnd > end ? end : lineEnd;
    lines.push({ start: lineStart, content: text.slice(lineStart, stop).replace(/\r$/, '') });
    lineStart = stop + 1;
  }
  const firstContent = lines.find((line) => line.content.trim() !== '');
  if (!firstContent) return undefined;
  const indent = /^ */.exec(firstContent.content)?.[0].length ?? 0;
  let value = '';
  const offsets: number[] = [];
  let previousPlain = false;
  let pendingBreak: number | undefined;
  let emptyLines: number[] = [];
  for (const line of lines) {
    const empty = line.content.trim() === '';
    if (empty) {
      emptyLines.push(line.start);
      continue;
    }
    const body = line.content.slice(indent);
    const plain = !/^[ \t]/.test(body);
    if (pendingBreak !== undefined) {
      if (folded && previousPlain && plain && emptyLines.length === 0) {
        value += ' ';
        offsets.push(pendingBreak);
      } else {
        if (!folded || !previousPlain || !plain) {
          value += '\n';
          offsets.push(pendingBreak);
        }
        for (const emptyStart of emptyLines) {
          value += '\n';
          offsets.push(emptyStart);
        }
      }
    }
    emptyLines = [];
    for (let index = 0; index < body.length; index++) {
      value += body[index];
      offsets.push(line.start + indent + index);
    }
    previousPlain = plain;
    pendingBreak = line.start + line.content.length;
  }
  offsets.push(pendingBreak ?? end);
  return { value, offsets };
}

/** For each index of the scalar's value (and its end), its offset in the file text. */
function scalarSourceOffsets(text: string, scalar: Scalar, raw: string): number[] | undefined {
  if (!scalar.range) return undefined;
  const [start, end] = scalar.range;
  let read: { value: string; offsets: number[] } | undefined;
  switch (scalar.type) {
    case 'PLAIN':
      read = { value: text.slice(start, end), offsets: Array.from({ length: end - start + 1 }, (_, index) => start + index) };
      break;
    case 'QUOTE_SINGLE':
      read = quotedOffsets(text, start, end, false);
      break;
    case 'QUOTE_DOUBLE':
      read = quotedOffsets(text, start, end, true);
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      read = blockOffsets(text, start, end, scalar.type === 'BLOCK_FOLDED');
      break;
    default:
      return undefined;
  }
  if (!read) return undefined;
  // chomping only changes trailing line breaks, which no span points into
  const trimmedRaw = raw.replace(/\n+$/, '');
  if (read.value.replace(/\n+$/, '') !== trimmedRaw) return undefined;
  return [
    ...read.offsets.slice(0, trimmedRaw.length),
    ...new Array<number>(raw.length - trimmedRaw.length + 1).fill(read.offsets[trimmedRaw.length] as number),
  ];
}

function resolveString(texts: SourceTexts, project: ComposeProject, service: ComposeService, place: CommandStringPlace): ResolvedString | undefined {
  const located = place.field === 'command' ? service.command : service.entrypoint;
  if (!located || located.value === undefined) return undefined;
  const interpolated = typeof located.value === 'string' ? (place.item === 0 ? located.value : undefined) : located.value[place.item];
  if (interpolated === undefined) return undefined;
  const document = project.documents.find((candidate) => candidate.file === located.location.file);
  if (!document) return undefined;
  const node = nodeAt(document, located.location.range.start);
  let scalar: Scalar | undefined;
  let sequence: YAMLSeq | undefined;
  if (node && isSeq(node) && typeof located.value !== 'string') {
    sequence = node;
    const item = node.items[place.item];
    scalar = isScalar(item) ? item : undefined;
  } else if (node && isScalar(node) && typeof located.value === 'string') {
    scalar = node;
  }
  if (!scalar || typeof scalar.value !== 'string') return undefined;
  const text = texts.text(document.file);
  if (text === undefined) return undefined;
  const sourceOffsets = scalarSourceOffsets(text, scalar, scalar.value);
  if (!sourceOffsets) return undefined;
  return {
    file: document.file,
    text,
    lineCounter: document.lineCounter,
    scalar,
    ...(sequence ? { sequence } : {}),
    raw: scalar.value,
    interpolated,
    sourceOffsets,
  };
}

/**
 * Maps an index of the interpolated string to the YAML value. Compose replaced each variable
 * with text of unknown length, so only the part before the first variable and the part after
 * the last one can be mapped.
 */
function rawIndex(raw: string, interpolated: string, index: number): number | undefined {
  const { mapped } = resolveComposeInterpolation(raw);
  const firstOpaque = mapped.opaque.indexOf(true);
  if (firstOpaque < 0) return mapped.text === interpolated ? mapped.offsets[index] : undefined;
  const lastOpaque = mapped.opaque.lastIndexOf(true);
  const suffixLength = mapped.text.length - lastOpaque - 1;
  if (!interpolated.startsWith(mapped.text.slice(0, firstOpaque)) || !interpolated.endsWith(mapped.text.slice(lastOpaque + 1))) return undefined;
  if (index <= firstOpaque) return mapped.offsets[index];
  if (index >= interpolated.length - suffixLength) return mapped.offsets[index - interpolated.length + mapped.text.length];
  return undefined;
}

function fileOffset(resolved: ResolvedString, index: number): number | undefined {
  const raw = rawIndex(resolved.raw, resolved.interpolated, index);
  return raw === undefined ? undefined : resolved.sourceOffsets[raw];
}

/** The exact characters of a span of a command string in the compose file, when they can be known. */
export function exactCommandLocation(
  texts: SourceTexts,
  project: ComposeProject,
  service: ComposeService,
  place: CommandStringPlace,
  span: TextSpan,
): SourceLocation | undefined {
  const resolved = resolveString(texts, project, service, place);
  if (!resolved) return undefined;
  const start = fileOffset(resolved, span.start);
  const end = fileOffset(resolved, span.end);
  if (start === undefined || end === undefined || end < start) return undefined;
  return { file: resolved.file, range: { start: yamlPositionAt(resolved.lineCounter, start), end: yamlPositionAt(resolved.lineCounter, end) } };
}

/** The span's exact characters, or else the whole `command:` / `entrypoint:` value. */
export function commandLocation(
  texts: SourceTexts,
  project: ComposeProject,
  service: ComposeService,
  place: CommandStringPlace,
  span: TextSpan,
): SourceLocation | undefined {
  const exact = exactCommandLocation(texts, project, service, place, span);
  if (exact) return exact;
  return (place.field === 'command' ? service.command : service.entrypoint)?.location;
}

/** Parses a piece of YAML standing at `column` of its file, as it would read in place. */
function parseInPlace(snippet: string, column: number): unknown {
  const document = parseDocument(' '.repeat(column) + snippet);
  if (document.errors.length > 0) return undefined;
  return document.toJS();
}

function columnOf(lineCounter: LineCounter, offset: number): number {
  return yamlPositionAt(lineCounter, offset).character;
}

function replaceEdit(resolved: ResolvedString, start: number, end: number, newText: string): FileEdit {
  return {
    kind: 'replace',
    file: resolved.file,
    range: { start: yamlPositionAt(resolved.lineCounter, start), end: yamlPositionAt(resolved.lineCounter, end) },
    newText,
  };
}

/** Removes a whole item of a list-form command, with its separator or its line. */
function removeItem(resolved: ResolvedString, place: CommandStringPlace): FileEdit | undefined {
  const sequence = resolved.sequence;
  const range = sequence?.range;
  const itemRange = resolved.scalar.range;
  if (!sequence || !range || !itemRange) return undefined;
  const { text } = resolved;
  let start: number;
  let end: number;
  if (sequence.flow) {
    const previous = sequence.items[place.item - 1];
    const next = sequence.items[place.item + 1];
    if (isScalar(previous) && previous.range) [start, end] = [previous.range[1], itemRange[1]];
    else if (isScalar(next) && next.range) [start, end] = [itemRange[0], next.range[0]];
    else return undefined;
  } else {
    start = text.lastIndexOf('\n', itemRange[0] - 1) + 1;
    const lineEnd = text.indexOf('\n', itemRange[1]);
    end = lineEnd < 0 ? text.length : lineEnd + 1;
    if (!/^[ \t]*-[ \t]+$/.test(text.slice(start, itemRange[0])) || !/^[ \t]*(#.*)?\r?\n?$/.test(text.slice(itemRange[1], end))) return undefined;
  }
  // a block sequence is read from the start of its first line, a flow one from its bracket
  const snippetStart = sequence.flow ? range[0] : text.lastIndexOf('\n', range[0] - 1) + 1;
  const column = sequence.flow ? columnOf(resolved.lineCounter, range[0]) : 0;
  const edited = text.slice(snippetStart, start) + text.slice(end, Math.max(range[1], end));
  const expected = sequence.items.filter((_, index) => index !== place.item).map((item) => (isScalar(item) ? item.value : undefined));
  const parsed = parseInPlace(edited, column);
  if (!Array.isArray(parsed) || JSON.stringify(parsed) !== JSON.stringify(expected)) return undefined;
  return replaceEdit(resolved, start, end, '');
}

/**
 * An edit that replaces a span of a command string (interpolated coordinates) with `newText`,
 * written into the YAML scalar so that compose reads exactly the intended string. undefined when
 * that cannot be done exactly (escapes the edit would cross, variables around it, folded lines
 * that would change); the edited scalar is parsed again to make sure.
 */
export function replaceCommandText(
  texts: SourceTexts,
  project: ComposeProject,
  service: ComposeService,
  place: CommandStringPlace,
  span: TextSpan,
  newText: string,
): FileEdit | undefined {
  const resolved = resolveString(texts, project, service, place);
  if (!resolved || /[\n\\'"$]/.test(newText)) return undefined;
  if (newText === '' && resolved.sequence && span.start === 0 && span.end === resolved.interpolated.length) return removeItem(resolved, place);
  const rawStart = rawIndex(resolved.raw, resolved.interpolated, span.start);
  const rawEnd = rawIndex(resolved.raw, resolved.interpolated, span.end);
  if (rawStart === undefined || rawEnd === undefined) return undefined;
  const start = resolved.sourceOffsets[rawStart];
  const end = resolved.sourceOffsets[rawEnd];
  const range = resolved.scalar.range;
  if (start === undefined || end === undefined || !range || end < start) return undefined;
  const expected = resolved.raw.slice(0, rawStart) + newText + resolved.raw.slice(rawEnd);
  const edited = resolved.text.slice(range[0], start) + newText + resolved.text.slice(end, range[1]);
  const parsed = parseInPlace(edited, columnOf(resolved.lineCounter, range[0]));
  if (typeof parsed !== 'string' || parsed !== expected) return undefined;
  return replaceEdit(resolved, start, end, newText);
}

/**
 * Removes a word (or several adjacent words, `--server URL`) from a command string together with
 * the blanks that separated it from the word before, or else after it.
 */
export function removeCommandWords(
  texts: SourceTexts,
  project: ComposeProject,
  service: ComposeService,
  place: CommandStringPlace,
  span: TextSpan,
): FileEdit | undefined {
  const resolved = resolveString(texts, project, service, place);
  if (!resolved) return undefined;
  const value = resolved.interpolated;
  let start = span.start;
  let end = span.end;
  while (start > 0 && /[ \t]/.test(value[start - 1] as string)) start--;
  if (start === span.start || start === 0) {
    start = span.start;
    while (end < value.length && /[ \t]/.test(value[end] as string)) end++;
  }
  return replaceCommandText(texts, project, service, place, { start, end }, '');
}
