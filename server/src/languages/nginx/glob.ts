import { posix } from 'node:path';
import { type FileSystem, FileSystemError } from '../../workspace/file-system';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * One path segment of a glob(3) pattern as a regular expression: `*`, `?`, `[…]` (negated by `!`
 * or `^`), an unclosed `[` as itself. Docker's COPY (Go's filepath.Match) reads a segment alike.
 */
export function segmentExpression(segment: string): RegExp {
  let source = '';
  for (let index = 0; index < segment.length; index++) {
    const character = segment[index];
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else if (character === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(index + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (match) => `\\${match}`)}]`;
      index = close;
    } else source += character.replace(/[.+^${}()|\\]/g, (match) => `\\${match}`);
  }
  return new RegExp(`^${source}$`, 's');
}

export interface GlobMatch {
  /** Absolute path in the file system. */
  readonly path: string;
  /** The path in the form the pattern was written (what crossplane and nginx print). */
  readonly display: string;
}

export class GlobLimitError extends Error {}

function joinDisplay(directory: string, name: string): string {
  if (directory === '') return name;
  return directory.endsWith('/') ? directory + name : `${directory}/${name}`;
}

/**
 * Expands a glob the way nginx's include does (glob(3)): `*`, `?` and `[...]` within one path
 * segment, names starting with a dot matched only by a pattern that starts with a dot, results
 * sorted. `base`/`displayBase` are where a relative pattern starts.
 */
export function expandGlob(
  fileSystem: FileSystem,
  pattern: string,
  base: { readonly path: string; readonly display: string },
  maximumMatches: number,
): GlobMatch[] {
  const absolute = pattern.startsWith('/');
  let current: GlobMatch[] = [absolute ? { path: '/', display: '/' } : base];
  const segments = pattern.split('/').filter((segment, index) => segment !== '' || index === 0);
  if (absolute) segments.shift();
  for (const segment of segments) {
    const next: GlobMatch[] = [];
    if (!hasGlobMagic(segment)) {
      for (const match of current) next.push({ path: posix.join(match.path, segment), display: joinDisplay(match.display, segment) });
    } else {
      const expression = segmentExpression(segment);
      for (const match of current) {
        let names: string[];
        try {
          names = fileSystem.readDirectory(match.path);
        } catch (error) {
          // a directory the caller may not read is a refusal to report, not an empty match
          if (error instanceof FileSystemError && error.code !== 'OUTSIDE_ROOTS') continue;
          throw error;
        }
        for (const name of names) {
          if (name.startsWith('.') && !segment.startsWith('.')) continue;
          if (!expression.test(name)) continue;
          next.push({ path: posix.join(match.path, name), display: joinDisplay(match.display, name) });
          if (next.length > maximumMatches) throw new GlobLimitError(`matches more than ${maximumMatches} files`);
        }
      }
    }
    current = next;
  }
  return current
    .filter((match) => fileSystem.stat(match.path) !== undefined)
    .sort((left, right) => (left.display < right.display ? -1 : left.display > right.display ? 1 : 0));
}
