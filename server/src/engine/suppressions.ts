import type { FileEdit, Finding } from '../text/findings';
import type { Range } from '../text/source-location';
import type { FileSystem } from '../workspace/file-system';
import { readTextFile } from '../workspace/text-files';
import { type CommentSyntax, commentSyntaxOf, type ScannedComment, type ScannedText, scanComments } from './comment-scanner';
import { findRule, unusedSuppressionRuleId } from './rule-catalogue';

export const suppressionDirective = 'certboot-disable-next-line';

export interface SuppressedRule {
  readonly id: string;
  /** Where the id is written on the comment's line. */
  readonly startCharacter: number;
  readonly endCharacter: number;
}

export interface Suppression {
  readonly comment: ScannedComment;
  /** undefined: every rule. */
  readonly rules: readonly SuppressedRule[] | undefined;
  /**
   * The lines whose findings it drops: the next line holding something other than comments and
   * blanks, through the end of a multi-line token starting there (a block scalar, a quoted
   * string). undefined when nothing follows the comment.
   */
  readonly target: { readonly startLine: number; readonly endLine: number } | undefined;
  /** Characters of the comment text between which the rule list is written, so edits keep the rest. */
  readonly listStart: number;
  readonly listEnd: number;
}

const directivePattern = new RegExp(`^#\\s*${suppressionDirective}(?=\\s|$)`);
/** `-- reason` after the list, as ESLint's directive comments allow. */
const reasonPattern = /\s--(?:\s|$)/;

function parseSuppression(comment: ScannedComment, scanned: ScannedText, logicalLineStarts: readonly number[]): Suppression | undefined {
  const directive = directivePattern.exec(comment.text);
  if (!directive) return undefined;
  const reason = reasonPattern.exec(comment.text.slice(directive[0].length));
  const listLimit = reason ? directive[0].length + reason.index : comment.text.length;
  const rules: SuppressedRule[] = [];
  let offset = directive[0].length;
  for (const part of comment.text.slice(offset, listLimit).split(',')) {
    const id = part.trim();
    if (id !== '') {
      const start = offset + part.indexOf(id);
      rules.push({ id, startCharacter: comment.startCharacter + start, endCharacter: comment.startCharacter + start + id.length });
    }
    offset += part.length + 1;
  }
  const targetLine = logicalLineStarts.find((line) => line > comment.line);
  const target = targetLine === undefined ? undefined : { startLine: targetLine, endLine: scanned.logicalLineEnd.get(targetLine) ?? targetLine };
  const listStart = rules.length > 0 ? rules[0].startCharacter - comment.startCharacter : directive[0].length;
  const listEnd = rules.length > 0 ? rules[rules.length - 1].endCharacter - comment.startCharacter : directive[0].length;
  return { comment, rules: rules.length > 0 ? rules : undefined, target, listStart, listEnd };
}

/** The suppression comments of one file's text. */
export function findSuppressions(text: string, syntax: CommentSyntax): Suppression[] {
  if (!text.includes(suppressionDirective)) return [];
  const scanned = scanComments(text, syntax);
  const logicalLineStarts = [...scanned.logicalLineEnd.keys()].sort((first, second) => first - second);
  const suppressions: Suppression[] = [];
  for (const comment of scanned.comments) {
    const suppression = parseSuppression(comment, scanned, logicalLineStarts);
    if (suppression) suppressions.push(suppression);
  }
  return suppressions;
}

function commentRange(comment: ScannedComment): Range {
  return { start: { line: comment.line, character: comment.startCharacter }, end: { line: comment.line, character: comment.endCharacter } };
}

/** The comment with another list of rules; only for comments that name rules. */
function renderRuleList(suppression: Suppression, ids: readonly string[]): string {
  const text = suppression.comment.text;
  return `${text.slice(0, suppression.listStart)}${ids.join(', ')}${text.slice(suppression.listEnd)}`;
}

/** Deletes the comment, and its line when the comment stands alone on it. */
function removeCommentEdit(file: string, text: string, comment: ScannedComment): FileEdit {
  const lines = text.split('\n');
  const lineText = lines[comment.line];
  const before = lineText.slice(0, comment.startCharacter);
  if (before.trim() === '') {
    const range: Range =
      comment.line + 1 < lines.length
        ? { start: { line: comment.line, character: 0 }, end: { line: comment.line + 1, character: 0 } }
        : { start: { line: comment.line, character: 0 }, end: { line: comment.line, character: lineText.length } };
    return { kind: 'replace', file, range, newText: '' };
  }
  const start = before.trimEnd().length;
  return { kind: 'replace', file, range: { start: { line: comment.line, character: start }, end: commentRange(comment).end }, newText: '' };
}

function unusedFinding(file: string, text: string, suppression: Suppression, rule: SuppressedRule | undefined, message: string): Finding {
  const remaining = (suppression.rules ?? []).filter((other) => other !== rule).map((other) => other.id);
  const edit: FileEdit =
    rule === undefined || remaining.length === 0
      ? removeCommentEdit(file, text, suppression.comment)
      : { kind: 'replace', file, range: commentRange(suppression.comment), newText: renderRuleList(suppression, remaining) };
  const range = rule
    ? { start: { line: suppression.comment.line, character: rule.startCharacter }, end: { line: suppression.comment.line, character: rule.endCharacter } }
    : commentRange(suppression.comment);
  return {
    ruleId: unusedSuppressionRuleId,
    severity: 'info',
    message,
    location: { file, range },
    related: [],
    fixes: [{ title: rule && remaining.length > 0 ? `Remove "${rule.id}" from the suppression` : 'Remove the unused suppression', edits: [edit] }],
  };
}

/**
 * Drops the findings that a `# certboot-disable-next-line` comment suppresses, and reports every
 * suppression (or rule named in one) that dropped nothing, so stale suppressions show up.
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
  for (const [file, { text, suppressions }] of suppressionsByFile) {
    for (const suppression of suppressions) {
      const where = suppression.target ? `line ${suppression.target.startLine + 1}` : 'the end of the file';
      if (suppression.rules === undefined) {
        if (!used.has(suppression)) kept.push(unusedFinding(file, text, suppression, undefined, `unused suppression: no finding on ${where}`));
        continue;
      }
      for (const rule of suppression.rules) {
        if (used.has(rule)) continue;
        const message = findRule(rule.id) ? `unused suppression: no "${rule.id}" finding on ${where}` : `unknown rule "${rule.id}" in ${suppressionDirective}`;
        kept.push(unusedFinding(file, text, suppression, rule, message));
      }
    }
  }
  return kept;
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
