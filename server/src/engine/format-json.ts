import type { FileEdit, Finding, Severity } from '../text/findings';
import type { Range } from '../text/source-location';
import { relativeFilePath } from '../text/paths';
import { type FormatOptions, sortFindings } from './report-order';

export type JsonReportEdit =
  | { readonly file: string; readonly range: Range; readonly newText: string }
  | { readonly file: string; readonly create: true; readonly content: string };

export interface JsonReportFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  /** 0-based line and UTF-16 character, as in the Language Server Protocol. */
  readonly range: Range;
  readonly related: readonly { readonly file: string; readonly range: Range; readonly message: string }[];
  /** `safe`: applied by `certboot lint --fix`; `preferred`: the fix an editor offers first. */
  readonly fixes: readonly { readonly title: string; readonly safe: boolean; readonly preferred: boolean; readonly edits: readonly JsonReportEdit[] }[];
}

/** The stable machine-readable report; bump `version` when a field changes meaning. */
export interface JsonReport {
  readonly version: 1;
  readonly findings: readonly JsonReportFinding[];
}

function copyRange(range: Range): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}

export function toJsonReport(findings: readonly Finding[], cwd: string): JsonReport {
  const relative = (file: string): string => relativeFilePath(file, cwd);
  const edit = (change: FileEdit): JsonReportEdit =>
    change.kind === 'create'
      ? { file: relative(change.file), create: true, content: change.content }
      : { file: relative(change.file), range: copyRange(change.range), newText: change.newText };
  return {
    version: 1,
    findings: sortFindings(findings, cwd).map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      file: relative(finding.location.file),
      range: copyRange(finding.location.range),
      related: finding.related.map((related) => ({ file: relative(related.file), range: copyRange(related.range), message: related.message })),
      fixes: finding.fixes.map((fix) => ({ title: fix.title, safe: fix.safe === true, preferred: fix.preferred === true, edits: fix.edits.map(edit) })),
    })),
  };
}

export function formatJson(findings: readonly Finding[], options: FormatOptions): string {
  return `${JSON.stringify(toJsonReport(findings, options.cwd))}\n`;
}
