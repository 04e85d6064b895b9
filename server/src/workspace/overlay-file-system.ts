import { posix } from 'node:path';
import { type FileStat, type FileSystem, normalizeAbsolutePath, realPathOf } from './file-system';

/**
 * The disk with the editor's unsaved buffers laid over it: what the user sees is what certboot
 * analyses. Only files are overlaid; a buffer for a file not yet on disk appears in its directory.
 */
export class OverlayFileSystem implements FileSystem {
  private readonly overlays = new Map<string, Uint8Array>();
  /** The overlaid names of each directory: listings are asked far more often than buffers change. */
  private readonly namesByDirectory = new Map<string, Set<string>>();

  constructor(private readonly base: FileSystem) {}

  set(path: string, text: string): void {
    const normalized = normalizeAbsolutePath(path);
    this.overlays.set(normalized, new TextEncoder().encode(text));
    const directory = posix.dirname(normalized);
    let names = this.namesByDirectory.get(directory);
    if (names === undefined) this.namesByDirectory.set(directory, (names = new Set()));
    names.add(posix.basename(normalized));
  }

  delete(path: string): void {
    const normalized = normalizeAbsolutePath(path);
    this.overlays.delete(normalized);
    const directory = posix.dirname(normalized);
    const names = this.namesByDirectory.get(directory);
    names?.delete(posix.basename(normalized));
    if (names?.size === 0) this.namesByDirectory.delete(directory);
  }

  stat(path: string): FileStat | undefined {
    const overlay = this.overlays.get(normalizeAbsolutePath(path));
    return overlay ? { kind: 'file', size: overlay.byteLength } : this.base.stat(path);
  }

  readFile(path: string): Uint8Array {
    return this.overlays.get(normalizeAbsolutePath(path)) ?? this.base.readFile(path);
  }

  /** A buffer not yet saved is where the editor names it. */
  realPath(path: string): string | undefined {
    const normalized = normalizeAbsolutePath(path);
    return realPathOf(this.base, normalized) ?? (this.overlays.has(normalized) ? normalized : undefined);
  }

  readDirectory(path: string): string[] {
    const directory = normalizeAbsolutePath(path);
    const overlaid = this.namesByDirectory.get(directory);
    // the base answers sorted, as every file system does
    if (overlaid === undefined) return this.base.readDirectory(directory);
    const names = new Set<string>();
    let baseError: unknown;
    try {
      for (const name of this.base.readDirectory(directory)) names.add(name);
    } catch (error) {
      baseError = error;
    }
    for (const name of overlaid) names.add(name);
    if (names.size === 0 && baseError !== undefined) throw baseError;
    return [...names].sort();
  }
}
