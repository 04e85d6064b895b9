import type { Range, SourceLocation } from './source-location';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation extends SourceLocation {
  /** Why this place matters ("created later by service `certbot` through this mount"). */
  readonly message: string;
}

/** One change of a fix: replace a range of a file, or create a file that does not exist yet. */
export type FileEdit =
  | { readonly kind: 'replace'; readonly file: string; readonly range: Range; readonly newText: string }
  | { readonly kind: 'create'; readonly file: string; readonly content: string };

export interface Fix {
  readonly title: string;
  readonly edits: readonly FileEdit[];
  /** The fix an editor offers first. */
  readonly preferred?: boolean;
  /** Safe to apply without reading it (source.fixAll, `certboot lint --fix`). */
  readonly safe?: boolean;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Names the concrete file, path, service and line that make the problem real. */
  readonly message: string;
  /** The exact token: an nginx argument, a YAML value. */
  readonly location: SourceLocation;
  readonly related: readonly RelatedLocation[];
  readonly fixes: readonly Fix[];
}
