import * as fs from 'node:fs';
import { posix } from 'node:path';
import { type FileStat, type FileSystem, FileSystemError } from './file-system';

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

  private resolveInside(path: string): string {
    // a path outside the roots is refused before the disk is asked whether it exists
    if (!isInside(posix.resolve(path), this.roots) && !isInside(posix.resolve(path), this.realRoots)) {
      throw new FileSystemError('OUTSIDE_ROOTS', path, `${path} is outside the workspace`);
    }
    let real: string;
    try {
      real = fs.realpathSync.native(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new FileSystemError('ELOOP', path, `Too many levels of symbolic links: ${path}`);
      if (code === 'EACCES') throw new FileSystemError('EACCES', path, `Permission denied: ${path}`);
      throw new FileSystemError('ENOENT', path, `No such file or directory: ${path}`);
    }
    if (!isInside(real, this.realRoots)) throw new FileSystemError('OUTSIDE_ROOTS', path, `${path} is outside the workspace`);
    return real;
  }

  stat(path: string): FileStat | undefined {
    try {
      const stats = fs.statSync(this.resolveInside(path));
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
    try {
      return this.resolveInside(path);
    } catch {
      return undefined;
    }
  }
}
