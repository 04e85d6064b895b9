import type { ScannedComment } from '../../languages/comments/comment-scanner';
import { commentRange, renderRuleList, type SuppressedRule, type Suppression, suppressionDirective } from '../../languages/comments/suppression-comments';
import type { FileEdit } from '../../text/findings';
import type { Range } from '../../text/source-location';
import type { RuleFinding, SuppressionRule } from '../rule';

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

function unusedFinding(file: string, text: string, suppression: Suppression, rule: SuppressedRule | undefined, message: string): RuleFinding {
  const remaining = (suppression.rules ?? []).filter((other) => other !== rule).map((other) => other.id);
  const edit: FileEdit =
    rule === undefined || remaining.length === 0
      ? removeCommentEdit(file, text, suppression.comment)
      : { kind: 'replace', file, range: commentRange(suppression.comment), newText: renderRuleList(suppression, remaining) };
  const range = rule
    ? { start: { line: suppression.comment.line, character: rule.startCharacter }, end: { line: suppression.comment.line, character: rule.endCharacter } }
    : commentRange(suppression.comment);
  return {
    message,
    location: { file, range },
    related: [],
    fixes: [{ title: rule && remaining.length > 0 ? `Remove "${rule.id}" from the suppression` : 'Remove the unused suppression', edits: [edit] }],
  };
}

/**
 * Every suppression (or rule named in one) that dropped nothing, so stale suppressions show up,
 * and rule ids certboot does not have (a typo suppresses nothing).
 */
export const unusedSuppression: SuppressionRule = {
  id: 'unused-suppression',
  category: 'suppressions',
  scope: 'project',
  fixable: 'always',
  defaultSeverity: 'info',
  summary: 'a certboot-disable-next-line comment that suppresses nothing',
  phase: 'suppressions',
  check({ files, used, isRuleId }) {
    const findings: RuleFinding[] = [];
    for (const { file, text, suppressions } of files) {
      for (const suppression of suppressions) {
        const where = suppression.target ? `line ${suppression.target.startLine + 1}` : 'the end of the file';
        if (suppression.rules === undefined) {
          if (!used.has(suppression)) findings.push(unusedFinding(file, text, suppression, undefined, `unused suppression: no finding on ${where}`));
          continue;
        }
        for (const rule of suppression.rules) {
          if (used.has(rule)) continue;
          const message = isRuleId(rule.id)
            ? `unused suppression: no "${rule.id}" finding on ${where}`
            : `unknown rule "${rule.id}" in ${suppressionDirective}`;
          findings.push(unusedFinding(file, text, suppression, rule, message));
        }
      }
    }
    return findings;
  },
};
