import { posix } from 'node:path';
import type { FileSystem } from '../../workspace/file-system';

/** The names compose looks for, in its order of preference. */
export const composeFileNames: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const overrideFileNames: readonly string[] = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

export interface DiscoveredComposeFiles {
  /** The file compose would use, or undefined when the directory has none. */
  readonly main: string | undefined;
  /** Other files with a supported name, which compose ignores (it warns about them). */
  readonly ignored: string[];
  /** The override file compose merges on top of the main one. */
  readonly override: string | undefined;
}

export function discoverComposeFiles(fileSystem: FileSystem, directory: string): DiscoveredComposeFiles {
  const existing = (names: readonly string[]): string[] =>
    names.map((name) => posix.join(directory, name)).filter((path) => fileSystem.stat(path)?.kind === 'file');
  const [main, ...ignored] = existing(composeFileNames);
  const override = main === undefined ? undefined : existing(overrideFileNames)[0];
  return { main, ignored, override };
}

const skippedDirectoryNames: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface FindComposeDirectoriesOptions {
  /** How many directories the walk may list before it stops. */
  readonly maximumDirectories?: number;
  /** How deep below `root` the walk goes; a symlink loop makes paths deeper on every turn. */
  readonly maximumDepth?: number;
}

/**
 * The directories under `root` (itself included) holding a compose file, sorted. The walk is
 * breadth-first and bounded in count and depth: FileSystem cannot tell whether a directory was
 * reached through a link, so a symlink loop is cut by the bounds instead.
 */
export function findComposeDirectories(fileSystem: FileSystem, root: string, options: FindComposeDirectoriesOptions = {}): string[] {
  const maximumDirectories = options.maximumDirectories ?? 10_000;
  const maximumDepth = options.maximumDepth ?? 16;
  const found: string[] = [];
  const queue: { path: string; depth: number }[] = [{ path: posix.resolve(root), depth: 0 }];
  let listed = 0;
  for (let next = 0; next < queue.length && listed < maximumDirectories; next++) {
    const { path, depth } = queue[next];
    let names: string[];
    try {
      names = fileSystem.readDirectory(path);
    } catch {
      continue;
    }
    listed++;
    if (names.some((name) => composeFileNames.includes(name) && fileSystem.stat(posix.join(path, name))?.kind === 'file')) found.push(path);
    if (depth >= maximumDepth) continue;
    for (const name of names) {
      if (skippedDirectoryNames.has(name)) continue;
      const child = posix.join(path, name);
      if (fileSystem.stat(child)?.kind === 'directory') queue.push({ path: child, depth: depth + 1 });
    }
  }
  return found.sort();
}
