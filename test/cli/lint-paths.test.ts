import { deepStrictEqual } from 'node:assert';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

describe('certboot lint: the paths it is given', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'certboot-lint-paths-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('ends on a directory that holds a symlink loop', () => {
    writeFileSync(join(directory, 'compose.yaml'), 'services: {}\n');
    symlinkSync('.', join(directory, 'loop'));
    const result = runBuiltCli(['lint', '.'], directory, 20_000);
    deepStrictEqual([result.status, result.stdout, result.stderr], [0, 'no problems\n', '']);
  });

  it('lints a path named twice once', () => {
    const once = runBuiltCli(['lint', 'examples/certbot-deadlock', '--format', 'json'], repositoryRoot);
    const twice = runBuiltCli(['lint', 'examples/certbot-deadlock', 'examples/certbot-deadlock/', '--format', 'json'], repositoryRoot);
    deepStrictEqual([twice.status, twice.stdout], [once.status, once.stdout]);
  });
});
