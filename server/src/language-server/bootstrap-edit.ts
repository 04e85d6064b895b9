import {
  AnnotatedTextEdit,
  type ChangeAnnotation,
  CreateFile,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { FileEdit } from '../text/findings';
import { fileUri } from './protocol-conversions';

export const bootstrapAnnotationId = 'certboot.bootstrap';

/**
 * The bootstrap as one WorkspaceEdit whose every change carries an annotation that needs
 * confirmation: the editor shows it as a refactoring preview before anything is written.
 */
export function toAnnotatedWorkspaceEdit(edits: readonly FileEdit[], summary: readonly string[], versionOf: (uri: string) => number | null): WorkspaceEdit {
  const annotation: ChangeAnnotation = { label: 'Split into HTTP-first stages', needsConfirmation: true, description: summary.join(' ') };
  const creations: CreateFile[] = [];
  const byFile = new Map<string, AnnotatedTextEdit[]>();
  for (const edit of edits) {
    const uri = fileUri(edit.file);
    if (edit.kind === 'create') {
      creations.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: true }, bootstrapAnnotationId));
      byFile.set(uri, [...(byFile.get(uri) ?? []), AnnotatedTextEdit.insert({ line: 0, character: 0 }, edit.content, bootstrapAnnotationId)]);
    } else {
      byFile.set(uri, [...(byFile.get(uri) ?? []), AnnotatedTextEdit.replace(edit.range, edit.newText, bootstrapAnnotationId)]);
    }
  }
  const changes = [...byFile].map(([uri, textEdits]) =>
    TextDocumentEdit.create(OptionalVersionedTextDocumentIdentifier.create(uri, versionOf(uri)), textEdits),
  );
  return { documentChanges: [...creations, ...changes], changeAnnotations: { [bootstrapAnnotationId]: annotation } };
}
