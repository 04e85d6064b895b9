import type { Finding, Severity } from '../text/findings';
import type { SourceLocation } from '../text/source-location';
import { relativeFilePath } from '../text/paths';
import { type FormatOptions, sortFindings } from './report-order';

const reset = '\u001b[0m';
const styles = { bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', green: '\u001b[32m' } as const;
const severityStyle: Record<Severity, keyof typeof styles> = { error: 'red', warning: 'yellow', info: 'cyan' };

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * The human report: one line per finding, `file:line:col  severity  message  [rule-id]` with
 * 1-based line and column (UTF-16 code units, as editors count them), so terminals and editors
 * turn the location into a link; related locations under it; files separated by a blank line.
 */
export function formatText(findings: readonly Finding[], options: FormatOptions): string {
  const paint = (text: string, ...names: (keyof typeof styles)[]): string =>
    options.color ? `${names.map((name) => styles[name]).join('')}${text}${reset}` : text;
  const where = (location: SourceLocation): string =>
    `${relativeFilePath(location.file, options.cwd)}:${location.range.start.line + 1}:${location.range.start.character + 1}`;
  const lines: string[] = [];
  let previousFile: string | undefined;
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of sortFindings(findings, options.cwd)) {
    counts[finding.severity]++;
    if (previousFile !== undefined && previousFile !== finding.location.file) lines.push('');
    previousFile = finding.location.file;
    lines.push(
      `${where(finding.location)}  ${paint(finding.severity, severityStyle[finding.severity])}  ${finding.message}  ${paint(`[${finding.ruleId}]`, 'dim')}`,
    );
    for (const related of finding.related) lines.push(paint(`  ↳ ${where(related)}  ${related.message}`, 'dim'));
  }
  if (findings.length === 0) return `${paint('no problems', 'green')}\n`;
  lines.push('');
  const summary = `✖ ${plural(findings.length, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`;
  lines.push(paint(summary, 'bold', counts.error > 0 ? 'red' : counts.warning > 0 ? 'yellow' : 'cyan'));
  return `${lines.join('\n')}\n`;
}
