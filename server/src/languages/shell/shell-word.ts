import type { Node } from 'web-tree-sitter';
import type { ShellWord, TextSpan } from './shell-script';

/** Maps an index of the parsed text to the caller's coordinates (see `ShellWord.offsets`). */
export type OffsetMap = (index: number) => number;

/** Collects a word's value one character at a time, remembering where each was written. */
class WordBuilder {
  value = '';
  literal = true;
  /** The value with quoted characters masked, to spot globs and braces the shell would expand. */
  unquoted = '';
  readonly offsets: number[] = [];
  private lastEnd: number | undefined;

  constructor(private readonly map: OffsetMap) {}

  push(characters: string, start: number, end: number, quoted: boolean): void {
    this.value += characters;
    this.unquoted += quoted ? '\u0000'.repeat(characters.length) : characters;
    for (let index = 0; index < characters.length; index++) this.offsets.push(this.map(start + index));
    this.lastEnd = this.map(end);
  }

  /** A character written as an escape sequence spanning `start`..`end`. */
  pushEscaped(character: string, start: number, end: number, quoted: boolean): void {
    this.value += character;
    this.unquoted += quoted ? '\u0000'.repeat(character.length) : character;
    for (let index = 0; index < character.length; index++) this.offsets.push(this.map(start));
    this.lastEnd = this.map(end);
  }

  finish(span: TextSpan): ShellWord {
    const offsets = [...this.offsets, this.lastEnd ?? span.start];
    // Pathname expansion, tilde expansion and brace expansion all happen on unquoted text only.
    const expands = /[*?[]/.test(this.unquoted) || this.unquoted.startsWith('~') || /\{[^}]*(,|\.\.)[^}]*\}/.test(this.unquoted);
    return { value: this.value, literal: this.literal && !expands, span, offsets };
  }
}

/**
 * One word of nodes that stand side by side with no blank between them: bash splits words at
 * blanks only, and tree-sitter-bash sometimes ends a word inside a quoted argument
 * (`"-keyout "$path/key.pem" -out "$path/cert.pem"` comes as two nodes, split after a `$`). What
 * the split cut through is not read as text: such a word is never literal. `opaque` marks text
 * that something before the shell replaces (compose interpolation): a word touching it cannot be
 * known from the text.
 */
export function wordFromNodes(nodes: readonly Node[], text: string, map: OffsetMap, opaque?: (start: number, end: number) => boolean): ShellWord {
  const builder = new WordBuilder(map);
  for (const node of nodes) appendNode(node, text, builder);
  const start = nodes[0]?.startIndex ?? 0;
  const end = nodes[nodes.length - 1]?.endIndex ?? start;
  if (nodes.length > 1 || opaque?.(start, end)) builder.literal = false;
  return builder.finish({ start: map(start), end: map(end) });
}

function appendNode(node: Node, text: string, builder: WordBuilder): void {
  // Keywords such as `export` in a declaration are anonymous tokens: plain text.
  if (!node.isNamed) {
    appendUnquoted(text, node.startIndex, node.endIndex, builder);
    return;
  }
  switch (node.type) {
    case 'word':
      appendUnquoted(text, node.startIndex, node.endIndex, builder);
      return;
    case 'variable_name':
      appendUnquoted(text, node.startIndex, node.endIndex, builder);
      return;
    case 'number':
    case 'concatenation':
    case 'command_name':
    case 'variable_assignment':
      appendChildren(node, text, builder);
      return;
    case 'raw_string':
      builder.push(text.slice(node.startIndex + 1, node.endIndex - 1), node.startIndex + 1, node.endIndex - 1, true);
      return;
    case 'string':
      appendDoubleQuoted(node, text, builder);
      return;
    case 'translated_string': {
      const inner = node.namedChildren.find((child) => child?.type === 'string');
      if (inner) appendDoubleQuoted(inner, text, builder);
      return;
    }
    case 'ansi_c_string':
      appendAnsiC(text, node.startIndex + 2, node.endIndex - 1, builder);
      return;
    default:
      appendExpansion(text, node.startIndex, node.endIndex, builder, false);
  }
}

