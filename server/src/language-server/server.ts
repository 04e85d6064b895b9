import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BootstrapError } from '../bootstrap/bootstrap-layout';
import { lintConfigurationFromSettings } from '../engine/lint-config';
import { analysisStateNotification, generateBootstrapCommand, isBootstrapRequest } from '../protocol/messages';
import { bootstrapPlan, bootstrapSuggestion, markScriptsExecutable } from '../services/bootstrap-service';
import { codeActions, findingKeys } from '../services/code-actions';
import { describePathAt, documentLinks } from '../services/path-description';
import { WorkspaceSession } from '../services/workspace-session';
import { toAnnotatedWorkspaceEdit } from './bootstrap-edit';
import { stdioMessageStreams } from './message-streams';
import { fileUri, fixAllKind, keyOf, toCodeAction, toDiagnostic } from './protocol-conversions';

// The LSP adapter: it turns messages into calls of the workspace session and the services, and
// their answers into messages. What certboot knows and decides lives in the layers below.

/** The rule pages ship next to the bundle: dist/server.js → docs/rules/. */
const docsDirectory = join(dirname(__dirname), 'docs', 'rules');

// over stdio (Neovim, other editors) a broken frame is skipped and said on stderr; VS Code talks over Node IPC, which has no frames
const streams = process.argv.includes('--stdio') ? stdioMessageStreams((text) => process.stderr.write(text)) : undefined;
const connection = streams ? createConnection(ProposedFeatures.all, streams.reader, streams.writer) : createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const session = new WorkspaceSession({
  publish: (path, findings) => {
    const keys = findingKeys(findings);
    void connection.sendDiagnostics({ uri: fileUri(path), diagnostics: findings.map((finding, index) => toDiagnostic(finding, docsDirectory, keys[index])) });
  },
  analysisState: (state) => connection.sendNotification(analysisStateNotification, state),
  warn: (message) => connection.console.warn(message),
  error: (message) => connection.console.error(message),
  show: (message, severity) =>
    void connection.sendNotification(ShowMessageNotification.type, { type: severity === 'error' ? MessageType.Error : MessageType.Warning, message }),
});

/** What the client announced at initialize. */
let client = {
  readsConfiguration: false,
  hasWorkspaceFolders: false,
  watchesFiles: false,
  /** The client sent no settings with initialize (VS Code's client does): they are asked for once initialized. */
  settingsPending: false,
};

/** The client asked the server to shut down: it answers no more requests and starts no analysis. */
let shutDown = false;

/** The local path of a `file:` URI; undefined for any other URI, and for one that names no local path (a host, bad escapes). */
function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function localPaths(uris: readonly (string | undefined)[]): string[] {
  return uris.map((uri) => (uri === undefined ? undefined : pathOf(uri))).filter((path): path is string => path !== undefined);
}

/** LSP: requests after `shutdown` fail with InvalidRequest. */
function refuseAfterShutdown(): void {
  if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'certboot is shutting down');
}

connection.onShutdown(() => {
  shutDown = true;
  session.stop();
});

connection.onInitialize((params) => {
  const capabilities = params.capabilities.workspace;
  client = {
    readsConfiguration: capabilities?.configuration === true,
    hasWorkspaceFolders: capabilities?.workspaceFolders === true,
    watchesFiles: capabilities?.didChangeWatchedFiles?.dynamicRegistration === true,
    settingsPending: params.initializationOptions?.settings === undefined,
  };
  const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? [params.rootUri ?? undefined];
  session.start(localPaths(folders), client.watchesFiles, lintConfigurationFromSettings(params.initializationOptions?.settings).configuration);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
      hoverProvider: true,
      documentLinkProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [generateBootstrapCommand] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'certboot' },
  };
});

