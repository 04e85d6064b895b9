/**
 * docker compose reads YAML with go-yaml (compose-go's go.mod: go.yaml.in/yaml/v4
 * v4.0.0-rc.4), whose scanner does not check indentation where YAML 1.2 does, and the `yaml`
 * package certboot parses with does:
 *
 * - inside a quoted scalar (internal/libyaml/scanner.go, scanFlowScalar, at 068e4d63): a line
 *   that continues `"…` or `'…` is only refused when it starts with a document marker (`---` or
 *   `...` at column 0) or the stream ends, whatever its indentation;
 * - inside a flow collection (`[…]`, `{…}`): unrollIndent and rollIndent do nothing "in the
 *   flow context", and a plain scalar's continuation is only checked against the indentation
 *   when `flow_level == 0`.
 *
 * So `JAVA_OPTS: "-Xms64m` continued on the next line at the key's own column is a value compose
 * accepts and `yaml` rejects. The leading white space of a continuation line is folded away in
 * both kinds (YAML 1.2 7.3 and 7.4, and scanFlowScalar skips it), so indenting such lines further
 * changes no value: the text `yaml` gets is the file with those lines indented past the column
 * where their construct opened, and offsets are mapped back to the file.
 */

/** The file with some continuation lines indented further, and the way back to the file's offsets. */
export interface IndentedText {
  readonly text: string;
  /** The offset in the original text of an offset in `text`. */
  toOriginal(offset: number): number;
}

interface Insertion {
  /** Where the spaces go in the original text: the start of a line. */
  readonly offset: number;
  readonly count: number;
}

function isBlank(character: string | undefined): boolean {
  return character === ' ' || character === '\t' || character === '\r' || character === '\n' || character === undefined;
}

/** `---` or `...` followed by a blank at the start of a line: go-yaml refuses it inside a quoted scalar. */
function isDocumentMarker(text: string, offset: number): boolean {
  const marker = text.slice(offset, offset + 3);
  return (offset === 0 || text[offset - 1] === '\n') && (marker === '---' || marker === '...') && isBlank(text[offset + 3]);
}

/** The offset of the closing quote of the quoted scalar opening at `start`; undefined where go-yaml fails too. */
function quotedScalarEnd(text: string, start: number): number | undefined {
  const quote = text[start];
  for (let offset = start + 1; offset < text.length; offset++) {
    const character = text[offset];
    if (character === '\n' && isDocumentMarker(text, offset + 1)) return undefined;
    if (quote === '"' && character === '\\') offset++;
    else if (quote === "'" && character === "'" && text[offset + 1] === "'") offset++;
    else if (character === quote) return offset;
  }
  return undefined;
}

