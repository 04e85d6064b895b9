import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { includeCycleOutcome } from '../../server/src/languages/nginx/configuration';
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
    deepStrictEqual(
      payload.config.map((config) => config.file),
      ['examples/certbot-deadlock/nginx/nginx.conf', 'examples/certbot-deadlock/nginx/conf.d/example.com.conf'],
    );
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

  it("lints the README example: the story's findings as JSON, exit code 1", () => {
    const result = runBuiltCli(['lint', 'examples/certbot-deadlock', '--format', 'json'], repositoryRoot);
    strictEqual(result.stderr, '');
    strictEqual(result.status, 1);
    const report = JSON.parse(result.stdout) as {
      version: number;
      findings: { ruleId: string; severity: string; file: string; range: { start: { line: number } } }[];
    };
    strictEqual(report.version, 1);
    deepStrictEqual(
      report.findings.map((finding) => [finding.file, finding.range.start.line, finding.ruleId, finding.severity]),
      [
        ['examples/certbot-deadlock/docker-compose.yml', 4, 'restart-loop-on-first-boot', 'error'],
        ['examples/certbot-deadlock/docker-compose.yml', 20, 'certificate-never-renewed', 'warning'],
        ['examples/certbot-deadlock/docker-compose.yml', 20, 'acme-challenge-not-served', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 5, 'missing-certificate-on-first-boot', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 6, 'missing-certificate-on-first-boot', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 7, 'certbot-nginx-options-missing', 'error'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 8, 'certbot-nginx-options-missing', 'error'],
      ],
    );
  });

  it("writes the story's findings as GitLab Code Quality issues, each with its own fingerprint", () => {
    const result = runBuiltCli(['lint', 'examples/certbot-deadlock', '--format', 'gitlab'], repositoryRoot);
    deepStrictEqual([result.status, result.stderr], [1, '']);
    const issues = JSON.parse(result.stdout) as {
      check_name: string;
      severity: string;
      fingerprint: string;
      location: { path: string; lines: { begin: number } };
    }[];
    deepStrictEqual(
      issues.map((issue) => [issue.location.path, issue.location.lines.begin, issue.check_name, issue.severity]),
      [
        ['examples/certbot-deadlock/docker-compose.yml', 5, 'restart-loop-on-first-boot', 'critical'],
        ['examples/certbot-deadlock/docker-compose.yml', 21, 'certificate-never-renewed', 'major'],
        ['examples/certbot-deadlock/docker-compose.yml', 21, 'acme-challenge-not-served', 'critical'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 6, 'missing-certificate-on-first-boot', 'critical'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 7, 'missing-certificate-on-first-boot', 'critical'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 8, 'certbot-nginx-options-missing', 'critical'],
        ['examples/certbot-deadlock/nginx/conf.d/example.com.conf', 9, 'certbot-nginx-options-missing', 'critical'],
      ],
    );
    strictEqual(new Set(issues.map((issue) => issue.fingerprint)).size, issues.length);
    ok(issues.every((issue) => /^[0-9a-f]{32}$/.test(issue.fingerprint)));
  });

  it('exits 2 with usage on a bad command line, and on a missing file', () => {
    const unknown = runBuiltCli(['frobnicate'], directory);
    strictEqual(unknown.status, 2);
    strictEqual(unknown.stderr, 'certboot: unknown command "frobnicate"\nRun "certboot --help" for usage.\n');
    const option = runBuiltCli(['parse', 'x.conf', '--bogus'], directory);
    strictEqual(option.status, 2);
    strictEqual(option.stderr, 'certboot: unknown option --bogus\nRun "certboot parse --help" for usage.\n');
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
    strictEqual(lexed.stderr, 'certboot: cannot lex nginx.conf: binary file (it contains NUL bytes); not an nginx configuration\n');
  });

  it('ignores the directives named by --ignore, blocks included', () => {
    writeFileSync(join(directory, 'nginx.conf'), 'events { worker_connections 1; }\nhttp { server { listen 80; } }\n');
    const result = runBuiltCli(['parse', 'nginx.conf', '--ignore', 'events,listen'], directory);
    strictEqual(result.status, 0);
    deepStrictEqual(JSON.parse(result.stdout).config[0].parsed, [
      { directive: 'http', line: 2, args: [], block: [{ directive: 'server', line: 2, args: [], block: [] }] },
    ]);
  });

  it('reports the first 100 errors of a file and counts the rest, in bounded time and memory', () => {
    // before: every one of a million stray braces was an error, and 16 million ran out of memory
    writeFileSync(join(directory, 'e.conf'), '}'.repeat(1_000_000));
    const parsed = runBuiltCli(['parse', 'e.conf'], directory);
    strictEqual(parsed.status, 1);
    const brace = { file: 'e.conf', error: 'unexpected "}" in e.conf:1', line: 1 };
    const rest = { file: 'e.conf', error: 'too many errors; 999900 more after the first 100 are not reported in e.conf:1', line: 1 };
    deepStrictEqual(JSON.parse(parsed.stdout).errors, [...Array.from({ length: 100 }, () => brace), rest]);
    const lexed = runBuiltCli(['lex', 'e.conf'], directory);
    strictEqual(lexed.status, 1);
    strictEqual(lexed.stderr, `${'unexpected "}" in e.conf:1\n'.repeat(100)}too many errors; 999900 more after the first 100 are not reported in e.conf:1\n`);
    strictEqual(lexed.stdout, `[${Array.from({ length: 1_000_000 }, () => '["}",1]').join(',')}]\n`);
  });

  it('reports 400 files that all include each other as one include cycle, not 80,200 nor 400', () => {
    mkdirSync(join(directory, 'd'));
    writeFileSync(join(directory, 'nginx.conf'), 'include d/*.conf;\n');
    const names = Array.from({ length: 400 }, (_, index) => `d/f${String(index).padStart(3, '0')}.conf`);
    for (const name of names) writeFileSync(join(directory, name), 'include d/*.conf;\n');
    const result = runBuiltCli(['parse', 'nginx.conf'], directory);
    strictEqual(result.status, 1);
    deepStrictEqual(JSON.parse(result.stdout).errors, [
      { file: names[0], error: `include cycle: ${names[0]} → ${names[0]}; ${includeCycleOutcome} in ${names[0]}:1`, line: 1 },
    ]);
  });

  it('does not combine files that include the next one twice, forty deep: an error and each file on its own', () => {
    // before: 2^40 copies of the last file, gigabytes written without end
    for (let index = 0; index < 40; index++) {
      const next = `f${String(index + 1).padStart(2, '0')}.conf`;
      writeFileSync(join(directory, `f${String(index).padStart(2, '0')}.conf`), index < 39 ? `include ${next};\ninclude ${next};\n` : 'user nginx;\n');
    }
    const result = runBuiltCli(['parse', 'f00.conf', '--combine'], directory);
    strictEqual(result.status, 1);
    const payload = JSON.parse(result.stdout) as { errors: unknown[]; config: { file: string }[] };
    deepStrictEqual(payload.errors, [
      {
        file: 'f00.conf',
        error:
          'not combined: inlining the includes of f00.conf would write more than 10000079 statements, as files are included over and over; each file is printed on its own',
        line: null,
      },
    ]);
    deepStrictEqual(
      payload.config.map((config) => config.file),
      Array.from({ length: 40 }, (_, index) => `f${String(index).padStart(2, '0')}.conf`),
    );
  });

  it('reads only regular files, and says what is there instead', () => {
    mkdirSync(join(directory, 'conf.d'));
    execFileSync('mkfifo', [join(directory, 'pipe')]);
    const cases: [string[], string][] = [
      [['parse', 'conf.d'], 'certboot: cannot read conf.d: is a directory\n'],
      [['lex', 'conf.d'], 'certboot: cannot read conf.d: is a directory\n'],
      [['parse', '/dev/zero'], 'certboot: cannot read /dev/zero: is not a regular file\n'],
      [['lex', '/dev/zero'], 'certboot: cannot read /dev/zero: is not a regular file\n'],
      [['parse', 'pipe'], 'certboot: cannot read pipe: is not a regular file\n'],
      [['lex', 'pipe'], 'certboot: cannot read pipe: is not a regular file\n'],
      [['lex', 'nope.conf'], 'certboot: cannot read nope.conf: no such file\n'],
    ];
    for (const [args, stderr] of cases) deepStrictEqual(runBuiltCli(args, directory, 5000), { status: 2, stdout: '', stderr }, args.join(' '));
  });

  it('lexes within the size limit parse keeps, and lays its tokens out as JSON.stringify does', () => {
    writeFileSync(join(directory, 'big.conf'), Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const message = 'file is 16777217 bytes, over the 16777216-byte limit for an nginx configuration; not read';
    deepStrictEqual(runBuiltCli(['lex', 'big.conf'], directory), { status: 2, stdout: '', stderr: `certboot: cannot read big.conf: ${message}\n` });
    deepStrictEqual(JSON.parse(runBuiltCli(['parse', 'big.conf'], directory).stdout).errors, [
      { file: 'big.conf', error: `${message} in big.conf:1`, line: 1 },
    ]);
    writeFileSync(join(directory, 'nginx.conf'), 'events {}\nhttp { # "note"\n  server_name "a b";\n}\n');
    const tokens = [
      ['events', 1],
      ['{', 1],
      ['}', 1],
      ['http', 2],
      ['{', 2],
      ['# "note"', 2],
      ['server_name', 3],
      ['a b', 3],
      [';', 3],
      ['}', 4],
    ];
    for (const indent of [undefined, 0, 2, 12]) {
      const result = runBuiltCli(['lex', 'nginx.conf', ...(indent === undefined ? [] : ['--indent', String(indent)])], directory);
      deepStrictEqual(result, { status: 0, stdout: `${JSON.stringify(tokens, null, indent)}\n`, stderr: '' });
    }
    writeFileSync(join(directory, 'empty.conf'), '');
    deepStrictEqual(runBuiltCli(['lex', 'empty.conf', '--indent', '2'], directory), { status: 0, stdout: '[]\n', stderr: '' });
  });

  it('parses a file named through a symbolic link into another directory, and still refuses includes outside the roots', () => {
    // sites-enabled/default is a link to ../sites-available/default, run from elsewhere
    for (const name of ['sites-available', 'sites-enabled', 'elsewhere']) mkdirSync(join(directory, name));
    writeFileSync(join(directory, 'sites-available', 'default'), `include ${join(directory, 'sites-available', 'snippet.conf')};\n`);
    writeFileSync(join(directory, 'sites-available', 'snippet.conf'), 'listen 80;\n');
    symlinkSync('../sites-available/default', join(directory, 'sites-enabled', 'default'));
    const linked = join(directory, 'sites-enabled', 'default');
    const result = runBuiltCli(['parse', linked], join(directory, 'elsewhere'));
    strictEqual(result.stderr, '');
    strictEqual(result.status, 1);
    const snippet = join(directory, 'sites-available', 'snippet.conf');
    deepStrictEqual(JSON.parse(result.stdout), {
      status: 'failed',
      errors: [{ file: linked, error: `${snippet} is outside the workspace in ${linked}:1`, line: 1 }],
      config: [
        {
          file: linked,
          status: 'failed',
          errors: [{ error: `${snippet} is outside the workspace in ${linked}:1`, line: 1 }],
          parsed: [{ directive: 'include', line: 1, args: [snippet], includes: [] }],
        },
      ],
    });
    const lexed = runBuiltCli(['lex', linked], join(directory, 'elsewhere'));
    deepStrictEqual(
      [lexed.status, JSON.parse(lexed.stdout), lexed.stderr],
      [
        0,
        [
          ['include', 1],
          [snippet, 1],
          [';', 1],
        ],
        '',
      ],
    );
  });

  it('refuses an include glob in a directory outside the roots as it refuses a file there', () => {
    for (const name of ['project', 'outside']) mkdirSync(join(directory, name));
    const outside = join(directory, 'outside');
    writeFileSync(join(outside, 'site.conf'), 'listen 80;\n');
    writeFileSync(join(directory, 'project', 'nginx.conf'), `include ${outside}/*.conf;\n`);
    const result = runBuiltCli(['parse', 'nginx.conf'], join(directory, 'project'));
    strictEqual(result.status, 1);
    const error = `${outside} is outside the workspace in nginx.conf:1`;
    deepStrictEqual(JSON.parse(result.stdout), {
      status: 'failed',
      errors: [{ file: 'nginx.conf', error, line: 1 }],
      config: [
        {
          file: 'nginx.conf',
          status: 'failed',
          errors: [{ error, line: 1 }],
          parsed: [{ directive: 'include', line: 1, args: [`${outside}/*.conf`], includes: [] }],
        },
      ],
    });
  });

  it('answers --help or -h of parse and lex with their help, and exits 0', () => {
    const parseHelp = runBuiltCli(['parse', '--help'], directory);
    const lexHelp = runBuiltCli(['lex', '--help'], directory);
    match(parseHelp.stdout, /^Usage: certboot parse FILE \[OPTIONS\]\n/);
    match(lexHelp.stdout, /^Usage: certboot lex FILE \[OPTIONS\]\n/);
    for (const [args, help] of [
      [['parse', '--help'], parseHelp],
      [['parse', 'nginx.conf', '-h'], parseHelp],
      [['lex', '--help'], lexHelp],
      [['lex', '-h'], lexHelp],
    ] as const) {
      deepStrictEqual(runBuiltCli(args, directory), { status: 0, stdout: help.stdout, stderr: '' }, args.join(' '));
    }
  });
});
