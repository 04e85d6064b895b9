import { posix } from 'node:path';
import { FileStat, FileSystem } from './file-system';

/**
 * The disk with the editor's unsaved buffers laid over it: what the user sees is what certboot
 * analyses. Only files are overlaid; a buffer for a file not yet on disk appears in its directory.
 */
export class OverlayFileSystem implements FileSystem {
  private readonly overlays = new Map<string, Uint8Array>();

  constructor(private readonly base: FileSystem) {}

  set(path: string, text: string): void {
    this.overlays.set(posix.resolve('/', path), new TextEncoder().encode(text));
  }

  delete(path: string): void {
    this.overlays.delete(posix.resolve('/', path));
  }

  stat(path: string): FileStat | undefined {
    const overlay = this.overlays.get(posix.resolve('/', path));
    return overlay ? { kind: 'file', size: overlay.byteLength } : this.base.stat(path);
  }

  readFile(path: string): Uint8Array {
    return this.overlays.get(posix.resolve('/', path)) ?? this.base.readFile(path);
  }

  readDirectory(path: string): string[] {
    const directory = posix.resolve('/', path);
    const names = new Set<string>();
    let baseError: unknown;
    try {
      for (const name of this.base.readDirectory(directory)) names.add(name);
    } catch (error) {
      baseError = error;
    }
    for (const file of this.overlays.keys()) if (posix.dirname(file) === directory) names.add(posix.basename(file));
    if (names.size === 0 && baseError !== undefined) throw baseError;
    return [...names].sort();
  }
}
