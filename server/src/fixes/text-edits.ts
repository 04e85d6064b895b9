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
 * shares them, else just the range.
 */
export function deletion(file: string, text: string, range: Range): FileEdit {
  const lines = linesOf(text);
  const first = lines[range.start.line] ?? '';
  const last = lines[range.end.line] ?? '';
  const alone = /^[ \t]*$/.test(first.slice(0, range.start.character)) && /^[ \t]*(#.*)?$/.test(last.slice(range.end.character));
  if (alone && range.end.line + 1 < lines.length) {
    return { kind: 'replace', file, range: { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } }, newText: '' };
  }
  return { kind: 'replace', file, range, newText: '' };
}
