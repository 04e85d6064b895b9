// certboot's pre-commit hook (.pre-commit-hooks.yaml) run by Debian's pre-commit as a user runs
// it: a project repository whose .pre-commit-config.yaml points at (a committed copy of) this
// checkout, `pre-commit install`, then `git commit`. pre-commit installs the hook with npm (the
// registry is reachable; the build runs in its prepare script), once for all the commits below.

import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';
import { commitCheckoutCopy, git } from './support/checkout-copy';
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary';

interface Commit {
  readonly status: number | null;
  /** What git and the hook printed, both streams. */
  readonly output: string;
}

describe('pre-commit hook', function () {
  // the first commit installs the hook: npm install of the checkout, its build, npm pack
  this.timeout(15 * 60_000);

  let project: string;
  let environment: NodeJS.ProcessEnv;

  const commit = (message: string): Commit => {
    git(project, ['add', '--all']);
    const result = spawnSync('git', ['commit', '--quiet', '--message', message], {
      cwd: project,
      encoding: 'utf8',
      env: { ...environment, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.org', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.org' },
    });
    if (result.error) throw result.error;
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  /** Replaces the project's files (all but .git and the pre-commit configuration) with an example's. */
  const useExample = (name: string): void => {
    for (const entry of readdirSync(project)) {
      if (entry !== '.git' && entry !== '.pre-commit-config.yaml') rmSync(join(project, entry), { recursive: true, force: true });
    }
    cpSync(join(repositoryRoot, 'examples', name), project, { recursive: true });
  };

  before(() => {
    const hookRepository = join(temporaryDirectory('pre-commit-hook'), 'certboot');
    const revision = commitCheckoutCopy(hookRepository);
    project = temporaryDirectory('pre-commit-project');
    // a fresh pre-commit cache: the hook is installed from the copy, never from an earlier run
    environment = { ...process.env, PRE_COMMIT_HOME: temporaryDirectory('pre-commit-cache') };
    git(project, ['init', '--quiet']);
    writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepository}\n    rev: ${revision}\n    hooks:\n      - id: certboot\n`);
    const install = spawnSync('pre-commit', ['install'], { cwd: project, encoding: 'utf8', env: environment });
    deepStrictEqual([install.status, install.stderr], [0, '']);
    strictEqual(install.stdout, 'pre-commit installed at .git/hooks/pre-commit\n');
  });

  after(() => removeTemporaryDirectories());

  it("refuses the commit of the story's project with certboot's findings", () => {
    useExample('certbot-deadlock');
    const lint = runBuiltCli(['lint'], project);
    strictEqual(lint.status, 1);
    const result = commit('the story');
    strictEqual(result.status, 1, result.output);
    match(result.output, /^certboot\.+Failed\n- hook id: certboot\n- exit code: 1\n\n/m);
    ok(result.output.includes(lint.stdout), result.output);
    ok(lint.stdout.endsWith('✖ 7 problems (6 errors, 1 warning, 0 info)\n'), lint.stdout);
    // nothing was committed
    strictEqual(spawnSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: project }).status, 1);
  });

  it('commits the fixed project (certbot-http-first)', () => {
    useExample('certbot-http-first');
    const result = commit('HTTP-first stages');
    strictEqual(result.status, 0, result.output);
    match(result.output, /^certboot\.+Passed$/m);
    strictEqual(git(project, ['log', '--format=%s']), 'HTTP-first stages\n');
  });

  it('does not run for a commit that touches no file certboot reads', () => {
    writeFileSync(join(project, 'README.md'), '# a site\n');
    const result = commit('a readme');
    strictEqual(result.status, 0, result.output);
    match(result.output, /^certboot\.+\(no files to check\)Skipped$/m);
  });

  it('writes the safe fixes with args: [--fix], as certboot lint --fix does, and refuses the commit until they are staged', () => {
    writeFileSync(
      join(project, '.pre-commit-config.yaml'),
      readFileSync(join(project, '.pre-commit-config.yaml'), 'utf8').replace('      - id: certboot\n', '      - id: certboot\n        args: [--fix]\n'),
    );
    useExample('certbot-deadlock');
    // what certboot lint --fix makes of the same project, on a copy
    const expected = temporaryDirectory('pre-commit-fixed');
    cpSync(join(repositoryRoot, 'examples', 'certbot-deadlock'), expected, { recursive: true });
    strictEqual(runBuiltCli(['lint', '--fix'], expected).status, 1);
    const result = commit('the story, fixed by the hook');
    strictEqual(result.status, 1, result.output);
    match(result.output, /^certboot\.+Failed\n- hook id: certboot\n- exit code: 1\n- files were modified by this hook\n/m);
    match(result.output, /^certboot: applied 2 fixes to nginx\/conf\.d\/example\.com\.conf$/m);
    for (const file of ['nginx/conf.d/example.com.conf']) {
      strictEqual(readFileSync(join(project, file), 'utf8'), readFileSync(join(expected, file), 'utf8'), file);
      ok(readFileSync(join(project, file), 'utf8') !== readFileSync(join(repositoryRoot, 'examples', 'certbot-deadlock', file), 'utf8'), file);
    }
    strictEqual(git(project, ['log', '--format=%s']), 'a readme\nHTTP-first stages\n');
  });
});
