import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, writeSync } from 'node:fs';
import { posix } from 'node:path';

function isBelow(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Why `path` may not be written by a command confined to `directory`, or undefined when it may:
 * it must lie inside the directory (resolved through its real path), and neither it nor any
 * directory between it and `directory` may be a symbolic link or anything but a directory, so
 * that no link in a cloned repository can make the write land elsewhere. A path that does not
 * exist yet may be created. `display` names paths in the message.
 */
export function writeTargetProblem(directory: string, path: string, display: (path: string) => string): string | undefined {
  const relative = posix.relative(directory, path);
  if (relative === '' || relative === '..' || relative.startsWith('../') || posix.isAbsolute(relative))
    return `${display(path)} is outside ${display(directory)}`;
  let current: string;
  try {
    current = realpathSync(directory);
  } catch (error) {
    return `${display(directory)} cannot be read: ${(error as Error).message}`;
  }
  const components = relative.split('/');
  for (let index = 0; index < components.length; index++) {
    current = posix.join(current, components[index]);
    const shown = display(posix.join(directory, ...components.slice(0, index + 1)));
    let stats: ReturnType<typeof lstatSync> | undefined;
    try {
      stats = lstatOrUndefined(current);
    } catch (error) {
      return `${shown} cannot be read: ${(error as Error).message}`;
    }
    if (stats === undefined) return undefined;
    if (stats.isSymbolicLink()) return `${shown} is a symbolic link (to ${readlinkSync(current)})`;
    const last = index === components.length - 1;
    if (!last && !stats.isDirectory()) return `${shown} is not a directory`;
    if (last && !stats.isFile()) return `${shown} is not a regular file`;
  }
  return undefined;
}

/**
 * Writes a file inside `directory` as writeTargetProblem allows it, creating the directories it
 * needs one by one and never following a link, even one made since the check.
 */
export function writeFileInside(directory: string, path: string, content: string, executable: boolean): void {
  const root = realpathSync(directory);
  const relative = posix.relative(directory, path);
  if (relative.startsWith('..') || posix.isAbsolute(relative)) throw new Error(`${path} is outside ${directory}`);
  const components = relative.split('/');
  let current = root;
  for (const component of components.slice(0, -1)) {
    current = posix.join(current, component);
    try {
      mkdirSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!lstatSync(current).isDirectory()) throw new Error(`${current} is not a directory`);
  }
  const target = posix.join(current, components[components.length - 1] as string);
  if (!isBelow(target, root)) throw new Error(`${path} is outside ${directory}`);
  const descriptor = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, executable ? 0o755 : 0o644);
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written);
    // a script it updates becomes executable too; other files keep the mode they had
    if (executable) fchmodSync(descriptor, 0o755);
  } finally {
    closeSync(descriptor);
  }
}
