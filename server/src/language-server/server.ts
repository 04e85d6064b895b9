import { chmodSync, lstatSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  createConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type DocumentLink,
  type WorkspaceEdit,
  ErrorCodes,
  type Hover,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from '../inventory/analysis-cache';
import { analyzeWorkspace, type WorkspaceAnalysis } from '../engine/analyze-workspace';
import { BootstrapError } from '../bootstrap/bootstrap-layout';
import { suggestDomains } from '../bootstrap/domains';
import { generateBootstrap } from '../bootstrap/generate-bootstrap';
import { describePathAt, includeLinks, mountLinks } from '../services/path-description';
import type { Finding } from '../text/findings';
import { commentSyntaxOf } from '../languages/comments/comment-scanner';
import {
  applyLintConfiguration,
  emptyLintConfiguration,
  findLintConfigurationFile,
  type LintConfiguration,
  lintConfigurationFromSettings,
  loadLintConfigurationFile,
  mergeLintConfigurations,
} from '../engine/lint-config';
import { applySuppressions, disableRuleForLineEdit } from '../engine/suppressions';
import { selectSafeFixes } from '../fixes/fix-selection';
import { findRule } from '../rules/index';
import { DiskFileSystem } from '../workspace/disk-file-system';
import { OverlayFileSystem } from '../workspace/overlay-file-system';
import { RememberingFileSystem } from '../workspace/remembering-file-system';
import { toAnnotatedWorkspaceEdit } from './bootstrap-edit';
import { fileUri, toDiagnostic, toQuickFix, toWorkspaceEdit } from './protocol-conversions';

export const generateBootstrapCommand = 'certboot.generateBootstrapConfig';
const fixAllKind = `${CodeActionKind.SourceFixAll}.certboot`;
/** The rule pages ship next to the bundle: dist/server.js → docs/rules/. */
const docsDirectory = join(dirname(__dirname), 'docs', 'rules');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let workspaceRoots: string[] = [];
let overlay = new OverlayFileSystem(new DiskFileSystem([]));
let remembered: RememberingFileSystem | undefined;
let settingsConfiguration: LintConfiguration = emptyLintConfiguration;
let canReadConfiguration = false;
let supportsWorkspaceFolders = false;
let canWatchFiles = false;
/** The client sent no settings with initialize (VS Code's client does): they are asked for once initialized. */
let settingsPending = false;

interface RootState {
  analysis?: WorkspaceAnalysis;
  /** After suppressions and configuration, by file. */
  findingsByFile: Map<string, Finding[]>;
  /** An analysis is waiting to start. */
  queued: boolean;
  /** Parsed files of the previous analysis, reused while their bytes stay the same. */
  readonly cache: AnalysisCache;
  running: Promise<void>;
}
const rootStates = new Map<string, RootState>();

/** The local path of a `file:` URI; undefined for any other URI, and for one that names no local path (a host, bad escapes). */
function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function rootOf(path: string): string {
  const containing = workspaceRoots.filter((root) => path === root || path.startsWith(`${root}/`)).sort((left, right) => right.length - left.length);
  return containing[0] ?? posix.dirname(path);
}

/** The disk as the workspace folders allow it, plus the directory of each file opened outside them. */
function rebuildFileSystem(): void {
  const disk = new DiskFileSystem([...new Set([...workspaceRoots, ...rootStates.keys()])]);
  // kept answers are only safe while the client reports every change of the disk
  remembered = canWatchFiles ? new RememberingFileSystem(disk) : undefined;
  overlay = new OverlayFileSystem(remembered ?? disk);
  for (const document of documents.all()) {
    const path = pathOf(document.uri);
    if (path) overlay.set(path, document.getText());
  }
}

function stateOf(root: string): RootState {
  let state = rootStates.get(root);
  if (!state) {
    state = { findingsByFile: new Map(), queued: false, running: Promise.resolve(), cache: new AnalysisCache() };
    rootStates.set(root, state);
    if (!workspaceRoots.includes(root)) rebuildFileSystem();
  }
  return state;
}

function configurationFor(root: string): LintConfiguration {
  const file = findLintConfigurationFile(overlay, root, root);
  if (!file) return settingsConfiguration;
  const loaded = loadLintConfigurationFile(overlay, file);
  for (const problem of loaded.problems) connection.console.warn(`${problem.source}: ${problem.message}`);
  return mergeLintConfigurations(settingsConfiguration, loaded.configuration);
}

function openPathsUnder(root: string): string[] {
  return documents
    .all()
    .map((document) => pathOf(document.uri))
    .filter((path): path is string => path !== undefined && rootOf(path) === root);
}

/**
 * The directory of a file opened outside the workspace folders may be any directory of the
 * machine (/usr, a home directory): its analysis looks in that directory alone, not below it.
 */
function searchDepthOf(root: string): number | undefined {
  return workspaceRoots.includes(root) ? undefined : 0;
}

async function analyzeRoot(root: string): Promise<void> {
  const state = stateOf(root);
  const started = performance.now();
  void connection.sendNotification('certboot/analysisState', { state: 'started', root });
  try {
    const configuration = configurationFor(root);
    const sharedHosts = configuration.sharedHosts;
    const analysis = await analyzeWorkspace(overlay, root, { cache: state.cache, searchDepth: searchDepthOf(root), ...(sharedHosts ? { sharedHosts } : {}) });
    for (const internal of analysis.internalErrors) connection.console.error(`certboot: rule ${internal.ruleId} failed: ${internal.message}`);
    const files = new Set([...analysis.findings.map((finding) => finding.location.file), ...openPathsUnder(root)]);
    const findings = applyLintConfiguration(applySuppressions(analysis.findings, overlay, [...files]), configuration);
    const byFile = new Map<string, Finding[]>();
    for (const finding of findings) {
      const inFile = byFile.get(finding.location.file);
      if (inFile) inFile.push(finding);
      else byFile.set(finding.location.file, [finding]);
    }
    state.analysis = analysis;
    state.findingsByFile = byFile;
    for (const path of openPathsUnder(root)) publish(path, byFile.get(path) ?? []);
  } catch (error) {
    connection.console.error(`certboot: analysis of ${root} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    // how long the analysis and the publishing took in the server, for benchmarks and logs
    void connection.sendNotification('certboot/analysisState', { state: 'finished', root, milliseconds: performance.now() - started });
  }
}

function publish(path: string, findings: readonly Finding[]): void {
  void connection.sendDiagnostics({ uri: fileUri(path), diagnostics: findings.map((finding) => toDiagnostic(finding, docsDirectory)) });
}

/** The client asked the server to shut down: it answers no more requests and starts no analysis. */
let shutDown = false;

connection.onShutdown(() => {
  shutDown = true;
});

/** LSP: requests after `shutdown` fail with InvalidRequest. */
function refuseAfterShutdown(): void {
  if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'certboot is shutting down');
}

/** How many edits the client has sent: opens, changes, closes, saves, watched files, settings. */
let editsReceived = 0;

/**
 * Resolves once the edits the client has already sent are handled. vscode-jsonrpc handles one
 * queued message per turn of the event loop, and an analysis holds the loop while it runs, so
 * the keystrokes typed during one arrive together: waiting until a turn passes with no new edit
 * makes such a burst cost one analysis, and a lone edit a turn of the loop.
 */
function editsSettled(): Promise<void> {
  return new Promise((resolve) => {
    let seen = editsReceived;
    const check = (): void => {
      if (editsReceived === seen) {
        resolve();
        return;
      }
      seen = editsReceived;
      setImmediate(check);
    };
    setImmediate(check);
  });
}

/**
 * Analyses run one at a time per root. An edit asks for one once the edits already sent are
 * handled; edits until it starts ask for nothing more, as it reads the latest buffers.
 */
function schedule(root: string): void {
  if (shutDown) return;
  editsReceived++;
  const state = stateOf(root);
  if (state.queued) return;
  state.queued = true;
  state.running = state.running.then(async () => {
    await editsSettled();
    state.queued = false;
    // a file opened outside the folders may have been closed meanwhile
    if (rootStates.get(root) === state) return analyzeRoot(root);
  });
}

function scheduleAll(): void {
  for (const root of new Set([...workspaceRoots, ...rootStates.keys()])) schedule(root);
}

connection.onInitialize((params) => {
  const folders = params.workspaceFolders?.map((folder) => pathOf(folder.uri)) ?? [params.rootUri ? pathOf(params.rootUri) : undefined];
  workspaceRoots = folders.filter((path): path is string => path !== undefined);
  canReadConfiguration = params.capabilities.workspace?.configuration === true;
  supportsWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  rebuildFileSystem();
  settingsPending = params.initializationOptions?.settings === undefined;
  settingsConfiguration = lintConfigurationFromSettings(params.initializationOptions?.settings).configuration;
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
  if (canReadConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  // the library refuses the subscription unless the client announced folder support
  if (supportsWorkspaceFolders) watchWorkspaceFolders();
  // any file can change the model (a certificate appearing, a .gitignore, a script), and
  // files that are not open reach the server only through the client's watcher
  if (canWatchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  // refreshSettings analyses once it has them
  if (canReadConfiguration && settingsPending) void refreshSettings(undefined);
  else scheduleAll();
});

async function refreshSettings(pushed: unknown): Promise<void> {
  let settings: unknown = (pushed as { certboot?: unknown } | undefined)?.certboot;
  if (canReadConfiguration) {
    try {
      settings = await connection.workspace.getConfiguration('certboot');
    } catch (error) {
      // a client that announced configuration but fails to answer keeps the settings it pushed
      connection.console.warn(`settings: the client did not answer workspace/configuration: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const loaded = lintConfigurationFromSettings(settings);
  for (const problem of loaded.problems) connection.console.warn(`settings: ${problem.message}`);
  settingsConfiguration = loaded.configuration;
  scheduleAll();
}

connection.onDidChangeConfiguration((change) => void refreshSettings(change.settings));

function watchWorkspaceFolders(): void {
  connection.workspace.onDidChangeWorkspaceFolders((event) => {
    const removed = new Set(event.removed.map((folder) => pathOf(folder.uri)));
    const added = event.added.map((folder) => pathOf(folder.uri)).filter((path): path is string => path !== undefined);
    workspaceRoots = [...workspaceRoots.filter((root) => !removed.has(root)), ...added];
    for (const root of removed) if (root !== undefined) rootStates.delete(root);
    rebuildFileSystem();
    scheduleAll();
  });
}

documents.onDidOpen((event) => {
  const path = pathOf(event.document.uri);
  if (!path) return;
  overlay.set(path, event.document.getText());
  const root = rootOf(path);
  const known = stateOf(root).findingsByFile.get(path);
  if (known) publish(path, known);
  schedule(root);
});

documents.onDidChangeContent((event) => {
  const path = pathOf(event.document.uri);
  if (!path) return;
  overlay.set(path, event.document.getText());
  schedule(rootOf(path));
});

documents.onDidSave((event) => {
  const path = pathOf(event.document.uri);
  if (path) schedule(rootOf(path));
});

documents.onDidClose((event) => {
  const path = pathOf(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  if (!path) return;
  overlay.delete(path);
  const root = rootOf(path);
  if (!workspaceRoots.includes(root) && openPathsUnder(root).length === 0) {
    // nothing keeps a directory outside the folders in the analysis once its last file closes
    rootStates.delete(root);
    rebuildFileSystem();
    return;
  }
  schedule(root);
});

connection.onDidChangeWatchedFiles(() => {
  remembered?.forget();
  scheduleAll();
});

function findingsAt(uri: string): { path: string; findings: Finding[] } | undefined {
  const path = pathOf(uri);
  if (!path) return undefined;
  return { path, findings: rootStates.get(rootOf(path))?.findingsByFile.get(path) ?? [] };
}

function versionOf(uri: string): number | null {
  return documents.get(uri)?.version ?? null;
}

function overlaps(finding: Finding, diagnostic: Diagnostic): boolean {
  return (
    finding.ruleId === diagnostic.code &&
    finding.location.range.start.line === diagnostic.range.start.line &&
    finding.location.range.start.character === diagnostic.range.start.character &&
    finding.message === diagnostic.message
  );
}

connection.onCodeAction((params) => {
  refuseAfterShutdown();
  const found = findingsAt(params.textDocument.uri);
  const document = documents.get(params.textDocument.uri);
  if (!found || !document) return [];
  const actions: CodeAction[] = [];
  // `only` asks for these kinds and the kinds below them (`source` takes `source.fixAll.certboot`)
  const only = params.context.only;
  const asked = (kind: string): boolean => only === undefined || only.some((prefix) => kind === prefix || kind.startsWith(`${prefix}.`));
  if (only !== undefined && asked(fixAllKind)) {
    // the fixes `certboot lint --fix` applies in one round: the safe ones whose edits do not conflict
    const safe = selectSafeFixes(found.findings).flatMap(({ fix }) => fix.edits);
    if (safe.length > 0) actions.push({ title: 'Fix all safe certboot problems', kind: fixAllKind, edit: toWorkspaceEdit(safe, versionOf) });
  }
  if (!asked(CodeActionKind.QuickFix)) return actions;
  const syntax = commentSyntaxOf(found.path);
  const analysis = rootStates.get(rootOf(found.path))?.analysis;
  let bootstrapOffered = false;
  for (const diagnostic of params.context.diagnostics.filter((candidate) => candidate.source === 'certboot')) {
    const finding = found.findings.find((candidate) => overlaps(candidate, diagnostic));
    if (!finding) continue;
    for (const fix of finding.fixes) actions.push(toQuickFix(fix, diagnostic, versionOf));
    if (!bootstrapOffered && analysis && findRule(finding.ruleId)?.offersHttpFirstSplit) {
      bootstrapOffered = true;
      const split = splitAction(analysis, diagnostic);
      if (split) actions.push(split);
    }
    if (syntax) {
      const edit = disableRuleForLineEdit(found.path, document.getText(), syntax, diagnostic.range.start.line, finding.ruleId);
      actions.push({
        title: `Disable ${finding.ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit([edit], versionOf),
      });
    }
  }
  return actions;
});

/** Editors ask for code actions on every cursor move: whether the split can be made is decided once per analysis. */
const splitRequests = new WeakMap<WorkspaceAnalysis, BootstrapRequest | null>();

/** The bootstrap the quick fix asks for, when the domains and certbot's email are known and the generator accepts the project. */
function splitRequest(analysis: WorkspaceAnalysis): BootstrapRequest | undefined {
  if (!splitRequests.has(analysis)) {
    const email = knownEmail(analysis);
    const { domains } = suggestDomains(analysis.deployment);
    let request: BootstrapRequest | null = null;
    if (email && domains.length > 0) {
      try {
        generateBootstrap(analysis.deployment, overlay, { domains, email, staging: false });
        request = { domains, email, staging: false, announce: true };
      } catch (error) {
        if (!(error instanceof BootstrapError)) throw error;
      }
    }
    splitRequests.set(analysis, request);
  }
  return splitRequests.get(analysis) ?? undefined;
}

/**
 * The HTTP-first split as a quick fix. It runs the bootstrap command rather than carrying the
 * edit: the server then applies the edit itself (a previewed edit that needs confirmation) and,
 * once the editor has created the files, gives the new scripts their executable bit.
 */
function splitAction(analysis: WorkspaceAnalysis, diagnostic: Diagnostic): CodeAction | undefined {
  const request = splitRequest(analysis);
  if (!request) return undefined;
  const title = 'Split into HTTP-first stages';
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: false,
    command: { title, command: generateBootstrapCommand, arguments: [fileUri(analysis.deployment.workspaceRoot), request] },
  };
}

/** The URIs of the shell scripts an edit creates. */
function createdScripts(edit: WorkspaceEdit): string[] {
  return (edit.documentChanges ?? []).flatMap((change) => ('kind' in change && change.kind === 'create' && change.uri.endsWith('.sh') ? [change.uri] : []));
}

/**
 * Gives the scripts the bootstrap created the executable bit, where reading has it (as `chmod
 * +x` does under the usual umask): certbot runs its deploy hook and the nginx image runs
 * /docker-entrypoint.d/*.sh only when they are executable. Only `.sh` files inside the
 * workspace folders are touched; a saved buffer keeps the mode of the file it is written to.
 */
function markScriptsExecutable(uris: readonly string[]): string[] {
  const marked: string[] = [];
  for (const uri of uris) {
    const path = pathOf(uri);
    if (!path?.endsWith('.sh') || !workspaceRoots.some((root) => path.startsWith(`${root}/`))) continue;
    try {
      const stat = lstatSync(path);
      if (!stat.isFile()) continue;
      const mode = stat.mode & 0o7777;
      chmodSync(path, mode | ((mode & 0o444) >> 2));
      marked.push(posix.relative(rootOf(path), path));
    } catch (error) {
      connection.console.warn(`certboot: could not make ${path} executable: ${(error as Error).message}`);
    }
  }
  return marked;
}

connection.onHover((params): Hover | null => {
  refuseAfterShutdown();
  const path = pathOf(params.textDocument.uri);
  const analysis = path ? rootStates.get(rootOf(path))?.analysis : undefined;
  if (!path || !analysis) return null;
  const description = describePathAt(analysis.deployment, path, params.position);
  return description ? { contents: { kind: 'markdown', value: description.text }, range: description.range } : null;
});

connection.onDocumentLinks((params): DocumentLink[] => {
  refuseAfterShutdown();
  const path = pathOf(params.textDocument.uri);
  const analysis = path ? rootStates.get(rootOf(path))?.analysis : undefined;
  if (!path || !analysis) return [];
  const isFile = (candidate: string): boolean => overlay.stat(candidate)?.kind === 'file';
  return [...includeLinks(analysis.deployment, path), ...mountLinks(analysis.deployment, path, isFile)].map((link) => ({
    range: link.range,
    target: fileUri(link.target),
  }));
});

interface BootstrapRequest {
  readonly domains: string[];
  readonly email: string;
  readonly staging: boolean;
  /** The server shows the summary itself (the quick fix; the palette command's client shows it). */
  readonly announce?: boolean;
}

function isBootstrapRequest(value: unknown): value is BootstrapRequest {
  const candidate = value as Partial<BootstrapRequest> | undefined;
  return (
    Array.isArray(candidate?.domains) &&
    candidate.domains.every((domain) => typeof domain === 'string') &&
    typeof candidate.email === 'string' &&
    typeof candidate.staging === 'boolean'
  );
}

/** The latest analysis of a root, after any analysis already under way. */
async function settledAnalysis(root: string): Promise<WorkspaceAnalysis> {
  const state = stateOf(root);
  await state.running;
  if (!state.analysis) await analyzeRoot(root);
  if (!state.analysis) throw new ResponseError(ErrorCodes.InternalError, `certboot could not analyse ${root}`);
  return state.analysis;
}

/** certbot's own `--email`, so the quick fix needs no question. */
function knownEmail(analysis: WorkspaceAnalysis): string | undefined {
  const invocations = [
    ...analysis.deployment.projects.flatMap((project) => project.services.flatMap((service) => service.certbot?.invocations ?? [])),
    ...analysis.deployment.scripts.flatMap((script) => script.certbotInvocations),
  ];
  return invocations.map((invocation) => invocation.email).find((word) => word?.literal)?.value;
}

function bootstrapEdit(
  analysis: WorkspaceAnalysis,
  projectDirectory: string | undefined,
  request: BootstrapRequest,
): { edit: WorkspaceEdit; summary: string[] } {
  const result = generateBootstrap(analysis.deployment, overlay, { ...request, projectDirectory });
  // an editor creates files without the executable bit that certbot's hook and the image's start scripts need
  const scripts = result.edits
    .filter((edit) => edit.kind === 'create' && edit.file.endsWith('.sh'))
    .map((edit) => posix.relative(analysis.deployment.workspaceRoot, edit.file));
  const summary =
    scripts.length > 0
      ? [
          ...result.summary,
          `certboot makes the new scripts executable once they exist (chmod +x ${scripts.join(' ')}): certbot runs a deploy hook, and the nginx image a /docker-entrypoint.d script, only when it is.`,
        ]
      : result.summary;
  return { edit: toAnnotatedWorkspaceEdit(result.edits, summary, versionOf), summary };
}

/**
 * `certboot.generateBootstrapConfig [folderUri] [request]`: without a request it answers what to
 * prefill (the client asks the user); with one it applies the bootstrap as a previewed edit.
 */
connection.onExecuteCommand(async (params) => {
  refuseAfterShutdown();
  if (params.command !== generateBootstrapCommand) throw new ResponseError(ErrorCodes.InvalidRequest, `unknown command ${params.command}`);
  const [folderUri, request] = params.arguments ?? [];
  const folder = typeof folderUri === 'string' ? pathOf(folderUri) : workspaceRoots[0];
  if (!folder) throw new ResponseError(ErrorCodes.InvalidParams, 'open a folder that holds the compose project first');
  const analysis = await settledAnalysis(rootOf(folder));
  if (request === undefined) {
    const suggestion = suggestDomains(analysis.deployment);
    return { domains: suggestion.domains, sources: suggestion.sources, email: knownEmail(analysis) ?? '' };
  }
  if (!isBootstrapRequest(request)) throw new ResponseError(ErrorCodes.InvalidParams, 'the bootstrap needs domains, an email and whether to use staging');
  try {
    const { edit, summary } = bootstrapEdit(analysis, undefined, { domains: request.domains, email: request.email, staging: request.staging });
    const applied = await connection.workspace.applyEdit({ label: 'Split into HTTP-first stages', edit });
    const executable = applied.applied ? markScriptsExecutable(createdScripts(edit)) : [];
    if (applied.applied && request.announce === true)
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `certboot: ${summary.join(' ')}` });
    return { applied: applied.applied, summary, executable };
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
