import type { FileEdit, Finding, Fix } from '../text/findings';
import type { Position } from '../text/source-location';

/** A fix chosen for one finding. */
export interface SelectedFix {
  readonly finding: Finding;
  readonly fix: Fix;
}

function compare(left: Position, right: Position): number {
  return left.line - right.line || left.character - right.character;
}

/**
 * Whether two edits cannot both be applied to the text they were computed on: ranges of one file
 * that share a character, two insertions at one place (which goes first is unknown), an
 * insertion strictly inside a replaced range, or anything else done to a file one of them creates.
 */
function conflicts(left: FileEdit, right: FileEdit): boolean {
  if (left.file !== right.file) return false;
  if (left.kind === 'create' || right.kind === 'create') return true;
  const a = left.range;
  const b = right.range;
  const aEmpty = compare(a.start, a.end) === 0;
  const bEmpty = compare(b.start, b.end) === 0;
  if (aEmpty && bEmpty) return compare(a.start, b.start) === 0;
  if (aEmpty) return compare(b.start, a.start) < 0 && compare(a.start, b.end) < 0;
  if (bEmpty) return compare(a.start, b.start) < 0 && compare(b.start, a.end) < 0;
  return compare(a.start, b.end) < 0 && compare(b.start, a.end) < 0;
}

function sameEdits(left: Fix, right: Fix): boolean {
  return JSON.stringify(left.edits) === JSON.stringify(right.edits);
}

/**
 * The safe fixes that can be applied together, as `certboot lint --fix` and the editor's "fix all"
 * apply them: in the order of the findings, a finding's safe fix (its preferred one first) is taken unless `accept` refuses it or one
 * of its edits conflicts with an edit already taken; a fix already taken for another finding is
 * not taken twice. What is left over may apply once the taken fixes are written and the project is
 * analysed again.
 */
export function selectSafeFixes(findings: readonly Finding[], accept: (selected: SelectedFix) => boolean = () => true): SelectedFix[] {
  const selected: SelectedFix[] = [];
  const taken: FileEdit[] = [];
  for (const finding of findings) {
    const fix =
      finding.fixes.find((candidate) => candidate.safe === true && candidate.preferred === true) ?? finding.fixes.find((candidate) => candidate.safe === true);
    if (!fix || fix.edits.length === 0) continue;
    if (selected.some((previous) => sameEdits(previous.fix, fix))) continue;
    if (fix.edits.some((edit) => taken.some((other) => conflicts(edit, other)))) continue;
    if (!accept({ finding, fix })) continue;
    selected.push({ finding, fix });
    taken.push(...fix.edits);
  }
  return selected;
}
