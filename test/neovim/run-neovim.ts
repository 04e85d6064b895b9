import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { repositoryRoot } from '../support/paths';

export interface NeovimResult {
  /** How many publishDiagnostics notifications arrived, for any file. */
  readonly publishCount: number;
  /** The last one for the opened file, as the server sent it. */
  readonly last: PublishDiagnosticsParams;
}

/** Opens `file` in headless Neovim with certboot's server attached (test/neovim/init.lua). */
export async function diagnosticsFromNeovim(file: string, workspaceRoot: string): Promise<NeovimResult> {
  const temporary = mkdtempSync(join(tmpdir(), 'certboot-neovim-'));
  try {
    const home = join(temporary, 'home');
    for (const directory of ['config', 'data', 'state', 'cache']) mkdirSync(join(home, directory), { recursive: true });
    const output = join(temporary, 'diagnostics.json');
    const child = spawn('nvim', ['--headless', '-n', '-i', 'NONE', '-u', join(repositoryRoot, 'test', 'neovim', 'init.lua'), file], {
      env: {
        ...process.env,
        // Neovim writes its LSP log and state under these
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
        XDG_STATE_HOME: join(home, 'state'),
        XDG_CACHE_HOME: join(home, 'cache'),
        CERTBOOT_SERVER: join(repositoryRoot, 'dist', 'server.js'),
        CERTBOOT_ROOT: workspaceRoot,
        CERTBOOT_DIAGNOSTICS: output,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`nvim exited with ${String(code)}: ${stderr}`);
    return JSON.parse(readFileSync(output, 'utf8')) as NeovimResult;
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
