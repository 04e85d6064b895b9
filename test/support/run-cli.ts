import { spawnSync } from 'node:child_process';
import { cliPath } from './paths';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Flags for node before the script, e.g. `--max-old-space-size=256` to prove a run stays within a heap. */
  readonly nodeArguments?: readonly string[];
  /** Run as this user and group (the tests run as root, who may read any file). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** Runs the built CLI as a user would: a separate Node process. */
export function runBuiltCli(args: readonly string[], cwd: string, timeoutMs = 30_000, options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [...(options.nodeArguments ?? []), cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `nobody`, for a run that must not read what only its owner may: as root every file is readable. */
export const unprivileged = { uid: 65534, gid: 65534 };
