import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import { join } from 'node:path';
import type { Finding } from '../../../server/src/text/findings';
import { UsageError } from '../../../server/src/cli/arguments';
import { readLint } from '../../../server/src/cli/commands';
import { type AnalyzeRequest, lint as runLint } from '../../../server/src/engine/lint-command';
import { fixturesRoot } from '../../support/paths';
import { finding, range } from './support';

const project = join(fixturesRoot, 'lint', 'project');
const compose = join(project, 'compose.yaml');
const site = join(project, 'nginx', 'conf.d', 'site.conf');

/** What the engine would report for the project fixture, before configuration and suppressions. */
const projectFindings: Finding[] = [
  finding('restart-loop-on-first-boot', 'error', compose, range(3, 13, 3, 27), 'nginx restarts forever: its configuration fails on first boot', {
    related: [{ file: site, range: range(3, 20, 3, 62), message: 'this certificate does not exist yet' }],
  }),
  finding('renewal-without-reload', 'warning', compose, range(11, 11, 11, 26), 'nothing reloads nginx after renewal'),
  finding('certificate-never-renewed', 'warning', compose, range(13, 13, 13, 75), 'certonly runs once and nothing renews'),
  finding('staging-certificate', 'info', compose, range(13, 66, 13, 75), 'the certificate comes from the staging server'),
  finding('certificate-without-chain', 'warning', site, range(3, 20, 3, 62), 'cert.pem has no intermediate; use fullchain.pem'),
  finding('missing-certificate-on-first-boot', 'error', site, range(3, 20, 3, 62), 'cert.pem does not exist on first boot'),
  finding('host-port-conflict', 'error', site, range(6, 17, 6, 19), 'suppressed by the comment for every rule'),
  finding('ocsp-stapling-letsencrypt', 'info', site, range(6, 17, 6, 19), 'turned off in certboot.json'),
];

interface Run {
  readonly outcome: string;
  readonly out: string;
  readonly error: string;
  readonly requests: AnalyzeRequest[];
}

async function lint(argv: readonly string[], options: { cwd?: string; findings?: Finding[]; color?: boolean } = {}): Promise<Run> {
  let out = '';
  let error = '';
  const requests: AnalyzeRequest[] = [];
  const read = readLint(argv);
  if (!('options' in read)) throw new Error(`${argv.join(' ')} asks for help`);
  const outcome = await runLint(
    { ...read.options, color: options.color ?? false },
    { cwd: options.cwd ?? project, out: (text) => (out += text), error: (text) => (error += text) },
    async (request) => {
      requests.push(request);
      return options.findings ?? projectFindings;
    },
  );
  return { outcome, out, error, requests };
}

