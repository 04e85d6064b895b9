import { posix } from 'node:path';
import { type FileKind, type FileSystem, FileSystemError } from './file-system';
import { GitIgnore, type IgnoreMatch } from './git-ignore';

/**
 * What a path of the working tree looks like after `git clone` on a new server, the starting
 * point of every first-boot rule: a bind mount of an absent path gets an empty directory.
 *
 * "Not ignored" stands in for "tracked": reading git's index would also catch files forced in
 * with `git add -f` and untracked files nobody committed, but the ignore rules are what decide
 * the common case (certificates, `.env`, certbot's output directories).
 */
export type FreshCloneResult =
  | {
      readonly state: 'present';
      /** `no-repository`: nothing to clone, the directory is deployed as it is. */
      readonly reason: 'not-ignored' | 'repository-root' | 'no-repository';
      readonly kind: FileKind;
    }
  | { readonly state: 'absent'; readonly reason: 'missing' }
  | { readonly state: 'absent'; readonly reason: 'ignored'; readonly kind: FileKind; readonly ignoredBy: IgnoreMatch }
  | {
      /** git stores no directories, only files: a directory with nothing committable below it is not cloned. */
      readonly state: 'absent';
      readonly reason: 'no-committable-files';
      readonly kind: 'directory';
      /** The first ignored entry met below it, to name a rule in the message; undefined when there are no files at all. */
      readonly ignoredBy: IgnoreMatch | undefined;
    }
  | {
      readonly state: 'unknown';
      /**
       * `search-limit`: too many ignored entries to rule out a committable file.
       * `unreadable`: an entry exists that the file system will not show (a link leaving the workspace).
       * `nested-repository`: a submodule or separate clone, filled only by `--recurse-submodules` or by hand.
       * `git-metadata`: inside a `.git` directory, which a clone writes itself.
       * `outside-repository`: the server may have it; the repository cannot tell.
       */
      readonly reason: 'search-limit' | 'unreadable' | 'nested-repository' | 'git-metadata' | 'outside-repository';
    };

export interface FreshCloneOptions {
  /** Entries a directory search may visit before answering `unknown`. */
  readonly maximumEntries?: number;
}

const defaultMaximumEntries = 10_000;

/**
 * `gitIgnore` undefined means the path is not in a repository: every existing path is present.
 * A directory is present only when at least one file below it is not ignored; the search stops
 * at the first such file.
 */
export function freshCloneState(fileSystem: FileSystem, gitIgnore: GitIgnore | undefined, path: string, options: FreshCloneOptions = {}): FreshCloneResult {
  const absolute = posix.resolve(path);
  const stat = fileSystem.stat(absolute);
  if (!gitIgnore) return stat ? { state: 'present', reason: 'no-repository', kind: stat.kind } : missing(fileSystem, absolute, undefined);
  const root = gitIgnore.repositoryRoot;
  const relative = posix.relative(root, absolute);
  if (relative === '..' || relative.startsWith('../')) return { state: 'unknown', reason: 'outside-repository' };
  if (relative === '') return { state: 'present', reason: 'repository-root', kind: 'directory' };
  if (!stat) return missing(fileSystem, absolute, gitIgnore);
  // an ignored path is absent whatever it contains, even a nested repository
  const ignoredBy = gitIgnore.check(absolute, stat.kind);
  if (ignoredBy.ignored) return { state: 'absent', reason: 'ignored', kind: stat.kind, ignoredBy };
  let directory = root;
  for (const component of relative.split('/')) {
    if (component === '.git') return { state: 'unknown', reason: 'git-metadata' };
    directory = posix.join(directory, component);
    if (isRepository(fileSystem, directory)) return { state: 'unknown', reason: 'nested-repository' };
  }
  if (stat.kind === 'file') return { state: 'present', reason: 'not-ignored', kind: 'file' };
  return searchDirectory(fileSystem, gitIgnore, absolute, options.maximumEntries ?? defaultMaximumEntries);
}

/** The nearest directory at or above `path` holding `.git` (a directory, or a file as in worktrees and submodules). */
export function findRepositoryRoot(fileSystem: FileSystem, path: string, workspaceRoots: readonly string[]): string | undefined {
  const absolute = posix.resolve(path);
  const workspaceRoot = workspaceRoots
    .map((root) => posix.resolve(root))
    .filter((root) => absolute === root || absolute.startsWith(root === '/' ? '/' : `${root}/`))
    .sort((left, right) => left.length - right.length)[0];
  if (workspaceRoot === undefined) return undefined;
  // never above the outermost root: the file system cannot read there, and a repository the
  // user did not open may not be the one that gets deployed
  for (let directory = absolute; ; directory = posix.dirname(directory)) {
    if (isRepository(fileSystem, directory)) return directory;
    if (directory === workspaceRoot) return undefined;
  }
}

