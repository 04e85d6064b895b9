import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, Diagnostic, DiagnosticSeverity, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { mainContext } from './core/nginx/analyzer';
import { parseNginx } from './core/nginx/parser';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'certboot' },
}));

function isNginxDocument(document: TextDocument): boolean {
  return document.languageId === 'nginx' || document.languageId === 'NGINX';
}

function validate(document: TextDocument): void {
  if (!isNginxDocument(document)) return;
  const path = document.uri.startsWith('file:') ? fileURLToPath(document.uri) : document.uri;
  // only nginx.conf is known to be read at the top level; a snippet's context depends on its include
  const context = posix.basename(path) === 'nginx.conf' ? mainContext : undefined;
  const file = parseNginx(document.getText(), path, { context });
  const diagnostics: Diagnostic[] = file.errors.map((error) => ({
    range: error.span.toRange(),
    severity: DiagnosticSeverity.Error,
    source: 'certboot',
    code: `nginx-${error.kind}`,
    message: error.message,
  }));
  void connection.sendDiagnostics({ uri: document.uri, diagnostics });
}

documents.onDidChangeContent((change) => validate(change.document));
documents.onDidClose((event) => void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }));
documents.listen(connection);
connection.listen();
