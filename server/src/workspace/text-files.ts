import { posix } from 'node:path';
import { type FileStat, type FileSystem, FileSystemError, realPathOf } from './file-system';

/** Directories no deployment reads from, and that can be huge. */
export const skippedDirectoryNames: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's text, as the editor sees it; undefined when it cannot be read, or is not text: NUL
 * bytes, or bytes that are not UTF-8 (an edit of such a file could not keep its bytes).
 */
export function readTextFile(fileSystem: FileSystem, path: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = fileSystem.readFile(path);
  } catch {
    return undefined;
  }
  return textOfBytes(bytes);
}

/**
 * The text of bytes already read, by the bytes: an editor's buffer, and a file read in one
 * analysis, are the same bytes each time they are read, and a big file is read by several
 * steps of one analysis (the inventory, the suppressions) and by every analysis while it stays
 * unchanged. File bytes are never written to.
 */
const decodedTexts = new WeakMap<Uint8Array, string | undefined>();

/** Bytes read from a file as text (see readTextFile), decoded once however often they are asked for. */
export function textOfBytes(bytes: Uint8Array): string | undefined {
  if (decodedTexts.has(bytes)) return decodedTexts.get(bytes);
  const text = textOf(bytes);
  decodedTexts.set(bytes, text);
  return text;
}

function textOf(bytes: Uint8Array): string | undefined {
  try {
    return bytes.indexOf(0) >= 0 ? undefined : strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface WalkOptions {
  /** How deep below `root` the walk goes: 0 looks in `root` alone. */
  readonly maximumDepth?: number;
  /** How many directories the walk may list before it stops, whatever it has found. */
  readonly maximumDirectories?: number;
  /** Directory names the walk does not enter; default skippedDirectoryNames. */
  readonly skippedNames?: ReadonlySet<string>;
  /** A directory below `root` that exists but cannot be listed (permission denied): nothing below it is seen. */
  readonly onUnlistable?: (path: string, error: unknown) => void;
}

/** An entry of a listed directory: undefined `stat` when nothing readable is there (a dangling link, a link out of the roots, a pipe). */
export interface WalkEntry {
  readonly name: string;
  readonly path: string;
  readonly stat: FileStat | undefined;
}

function isBelow(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}

/**
 * Lists `root` and the directories below it, breadth first and in name order, each directory
 * once by its real path: a link to a directory inside the walk (the root itself, an ancestor, a
 * sibling) is not followed, as the walk meets that directory where it really is; a link to a
 * directory elsewhere that the file system may read is followed once. Bounded in depth and in
 * directories listed, so a repository with thousands of directories or a directory such as
 * /usr costs a bounded amount of work. `visit` returns false to end the walk.
 */
export function walkDirectories(
  fileSystem: FileSystem,
  root: string,
  visit: (directory: string, entries: readonly WalkEntry[], depth: number) => boolean | undefined,
  options: WalkOptions = {},
): void {
  const maximumDepth = options.maximumDepth ?? 6;
  const maximumDirectories = options.maximumDirectories ?? 10_000;
  const skippedNames = options.skippedNames ?? skippedDirectoryNames;
  const realRoot = realPathOf(fileSystem, root) ?? root;
  const visited = new Set<string>([realRoot]);
  const queue: { path: string; real: string; depth: number }[] = [{ path: root, real: realRoot, depth: 0 }];
  let listed = 0;
  // read by index: shifting a queue of a hundred thousand directories would copy it each time
  for (let index = 0; index < queue.length && listed < maximumDirectories; index++) {
    const next = queue[index];
    let names: string[];
    try {
      names = fileSystem.readDirectory(next.path);
    } catch (error) {
      if (next.depth > 0 && !(error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')))
        options.onUnlistable?.(next.path, error);
      continue;
    }
    listed++;
    const entries = names.map((name): WalkEntry => {
      const path = posix.join(next.path, name);
      return { name, path, stat: fileSystem.stat(path) };
    });
    if (visit(next.path, entries, next.depth) === false) return;
    if (next.depth >= maximumDepth) continue;
    for (const entry of entries) {
      if (entry.stat?.kind !== 'directory' || skippedNames.has(entry.name)) continue;
      const lexical = posix.join(next.real, entry.name);
      const real = realPathOf(fileSystem, entry.path) ?? lexical;
      // reached through a link: where it really is, inside the walk, it is listed in its turn
      if (real !== lexical && isBelow(real, realRoot)) continue;
      if (visited.has(real)) continue;
      visited.add(real);
      queue.push({ path: entry.path, real, depth: next.depth + 1 });
    }
  }
}

export interface FindFilesOptions extends WalkOptions {
  readonly maximumFiles?: number;
  readonly maximumFileBytes?: number;
  /**
   * Also the entries `accept` takes that are there but are not readable files (a pipe, a
   * directory, a symlink loop, a link out of the roots), so that reading them says why; dangling
   * links are left out, as a missing file is.
   */
  readonly includeUnreadable?: boolean;
}

/**
 * Whether anything is at `path`, readable or not: a file, a directory, a pipe, a link out of the
 * roots or in a loop; not a missing path nor a dangling link.
 */
export function isPresent(fileSystem: FileSystem, path: string, stat: FileStat | undefined = fileSystem.stat(path)): boolean {
  if (stat !== undefined) return true;
  try {
    fileSystem.readFile(path);
    return true;
  } catch (error) {
    return !(error instanceof FileSystemError && error.code === 'ENOENT');
  }
}

/** Files below `root` that `accept` takes, breadth first and bounded in count and size as well as in the walk's own bounds. */
export function findFiles(fileSystem: FileSystem, root: string, accept: (path: string) => boolean, options: FindFilesOptions = {}): string[] {
  const maximumFiles = options.maximumFiles ?? 200;
  const maximumFileBytes = options.maximumFileBytes ?? 1024 * 1024;
  const found: string[] = [];
  walkDirectories(
    fileSystem,
    root,
    (_directory, entries) => {
      for (const entry of entries) {
        const isFile = entry.stat?.kind === 'file';
        if (isFile ? (entry.stat?.size ?? 0) > maximumFileBytes : !options.includeUnreadable) continue;
        if (!accept(entry.path) || (!isFile && !isPresent(fileSystem, entry.path, entry.stat))) continue;
        found.push(entry.path);
        if (found.length >= maximumFiles) return false;
      }
      return undefined;
    },
    options,
  );
  return found;
}
