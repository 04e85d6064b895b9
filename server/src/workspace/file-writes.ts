import * as fs from 'node:fs';
import { posix } from 'node:path';
import { sameBytes } from '../text/same-bytes';

/** The path a link leads to, the path itself when it cannot be resolved (it does not exist). */
export function realFilePath(path: string): string {
  try {
    return fs.realpathSync(path);
  } catch {
    return path;
  }
}

/** Why a file could not be written: it changed on disk since it was read, or the disk refused. */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileWriteError';
  }
}

/**
 * Replaces a file's content in one step: the new bytes go to a temporary file beside it, which
 * takes the file's mode and is then renamed over it, so a reader (nginx reloading, an editor)
 * sees the old file or the new one, never half of one, and a failure leaves the old file as it
 * was. A link is followed: the file it leads to is replaced, the link stays. `expected` is what
 * the file held when its edit was computed; a file that changed since is left alone.
 */
export function replaceFileAtomically(path: string, bytes: Uint8Array, expected: Uint8Array): void {
  const target = realFilePath(path);
  let stats: fs.Stats;
  let current: Buffer;
  try {
    stats = fs.statSync(target);
    current = fs.readFileSync(target);
  } catch (error) {
    throw new FileWriteError(path, `cannot read ${path}: ${(error as Error).message}`);
  }
  if (!stats.isFile()) throw new FileWriteError(path, `${path} is not a regular file`);
  if (!sameBytes(current, expected)) throw new FileWriteError(path, `${path} changed while certboot was fixing it; it is left as it is`);
  const temporary = posix.join(posix.dirname(target), `.${posix.basename(target)}.certboot-${process.pid}-${Date.now()}.tmp`);
  try {
    const descriptor = fs.openSync(temporary, 'wx', stats.mode & 0o7777);
    try {
      fs.writeFileSync(descriptor, bytes);
      // the mode given to open is masked by the umask; the file keeps exactly its old one
      fs.fchmodSync(descriptor, stats.mode & 0o7777);
      try {
        fs.fchownSync(descriptor, stats.uid, stats.gid);
      } catch {
        // only root may give a file away: the file then belongs to whoever fixed it, as after an editor's save
      }
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new FileWriteError(path, `cannot write ${path}: ${(error as Error).message}`);
  }
}
