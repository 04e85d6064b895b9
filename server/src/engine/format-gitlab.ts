import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../text/findings';
import { LineIndex } from '../text/line-index';
import { relativeFilePath } from '../text/paths';
import { type FormatOptions, sortFindings } from './report-order';

/**
 * GitLab's Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues with
 * the fields GitLab documents for a custom tool (doc/ci/testing/code_quality.md, "Implement a
 * custom tool"): description, check_name, fingerprint, severity and location.path with
 * location.lines.begin. GitLab ignores the other fields of the Code Climate spec it comes from.
 *
 * Severity: GitLab's scale is info, minor, major, critical, blocker. A certboot error is a
 * deployment that does not come up (nginx exits, no certificate is issued): critical. A warning
 * breaks later or sometimes (a renewal, a restart): major. Info stays info. blocker and minor
 * are not used.
 *
 * Fingerprint: the merge request widget compares the findings of two pipelines by fingerprint,
 * and shows findings with equal fingerprints as one. It is the MD5 of the rule id, the path and
 * the text the finding points at (the finding's message when the file cannot be read), with the
 * count of equal findings before it in report order: the same finding keeps its fingerprint when
 * lines are added above it, and two equal findings in one file keep two.
 */
export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

const severities: Record<Severity, GitlabSeverity> = { error: 'critical', warning: 'major', info: 'info' };

export interface GitlabIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: GitlabSeverity;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number } };
}

export function toGitlabIssues(findings: readonly Finding[], options: FormatOptions): GitlabIssue[] {
  const sources = new Map<string, { text: string; lines: LineIndex } | undefined>();
  const pointedText = (finding: Finding): string => {
    const file = finding.location.file;
    if (!sources.has(file)) {
      const text = options.sourceText?.(file);
      sources.set(file, text === undefined ? undefined : { text, lines: new LineIndex(text) });
    }
    const source = sources.get(file);
    if (source === undefined) return finding.message;
    const { start, end } = finding.location.range;
    return source.text.slice(source.lines.offsetAt(start), source.lines.offsetAt(end));
  };
  const seen = new Map<string, number>();
  return sortFindings(findings, options.cwd).map((finding) => {
    const path = relativeFilePath(finding.location.file, options.cwd);
    const key = [finding.ruleId, path, pointedText(finding)].join('\0');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return {
      description: finding.message,
      check_name: finding.ruleId,
      fingerprint: createHash('md5').update(`${key}\0${occurrence}`).digest('hex'),
      severity: severities[finding.severity],
      location: { path, lines: { begin: finding.location.range.start.line + 1 } },
    };
  });
}

export function formatGitlab(findings: readonly Finding[], options: FormatOptions): string {
  return `${JSON.stringify(toGitlabIssues(findings, options), null, 2)}\n`;
}
