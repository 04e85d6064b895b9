import { deepStrictEqual, strictEqual } from 'node:assert';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

const deadlock = join(repositoryRoot, 'examples', 'certbot-deadlock');
const httpFirst = join(repositoryRoot, 'examples', 'certbot-http-first');
const bootstrapArguments = ['--domain', 'example.com', '--domain', 'www.example.com', '--email', 'admin@example.com'];

/** Every file below `root` but its README: path, whether it is executable, content. */
function projectFiles(root: string): [string, boolean, string][] {
  const files: [string, boolean, string][] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (relative(root, path) !== 'README.md') files.push([relative(root, path), (lstatSync(path).mode & 0o111) !== 0, readFileSync(path, 'utf8')]);
    }
  };
  walk(root);
  return files;
}

describe('the examples', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'certboot-examples-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('certbot-http-first is what `certboot bootstrap --write` makes of certbot-deadlock today', () => {
    const project = join(directory, 'project');
    cpSync(deadlock, project, { recursive: true });
    const written = runBuiltCli(['bootstrap', 'project', ...bootstrapArguments, '--write'], directory);
    strictEqual(written.status, 0, written.stderr);
    deepStrictEqual(projectFiles(project), projectFiles(httpFirst));
  });

  it('certbot-http-first lints clean, and bootstrapping it again changes nothing', () => {
    const lint = runBuiltCli(['lint', httpFirst], directory);
    deepStrictEqual([lint.status, lint.stdout, lint.stderr], [0, 'no problems\n', '']);
    const again = runBuiltCli(['bootstrap', httpFirst, ...bootstrapArguments], directory);
    deepStrictEqual([again.status, again.stdout], [0, '']);
    strictEqual(again.stderr, `certboot: nothing to change: ${httpFirst} is already split into HTTP-first stages\n`);
  });
});
