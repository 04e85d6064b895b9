import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** What scripts/e2e-vscode.sh installed and built; the test cannot run without any of it. */
export interface Installation {
  readonly node: string;
  readonly codeServer: string;
  readonly vsix: string;
}

export function installationFromEnvironment(): Installation {
  const node = process.env.CERTBOOT_E2E_NODE;
  const codeServer = process.env.CERTBOOT_E2E_CODE_SERVER;
  const vsix = process.env.CERTBOOT_E2E_VSIX;
  if (!node || !codeServer || !vsix) {
    throw new Error('CERTBOOT_E2E_NODE, CERTBOOT_E2E_CODE_SERVER and CERTBOOT_E2E_VSIX are not set: run `npm run test:vscode`');
  }
  return { node, codeServer, vsix };
}

/** A user-data, extensions and XDG home of its own, so nothing touches the user's. */
export interface Profile {
  readonly userData: string;
  readonly extensions: string;
  readonly config: string;
  readonly environment: NodeJS.ProcessEnv;
}

/** Settings that keep the workbench quiet (VSCODE-E2E.md). */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function createProfile(directory: string): Profile {
  const userData = join(directory, 'user-data');
  const extensions = join(directory, 'extensions');
  const home = join(directory, 'home');
  for (const path of [join(userData, 'User'), extensions, join(home, 'config'), join(home, 'data'), join(home, 'cache')]) mkdirSync(path, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), `${JSON.stringify(quietSettings, null, 2)}\n`);
  const config = join(directory, 'code-server.yaml');
  writeFileSync(config, 'auth: none\n');
  // code-server and Chromium write under $HOME even with --user-data-dir
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
  };
  return { userData, extensions, config, environment };
}

function profileArguments(profile: Profile): string[] {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

export async function installExtension(installation: Installation, profile: Profile, log: string): Promise<void> {
  const child = spawn(installation.node, [installation.codeServer, ...profileArguments(profile), '--install-extension', installation.vsix], {
    env: profile.environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = createWriteStream(log);
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`code-server --install-extension exited with ${String(code)}; see ${log}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningCodeServer {
  readonly url: string;
  readonly process: ChildProcess;
}

export async function startCodeServer(installation: Installation, profile: Profile, folder: string, log: string): Promise<RunningCodeServer> {
  const port = await freePort();
  const child = spawn(
    installation.node,
    [
      installation.codeServer,
      ...profileArguments(profile),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      folder,
    ],
    // its own process group, so stopping it also stops the extension host and the language server
    { env: profile.environment, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const output = createWriteStream(log);
  child.stdout?.pipe(output);
  child.stderr?.pipe(output);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${log}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return { url, process: child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopProcessGroup(child);
      throw new Error(`code-server did not answer /healthz within 30 s; see ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops the process group this test started, by its leader's PID. */
export function stopProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export async function waitForExit(child: ChildProcess, milliseconds: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), milliseconds));
  if ((await Promise.race([exited, timedOut])) === 'timeout' && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
