import type { Finding } from '../text/findings';
import { relativeFilePath } from '../text/paths';

export interface FormatOptions {
  /** Paths in the report are relative to this directory. */
  readonly cwd: string;
  /** ANSI colors; the caller decides (a terminal, and NO_COLOR unset). */
  readonly color: boolean;
  /** A file's text, for a format that fingerprints what a finding points at; undefined when unreadable. */
  readonly sourceText?: (file: string) => string | undefined;
}

function compareText(first: string, second: string): number {
  return first < second ? -1 : first > second ? 1 : 0;
}

/** By file, line, character, rule id (then message, so equal positions still print in one order). */
export function sortFindings(findings: readonly Finding[], cwd: string): Finding[] {
  const keyed = findings.map((finding) => ({ finding, file: relativeFilePath(finding.location.file, cwd) }));
  keyed.sort(
    (first, second) =>
      compareText(first.file, second.file) ||
      first.finding.location.range.start.line - second.finding.location.range.start.line ||
      first.finding.location.range.start.character - second.finding.location.range.start.character ||
      compareText(first.finding.ruleId, second.finding.ruleId) ||
      compareText(first.finding.message, second.finding.message),
  );
  return keyed.map(({ finding }) => finding);
}
