import type { WorkspaceAnalysis } from '../engine/analyze-workspace';
import { disableRuleForLineEdit } from '../engine/suppressions';
import { selectSafeFixes } from '../fixes/fix-selection';
import { commentSyntaxOf } from '../languages/comments/comment-scanner';
import type { BootstrapRequest } from '../protocol/messages';
import { findRule } from '../rules/index';
import type { FileEdit, Finding } from '../text/findings';
import type { Range } from '../text/source-location';
import type { FileSystem } from '../workspace/file-system';
import { splitRequest } from './bootstrap-service';

/**
 * The identity of each finding of a file, in order: its rule, its range and how many findings of
 * that rule and range come before it. A diagnostic carries it (LSP's `data`, which the editor
 * sends back with a code action request), so a code action finds its finding whatever the
 * editor did to the message's text; it stays the same over analyses that leave the finding be.
 */
export function findingKeys(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const { start, end } = finding.location.range;
    const place = `${finding.ruleId}@${start.line}:${start.character}-${end.line}:${end.character}`;
    const ordinal = seen.get(place) ?? 0;
    seen.set(place, ordinal + 1);
    return `${place}#${ordinal}`;
  });
}

/** A diagnostic the editor asks code actions for, as it sent it back. */
export interface DiagnosticReference {
  readonly ruleId: string | undefined;
  readonly range: Range;
  /** The key of its finding (findingKeys), when the editor kept the diagnostic's data. */
  readonly key: string | undefined;
}

/** The finding a diagnostic shows: by its key; without one (an editor that drops `data`), the first of its rule at its range. */
function findingOf(findings: readonly Finding[], keys: readonly string[], diagnostic: DiagnosticReference): Finding | undefined {
  if (diagnostic.key !== undefined) return findings[keys.indexOf(diagnostic.key)];
  const { start, end } = diagnostic.range;
  return findings.find((finding) => {
    const range = finding.location.range;
    return (
      finding.ruleId === diagnostic.ruleId &&
      range.start.line === start.line &&
      range.start.character === start.character &&
      range.end.line === end.line &&
      range.end.character === end.character
    );
  });
}

export interface FileAction {
  readonly title: string;
  readonly kind: 'quickfix' | 'fixAll';
  /** The index of the diagnostic it fixes, among those asked about. */
  readonly diagnostic?: number;
  readonly edits?: readonly FileEdit[];
  readonly preferred?: boolean;
  /** Instead of edits: the bootstrap command, with this request for this root. */
  readonly bootstrap?: { readonly root: string; readonly request: BootstrapRequest };
}

export interface CodeActionQuery {
  readonly path: string;
  /** The text of the file in the editor. */
  readonly text: string;
  /** The file's findings, as published. */
  readonly findings: readonly Finding[];
  readonly analysis: WorkspaceAnalysis | undefined;
  readonly fileSystem: FileSystem;
  readonly diagnostics: readonly DiagnosticReference[];
  readonly fixAll: boolean;
  readonly quickFixes: boolean;
}

/**
 * The actions on a file: all its safe fixes at once (what `certboot lint --fix` applies in one
 * round), and for each diagnostic its fixes, the HTTP-first split (offered once) and disabling
 * the rule for the line.
 */
export function codeActions(query: CodeActionQuery): FileAction[] {
  const { path, findings, analysis } = query;
  const actions: FileAction[] = [];
  if (query.fixAll) {
    const safe = selectSafeFixes(findings).flatMap(({ fix }) => fix.edits);
    if (safe.length > 0) actions.push({ title: 'Fix all safe certboot problems', kind: 'fixAll', edits: safe });
  }
  if (!query.quickFixes) return actions;
  const syntax = commentSyntaxOf(path);
  const keys = findingKeys(findings);
  let bootstrapOffered = false;
  query.diagnostics.forEach((diagnostic, index) => {
    const finding = findingOf(findings, keys, diagnostic);
    if (!finding) return;
    for (const fix of finding.fixes)
      actions.push({ title: fix.title, kind: 'quickfix', diagnostic: index, edits: fix.edits, preferred: fix.preferred === true });
    if (!bootstrapOffered && analysis && findRule(finding.ruleId)?.offersHttpFirstSplit) {
      bootstrapOffered = true;
      const request = splitRequest(analysis, query.fileSystem);
      if (request) {
        const root = analysis.deployment.workspaceRoot;
        actions.push({ title: 'Split into HTTP-first stages', kind: 'quickfix', diagnostic: index, preferred: false, bootstrap: { root, request } });
      }
    }
    if (syntax) {
      const edit = disableRuleForLineEdit(path, query.text, syntax, diagnostic.range.start.line, finding.ruleId);
      actions.push({ title: `Disable ${finding.ruleId} for this line`, kind: 'quickfix', diagnostic: index, edits: [edit] });
    }
  });
  return actions;
}
