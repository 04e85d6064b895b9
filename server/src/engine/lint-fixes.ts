import { applyFileEdits } from '../fixes/apply-edits';
import { type SelectedFix, selectSafeFixes } from '../fixes/fix-selection';
import { unifiedDiff } from '../fixes/unified-diff';
import type { Finding, Fix } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';
import { replaceFileAtomically } from '../workspace/file-writes';
import { OverlayFileSystem } from '../workspace/overlay-file-system';
import { readTextFile } from '../workspace/text-files';

/** A safe fix left out, and why: it would edit a file it may not. */
export interface RefusedFix {
  readonly finding: Finding;
  readonly fix: Fix;
  readonly file: string;
  /** About the file, as a clause: "which is outside the linted paths". */
  readonly reason: string;
}

/** A file the fixes change: its text before the first fix and after the last. */
export interface FixedFile {
  readonly file: string;
  /** The bytes it held when it was read, byte order mark and all: what it must still hold when written. */
  readonly original: Uint8Array;
  readonly before: string;
  readonly after: string;
}

export interface FixOutcome {
  readonly files: readonly FixedFile[];
  readonly applied: readonly SelectedFix[];
  readonly refused: readonly RefusedFix[];
  /** Safe fixes were still left when the bound on rounds was reached. */
  readonly unfinished: boolean;
  /** What the project reports with every applied fix in place. */
  readonly findings: readonly Finding[];
}

/** A fix may make another one possible (or move it); ten rounds are far more than any project needs. */
export const maximumFixRounds = 10;

function findingKey(finding: Finding): string {
  return `${finding.ruleId}\0${finding.location.file}\0${finding.message}`;
}

function refusalKey(refusal: RefusedFix): string {
  return `${findingKey(refusal.finding)}\0${refusal.fix.title}\0${refusal.file}`;
}

/**
 * Applies the safe fixes in memory, round after round, until none is left: each round takes the
 * fixes that do not conflict (fixes/fix-selection.ts), applies them, and lints again, so a fix
 * that had to wait for another is applied in a later round. Nothing is written here.
 *
 * `lint` reports what `certboot lint` would for a file system (configuration and suppressions
 * applied, so a rule turned off fixes nothing). `mayEdit` says why a file may not be edited, or
 * nothing; a fix with one edit there is refused whole. A file that is not UTF-8 text is never
 * edited: its bytes could not be kept. A finding that comes back after its fix was applied is not
 * fixed again (the fix does not remove it), and at most `maximumRounds` rounds run.
 */
export async function fixUntilStable(
  base: FileSystem,
  lint: (fileSystem: FileSystem) => Promise<readonly Finding[]>,
  mayEdit: (file: string) => string | undefined,
  maximumRounds = maximumFixRounds,
): Promise<FixOutcome> {
  const overlay = new OverlayFileSystem(base);
  const originals = new Map<string, Uint8Array>();
  const applied: SelectedFix[] = [];
  const refused = new Map<string, RefusedFix>();
  const fixed = new Set<string>();
  let findings = await lint(overlay);
  let unfinished = false;
  for (let round = 0; ; round++) {
    const selected = selectSafeFixes(findings, ({ finding, fix }) => {
      if (fixed.has(findingKey(finding))) return false;
      for (const edit of fix.edits) {
        const reason =
          mayEdit(edit.file) ??
          (edit.kind === 'create' ? 'which does not exist yet' : readTextFile(overlay, edit.file) === undefined ? 'which is not UTF-8 text' : undefined);
        if (reason === undefined) continue;
        const refusal = { finding, fix, file: edit.file, reason };
        refused.set(refusalKey(refusal), refusal);
        return false;
      }
      return true;
    });
    if (selected.length === 0) break;
    if (round === maximumRounds) {
      unfinished = true;
      break;
    }
    const edits = selected.flatMap((choice) => choice.fix.edits);
    for (const edit of edits) if (!originals.has(edit.file)) originals.set(edit.file, base.readFile(edit.file));
    for (const file of applyFileEdits(edits, (path) => readTextFile(overlay, path))) overlay.set(file.file, file.after);
    applied.push(...selected);
    for (const choice of selected) fixed.add(findingKey(choice.finding));
    findings = await lint(overlay);
  }
  const files: FixedFile[] = [];
  for (const [file, original] of [...originals].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) {
    const before = readTextFile(base, file);
    const after = readTextFile(overlay, file);
    if (before !== undefined && after !== undefined && before !== after) files.push({ file, original, before, after });
  }
  return { files, applied, refused: [...refused.values()], unfinished, findings };
}

/** The fixed files as one unified diff, names as `name` gives them (`git apply` reads it). */
export function fixesDiff(files: readonly FixedFile[], name: (file: string) => string): string {
  return files.map((file) => unifiedDiff(`a/${name(file.file)}`, `b/${name(file.file)}`, file.before, file.after)).join('');
}

function startsWithByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Writes the fixed files, each in one step (workspace/file-writes.ts) and with the byte order
 * mark it had; a file that changed on disk since it was read is left alone. Returns the
 * problems, one per file not written.
 */
export function writeFixedFiles(files: readonly FixedFile[]): { readonly file: string; readonly message: string }[] {
  const problems: { file: string; message: string }[] = [];
  const encoder = new TextEncoder();
  for (const file of files) {
    const bytes = encoder.encode(`${startsWithByteOrderMark(file.original) ? '\uFEFF' : ''}${file.after}`);
    try {
      replaceFileAtomically(file.file, bytes, file.original);
    } catch (error) {
      problems.push({ file: file.file, message: (error as Error).message });
    }
  }
  return problems;
}
