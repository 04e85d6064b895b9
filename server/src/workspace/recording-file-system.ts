import { type FileStat, type FileSystem, FileSystemError, realPathOf } from './file-system';
import { sameBytes } from '../text/same-bytes';

type Answer<Value> = { readonly value: Value } | { readonly error: string };

type Read =
  | { readonly kind: 'stat'; readonly path: string; readonly answer: FileStat | undefined }
  | { readonly kind: 'realpath'; readonly path: string; readonly answer: string | undefined }
  | { readonly kind: 'file'; readonly path: string; readonly answer: Answer<Uint8Array> }
  | { readonly kind: 'directory'; readonly path: string; readonly answer: Answer<readonly string[]> };

/** An error as a value that can be compared: file system errors carry their code and words. */
function describeError(error: unknown): string {
  return error instanceof FileSystemError ? `${error.code} ${error.message}` : `other ${String(error)}`;
}

/**
 * Passes every question to another file system and keeps the questions with their answers, so
 * that a later analysis can tell whether a result computed from them still holds: it does when
 * every question gets the same answer again.
 */
export class RecordingFileSystem implements FileSystem {
  private readonly reads: Read[] = [];
  /** An error other than a FileSystemError cannot be compared: what was computed from it is not kept. */
  private replayable = true;

  constructor(private readonly base: FileSystem) {}

  stat(path: string): FileStat | undefined {
    const answer = this.base.stat(path);
    this.reads.push({ kind: 'stat', path, answer: answer && { kind: answer.kind, size: answer.size } });
    return answer;
  }

  readFile(path: string): Uint8Array {
    return this.record(path, 'file', () => this.base.readFile(path));
  }

  readDirectory(path: string): string[] {
    return [...this.record(path, 'directory', () => this.base.readDirectory(path))];
  }

  realPath(path: string): string | undefined {
    const answer = realPathOf(this.base, path);
    this.reads.push({ kind: 'realpath', path, answer });
    return answer;
  }

  /** The questions asked so far, or undefined when one of them cannot be asked again faithfully. */
  recorded(): RecordedReads | undefined {
    return this.replayable ? new RecordedReads([...this.reads]) : undefined;
  }

  private record<Kind extends 'file' | 'directory', Value extends Uint8Array | readonly string[]>(path: string, kind: Kind, ask: () => Value): Value {
    try {
      const value = ask();
      this.reads.push({ kind, path, answer: { value } } as Read);
      return value;
    } catch (error) {
      if (!(error instanceof FileSystemError)) this.replayable = false;
      this.reads.push({ kind, path, answer: { error: describeError(error) } } as Read);
      throw error;
    }
  }
}

function sameNames(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

function sameAnswer<Value>(kept: Answer<Value>, ask: () => Value, same: (left: Value, right: Value) => boolean): boolean {
  try {
    const value = ask();
    return 'value' in kept && same(kept.value, value);
  } catch (error) {
    return 'error' in kept && kept.error === describeError(error);
  }
}

export class RecordedReads {
  constructor(private readonly reads: readonly Read[]) {}

  /** Whether `fileSystem` answers every recorded question as it was answered then. */
  holdIn(fileSystem: FileSystem): boolean {
    return this.reads.every((read) => {
      switch (read.kind) {
        case 'stat': {
          const answer = fileSystem.stat(read.path);
          return answer === undefined
            ? read.answer === undefined
            : read.answer !== undefined && answer.kind === read.answer.kind && answer.size === read.answer.size;
        }
        case 'realpath':
          return realPathOf(fileSystem, read.path) === read.answer;
        case 'file':
          return sameAnswer(read.answer, () => fileSystem.readFile(read.path), sameBytes);
        case 'directory':
          return sameAnswer(read.answer, () => fileSystem.readDirectory(read.path), sameNames);
        default:
          return false;
      }
    });
  }
}
