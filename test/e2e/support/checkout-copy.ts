// A git repository holding this checkout's files as they are on disk now (tracked files and new
// ones git does not ignore, uncommitted changes included), committed: what pre-commit and a CI
// runner fetch, without node_modules, dist or anything else a build makes.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repositoryRoot } from '../../support/paths';

/** git with a fixed identity, so commits work on a machine with no git configuration. */
export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...env,
      GIT_AUTHOR_NAME: 'certboot e2e',
      GIT_AUTHOR_EMAIL: 'e2e@example.org',
      GIT_COMMITTER_NAME: 'certboot e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.org',
    },
  });
}

/** Copies the checkout into `destination` (made here), commits it there, and returns the commit. */
export function commitCheckoutCopy(destination: string): string {
  const files = git(repositoryRoot, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((file) => file !== '');
  mkdirSync(destination, { recursive: true });
  for (const file of files) {
    const target = join(destination, file);
    mkdirSync(dirname(target), { recursive: true });
    // a file deleted but not yet staged is listed and gone: the copy leaves it out, as a commit would
    try {
      cpSync(join(repositoryRoot, file), target, { verbatimSymlinks: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  git(destination, ['init', '--quiet']);
  git(destination, ['add', '--all']);
  git(destination, ['commit', '--quiet', '--message', 'certboot under test']);
  return git(destination, ['rev-parse', 'HEAD']).trim();
}
