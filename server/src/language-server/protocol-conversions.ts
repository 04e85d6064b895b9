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
import { generateBootstrapCommand } from '../protocol/messages';
import type { FileAction } from '../services/code-actions';
import type { FileEdit, Finding, Severity } from '../text/findings';
import { unusedSuppression } from '../rules/suppressions/unused-suppression';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The kind of the action that applies every safe fix, under `source.fixAll`. */
export const fixAllKind = `${CodeActionKind.SourceFixAll}.certboot`;

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** What a diagnostic carries for the code action request that sends it back. */
export interface DiagnosticData {
  /** The finding's key (services/code-actions.ts findingKeys). */
  readonly finding: string;
}

export function keyOf(diagnostic: Diagnostic): string | undefined {
  const finding = (diagnostic.data as Partial<DiagnosticData> | null | undefined)?.finding;
  return typeof finding === 'string' ? finding : undefined;
}

/** A Finding as the editor shows it; `docsDirectory` holds the rule pages shipped with the server, `key` identifies the finding. */
export function toDiagnostic(finding: Finding, docsDirectory: string, key: string): Diagnostic {
  const data: DiagnosticData = { finding: key };
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
    data,
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

/** An action of services/code-actions.ts; one that runs the bootstrap carries the command, not an edit. */
export function toCodeAction(action: FileAction, diagnostics: readonly Diagnostic[], versionOf: (uri: string) => number | null): CodeAction {
  const diagnostic = action.diagnostic === undefined ? undefined : diagnostics[action.diagnostic];
  const command = action.bootstrap && {
    title: action.title,
    command: generateBootstrapCommand,
    arguments: [fileUri(action.bootstrap.root), action.bootstrap.request],
  };
  return {
    title: action.title,
    kind: action.kind === 'fixAll' ? fixAllKind : CodeActionKind.QuickFix,
    ...(diagnostic ? { diagnostics: [diagnostic] } : {}),
    ...(action.preferred === undefined ? {} : { isPreferred: action.preferred }),
    ...(action.edits ? { edit: toWorkspaceEdit(action.edits, versionOf) } : {}),
    ...(command ? { command } : {}),
  };
}
