import type { NginxError } from './syntax-tree';

/**
 * How many errors of one file are reported. A file of sixteen million stray braces has as many
 * errors, and keeping them all ran out of memory; past the first ones they tell nothing new.
 */
export const defaultMaximumErrors = 100;

/** File order: where the errors' spans start. */
export function byPosition(left: NginxError, right: NginxError): number {
  return left.span.startLine - right.span.startLine || left.span.startCharacter - right.span.startCharacter;
}

/**
 * The first errors of one stream (the lexer's, the parser's) by position, and how many it had in
 * all. It keeps one more than are reported, as the one error standing for those left out is
 * placed at the first of them.
 */
export class ErrorLimit {
  private kept: NginxError[] = [];
  /** Once more than enough are kept, the last of the first ones: no error after it is kept. */
  private last: NginxError | undefined;
  /** Every error pushed since the last clear, kept or not. */
  total = 0;

  constructor(private readonly maximum = defaultMaximumErrors) {}

  push(error: NginxError): void {
    this.total++;
    if (this.last !== undefined && byPosition(error, this.last) >= 0) return;
    this.kept.push(error);
    // most errors come in file order, not all (a statement's error is found at its end and
    // placed at its name): sorting now and then keeps the first without assuming it
    if (this.kept.length >= 2 * (this.maximum + 1)) {
      this.kept.sort(byPosition);
      this.kept.length = this.maximum + 1;
      this.last = this.kept[this.maximum];
    }
  }

  clear(): void {
    this.kept = [];
    this.last = undefined;
    this.total = 0;
  }

  get errors(): readonly NginxError[] {
    return this.kept;
  }
}

/**
 * The errors of several streams of one file in file order: the first `maximum`, then, when
 * there were more, one error saying how many more, at the first of them.
 */
export function firstErrors(streams: readonly ErrorLimit[], maximum = defaultMaximumErrors): NginxError[] {
  const errors = streams.flatMap((stream) => stream.errors).sort(byPosition);
  const total = streams.reduce((sum, stream) => sum + stream.total, 0);
  if (total <= maximum) return errors;
  // each stream keeps its first maximum + 1, so the first left out is among those kept
  const firstLeftOut = errors[maximum];
  const summary: NginxError = {
    kind: firstLeftOut.kind,
    message: `too many errors; ${total - maximum} more after the first ${maximum} are not reported`,
    line: firstLeftOut.line,
    span: firstLeftOut.span,
  };
  return [...errors.slice(0, maximum), summary];
}
