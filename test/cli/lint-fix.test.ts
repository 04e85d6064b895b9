import { deepStrictEqual, strictEqual } from 'node:assert';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { analyzePaths } from '../../server/src/engine/analyze-paths';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { fixturesRoot, repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

// `certboot lint --fix` on real files: the story's example gets its safe fixes, the files come out
// byte for byte as reviewed (test/fixtures/lint-fix/certbot-deadlock/), and nothing outside the
// edited ranges or the linted paths changes, whatever the files' line breaks, encoding or mode.

const deadlock = join(repositoryRoot, 'examples', 'certbot-deadlock');
const expected = join(fixturesRoot, 'lint-fix', 'certbot-deadlock');
const compose = 'docker-compose.yml';
const site = 'nginx/conf.d/example.com.conf';
const changed = [site];
const appliedMessage = 'certboot: applied 2 fixes to project/nginx/conf.d/example.com.conf\n';

/** Every file below `root`: relative path → bytes. */
function filesOf(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path));
    }
  };
  walk(root);
  return new Map([...files].sort(([left], [right]) => (left < right ? -1 : 1)));
}

/** What the fixed project holds: the reviewed files for those the fixes change, the example's for the rest. */
function expectedFiles(transform: (text: string) => string = (text) => text): Map<string, Buffer> {
  const files = filesOf(deadlock);
  for (const name of changed) files.set(name, readFileSync(join(expected, 'fixed', name)));
  return new Map(
    [...files].map(([name, bytes]) => [name, changed.includes(name) || name === 'README.md' ? Buffer.from(transform(bytes.toString('utf8')), 'utf8') : bytes]),
  );
}

function asText(files: Map<string, Buffer>): [string, string][] {
  return [...files].map(([name, bytes]) => [name, bytes.toString('latin1')]);
}

