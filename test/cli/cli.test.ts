import { deepStrictEqual, match, strictEqual } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

describe('certboot CLI', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-cli-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('parses the README example, follows its conf.d glob, and reads nothing outside the project', () => {
    const result = runBuiltCli(['parse', 'examples/certbot-deadlock/nginx/nginx.conf'], repositoryRoot);
    strictEqual(result.stderr, '');
    const payload = JSON.parse(result.stdout) as { status: string; errors: unknown[]; config: { file: string }[] };
    deepStrictEqual(payload.config.map((config) => config.file), [
      'examples/certbot-deadlock/nginx/nginx.conf',
      'examples/certbot-deadlock/nginx/conf.d/example.com.conf',
    ]);
    deepStrictEqual(payload.errors, [
      {
        file: 'examples/certbot-deadlock/nginx/nginx.conf',
        error: "[Errno 2] No such file or directory: 'examples/certbot-deadlock/nginx/mime.types'",
        line: 9,
      },
      {
        file: 'examples/certbot-deadlock/nginx/conf.d/example.com.conf',
        error: '/etc/letsencrypt/options-ssl-nginx.conf is outside the workspace in examples/certbot-deadlock/nginx/conf.d/example.com.conf:8',
        line: 8,
      },
    ]);
    strictEqual(result.status, 1);
  });

  it('lints the README example: the story\'s findings as JSON, exit code 1', () => {
    const result = runBuiltCli(['lint', 'examples/certbot-deadlock', '--format', 'json'], repositoryRoot);
    strictEqual(result.stderr, '');
    strictEqual(result.status, 1);
    const report = JSON.parse(result.stdout) as { version: number; findings: { ruleId: string; severity: string; file: string; range: { start: { line: number } } }[] };
    strictEqual(report.version, 1);
    deepStrictEqual(
      report.findings.map((finding) => [finding.file, finding.range.start.line, finding.ruleId, finding.severity]),
      [
        ['examples/certbot-deadlock/docker-compose.yml', 4, 'restart-loop-on-first-boot', 'error'],
        ['examples/certbot-deadlock/docker-compose.yml', 16, 'container-name-conflict', 'warning'],
        ['examples/certbot-deadlock/docker-compose.yml', 20, 'certificate-never-renewed', 'warning'],
        ['examples/certbot-deadlock/docker-compose.yml', 20, 'acme-challenge-not-served', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 5, 'missing-certificate-on-first-boot', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 6, 'missing-certificate-on-first-boot', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 7, 'certbot-nginx-options-missing', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 8, 'certbot-nginx-options-missing', 'error'],
      ],
    );
  });

  it('exits 2 with usage on a bad command line, and on a missing file', () => {
    const unknown = runBuiltCli(['frobnicate'], directory);
    strictEqual(unknown.status, 2);
    match(unknown.stderr, /^certboot: unknown command "frobnicate"\n\nUsage:/);
    const option = runBuiltCli(['parse', 'x.conf', '--bogus'], directory);
    strictEqual(option.status, 2);
    match(option.stderr, /^certboot: unknown option --bogus\n/);
    const missing = runBuiltCli(['parse', 'nope.conf'], directory);
    strictEqual(missing.status, 2);
    strictEqual(missing.stderr, 'certboot: cannot read nope.conf: no such file\n');
  });

  it('reports a binary file as an error payload instead of crashing', () => {
    writeFileSync(join(directory, 'nginx.conf'), Buffer.from([0x00, 0xff, 0x7b, 0x7d]));
    const result = runBuiltCli(['parse', 'nginx.conf'], directory);
    strictEqual(result.status, 1);
    deepStrictEqual(JSON.parse(result.stdout).errors, [
      { file: 'nginx.conf', error: 'binary file (it contains NUL bytes); not an nginx configuration in nginx.conf:1', line: 1 },
    ]);
    const lexed = runBuiltCli(['lex', 'nginx.conf'], directory);
    strictEqual(lexed.status, 1);
    strictEqual(lexed.stderr, 'certboot: nginx.conf is a binary file (it contains NUL bytes), not an nginx configuration\n');
  });

  it('ignores the directives named by --ignore, blocks included', () => {
    writeFileSync(join(directory, 'nginx.conf'), 'events { worker_connections 1; }\nhttp { server { listen 80; } }\n');
    const result = runBuiltCli(['parse', 'nginx.conf', '--ignore', 'events,listen'], directory);
    strictEqual(result.status, 0);
    deepStrictEqual(JSON.parse(result.stdout).config[0].parsed, [
      { directive: 'http', line: 2, args: [], block: [{ directive: 'server', line: 2, args: [], block: [] }] },
    ]);
  });
});
