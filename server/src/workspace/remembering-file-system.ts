import { posix } from 'node:path';
import { type FileStat, type FileSystem, normalizeAbsolutePath, realPathOf } from './file-system';

type Answer<Value> = { readonly value: Value } | { readonly error: unknown };

/**
 * Keeps the answers of another file system until told the disk changed. The language server
 * uses it while the editor reports every file change; analysing on each keystroke then reads
 * and walks the disk once, not once per edit.
 */
export class RememberingFileSystem implements FileSystem {
  private readonly stats = new Map<string, FileStat | undefined>();
  private readonly files = new Map<string, Answer<Uint8Array>>();
  private readonly directories = new Map<string, Answer<string[]>>();
  private readonly realPaths = new Map<string, string | undefined>();
  /** A listed directory's names in ASCII lower case; null when one is not ASCII. */
  private readonly foldedNames = new Map<string, ReadonlySet<string> | null>();

  constructor(private readonly base: FileSystem) {}

  forget(): void {
    this.stats.clear();
    this.files.clear();
    this.directories.clear();
    this.realPaths.clear();
    this.foldedNames.clear();
  }

  stat(path: string): FileStat | undefined {
    if (!this.stats.has(path)) this.stats.set(path, this.listedAsAbsent(path) ? undefined : this.base.stat(path));
    return this.stats.get(path);
  }

  /**
   * Whether the remembered listing of the path's directory lacks its name: then nothing is there
   * (the walk lists every directory, and an analysis then asks after many files that are not
   * there: compose's other file names, `.env`, `.git`). Names are compared in ASCII lower case,
   * and only ASCII names, so that a case-insensitive disk's `Compose.yaml` still counts as
   * `compose.yaml`; anything else is asked of the file system.
   */
  private listedAsAbsent(path: string): boolean {
    if (normalizeAbsolutePath(path) !== path || path === '/') return false;
    const directory = posix.dirname(path);
    let names = this.foldedNames.get(directory);
    if (names === undefined) {
      const listing = this.directories.get(directory);
      if (listing === undefined || 'error' in listing) return false;
      names = listing.value.every(isAscii) ? new Set(listing.value.map((name) => name.toLowerCase())) : null;
      this.foldedNames.set(directory, names);
    }
    const name = posix.basename(path);
    return names !== null && isAscii(name) && !names.has(name.toLowerCase());
  }

  readFile(path: string): Uint8Array {
    return RememberingFileSystem.recall(this.files, path, () => this.base.readFile(path));
  }

  readDirectory(path: string): string[] {
    return [...RememberingFileSystem.recall(this.directories, path, () => this.base.readDirectory(path))];
  }

  realPath(path: string): string | undefined {
    if (!this.realPaths.has(path)) this.realPaths.set(path, realPathOf(this.base, path));
    return this.realPaths.get(path);
  }

  /** Errors are answers too (a missing include stays missing until the disk changes). */
  private static recall<Value>(answers: Map<string, Answer<Value>>, path: string, ask: () => Value): Value {
    let answer = answers.get(path);
    if (answer === undefined) {
      try {
        answer = { value: ask() };
      } catch (error) {
        answer = { error };
      }
      answers.set(path, answer);
    }
    if ('error' in answer) throw answer.error;
    return answer.value;
  }
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}