connection.onInitialized(() => {
  if (client.readsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  // the library refuses the subscription unless the client announced folder support
  if (client.hasWorkspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((event) =>
      session.changeFolders(localPaths(event.added.map((folder) => folder.uri)), localPaths(event.removed.map((folder) => folder.uri))),
    );
  }
  // any file can change the model (a certificate appearing, a .gitignore, a script), and
  // files that are not open reach the server only through the client's watcher
  if (client.watchesFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  // refreshSettings analyses once it has them
  if (client.readsConfiguration && client.settingsPending) void refreshSettings(undefined);
  else session.scheduleAll();
});

async function refreshSettings(pushed: unknown): Promise<void> {
  let settings: unknown = (pushed as { certboot?: unknown } | undefined)?.certboot;
  if (client.readsConfiguration) {
    try {
      settings = await connection.workspace.getConfiguration('certboot');
    } catch (error) {
      // a client that announced configuration but fails to answer keeps the settings it pushed
      connection.console.warn(`settings: the client did not answer workspace/configuration: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const loaded = lintConfigurationFromSettings(settings);
  for (const problem of loaded.problems) connection.console.warn(`settings: ${problem.message}`);
  session.changeSettings(loaded.configuration);
}

connection.onDidChangeConfiguration((change) => void refreshSettings(change.settings));

documents.onDidOpen((event) => {
  const path = pathOf(event.document.uri);
  if (path) session.open(path, event.document.getText());
});

documents.onDidChangeContent((event) => {
  const path = pathOf(event.document.uri);
  if (path) session.change(path, event.document.getText());
});

documents.onDidSave((event) => {
  const path = pathOf(event.document.uri);
  if (path) session.save(path);
});

documents.onDidClose((event) => {
  const path = pathOf(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  if (path) session.close(path);
});

connection.onDidChangeWatchedFiles(() => session.filesChanged());

function versionOf(uri: string): number | null {
  return documents.get(uri)?.version ?? null;
}

connection.onCodeAction((params) => {
  refuseAfterShutdown();
  const path = pathOf(params.textDocument.uri);
  const document = documents.get(params.textDocument.uri);
  if (!path || !document) return [];
  // `only` asks for these kinds and the kinds below them (`source` takes `source.fixAll.certboot`)
  const only = params.context.only;
  const asked = (kind: string): boolean => only === undefined || only.some((prefix) => kind === prefix || kind.startsWith(`${prefix}.`));
  const diagnostics = params.context.diagnostics.filter((candidate) => candidate.source === 'certboot');
  const actions = codeActions({
    path,
    text: document.getText(),
    findings: session.findingsOf(path),
    analysis: session.analysisOf(path),
    fileSystem: session.fileSystemOf(path),
    diagnostics: diagnostics.map((diagnostic) => ({
      ruleId: typeof diagnostic.code === 'string' ? diagnostic.code : undefined,
      range: diagnostic.range,
      key: keyOf(diagnostic),
    })),
    fixAll: only !== undefined && asked(fixAllKind),
    quickFixes: asked(CodeActionKind.QuickFix),
  });
  return actions.map((action) => toCodeAction(action, diagnostics, versionOf));
});

connection.onHover((params) => {
  refuseAfterShutdown();
  const path = pathOf(params.textDocument.uri);
  const analysis = path ? session.analysisOf(path) : undefined;
  if (!path || !analysis) return null;
  const description = describePathAt(analysis.deployment, path, params.position);
  return description ? { contents: { kind: 'markdown', value: description.text }, range: description.range } : null;
});

connection.onDocumentLinks((params) => {
  refuseAfterShutdown();
  const path = pathOf(params.textDocument.uri);
  const analysis = path ? session.analysisOf(path) : undefined;
  if (!path || !analysis) return [];
  return documentLinks(analysis.deployment, path, session.fileSystemOf(path)).map((link) => ({ range: link.range, target: fileUri(link.target) }));
});

/**
 * `certboot.generateBootstrapConfig [folderUri] [request]`: without a request it answers what to
 * prefill (the client asks the user); with one it applies the bootstrap as a previewed edit, and
 * once the editor has created the files, gives the new scripts their executable bit.
 */
connection.onExecuteCommand(async (params) => {
  refuseAfterShutdown();
  if (params.command !== generateBootstrapCommand) throw new ResponseError(ErrorCodes.InvalidRequest, `unknown command ${params.command}`);
  const [folderUri, request] = params.arguments ?? [];
  const folder = typeof folderUri === 'string' ? pathOf(folderUri) : session.workspaceFolders[0];
  if (!folder) throw new ResponseError(ErrorCodes.InvalidParams, 'open a folder that holds the compose project first');
  const root = session.rootOf(folder);
  const analysis = await session.settledAnalysis(root);
  if (!analysis) throw new ResponseError(ErrorCodes.InternalError, `certboot could not analyse ${root}`);
  if (request === undefined) return bootstrapSuggestion(analysis);
  if (!isBootstrapRequest(request)) throw new ResponseError(ErrorCodes.InvalidParams, 'the bootstrap needs domains, an email and whether to use staging');
  try {
    const plan = bootstrapPlan(analysis, session.fileSystemOf(root), { domains: request.domains, email: request.email, staging: request.staging });
    const edit = toAnnotatedWorkspaceEdit(plan.edits, plan.summary, versionOf);
    const applied = await connection.workspace.applyEdit({ label: 'Split into HTTP-first stages', edit });
    const executable = applied.applied ? markScriptsExecutable(plan.scripts, session.workspaceFolders) : { marked: [], failures: [] };
    for (const failure of executable.failures) connection.console.warn(`certboot: ${failure}`);
    if (applied.applied && request.announce === true)
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `certboot: ${plan.summary.join(' ')}` });
    return { applied: applied.applied, summary: plan.summary, executable: executable.marked };
  } catch (error) {
    if (error instanceof BootstrapError) throw new ResponseError(ErrorCodes.InvalidRequest, error.message);
    throw error;
  }
});

// a bug in one request must not take the editor's diagnostics down with it
process.on('uncaughtException', (error) => connection.console.error(`certboot: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`certboot: ${String(reason)}`));

documents.listen(connection);
connection.listen();
