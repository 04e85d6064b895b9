// A fingerprint of the host paths a container run might touch by mistake, so a test can
// prove that container bind mounts and writes stayed inside the container.

import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** The host paths that nginx and certbot write to or read from by default. */
export const watchedHostPaths = [
  '/etc/nginx',
  '/etc/letsencrypt',
  '/var/www',
  '/var/log/nginx',
  '/var/lib/nginx',
  '/var/lib/letsencrypt',
  '/var/log/letsencrypt',
  '/run/nginx.pid',
];

export function snapshotHostPaths(paths: readonly string[] = watchedHostPaths): Map<string, string> {
  const entries = new Map<string, string>();
  for (const path of paths) visit(path, entries);
  return entries;
}

/** Human-readable lines for every path added, removed or changed between two snapshots. */
export function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [path, description] of before) {
    const now = after.get(path);
    if (now === undefined) lines.push(`removed ${path}`);
    else if (now !== description) lines.push(`changed ${path}: ${description} -> ${now}`);
  }
  for (const path of after.keys()) {
    if (!before.has(path)) lines.push(`added ${path}`);
  }
  return lines;
}

function visit(path: string, entries: Map<string, string>): void {
  if (!existsSync(path) && !isDanglingLink(path)) {
    entries.set(path, 'absent');
    return;
  }
  const stats = lstatSync(path);
  const mode = (stats.mode & 0o7777).toString(8);
  if (stats.isSymbolicLink()) {
    entries.set(path, `link ${readlinkSync(path)} mode ${mode}`);
  } else if (stats.isDirectory()) {
    entries.set(path, `directory mode ${mode} uid ${stats.uid} mtime ${stats.mtimeMs}`);
    for (const name of readdirSync(path).sort()) visit(join(path, name), entries);
  } else {
    entries.set(path, `file size ${stats.size} mode ${mode} uid ${stats.uid} mtime ${stats.mtimeMs}`);
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
