import type { Position, Range } from './source-location';

/**
 * Converts between UTF-16 offsets and LSP positions of one text. A line ends after "\n", so "\r\n"
 * works too (the "\r" is the line's last character). Built once per text: each lookup is a binary
 * search over the line starts.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) this.lineStarts.push(index + 1);
  }

  positionAt(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: offset - this.lineStarts[low] };
  }

  /** The offset of a position; a position past the end of its line clamps to the line's end, past the last line to the text's end. */
  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    const next = this.lineStarts[position.line + 1];
    const lineEnd = next === undefined ? this.text.length : next - 1;
    return Math.min(start + Math.max(0, position.character), lineEnd);
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** The position of one offset, for a text read once; build a LineIndex for many. */
export function positionAt(text: string, offset: number): Position {
  return new LineIndex(text).positionAt(offset);
}

export function offsetAt(text: string, position: Position): number {
  return new LineIndex(text).offsetAt(position);
}

export function rangeAt(text: string, start: number, end: number): Range {
  return new LineIndex(text).rangeAt(start, end);
}