describe('certboot lint --fix', () => {
  let directory: string;
  let project: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-fix-'));
    project = join(directory, 'project');
    cpSync(deadlock, project, { recursive: true });
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('--fix-dry-run prints the safe fixes of certbot-deadlock as a unified diff and writes nothing', () => {
    const before = filesOf(project);
    const run = runBuiltCli(['lint', '--fix-dry-run', 'project'], directory);
    deepStrictEqual([run.status, run.stderr], [1, 'certboot: --fix would apply 2 fixes to project/nginx/conf.d/example.com.conf\n']);
    strictEqual(run.stdout, readFileSync(join(expected, 'fix-dry-run.diff'), 'utf8'));
    deepStrictEqual(asText(filesOf(project)), asText(before));
  });

  it('--fix writes the safe fixes of certbot-deadlock, reports what has no safe fix, and a second run changes nothing', async () => {
    const run = runBuiltCli(['lint', '--fix', 'project'], directory);
    deepStrictEqual([run.status, run.stderr], [1, appliedMessage]);
    strictEqual(run.stdout, readFileSync(join(expected, 'fix-report.txt'), 'utf8'));
    deepStrictEqual(asText(filesOf(project)), asText(expectedFiles()));
    // linting again shows what is left, each finding without a safe fix
    const again = runBuiltCli(['lint', '--fix', 'project'], directory);
    deepStrictEqual([again.status, again.stdout, again.stderr], [1, run.stdout, '']);
    deepStrictEqual(asText(filesOf(project)), asText(expectedFiles()));
    const left = await analyzePaths(new DiskFileSystem([project]), [project]);
    deepStrictEqual(
      left.findings.map((finding) => [finding.ruleId, finding.fixes.filter((fix) => fix.safe).length]),
      [
        ['missing-certificate-on-first-boot', 0],
        ['missing-certificate-on-first-boot', 0],
        ['restart-loop-on-first-boot', 0],
        ['acme-challenge-not-served', 0],
        ['certificate-never-renewed', 0],
      ],
    );
  });

  const variants: [string, (text: string) => string][] = [
    ['CRLF line breaks', (text) => text.replace(/\n/g, '\r\n')],
    ['no final line break', (text) => text.replace(/\n$/, '')],
    ['non-ASCII text', (text) => `# Zertifikat für www.bücher.example — geprüft ✓ 🔒\n${text}`],
    ['a byte order mark', (text) => `\uFEFF${text}`],
  ];
  for (const [name, transform] of variants) {
    it(`keeps every byte outside the edits of files with ${name}`, () => {
      for (const file of [...changed, 'README.md']) writeFileSync(join(project, file), transform(readFileSync(join(project, file), 'utf8')));
      const run = runBuiltCli(['lint', '--fix', 'project'], directory);
      deepStrictEqual([run.status, run.stderr], [1, appliedMessage]);
      deepStrictEqual(asText(filesOf(project)), asText(expectedFiles(transform)));
    });
  }

  it("keeps each file's mode, and leaves no temporary file beside it", () => {
    chmodSync(join(project, compose), 0o600);
    chmodSync(join(project, site), 0o664);
    const run = runBuiltCli(['lint', '--fix', 'project'], directory);
    deepStrictEqual([run.status, run.stderr], [1, appliedMessage]);
    deepStrictEqual([statSync(join(project, compose)).mode & 0o777, statSync(join(project, site)).mode & 0o777], [0o600, 0o664]);
    deepStrictEqual([...filesOf(project).keys()], [...expectedFiles().keys()]);
  });

  it('refuses a fix that would edit a file outside the named paths, and says so', () => {
    const fixture = join(directory, 'partial');
    cpSync(join(fixturesRoot, 'rules', 'letsencrypt-partial-mount', 'bad-live-name-mount'), fixture, { recursive: true });
    const before = filesOf(fixture);
    const run = runBuiltCli(['lint', '--fix', 'compose.yaml', '--format', 'json'], fixture);
    strictEqual(
      run.stderr,
      'certboot: not fixing compose.yaml:12:9 [letsencrypt-partial-mount]: "Mount the whole certbot directory read-only at /etc/letsencrypt and read the certificate from /etc/letsencrypt/live/example.com/" would edit nginx/default.conf, which is outside the linted paths\n',
    );
    strictEqual(run.status, 1);
    deepStrictEqual(asText(filesOf(fixture)), asText(before));
    // named with its directory, the same fix is applied
    const whole = runBuiltCli(['lint', '--fix', '.', '--format', 'json'], fixture);
    strictEqual(whole.stderr, 'certboot: applied 1 fix to compose.yaml, nginx/default.conf\n');
  });

  it('refuses a fix to a link that leads outside the linted directory', () => {
    const elsewhere = join(directory, 'elsewhere');
    mkdirSync(elsewhere);
    renameSync(join(project, site), join(elsewhere, 'example.com.conf'));
    symlinkSync(join('..', '..', '..', 'elsewhere', 'example.com.conf'), join(project, site));
    // the working directory is the root certboot may read: the link can be followed, not written through
    const run = runBuiltCli(['lint', '--fix', 'project'], directory);
    strictEqual(
      run.stderr,
      [
        'certboot: not fixing project/nginx/conf.d/example.com.conf:8:13 [certbot-nginx-options-missing]: "Replace the include with the TLS settings it would hold" would edit project/nginx/conf.d/example.com.conf, which is outside the linted paths',
        'certboot: not fixing project/nginx/conf.d/example.com.conf:9:17 [certbot-nginx-options-missing]: "Remove `ssl_dhparam` (ECDHE suites need no DH parameters)" would edit project/nginx/conf.d/example.com.conf, which is outside the linted paths',
        '',
      ].join('\n'),
    );
    strictEqual(run.status, 1);
    deepStrictEqual(readFileSync(join(elsewhere, 'example.com.conf')), readFileSync(join(deadlock, site)));
    deepStrictEqual(readFileSync(join(project, compose)), readFileSync(join(deadlock, compose)));
  });

  it('refuses a fix to a file that is not UTF-8 text, which it could not write back byte for byte', () => {
    const fixture = join(directory, 'chain');
    cpSync(join(fixturesRoot, 'rules', 'certificate-without-chain', 'bad-cert-pem'), fixture, { recursive: true });
    const file = join(fixture, 'nginx', 'conf.d', 'site.conf');
    const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n'), readFileSync(file)]);
    writeFileSync(file, latin1);
    const run = runBuiltCli(['lint', '--fix', '.', '--format', 'json'], fixture);
    strictEqual(
      run.stderr,
      'certboot: not fixing nginx/conf.d/site.conf:13:25 [certificate-without-chain]: "Use /etc/letsencrypt/live/example.com/fullchain.pem" would edit nginx/conf.d/site.conf, which is not UTF-8 text\n',
    );
    deepStrictEqual(readFileSync(file), latin1);
  });
});
