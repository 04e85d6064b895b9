/** 0-based line and UTF-16 character, as the Language Server Protocol counts them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A range in a file of the workspace. */
export interface SourceLocation {
  /** Absolute path. */
  readonly file: string;
  readonly range: Range;
}
