import { pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  CreateFile,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  DiagnosticTag,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { FileEdit, Finding, Fix, Severity } from '../text/findings';
import { unusedSuppression } from '../rules/suppressions/unused-suppression';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** A Finding as the editor shows it; `docsDirectory` holds the rule pages shipped with the server. */
export function toDiagnostic(finding: Finding, docsDirectory: string): Diagnostic {
  const related: DiagnosticRelatedInformation[] = finding.related.map((location) => ({
    location: { uri: fileUri(location.file), range: location.range },
    message: location.message,
  }));
  return {
    range: finding.location.range,
    severity: severities[finding.severity],
    source: 'certboot',
    code: finding.ruleId,
    codeDescription: { href: fileUri(`${docsDirectory}/${finding.ruleId}.md`) },
    message: finding.message,
    // the editor fades a suppression comment that suppresses nothing, as it does unused code
    ...(finding.ruleId === unusedSuppression.id ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}

/** Text edits grouped per file, files to create first, as one WorkspaceEdit. */
export function toWorkspaceEdit(edits: readonly FileEdit[], versionOf: (uri: string) => number | null): WorkspaceEdit {
  const creations: CreateFile[] = [];
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const uri = fileUri(edit.file);
    if (edit.kind === 'create') {
      creations.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: true }));
      byFile.set(uri, [...(byFile.get(uri) ?? []), TextEdit.insert({ line: 0, character: 0 }, edit.content)]);
    } else {
      byFile.set(uri, [...(byFile.get(uri) ?? []), TextEdit.replace(edit.range, edit.newText)]);
    }
  }
  const changes = [...byFile].map(([uri, textEdits]) =>
    TextDocumentEdit.create(OptionalVersionedTextDocumentIdentifier.create(uri, versionOf(uri)), textEdits),
  );
  return { documentChanges: [...creations, ...changes] };
}

export function toQuickFix(fix: Fix, diagnostic: Diagnostic, versionOf: (uri: string) => number | null): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred === true,
    edit: toWorkspaceEdit(fix.edits, versionOf),
  };
}
