import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileStat, FileSystem } from '../../../server/src/workspace/file-system';

/**
 * Real git, isolated from the developer's configuration: a global core.excludesFile or
 * ~/.config/git/ignore would otherwise change what git answers and make the comparison flaky.
 */
export function git(directory: string, args: readonly string[], input?: string, acceptedStatuses: readonly number[] = [0]): string {
  const home = join(directory, '..', 'home');
  mkdirSync(home, { recursive: true });
  const result = spawnSync('git', ['-c', 'user.name=certboot', '-c', 'user.email=certboot@example.org', ...args], {
    cwd: directory,
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
  });
  if (result.status === null || !acceptedStatuses.includes(result.status)) {
    throw new Error(`git ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  }
  return result.stdout;
}

/** A temporary directory holding `repo/` (created with the given files) and git's `home/`. */
export function temporaryRepository(files: Record<string, string>, initialize = true): { root: string; dispose(): void } {
  const container = mkdtempSync(join(tmpdir(), 'certboot-workspace-'));
  const root = join(container, 'repo');
  mkdirSync(root);
  if (initialize) git(root, ['init', '-q']);
  writeTree(root, files);
  return { root, dispose: () => rmSync(container, { recursive: true, force: true }) };
}

/** Paths ending in `/` become (possibly empty) directories. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) {
      mkdirSync(join(root, path), { recursive: true });
    } else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
}

export interface GitVerdict {
  readonly ignored: boolean;
  /** `source:line:pattern` as check-ignore -v prints it, '' when no pattern matched. */
  readonly rule: string;
}

/** `git check-ignore` for every path at once; paths are relative to the repository root. */
export function gitCheckIgnore(root: string, paths: readonly string[]): Map<string, GitVerdict> {
  // exit status 1 only says that none of the paths is ignored
  const output = git(root, ['check-ignore', '--no-index', '--verbose', '--non-matching', '-z', '--stdin'], paths.map((path) => `${path}\0`).join(''), [0, 1]);
  const fields = output.split('\0');
  const verdicts = new Map<string, GitVerdict>();
  for (let index = 0; index + 3 < fields.length; index += 4) {
    const [source, line, pattern, path] = fields.slice(index, index + 4);
    verdicts.set(path, { ignored: source !== '' && !pattern.startsWith('!'), rule: source === '' ? '' : `${source}:${line}:${pattern}` });
  }
  return verdicts;
}

/** Counts what the engine asks the file system, to prove .gitignore files are read lazily and once. */
export class CountingFileSystem implements FileSystem {
  readonly reads: string[] = [];
  listings = 0;

  constructor(private readonly inner: FileSystem) {}

  stat(path: string): FileStat | undefined {
    return this.inner.stat(path);
  }

  readFile(path: string): Uint8Array {
    this.reads.push(path);
    return this.inner.readFile(path);
  }

  readDirectory(path: string): string[] {
    this.listings++;
    return this.inner.readDirectory(path);
  }
}
