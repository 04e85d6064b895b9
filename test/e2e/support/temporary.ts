// Host directories that stand in for a compose project's bind-mounted folders. They are
// world-readable because nginx's workers run as www-data, like the official image's
// `nginx` user, and mkdtemp creates directories only root can enter.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const created: string[] = [];

export function temporaryDirectory(name: string): string {
  const path = mkdtempSync(join(tmpdir(), `certboot-e2e-${name}-`));
  chmodSync(path, 0o755);
  created.push(path);
  return path;
}

/** Writes a file below a temporary directory, creating readable parents on the way. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [relativePath, content] of Object.entries(files)) {
    const path = join(root, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    // Explicit modes, since a restrictive umask would otherwise lock www-data out.
    chmodSync(path, 0o644);
    for (let directory = dirname(path); directory.startsWith(`${root}/`); directory = dirname(directory)) {
      chmodSync(directory, 0o755);
    }
  }
}

/** Removes every directory made since the last call; meant for afterEach hooks. */
export function removeTemporaryDirectories(): void {
  for (const path of created.splice(0)) rmSync(path, { recursive: true, force: true });
}
