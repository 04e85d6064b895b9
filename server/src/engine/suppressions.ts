import { type CommentSyntax, commentSyntaxOf, isConfigurationFileName, scanComments } from '../languages/comments/comment-scanner';
import {
  commentRange,
  findSuppressions,
  renderRuleList,
  type SuppressedRule,
  type Suppression,
  suppressionDirective,
} from '../languages/comments/suppression-comments';
import { findRule, rules } from '../rules/index';
import { checksSuppressions, type SuppressionContext } from '../rules/rule';
import type { FileEdit, Finding } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';
import { findFiles, readTextFile } from '../workspace/text-files';

/** The rules that read the suppression comments once they have dropped their findings (unused-suppression). */
const suppressionRules = rules.filter(checksSuppressions);

/**
 * Drops the findings that a `# certboot-disable-next-line` comment suppresses, then adds the
 * findings of the rules over the suppressions (unused-suppression: the stale ones).
 *
 * `files`: the configuration files that were linted, so a suppression in a file with no finding
 * left is still seen. The files findings point at are always read.
 */
export function applySuppressions(findings: readonly Finding[], fileSystem: FileSystem, files: readonly string[]): Finding[] {
  const suppressionsByFile = new Map<string, { text: string; suppressions: Suppression[] }>();
  for (const file of new Set([...files, ...findings.map((finding) => finding.location.file)])) {
    const syntax = commentSyntaxOf(file);
    const text = syntax && readTextFile(fileSystem, file);
    if (syntax === undefined || text === undefined) continue;
    const suppressions = findSuppressions(text, syntax);
    if (suppressions.length > 0) suppressionsByFile.set(file, { text, suppressions });
  }
  const used = new Set<Suppression | SuppressedRule>();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const line = finding.location.range.start.line;
    let suppressed = false;
    for (const suppression of suppressionsByFile.get(finding.location.file)?.suppressions ?? []) {
      const target = suppression.target;
      if (!target || line < target.startLine || line > target.endLine) continue;
      if (suppression.rules === undefined) {
        used.add(suppression);
        suppressed = true;
        continue;
      }
      const rule = suppression.rules.find((candidate) => candidate.id === finding.ruleId);
      if (rule) {
        used.add(rule);
        suppressed = true;
      }
    }
    if (!suppressed) kept.push(finding);
  }
  const context: SuppressionContext = {
    files: [...suppressionsByFile].map(([file, { text, suppressions }]) => ({ file, text, suppressions })),
    used,
    isRuleId: (id) => findRule(id) !== undefined,
  };
  for (const rule of suppressionRules) {
    for (const finding of rule.check(context)) kept.push({ ...finding, ruleId: rule.id, severity: finding.severity ?? rule.defaultSeverity });
  }
  return kept;
}

/**
 * The files under a linted path where suppressions are looked for: a file the user named in any
 * language whose comments certboot reads, and below a directory the configuration files it would
 * find. The search is the bounded one the analysis uses, so a symlink loop ends it too.
 */
export function suppressibleFiles(fileSystem: FileSystem, path: string): string[] {
  const kind = fileSystem.stat(path)?.kind;
  if (kind === 'file') return commentSyntaxOf(path) === undefined ? [] : [path];
  if (kind !== 'directory') return [];
  return findFiles(fileSystem, path, isConfigurationFileName, { maximumFiles: 10_000, maximumDepth: 16, maximumFileBytes: Number.MAX_SAFE_INTEGER });
}

/**
 * The edit behind the editor's "disable this rule for this line": a suppression comment above the
 * line (above the start of a multi-line token it is part of), indented like it, or the rule added
 * to the suppression already aimed at that line.
 */
export function disableRuleForLineEdit(file: string, text: string, syntax: CommentSyntax, line: number, ruleId: string): FileEdit {
  const scanned = scanComments(text, syntax);
  const targetLine = scanned.logicalLineStart.get(line) ?? line;
  const existing = findSuppressions(text, syntax).find((suppression) => suppression.target?.startLine === targetLine && suppression.rules !== undefined);
  if (existing?.rules) {
    const ids = existing.rules.map((rule) => rule.id);
    if (!ids.includes(ruleId)) ids.push(ruleId);
    return { kind: 'replace', file, range: commentRange(existing.comment), newText: renderRuleList(existing, ids) };
  }
  const lines = text.split('\n');
  const lineText = lines[targetLine] ?? '';
  const indentation = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  const lineEnding = lineText.endsWith('\r') ? '\r\n' : '\n';
  const position = { line: targetLine, character: 0 };
  return { kind: 'replace', file, range: { start: position, end: position }, newText: `${indentation}# ${suppressionDirective} ${ruleId}${lineEnding}` };
}