/**
 * Answers for many paths of one workspace, keeping one GitIgnore per repository so each
 * .gitignore is read once.
 */
export class FreshClone {
  private readonly repositoryRoots = new Map<string, string | undefined>();
  private readonly gitIgnores = new Map<string, GitIgnore>();

  constructor(
    private readonly fileSystem: FileSystem,
    private readonly workspaceRoots: readonly string[],
    private readonly options: FreshCloneOptions = {},
  ) {}

  /**
   * `deployedFrom` is the directory the deployment runs in (the compose project directory): its
   * repository is the one cloned, even when `path` lies in another.
   */
  state(path: string, deployedFrom: string): FreshCloneResult {
    return freshCloneState(this.fileSystem, this.gitIgnoreFor(deployedFrom), path, this.options);
  }

  /** The repository a deployment from `directory` clones; undefined outside any repository. */
  repositoryRootOf(directory: string): string | undefined {
    return this.gitIgnoreFor(directory)?.repositoryRoot;
  }

  private gitIgnoreFor(directory: string): GitIgnore | undefined {
    const absolute = posix.resolve(directory);
    if (!this.repositoryRoots.has(absolute)) {
      this.repositoryRoots.set(absolute, findRepositoryRoot(this.fileSystem, absolute, this.workspaceRoots));
    }
    const root = this.repositoryRoots.get(absolute);
    if (root === undefined) return undefined;
    let gitIgnore = this.gitIgnores.get(root);
    if (!gitIgnore) {
      gitIgnore = GitIgnore.load(this.fileSystem, root);
      this.gitIgnores.set(root, gitIgnore);
    }
    return gitIgnore;
  }
}

function isRepository(fileSystem: FileSystem, directory: string): boolean {
  return fileSystem.stat(posix.join(directory, '.git')) !== undefined;
}

/**
 * The file system answers "nothing readable" both for a missing path and for a link leaving the
 * workspace; only the parent's listing tells them apart, and a link is not proof of absence.
 */
function missing(fileSystem: FileSystem, absolute: string, gitIgnore: GitIgnore | undefined): FreshCloneResult {
  let names: string[];
  try {
    names = fileSystem.readDirectory(posix.dirname(absolute));
  } catch (error) {
    const gone = error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
    return gone ? { state: 'absent', reason: 'missing' } : { state: 'unknown', reason: 'unreadable' };
  }
  if (!names.includes(posix.basename(absolute))) return { state: 'absent', reason: 'missing' };
  // git stores a link as a link, never following it, so it is matched as a non-directory
  const ignoredBy = gitIgnore?.check(absolute, 'file');
  if (ignoredBy?.ignored) return { state: 'absent', reason: 'ignored', kind: 'file', ignoredBy };
  return { state: 'unknown', reason: 'unreadable' };
}

function searchDirectory(fileSystem: FileSystem, gitIgnore: GitIgnore, start: string, maximumEntries: number): FreshCloneResult {
  // breadth first: a committed file usually sits near the top, while ignored trees run deep
  const queue = [start];
  let visited = 0;
  let firstIgnored: IgnoreMatch | undefined;
  let uncertainty: 'unreadable' | 'nested-repository' | undefined;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    let names: string[];
    try {
      names = fileSystem.readDirectory(next);
    } catch {
      uncertainty = 'unreadable';
      continue;
    }
    for (const name of names) {
      if (++visited > maximumEntries) return { state: 'unknown', reason: 'search-limit' };
      const child = posix.join(next, name);
      // a link the file system will not follow is still committed, as a link
      const kind = fileSystem.stat(child)?.kind ?? 'file';
      const match = gitIgnore.check(child, kind);
      if (match.ignored) {
        firstIgnored ??= match;
      } else if (kind === 'file') {
        return { state: 'present', reason: 'not-ignored', kind: 'directory' };
      } else if (isRepository(fileSystem, child)) {
        uncertainty = 'nested-repository';
      } else {
        queue.push(child);
      }
    }
  }
  if (uncertainty) return { state: 'unknown', reason: uncertainty };
  return { state: 'absent', reason: 'no-committable-files', kind: 'directory', ignoredBy: firstIgnored };
}