/** Children of a concatenation or number; text between them (rare) counts as unquoted. */
function appendChildren(node: Node, text: string, builder: WordBuilder): void {
  let position = node.startIndex;
  for (const child of node.children) {
    if (!child) continue;
    if (child.startIndex > position) appendUnquoted(text, position, child.startIndex, builder);
    if (child.isNamed) appendNode(child, text, builder);
    else appendUnquoted(text, child.startIndex, child.endIndex, builder);
    position = child.endIndex;
  }
  if (node.endIndex > position) appendUnquoted(text, position, node.endIndex, builder);
}

function appendExpansion(text: string, start: number, end: number, builder: WordBuilder, quoted: boolean): void {
  builder.literal = false;
  builder.push(text.slice(start, end), start, end, quoted);
}

function appendUnquoted(text: string, start: number, end: number, builder: WordBuilder): void {
  let index = start;
  while (index < end) {
    const character = text[index] as string;
    if (character === '$' && index + 1 < end) {
      // tree-sitter keeps some expansions inside a word token (`a$b` splits, `$` alone does not).
      builder.literal = false;
    }
    if (character === '\\' && index + 1 < end) {
      const next = text[index + 1] as string;
      if (next !== '\n') builder.pushEscaped(next, index, index + 2, true);
      index += 2;
      continue;
    }
    builder.push(character, index, index + 1, false);
    index++;
  }
}

function appendDoubleQuoted(node: Node, text: string, builder: WordBuilder): void {
  const closing = node.lastChild;
  const contentEnd = closing && closing.type === '"' && node.childCount > 1 ? closing.startIndex : node.endIndex;
  let position = node.startIndex + 1;
  for (const child of node.children) {
    if (!child || child.type === '"') continue;
    if (child.startIndex > position) appendDoubleQuotedText(text, position, child.startIndex, builder);
    if (child.type === 'string_content' || !child.isNamed) appendDoubleQuotedText(text, child.startIndex, child.endIndex, builder);
    else appendExpansion(text, child.startIndex, child.endIndex, builder, true);
    position = Math.max(position, child.endIndex);
  }
  if (contentEnd > position) appendDoubleQuotedText(text, position, contentEnd, builder);
}

/** Inside double quotes a backslash only escapes `$`, backquote, `"`, `\` and a newline. */
function appendDoubleQuotedText(text: string, start: number, end: number, builder: WordBuilder): void {
  let index = start;
  while (index < end) {
    const character = text[index] as string;
    if (character === '\\' && index + 1 < end) {
      const next = text[index + 1] as string;
      if (next === '\n') {
        index += 2;
        continue;
      }
      if ('$`"\\'.includes(next)) {
        builder.pushEscaped(next, index, index + 2, true);
        index += 2;
        continue;
      }
    }
    builder.push(character, index, index + 1, true);
    index++;
  }
}

const ansiCEscapes: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** `$'…'` as bash decodes it; an unknown escape keeps its backslash, as bash does. */
function appendAnsiC(text: string, start: number, end: number, builder: WordBuilder): void {
  let index = start;
  while (index < end) {
    const character = text[index] as string;
    if (character !== '\\' || index + 1 >= end) {
      builder.push(character, index, index + 1, true);
      index++;
      continue;
    }
    const next = text[index + 1] as string;
    const simple = ansiCEscapes[next];
    if (simple !== undefined) {
      builder.pushEscaped(simple, index, index + 2, true);
      index += 2;
      continue;
    }
    const numeric = /^(?:x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|([0-7]{1,3}))/.exec(text.slice(index + 1, Math.min(end, index + 10)));
    if (numeric) {
      const [sequence, hex, unicode, longUnicode, octal] = numeric;
      const code = octal !== undefined ? parseInt(octal, 8) : parseInt((hex ?? unicode ?? longUnicode) as string, 16);
      const decoded = code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
      builder.pushEscaped(decoded, index, index + 1 + sequence.length, true);
      index += 1 + sequence.length;
      continue;
    }
    builder.push(character + next, index, index + 2, true);
    index += 2;
  }
}

/** The part of `word` between two indices of its value, with its own span and offsets. */
export function sliceWord(word: ShellWord, start: number, end: number = word.value.length): ShellWord {
  const offsets = word.offsets.slice(start, end);
  const endOffset = end >= word.value.length ? (word.offsets[word.value.length] as number) : (word.offsets[end] as number);
  offsets.push(endOffset);
  const spanStart = start < word.value.length ? (word.offsets[start] as number) : endOffset;
  return { value: word.value.slice(start, end), literal: word.literal, span: { start: spanStart, end: endOffset }, offsets };
}
