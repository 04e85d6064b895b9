import { deepStrictEqual, notDeepStrictEqual, strictEqual } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../support/paths';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('V8 code cache of the CLI bundles ($XDG_CACHE_HOME/certboot/code)', () => {
  let directory: string;
  let dist: string;
  let cache: string;
  const cleanProject = join(repositoryRoot, 'examples', 'certbot-http-first');
  const brokenProject = join(repositoryRoot, 'examples', 'certbot-deadlock');

  /** A copy of dist/, so a test may change a bundle. */
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-code-cache-'));
    dist = join(directory, 'dist');
    cpSync(join(repositoryRoot, 'dist'), dist, { recursive: true });
    cache = join(directory, 'cache');
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function run(args: string[], cacheHome = cache, environment: NodeJS.ProcessEnv = {}): Run {
    const result = spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], {
      cwd: repositoryRoot,
      encoding: 'utf8',
      env: { ...process.env, CERTBOOT_NO_CODE_CACHE: '', XDG_CACHE_HOME: cacheHome, ...environment },
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  function entries(): string[] {
    return readdirSync(join(cache, 'certboot', 'code')).sort();
  }

  it('stores one entry per bundle on the first run, and starts from it without rewriting it', () => {
    const first = run(['lint', brokenProject]);
    strictEqual(first.status, 1);
    const stored = entries();
    deepStrictEqual(
      stored.map((name) => name.replace(/-[0-9a-f]{32}\.v8$/, '')),
      ['cli-commands.js'],
    );
    const entry = join(cache, 'certboot', 'code', stored[0]);
    const written = statSync(entry).mtimeMs;
    const second = run(['lint', brokenProject]);
    deepStrictEqual(second, first);
    strictEqual(statSync(entry).mtimeMs, written);
    run(['parse', join(brokenProject, 'nginx', 'nginx.conf')]);
    deepStrictEqual(
      entries().map((name) => name.replace(/-[0-9a-f]{32}\.v8$/, '')),
      ['cli-commands.js', 'cli-parse.js'],
    );
  });

  it('reads a changed bundle again, even one of the same length and time: the entry is named by its bytes', () => {
    strictEqual(run(['lint', cleanProject]).stdout, 'no problems\n');
    const bundle = join(dist, 'cli-commands.js');
    const { atime, mtime } = statSync(bundle);
    const text = readFileSync(bundle, 'utf8');
    strictEqual(text.split('no problems').length, 2);
    writeFileSync(bundle, text.replace('no problems', 'NO PROBLEMS'));
    utimesSync(bundle, atime, mtime);
    strictEqual(run(['lint', cleanProject]).stdout, 'NO PROBLEMS\n');
    // the entry of the old bytes is replaced by the new one's
    strictEqual(entries().length, 1);
  });

  it('ignores an entry V8 refuses, and replaces it', () => {
    const expected = run(['lint', brokenProject]);
    const entry = join(cache, 'certboot', 'code', entries()[0]);
    const garbage = Buffer.alloc(statSync(entry).size, 7);
    writeFileSync(entry, garbage);
    deepStrictEqual(run(['lint', brokenProject]), expected);
    notDeepStrictEqual(readFileSync(entry), garbage);
  });

  it('runs as well when the cache cannot be written', () => {
    const expected = run(['lint', brokenProject]);
    const notADirectory = join(directory, 'a-file');
    writeFileSync(notADirectory, '');
    deepStrictEqual(run(['lint', brokenProject], notADirectory), expected);
  });

  it('leaves the cache alone when CERTBOOT_NO_CODE_CACHE is set: creates no directory, replaces no entry', () => {
    const off = { CERTBOOT_NO_CODE_CACHE: '1' };
    const expected = run(['lint', brokenProject]);
    // an entry V8 refuses is replaced on a run that uses the cache (see above), not on this one
    const entry = join(cache, 'certboot', 'code', entries()[0]);
    const garbage = Buffer.alloc(statSync(entry).size, 7);
    writeFileSync(entry, garbage);
    deepStrictEqual(run(['lint', brokenProject], cache, off), expected);
    deepStrictEqual(readFileSync(entry), garbage);
    const unused = join(directory, 'unused-cache');
    deepStrictEqual(run(['lint', brokenProject], unused, off), expected);
    const parse = ['parse', join(brokenProject, 'nginx', 'nginx.conf')];
    deepStrictEqual(run(parse, unused, off), run(parse));
    strictEqual(existsSync(unused), false);
  });
});
