import { posix } from 'node:path';

/**
 * The engine never touches the disk directly: every read goes through a FileSystem, so the
 * editor can overlay unsaved buffers, tests can run on in-memory trees, and the caller decides
 * which directories may be read at all. Paths are absolute POSIX paths.
 */
export type FileKind = 'file' | 'directory';

export interface FileStat {
  readonly kind: FileKind;
  readonly size: number;
}

export type FileSystemErrorCode =
  | 'ENOENT'
  | 'EISDIR'
  | 'ENOTDIR'
  | 'EACCES'
  | 'ELOOP'
  | 'OUTSIDE_ROOTS'
  | 'TOO_LARGE'
  /** Nobody can tell from the repository (a file baked into an unknown image): rules stay silent. */
  | 'UNKNOWN';

export class FileSystemError extends Error {
  constructor(
    readonly code: FileSystemErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileSystemError';
  }
}

export interface FileSystem {
  /** undefined when nothing readable is there (absent, outside the roots, a dangling link). */
  stat(path: string): FileStat | undefined;
  /** Throws FileSystemError. */
  readFile(path: string): Uint8Array;
  /** Entry names, sorted by code unit; a name not among them has no stat (RememberingFileSystem relies on it). Throws FileSystemError. */
  readDirectory(path: string): string[];
  /**
   * The path with every link followed, as the disk knows it; undefined when nothing readable is
   * there. Walks use it to visit each directory once, whatever links lead to it. A file system
   * without it has no links: its paths are real.
   */
  realPath?(path: string): string | undefined;
}

/** `fileSystem.realPath`, or the normal path where the file system has no links. */
export function realPathOf(fileSystem: FileSystem, path: string): string | undefined {
  return fileSystem.realPath ? fileSystem.realPath(path) : normalizeAbsolutePath(path);
}

export function describeFileSystemError(error: unknown): string {
  if (error instanceof FileSystemError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * `posix.resolve('/', path)` without a new string for a path that is already absolute and
 * normal: file systems ask this of every path they are given, thousands per analysis.
 */
export function normalizeAbsolutePath(path: string): string {
  return path.startsWith('/') && !/\/\/|\/\.\.?(?:\/|$)|.\/$/.test(path) ? path : posix.resolve('/', path);
}
