import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every entry below `root` as one line: its path, its kind and mode, and what it holds (a hash of
 * a file's bytes, a link's target). Two snapshots are equal exactly when nothing below `root` was
 * created, removed, changed or made executable; links are recorded, never followed.
 */
export function treeSnapshot(root: string): string[] {
  const lines: string[] = [];
  const walk = (directory: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(directory).sort();
    } catch (error) {
      lines.push(`${prefix || '.'} unlistable ${(error as NodeJS.ErrnoException).code}`);
      return;
    }
    for (const name of names) {
      const path = join(directory, name);
      const shown = prefix === '' ? name : `${prefix}/${name}`;
      const stats = lstatSync(path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) lines.push(`${shown} link ${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        lines.push(`${shown} directory ${mode}`);
        walk(path, shown);
      } else if (stats.isFile()) {
        let digest: string;
        try {
          digest = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
        } catch (error) {
          digest = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        }
        lines.push(`${shown} file ${mode} ${stats.size} ${digest}`);
      } else lines.push(`${shown} special ${mode}`);
    }
  };
  walk(root, '');
  return lines;
}
