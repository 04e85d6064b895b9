import { type FileStat, type FileSystem, realPathOf } from './file-system';

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

  constructor(private readonly base: FileSystem) {}

  forget(): void {
    this.stats.clear();
    this.files.clear();
    this.directories.clear();
    this.realPaths.clear();
  }

  stat(path: string): FileStat | undefined {
    if (!this.stats.has(path)) this.stats.set(path, this.base.stat(path));
    return this.stats.get(path);
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
