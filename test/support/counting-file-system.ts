import type { FileStat, FileSystem } from '../../server/src/workspace/file-system';

/** Passes every question on and counts the directory listings and file reads, per path. */
export class CountingFileSystem implements FileSystem {
  readonly listings = new Map<string, number>();
  readonly reads = new Map<string, number>();

  constructor(private readonly base: FileSystem) {}

  stat(path: string): FileStat | undefined {
    return this.base.stat(path);
  }

  readFile(path: string): Uint8Array {
    this.reads.set(path, (this.reads.get(path) ?? 0) + 1);
    return this.base.readFile(path);
  }

  readDirectory(path: string): string[] {
    this.listings.set(path, (this.listings.get(path) ?? 0) + 1);
    return this.base.readDirectory(path);
  }
}
