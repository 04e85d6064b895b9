import * as fs from 'node:fs';
import { posix } from 'node:path';
import { type FileStat, type FileSystem, FileSystemError, type FileSystemErrorCode } from './file-system';

const defaultMaximumFileSize = 64 * 1024 * 1024;

function isInside(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`));
}

/**
 * The real disk, limited to a set of root directories. A path is readable only when its real
 * path (links followed) stays inside one of the roots, so a symlink in a user's repository can
 * never make certboot read /etc on the developer's machine.
 */
export class DiskFileSystem implements FileSystem {
  private readonly roots: string[];
  private readonly realRoots: string[];

  constructor(
    roots: readonly string[],
    private readonly maximumFileSize = defaultMaximumFileSize,
  ) {
    this.roots = roots.map((root) => posix.resolve(root));
    this.realRoots = this.roots.map((root) => {
      try {
        return fs.realpathSync(root);
      } catch {
        return root;
      }
    });
  }

  private insideRoots(path: string): boolean {
    const absolute = posix.resolve(path);
    return isInside(absolute, this.roots) || isInside(absolute, this.realRoots);
  }

  private resolveInside(path: string): string {
    const real = this.locate(path);
    if (typeof real !== 'string') throw new FileSystemError(real.code, path, real.message);
    return real;
  }

  /** The real path of `path` inside the roots, or why there is none: the caller decides whether that is an error. */
  private locate(path: string): string | { readonly code: FileSystemErrorCode; readonly message: string } {
    // a path outside the roots is refused before the disk is asked whether it exists
    if (!this.insideRoots(path)) return { code: 'OUTSIDE_ROOTS', message: `${path} is outside the workspace` };
    let real: string;
    try {
      real = fs.realpathSync.native(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return { code: 'ELOOP', message: `Too many levels of symbolic links: ${path}` };
      if (code === 'EACCES') return { code: 'EACCES', message: `Permission denied: ${path}` };
      return { code: 'ENOENT', message: `No such file or directory: ${path}` };
    }
    if (!isInside(real, this.realRoots)) return { code: 'OUTSIDE_ROOTS', message: `${path} is outside the workspace` };
    return real;
  }

  stat(path: string): FileStat | undefined {
    if (!this.insideRoots(path)) return undefined;
    try {
      // an absent path (a dangling link too) is answered by one stat that throws nothing
      const stats = fs.statSync(path, { throwIfNoEntry: false });
      if (stats === undefined || typeof this.locate(path) !== 'string') return undefined;
      if (stats.isDirectory()) return { kind: 'directory', size: 0 };
      if (stats.isFile()) return { kind: 'file', size: stats.size };
      return undefined;
    } catch {
      return undefined;
    }
  }

  readFile(path: string): Uint8Array {
    const real = this.resolveInside(path);
    let stats: fs.Stats;
    try {
      stats = fs.statSync(real);
    } catch {
      throw new FileSystemError('ENOENT', path, `No such file or directory: ${path}`);
    }
    if (stats.isDirectory()) throw new FileSystemError('EISDIR', path, `${path} is a directory`);
    if (!stats.isFile()) throw new FileSystemError('EACCES', path, `${path} is not a regular file`);
    if (stats.size > this.maximumFileSize) {
      throw new FileSystemError('TOO_LARGE', path, `${path} is ${stats.size} bytes, over the ${this.maximumFileSize}-byte limit`);
    }
    try {
      return fs.readFileSync(real);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'ENOENT';
      throw new FileSystemError(code, path, `Cannot read ${path}: ${(error as Error).message}`);
    }
  }

  readDirectory(path: string): string[] {
    const real = this.resolveInside(path);
    try {
      return fs.readdirSync(real).sort();
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      const code = errno === 'ENOTDIR' || errno === 'EACCES' ? errno : 'ENOENT';
      throw new FileSystemError(code, path, `Cannot list ${path}: ${(error as Error).message}`);
    }
  }

  realPath(path: string): string | undefined {
    const real = this.locate(path);
    return typeof real === 'string' ? real : undefined;
  }
}
