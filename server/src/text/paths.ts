import { posix } from 'node:path';
import type { SourceLocation } from './source-location';

/** Forward slashes, as the rest of certboot spells paths. */
export function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/** `path` relative to `directory` when it lies below it (`nginx/site.conf`), else `path` itself. */
export function pathBelow(directory: string, path: string): string {
  return path.startsWith(`${directory}/`) ? path.slice(directory.length + 1) : path;
}

/** As compose spells a bind source: `./nginx/site.conf` below the project directory, else the path itself. */
export function projectRelativePath(directory: string, path: string): string {
  return path.startsWith(`${directory}/`) ? `./${path.slice(directory.length + 1)}` : path;
}

/** Relative to cwd with forward slashes, as CI annotations and terminals link them. */
export function relativeFilePath(file: string, cwd: string): string {
  return posix.relative(toPosix(cwd), toPosix(file)) || posix.basename(toPosix(file));
}

/** "`nginx/site.conf` line 3": a place in a message. */
export function describePlace(workspaceRoot: string, location: SourceLocation): string {
  return `\`${pathBelow(workspaceRoot, location.file)}\` line ${location.range.start.line + 1}`;
}
