import type { Position, Range, SourceLocation } from '../../text/source-location';

export type { Position, Range, SourceLocation };

/**
 * A value read from a compose file and the YAML node it came from. `undefined` means unknown:
 * the value depends on a variable that has no value and no default, so rules must stay silent.
 */
export interface Located<T> {
  readonly value: T | undefined;
  readonly location: SourceLocation;
}

export type ComposeDiagnosticSeverity = 'error' | 'warning' | 'information';

export type ComposeDiagnosticCode =
  | 'yaml-syntax'
  | 'yaml-warning'
  | 'binary-file'
  | 'file-too-large'
  | 'unreadable-file'
  | 'not-a-mapping'
  | 'empty-file'
  | 'no-compose-file'
  | 'multiple-compose-files'
  | 'unknown-compose-file'
  | 'invalid-interpolation'
  | 'invalid-env-file'
  | 'include-not-found'
  | 'include-cycle'
  | 'extends-not-found'
  | 'extends-cycle'
  | 'invalid-port'
  | 'invalid-volume'
  | 'invalid-restart'
  | 'undefined-volume'
  | 'template-file';

export interface ComposeDiagnostic {
  readonly code: ComposeDiagnosticCode;
  readonly severity: ComposeDiagnosticSeverity;
  readonly message: string;
  readonly location: SourceLocation;
  /** The name it is about: the volume of `undefined-volume`. */
  readonly subject?: string;
}

/** Where a problem about a whole file is reported: its first character. */
export function fileStartLocation(file: string): SourceLocation {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
