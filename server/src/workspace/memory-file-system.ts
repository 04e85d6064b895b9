import { posix } from 'node:path';
import { type FileStat, type FileSystem, FileSystemError } from './file-system';

/** An in-memory tree: test fixtures built in code, and the base for editor overlays. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();
  private readonly directories = new Set<string>(['/']);

  constructor(files: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(files)) this.writeFile(path, content);
  }

  writeFile(path: string, content: string | Uint8Array): void {
    const normalized = posix.resolve('/', path);
    this.files.set(normalized, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    for (let directory = posix.dirname(normalized); ; directory = posix.dirname(directory)) {
      this.directories.add(directory);
      if (directory === '/') break;
    }
  }

  deleteFile(path: string): void {
    this.files.delete(posix.resolve('/', path));
  }

  stat(path: string): FileStat | undefined {
    const normalized = posix.resolve('/', path);
    const content = this.files.get(normalized);
    if (content) return { kind: 'file', size: content.byteLength };
    if (this.directories.has(normalized)) return { kind: 'directory', size: 0 };
    return undefined;
  }

  readFile(path: string): Uint8Array {
    const normalized = posix.resolve('/', path);
    const content = this.files.get(normalized);
    if (content) return content;
    if (this.directories.has(normalized)) throw new FileSystemError('EISDIR', normalized, `${normalized} is a directory`);
    throw new FileSystemError('ENOENT', normalized, `No such file or directory: ${normalized}`);
  }

  readDirectory(path: string): string[] {
    const normalized = posix.resolve('/', path);
    if (!this.directories.has(normalized)) {
      if (this.files.has(normalized)) throw new FileSystemError('ENOTDIR', normalized, `${normalized} is not a directory`);
      throw new FileSystemError('ENOENT', normalized, `No such file or directory: ${normalized}`);
    }
    const names = new Set<string>();
    const prefix = normalized === '/' ? '/' : `${normalized}/`;
    for (const candidate of [...this.files.keys(), ...this.directories]) {
      if (candidate !== normalized && candidate.startsWith(prefix)) names.add(candidate.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  }
}
