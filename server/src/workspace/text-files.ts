import { posix } from 'node:path';
import type { FileSystem } from './file-system';

/** Directories no deployment reads from, and that can be huge. */
export const skippedDirectoryNames: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's text, as the editor sees it; undefined when it cannot be read, or is not text: NUL
 * bytes, or bytes that are not UTF-8 (an edit of such a file could not keep its bytes).
 */
export function readTextFile(fileSystem: FileSystem, path: string): string | undefined {
  try {
    const bytes = fileSystem.readFile(path);
    return bytes.indexOf(0) >= 0 ? undefined : strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface FindFilesOptions {
  readonly maximumFiles?: number;
  /** How deep below `root` the walk goes: 0 looks in `root` alone. */
  readonly maximumDepth?: number;
  readonly maximumFileBytes?: number;
  /** How many directories the walk may list before it stops, whatever it has found. */
  readonly maximumDirectories?: number;
}

/**
 * Files below `root` that `accept` takes, breadth first and bounded in count, depth, size and
 * directories listed, so a repository with thousands of files, a directory such as /usr, or a
 * symlink loop costs a bounded amount of work.
 */
export function findFiles(fileSystem: FileSystem, root: string, accept: (path: string) => boolean, options: FindFilesOptions = {}): string[] {
  const maximumFiles = options.maximumFiles ?? 200;
  const maximumDepth = options.maximumDepth ?? 6;
  const maximumFileBytes = options.maximumFileBytes ?? 1024 * 1024;
  const maximumDirectories = options.maximumDirectories ?? 10_000;
  const found: string[] = [];
  const queue: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  let listed = 0;
  // read by index: shifting a queue of a hundred thousand directories would copy it each time
  for (let index = 0; index < queue.length && found.length < maximumFiles && listed < maximumDirectories; index++) {
    const next = queue[index] as { path: string; depth: number };
    let names: string[];
    try {
      names = fileSystem.readDirectory(next.path);
    } catch {
      continue;
    }
    listed++;
    for (const name of names) {
      const child = posix.join(next.path, name);
      const stat = fileSystem.stat(child);
      if (stat?.kind === 'directory') {
        if (next.depth < maximumDepth && !skippedDirectoryNames.has(name)) queue.push({ path: child, depth: next.depth + 1 });
      } else if (stat?.kind === 'file' && stat.size <= maximumFileBytes && accept(child)) {
        found.push(child);
        if (found.length >= maximumFiles) break;
      }
    }
  }
  return found;
}
