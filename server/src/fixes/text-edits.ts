import type { FileEdit } from '../text/findings';
import type { Range } from '../text/source-location';

function linesOf(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** The blanks that open the line a range starts on, when only blanks stand before it. */
export function indentationAt(text: string, range: Range): string | undefined {
  const line = linesOf(text)[range.start.line];
  if (line === undefined) return undefined;
  const before = line.slice(0, range.start.character);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Removes what a range holds: the whole line(s) when nothing but blanks (or a comment after it)
 * shares them, else the range and the blanks after it (`a; b; c;` loses `b; `).
 */
export function deletion(file: string, text: string, range: Range): FileEdit {
  const lines = linesOf(text);
  const first = lines[range.start.line] ?? '';
  const last = lines[range.end.line] ?? '';
  const alone = /^[ \t]*$/.test(first.slice(0, range.start.character)) && /^[ \t]*(#.*)?$/.test(last.slice(range.end.character));
  if (alone && range.end.line + 1 < lines.length) {
    return { kind: 'replace', file, range: { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } }, newText: '' };
  }
  if (alone) return { kind: 'replace', file, range, newText: '' };
  const blanks = /^[ \t]*/.exec(last.slice(range.end.character))?.[0].length ?? 0;
  return { kind: 'replace', file, range: { start: range.start, end: { line: range.end.line, character: range.end.character + blanks } }, newText: '' };
}

/**
 * Removes several ranges of one text at once: ranges only blanks separate are removed as one, so
 * a line whose every directive goes is removed whole instead of left holding its indentation.
 */
export function deletions(file: string, text: string, ranges: readonly Range[]): FileEdit[] {
  const lines = linesOf(text);
  const sorted = [...ranges].sort((left, right) => left.start.line - right.start.line || left.start.character - right.start.character);
  const merged: Range[] = [];
  for (const range of sorted) {
    const previous = merged.at(-1);
    const between = previous?.end.line === range.start.line ? (lines[range.start.line] ?? '').slice(previous.end.character, range.start.character) : undefined;
    if (previous && between !== undefined && /^[ \t]*$/.test(between)) merged[merged.length - 1] = { start: previous.start, end: range.end };
    else merged.push(range);
  }
  return merged.map((range) => deletion(file, text, range));
}