/** The offset of the bracket closing the flow collection opening at `start`; undefined when it does not close. */
function flowCollectionEnd(text: string, start: number): number | undefined {
  let depth = 0;
  // a quote opens a scalar only where a node starts: after `[`, `{`, `,`, `:` or `?`
  let nodeStart = true;
  for (let offset = start; offset < text.length; offset++) {
    const character = text[offset] as string;
    if (character === '\n' && isDocumentMarker(text, offset + 1)) return undefined;
    if (isBlank(character)) continue;
    if (character === '#' && isBlank(text[offset - 1])) {
      const lineEnd = text.indexOf('\n', offset);
      if (lineEnd < 0) return undefined;
      offset = lineEnd - 1;
      continue;
    }
    if ((character === '"' || character === "'") && nodeStart) {
      const end = quotedScalarEnd(text, offset);
      if (end === undefined) return undefined;
      offset = end;
      nodeStart = false;
      continue;
    }
    if (character === '[' || character === '{') depth++;
    else if (character === ']' || character === '}') {
      depth--;
      if (depth === 0) return offset;
    }
    nodeStart = '[{,:?'.includes(character);
  }
  return undefined;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentationAt(text: string, lineStart: number): number {
  let end = lineStart;
  while (text[end] === ' ') end++;
  return end - lineStart;
}

/**
 * Spaces that bring every non-blank continuation line of the construct from `start` to `end`
 * past the column it opened at.
 */
function insertionsFor(text: string, start: number, end: number): Insertion[] {
  const insertions: Insertion[] = [];
  const required = start - lineStartOf(text, start) + 1;
  for (let newline = text.indexOf('\n', start); newline >= 0 && newline < end; newline = text.indexOf('\n', newline + 1)) {
    const lineStart = newline + 1;
    const indentation = indentationAt(text, lineStart);
    const next = text[lineStart + indentation];
    if (next === '\n' || next === '\r' || next === undefined || indentation >= required) continue;
    insertions.push({ offset: lineStart, count: required - indentation });
  }
  return insertions;
}

/**
 * The quoted scalars and flow collections of the block structure that continue on another line,
 * as spaces to insert; the content of block scalars and comments is skipped.
 */
function findInsertions(text: string): Insertion[] {
  const insertions: Insertion[] = [];
  let blockScalarParent: number | undefined;
  let offset = 0;
  while (offset < text.length) {
    const lineStart = offset;
    const lineEnd = text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart);
    const indentation = indentationAt(text, lineStart);
    const blankLine = /^[ \t\r]*$/.test(text.slice(lineStart, lineEnd));
    if (blockScalarParent !== undefined && (blankLine || indentation > blockScalarParent)) {
      offset = lineEnd + 1;
      continue;
    }
    blockScalarParent = undefined;
    // a node starts at the line's first character, after `- `, `? `, `: `, an anchor or a tag
    let nodeStart = true;
    let next = lineEnd + 1;
    for (let position = lineStart + indentation; position < lineEnd; position++) {
      const character = text[position] as string;
      if (character === ' ' || character === '\t' || character === '\r') continue;
      if (character === '#' && (position === lineStart || isBlank(text[position - 1]))) break;
      if (nodeStart && (character === '-' || character === '?') && isBlank(text[position + 1])) continue;
      if (nodeStart && (character === '&' || character === '!')) {
        while (position + 1 < lineEnd && !isBlank(text[position + 1])) position++;
        continue;
      }
      if (nodeStart && (character === '"' || character === "'" || character === '[' || character === '{')) {
        const end = character === '"' || character === "'" ? quotedScalarEnd(text, position) : flowCollectionEnd(text, position);
        if (end === undefined) return insertions;
        if (end > lineEnd) {
          insertions.push(...insertionsFor(text, position, end));
          // scanning goes on after the construct, on the line where it ends
          const endLineEnd = text.indexOf('\n', end);
          next = endLineEnd < 0 ? text.length : endLineEnd + 1;
          const rest = text.slice(end + 1, endLineEnd < 0 ? text.length : endLineEnd);
          if (/^\s*:\s+[|>]/.test(rest)) blockScalarParent = indentation;
          break;
        }
        position = end;
        nodeStart = false;
        continue;
      }
      if (nodeStart && (character === '|' || character === '>')) {
        blockScalarParent = indentation;
        break;
      }
      if (character === ':' && isBlank(text[position + 1])) {
        nodeStart = true;
        continue;
      }
      nodeStart = false;
    }
    offset = next;
  }
  return insertions;
}

/**
 * The text with the continuation lines go-yaml accepts and `yaml` refuses indented past the
 * column their quoted scalar or flow collection opened at; undefined when no line needs it.
 */
export function indentFlowContinuations(text: string): IndentedText | undefined {
  const insertions = findInsertions(text);
  if (insertions.length === 0) return undefined;
  let indented = '';
  let copied = 0;
  // where each insertion starts in the indented text, and how many spaces came before it
  const starts: { indented: number; before: number; count: number; original: number }[] = [];
  let before = 0;
  for (const insertion of insertions) {
    indented += text.slice(copied, insertion.offset);
    starts.push({ indented: insertion.offset + before, before, count: insertion.count, original: insertion.offset });
    indented += ' '.repeat(insertion.count);
    copied = insertion.offset;
    before += insertion.count;
  }
  indented += text.slice(copied);
  return {
    text: indented,
    toOriginal(offset: number): number {
      let found: (typeof starts)[number] | undefined;
      for (const start of starts) {
        if (start.indented > offset) break;
        found = start;
      }
      if (!found) return offset;
      if (offset < found.indented + found.count) return found.original;
      return offset - found.before - found.count;
    },
  };
}
