import { type ChildProcess, spawn } from 'node:child_process';
import {
  type ApplyWorkspaceEditParams,
  createProtocolConnection,
  type InitializeParams,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type Range,
  type Registration,
  type RegistrationParams,
  type ShowMessageParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AnalysisState, analysisStateNotification } from '../../server/src/protocol/messages';
import { repositoryRoot } from './paths';

export interface LanguageClientOptions {
  /** Flags for the server's node, before the script: e.g. `--cpu-prof` to profile the real server. */
  readonly nodeArguments?: readonly string[];
  /** Variables added to the server's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A real client: dist/server.js in its own process, JSON-RPC over stdio. */
export class LanguageClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { predicate: (params: PublishDiagnosticsParams) => boolean; resolve: (params: PublishDiagnosticsParams) => void }[] = [];
  readonly stderr: string[] = [];
  private readonly nodeArguments: readonly string[];

  constructor(options: LanguageClientOptions = {}) {
    this.nodeArguments = options.nodeArguments ?? [];
    this.process = spawn(process.execPath, [...this.nodeArguments, join(repositoryRoot, 'dist', 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    this.process.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.latest.set(params.uri, params);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.onNotification(analysisStateNotification, (params: AnalysisState) => {
      this.analysisStates.push(params);
    });
    this.connection.onNotification('window/showMessage', (params: ShowMessageParams) => {
      this.messages.push(params);
    });
    this.connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    // the server applies edits through the client, as an editor would after its preview
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.appliedEdits.push(params);
      if (this.createsFiles) this.createFiles(params);
      return { applied: true };
    });
    this.connection.listen();
  }

  /** Every start, file count and end of an analysis the server announced, in order. */
  readonly analysisStates: AnalysisState[] = [];

  /** Every capability the server registered dynamically, in order. */
  readonly registrations: Registration[] = [];

  /** Every message the server asked the client to show, in order. */
  readonly messages: ShowMessageParams[] = [];

  /** Every edit the server asked the client to apply, in order. */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];

  /** Whether applying an edit creates its new files on disk (empty, mode 644), as VS Code does before it fills their buffers. */
  createsFiles = false;

  /** The files applied edits created, and the outermost directories made for them, in order. */
  readonly createdFiles: string[] = [];

  private createFiles(params: ApplyWorkspaceEditParams): void {
    for (const change of params.edit.documentChanges ?? []) {
      if (!('kind' in change) || change.kind !== 'create') continue;
      const path = fileURLToPath(change.uri);
      if (existsSync(path)) continue;
      const firstNewDirectory = mkdirSync(dirname(path), { recursive: true });
      if (firstNewDirectory !== undefined) this.createdFiles.push(firstNewDirectory);
      writeFileSync(path, '');
      chmodSync(path, 0o644);
      this.createdFiles.push(path);
    }
  }

  async initialize(folder: string, settings?: unknown): Promise<void> {
    const params: InitializeParams = {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'workspace' }],
      capabilities: {
        textDocument: { publishDiagnostics: { relatedInformation: true } },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
      },
      initializationOptions: settings === undefined ? undefined : { settings },
    };
    await this.connection.sendRequest('initialize', params);
    await this.connection.sendNotification('initialized', {});
  }

  /** The next diagnostics for a file that satisfy the predicate (or the current ones if they already do). */
  diagnostics(path: string, predicate: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const uri = pathToFileURL(path).href;
    const current = this.latest.get(uri);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      // cleared on a match: a benchmark waits thousands of times, and pending timers would keep its process alive
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) {
          this.waiters.splice(index, 1);
          reject(
            new Error(
              `no matching diagnostics for ${fileURLToPath(uri)} within ${timeoutMs} ms; last: ${JSON.stringify(this.latest.get(uri)?.diagnostics.map((d) => d.code))}`,
            ),
          );
        }
      }, timeoutMs);
      const waiter = {
        predicate: (params: PublishDiagnosticsParams) => params.uri === uri && predicate(params),
        resolve: (params: PublishDiagnosticsParams) => {
          clearTimeout(timer);
          resolve(params);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async open(path: string, text: string, languageId: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(path).href, languageId, version, text } });
  }

  async change(path: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: pathToFileURL(path).href, version }, contentChanges: [{ text }] });
  }

  /** An incremental change, as editors send it: `text` replaces `range` of the document. */
  async changeRange(path: string, range: Range, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: pathToFileURL(path).href, version },
      contentChanges: [{ range, text }],
    });
  }

  /** Bytes straight onto the server's stdin, between the client's messages: a broken frame. */
  writeRaw(bytes: string): Promise<void> {
    return new Promise((resolve, reject) => this.process.stdin?.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  private exitWithin(timeoutMs: number): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
        await this.connection.sendNotification('exit');
        // node writes a --cpu-prof profile only on a normal exit, so a profiled server gets time to exit before the kill
        if (this.nodeArguments.length > 0) await this.exitWithin(5000);
      } catch {
        // the process may already be gone; it is killed below either way
      }
    }
    this.connection.dispose();
    if (!this.exited) this.process.kill('SIGKILL');
  }
}