describe('certboot lint', () => {
  it('lints the working directory, applies certboot.json and suppressions, and prints text', async () => {
    const run = await lint([]);
    deepStrictEqual(run.requests, [{ roots: [project], paths: [project] }]);
    strictEqual(
      run.out,
      [
        'compose.yaml:4:14  error  nginx restarts forever: its configuration fails on first boot  [restart-loop-on-first-boot]',
        '  ↳ nginx/conf.d/site.conf:4:21  this certificate does not exist yet',
        'compose.yaml:12:12  warning  nothing reloads nginx after renewal  [renewal-without-reload]',
        'compose.yaml:14:14  warning  certonly runs once and nothing renews  [certificate-never-renewed]',
        '',
        'nginx/conf.d/old.conf:3:34  info  unused suppression: no "acme-challenge-not-served" finding on line 4  [unused-suppression]',
        '',
        'nginx/conf.d/site.conf:4:21  error  cert.pem has no intermediate; use fullchain.pem  [certificate-without-chain]',
        'nginx/conf.d/site.conf:4:21  error  cert.pem does not exist on first boot  [missing-certificate-on-first-boot]',
        '',
        '✖ 6 problems (3 errors, 2 warnings, 1 info)',
        '',
      ].join('\n'),
    );
    strictEqual(run.error, '');
    strictEqual(run.outcome, 'failed');
  });

  it('exits 0 when only warnings and info remain', async () => {
    const run = await lint(['nginx/conf.d/old.conf', 'compose.yaml'], { findings: [projectFindings[1]] });
    deepStrictEqual(run.requests, [{ roots: [project], paths: [join(project, 'nginx/conf.d/old.conf'), compose] }]);
    strictEqual(run.outcome, 'passed');
    strictEqual(
      run.out,
      [
        'compose.yaml:12:12  warning  nothing reloads nginx after renewal  [renewal-without-reload]',
        'compose.yaml:13:34  info  unused suppression: no "staging-certificate" finding on line 14  [unused-suppression]',
        '',
        'nginx/conf.d/old.conf:3:34  info  unused suppression: no "acme-challenge-not-served" finding on line 4  [unused-suppression]',
        '',
        '✖ 3 problems (0 errors, 1 warning, 2 info)',
        '',
      ].join('\n'),
    );
  });

  it('prints "no problems" and exits 0 when nothing is found', async () => {
    const run = await lint(['nginx.conf'], { cwd: join(fixturesRoot, 'lint', 'strict'), findings: [] });
    strictEqual(run.out, 'no problems\n');
    strictEqual(run.outcome, 'passed');
  });

  it('prints JSON with configuration and suppressions applied', async () => {
    const run = await lint(['--format', 'json'], { color: true });
    const report = JSON.parse(run.out) as { version: number; findings: { ruleId: string; severity: string; file: string; range: unknown }[] };
    strictEqual(report.version, 1);
    deepStrictEqual(
      report.findings.map((entry) => [entry.file, entry.ruleId, entry.severity]),
      [
        ['compose.yaml', 'restart-loop-on-first-boot', 'error'],
        ['compose.yaml', 'renewal-without-reload', 'warning'],
        ['compose.yaml', 'certificate-never-renewed', 'warning'],
        ['nginx/conf.d/old.conf', 'unused-suppression', 'info'],
        ['nginx/conf.d/site.conf', 'certificate-without-chain', 'error'],
        ['nginx/conf.d/site.conf', 'missing-certificate-on-first-boot', 'error'],
      ],
    );
    strictEqual(run.out.includes('\u001b['), false);
    strictEqual(run.outcome, 'failed');
  });

  it('prints SARIF that parses as JSON', async () => {
    const run = await lint(['--format=sarif']);
    const log = JSON.parse(run.out) as { version: string; runs: { results: { ruleId: string; level: string }[] }[] };
    strictEqual(log.version, '2.1.0');
    deepStrictEqual(
      log.runs[0].results.map((result) => result.level),
      ['error', 'warning', 'warning', 'note', 'error', 'error'],
    );
  });

  it('colors the text report when asked to, and no other format', async () => {
    const findings = [projectFindings[5]];
    strictEqual((await lint([], { findings, color: true })).out.includes('\u001b[31merror\u001b[0m'), true);
    strictEqual((await lint([], { findings, color: false })).out.includes('\u001b['), false);
    strictEqual((await lint(['--format', 'gitlab'], { findings, color: true })).out.includes('\u001b['), false);
  });

  it('fails on more warnings than --max-warnings, counting warnings --quiet hides', async () => {
    const warnings = [projectFindings[1], projectFindings[2]];
    const over = await lint(['--max-warnings', '1'], { findings: warnings });
    strictEqual(over.outcome, 'failed');
    strictEqual(over.error, 'certboot: 2 warnings, more than --max-warnings 1\n');
    strictEqual((await lint(['--max-warnings=2'], { findings: warnings })).outcome, 'passed');
    const quiet = await lint(['--quiet', '--max-warnings', '0'], { findings: warnings });
    strictEqual(quiet.out, 'no problems\n');
    strictEqual(quiet.outcome, 'failed');
  });

  it('reports errors only with --quiet', async () => {
    const run = await lint(['--quiet']);
    strictEqual(run.out.endsWith('✖ 3 problems (3 errors, 0 warnings, 0 info)\n'), true, run.out);
    strictEqual(run.outcome, 'failed');
  });

  it('uses --config instead of the nearest certboot.json', async () => {
    const cwd = join(fixturesRoot, 'lint', 'strict');
    const file = join(cwd, 'nginx.conf');
    const findings = [
      finding('certificate-path-not-live', 'warning', file, range(1, 20, 1, 48), 'a copy of the certificate'),
      finding('missing-certificate-on-first-boot', 'error', file, range(1, 20, 1, 48), 'missing'),
    ];
    const run = await lint(['--config', 'strict.json'], { cwd, findings });
    strictEqual(run.out, 'nginx.conf:2:21  error  missing  [missing-certificate-on-first-boot]\n\n✖ 1 problem (1 error, 0 warnings, 0 info)\n');
  });

  it('finds certboot.json above a linted subdirectory, up to the working directory', async () => {
    const run = await lint(['nginx'], { findings: [projectFindings[7], projectFindings[4]] });
    deepStrictEqual(run.requests, [{ roots: [project], paths: [join(project, 'nginx')] }]);
    strictEqual(run.out.includes('error  cert.pem has no intermediate; use fullchain.pem  [certificate-without-chain]'), true, run.out);
    strictEqual(run.out.includes('ocsp'), false);
  });

  it('exits 2 with the position of each mistake in an invalid certboot.json', async () => {
    const run = await lint([], { cwd: join(fixturesRoot, 'lint', 'bad-config') });
    strictEqual(run.outcome, 'unusable-input');
    strictEqual(
      run.error,
      'certboot: invalid configuration certboot.json:3:25: rule "webroot-mismatch" must be one of "error", "warning", "info", "off", found "warn"\n' +
        'certboot: invalid configuration certboot.json:5:3: unknown key "extends" (the settings are "rules" and "hosts")\n',
    );
    strictEqual(run.out, '');
    deepStrictEqual(run.requests, []);
  });

  it('exits 2 when --config names a file that cannot be read', async () => {
    const run = await lint(['--config', 'missing.json']);
    strictEqual(run.outcome, 'unusable-input');
    strictEqual(
      run.error,
      `certboot: invalid configuration missing.json: cannot read the configuration: No such file or directory: ${join(project, 'missing.json')}\n`,
    );
  });

  it('exits 2 for a path that does not exist', async () => {
    const run = await lint(['compose.yaml', 'no-such-dir']);
    strictEqual(run.outcome, 'unusable-input');
    strictEqual(run.error, 'certboot: cannot lint no-such-dir: no such file or directory\n');
    deepStrictEqual(run.requests, []);
  });

  for (const [argv, message] of [
    [['--fixes'], 'unknown option --fixes'],
    [['--fix', '--fix-dry-run'], '--fix and --fix-dry-run cannot be used together'],
    [['--fix-dry-run=no'], '--fix-dry-run takes no value'],
    [['-x'], 'unknown option -x'],
    [['--format', 'xml'], '--format takes text, json, sarif or gitlab, not "xml"'],
    [['--format'], '--format needs a value'],
    [['--format='], '--format needs a value'],
    [['--max-warnings', 'many'], '--max-warnings takes a whole number, not "many"'],
    [['--max-warnings', '-1'], '--max-warnings takes a whole number, not "-1"'],
    [['--quiet=yes'], '--quiet takes no value'],
  ] as const) {
    it(`reads bad usage as a usage error of lint: ${argv.join(' ')}`, () => {
      throws(
        () => readLint(argv),
        (error: unknown) => error instanceof UsageError && error.message === message && error.command === 'lint',
      );
    });
  }

  it('reads --help as a request for help, whatever else is given', () => {
    deepStrictEqual(Object.keys(readLint(['compose.yaml', '-h', '--quiet'])), ['help']);
  });

  it('takes arguments after -- as paths', async () => {
    const run = await lint(['--', 'compose.yaml'], { findings: [] });
    deepStrictEqual(run.requests, [{ roots: [project], paths: [compose] }]);
  });
});
