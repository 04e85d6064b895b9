import type { Range } from '../../text/source-location';
import { type CommentSyntax, type ScannedComment, type ScannedText, scanComments } from './comment-scanner';

/** `# certboot-disable-next-line [rule-id, …] [-- reason]` in nginx and YAML files. */
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

export function commentRange(comment: ScannedComment): Range {
  return { start: { line: comment.line, character: comment.startCharacter }, end: { line: comment.line, character: comment.endCharacter } };
}

/** The comment with another list of rules; only for comments that name rules. */
export function renderRuleList(suppression: Suppression, ids: readonly string[]): string {
  const text = suppression.comment.text;
  return `${text.slice(0, suppression.listStart)}${ids.join(', ')}${text.slice(suppression.listEnd)}`;
}
