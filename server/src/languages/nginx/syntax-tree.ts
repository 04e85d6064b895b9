import type { FileSystemErrorCode } from '../../workspace/file-system';

import type { Position, Range } from '../../text/source-location';

export type { Position, Range };

/**
 * Where a token stands, packed into one object: a big configuration has millions of tokens,
 * and three objects per LSP range made the garbage collector the parser's main cost.
 * JSON.stringify writes it as an LSP range.
 */
export class TextSpan {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  static between(first: TextSpan, last: TextSpan): TextSpan {
    return new TextSpan(first.startLine, first.startCharacter, last.endLine, last.endCharacter);
  }

  toRange(): Range {
    return { start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } };
  }

  toJSON(): Range {
    return this.toRange();
  }
}

export interface NginxArgument {
  readonly value: string;
  readonly quoted: boolean;
  /** The argument as written, quotes included. */
  readonly span: TextSpan;
}

export interface NginxComment {
  /** The text after the `#`. */
  readonly text: string;
  /** 1-based, as nginx and crossplane count lines. */
  readonly line: number;
  readonly span: TextSpan;
}

export interface NginxDirective {
  readonly name: string;
  readonly nameQuoted: boolean;
  readonly nameSpan: TextSpan;
  /** 1-based line of the directive name. */
  readonly line: number;
  readonly args: readonly NginxArgument[];
  /** From the name to the `;` or the block's `}` (or the last token when unterminated). */
  readonly span: TextSpan;
  /** Present when the directive opened a block, even an empty one. */
  readonly block?: readonly NginxDirective[];
  /** Comments standing directly inside the block, in order. */
  readonly blockComments?: readonly NginxComment[];
  /** Comments written between the directive's arguments. */
  readonly argumentComments: readonly NginxComment[];
}

export type NginxErrorKind = 'syntax' | 'analysis' | 'include' | 'file';

export interface NginxError {
  readonly kind: NginxErrorKind;
  /** nginx's wording, without the `in file:line` suffix. */
  readonly message: string;
  /**
   * 1-based line, the one nginx prints: where it stopped reading (the `;` or `{` ending the
   * statement, the end of the file). crossplane's payload prints its own instead: the line of
   * the directive's name (ParseOptions.invalidDirectives 'crossplane').
   */
  readonly line: number;
  /** Where certboot points: on nginx's line, except for crossplane's payload. */
  readonly span: TextSpan;
  /**
   * Where what the error is about starts, when that is not where nginx stops: the unclosed
   * block or quote of an error at the end of the file, the first line of a statement that
   * spans several.
   */
  readonly related?: { readonly message: string; readonly span: TextSpan };
  /** What certboot adds to nginx's words, such as the name of an invisible character. */
  readonly note?: string;
  /** For an include that could not be read: why, and the path as the config names it. */
  readonly unreadable?: { readonly code: FileSystemErrorCode; readonly path: string };
}

export interface NginxFile {
  readonly path: string;
  readonly directives: readonly NginxDirective[];
  readonly comments: readonly NginxComment[];
  readonly errors: readonly NginxError[];
}

export function isBlock(directive: NginxDirective): directive is NginxDirective & { block: readonly NginxDirective[] } {
  return directive.block !== undefined;
}
