import * as path from 'node:path';
import {
  commands,
  Disposable,
  type ExtensionContext,
  languages,
  type LogOutputChannel,
  ProgressLocation,
  StatusBarAlignment,
  type StatusBarItem,
  type TextDocument,
  window,
  workspace,
} from 'vscode';
import { ExecuteCommandRequest, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import {
  type AnalysisState,
  analysisStateNotification,
  generateBootstrapCommand,
  parseAnalysisState,
  parseBootstrapResult,
  parseBootstrapSuggestion,
} from '../../server/src/protocol/messages';
import { analysisStatusText, isLargeAnalysis } from './analysis-state';
import { commandIds, describeFailure, parseDomains } from './commands';
import { certbootDocumentSelector, composeFileNamePattern } from './document-selector';
import { mapConfigurationItems, settingsSection, toServerSettings } from './settings';

const documentSelector = certbootDocumentSelector();

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient> | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel('certboot', { log: true });
  const status = window.createStatusBarItem('certboot.analysis', StatusBarAlignment.Left, 0);
  status.name = 'certboot analysis';
  context.subscriptions.push(output, status);

  const start = (): Promise<LanguageClient> => {
    starting ??= startClient(context, output, status).catch((error: unknown) => {
      starting = undefined;
      throw error;
    });
    return starting;
  };
  const startInBackground = (): void => {
    start().catch((error: unknown) => output.error(`certboot: the language server did not start: ${describeFailure(error)}`));
  };

  context.subscriptions.push(
    commands.registerCommand(commandIds.generateBootstrapConfig, async () => generateBootstrapConfig(await start())),
    commands.registerCommand(commandIds.showOutput, () => output.show(true)),
    commands.registerCommand(commandIds.restartServer, async () => {
      if (client === undefined) await start();
      else await client.restart();
    }),
  );

  // Activation also happens for any YAML file: the server starts only for files it reads.
  if (workspace.textDocuments.some(isCertbootDocument) || (await workspaceHasComposeFile())) {
    startInBackground();
    return;
  }
  const waitForDocument = workspace.onDidOpenTextDocument((document) => {
    if (!isCertbootDocument(document)) return;
    waitForDocument.dispose();
    startInBackground();
  });
  context.subscriptions.push(waitForDocument);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

function isCertbootDocument(document: TextDocument): boolean {
  return languages.match(documentSelector, document) > 0;
}

async function workspaceHasComposeFile(): Promise<boolean> {
  if (workspace.workspaceFolders === undefined) return false;
  const found = await workspace.findFiles(composeFileNamePattern, '**/node_modules/**', 1);
  return found.length > 0;
}

async function startClient(context: ExtensionContext, output: LogOutputChannel, status: StatusBarItem): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    initializationOptions: { settings: toServerSettings({ rules: workspace.getConfiguration(settingsSection).get<unknown>('rules') }) },
    synchronize: { configurationSection: settingsSection },
    middleware: {
      workspace: {
        configuration: async (parameters, token, next) => {
          const values = await next(parameters, token);
          if (!Array.isArray(values)) return values;
          return mapConfigurationItems(
            parameters.items.map((item) => item.section),
            values,
          );
        },
      },
    },
  };
  const languageClient = new LanguageClient('certboot', 'certboot', serverOptions, clientOptions);
  context.subscriptions.push(showAnalysisState(languageClient, status));
  await languageClient.start();
  client = languageClient;
  return languageClient;
}

/** The status bar item while the server analyses the workspace, and a notification for large ones. */
function showAnalysisState(languageClient: LanguageClient, status: StatusBarItem): Disposable {
  let endProgress: (() => void) | undefined;
  const finish = (): void => {
    status.hide();
    endProgress?.();
    endProgress = undefined;
  };
  const analysing = (state: AnalysisState): void => {
    status.text = analysisStatusText(state);
    status.tooltip = 'certboot is reading the nginx and compose files of the workspace';
    status.show();
    if (!isLargeAnalysis(state) || endProgress !== undefined) return;
    const ended = new Promise<void>((resolve) => {
      endProgress = resolve;
    });
    void window.withProgress({ location: ProgressLocation.Notification, title: 'certboot: analysing the workspace' }, () => ended);
  };
  const notifications = languageClient.onNotification(analysisStateNotification, (parameters: unknown) => {
    const state = parseAnalysisState(parameters);
    if (state === undefined) return;
    if (state.state === 'finished') finish();
    else analysing(state);
  });
  const stateChanges = languageClient.onDidChangeState(finish);
  return Disposable.from(notifications, stateChanges, { dispose: finish });
}

async function generateBootstrapConfig(languageClient: LanguageClient): Promise<void> {
  const folder = window.activeTextEditor ? workspace.getWorkspaceFolder(window.activeTextEditor.document.uri) : workspace.workspaceFolders?.[0];
  const folderArguments = folder ? [folder.uri.toString()] : [];
  try {
    const suggestion = parseBootstrapSuggestion(
      await languageClient.sendRequest(ExecuteCommandRequest.type, { command: generateBootstrapCommand, arguments: folderArguments }),
    );
    const domains = await window.showInputBox({
      title: 'certboot: Generate bootstrap config (1/3)',
      prompt: 'Domains of the certificate, separated by spaces or commas (the first names it)',
      value: suggestion.domains.join(' '),
      validateInput: (value) => (parseDomains(value).length === 0 ? 'Name at least one domain' : undefined),
    });
    if (domains === undefined) return;
    const email = await window.showInputBox({
      title: 'certboot: Generate bootstrap config (2/3)',
      prompt: "Email for Let's Encrypt's expiry notices",
      value: suggestion.email,
      validateInput: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? undefined : 'Enter an email address'),
    });
    if (email === undefined) return;
    const staging = await window.showQuickPick(
      [
        { label: "Let's Encrypt", description: 'real certificates', staging: false },
        { label: "Let's Encrypt staging", description: 'test certificates browsers reject; higher rate limits', staging: true },
      ],
      { title: 'certboot: Generate bootstrap config (3/3)', placeHolder: 'Where the certificate comes from' },
    );
    if (staging === undefined) return;
    const request = { domains: parseDomains(domains), email: email.trim(), staging: staging.staging };
    const result = parseBootstrapResult(
      await languageClient.sendRequest(ExecuteCommandRequest.type, { command: generateBootstrapCommand, arguments: [...folderArguments, request] }),
    );
    if (result.applied) void window.showInformationMessage(`certboot: ${result.summary.join(' ')}`);
  } catch (error) {
    void window.showErrorMessage(`certboot: ${describeFailure(error)}`);
  }
}
