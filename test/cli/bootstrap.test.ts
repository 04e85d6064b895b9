import { deepStrictEqual, match, strictEqual } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

const shop = join(fixturesRoot, 'bootstrap', 'inline-http-block');

describe('certboot bootstrap', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-bootstrap-cli-'));
    cpSync(shop, join(directory, 'shop'), { recursive: true });
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the changes as a unified diff, the summary on stderr, and touches nothing', () => {
    const result = runBuiltCli(['bootstrap', 'shop', '--domain', 'shop.example.org', '--email', 'ops@example.org'], directory);
    strictEqual(result.status, 0);
    strictEqual(result.stdout, readFileSync(join(fixturesRoot, 'bootstrap', 'expected', 'inline-http-block.diff'), 'utf8'));
    match(result.stderr, /^certboot: nginx\.conf:11: the HTTPS server for shop\.example\.org moves to https-available\/shop\.example\.org\.conf \(stage 2\)/);
    strictEqual(readFileSync(join(directory, 'shop', 'nginx.conf'), 'utf8'), readFileSync(join(shop, 'nginx.conf'), 'utf8'));
  });

  it('writes the changes with --write, the script executable, and then has nothing left to change', () => {
    const written = runBuiltCli(['bootstrap', 'shop', '--domain', 'shop.example.org', '--email', 'ops@example.org', '--write'], directory);
    strictEqual(written.status, 0);
    deepStrictEqual(
      written.stdout.split('\n').filter((line) => /^(created|updated) /.test(line)),
      [
        'updated shop/nginx.conf',
        'created shop/https-available/shop.example.org.conf',
        'created shop/https-available/shop.example.org.redirect',
        'created shop/https-enabled/.gitignore',
        'updated shop/compose.yaml',
        'created shop/certbot/hooks/enable-https.sh',
        'created shop/nginx-entrypoint.d/40-reload-on-certificate.sh',
        'created shop/scripts/init-certificates.sh',
      ],
    );
    // certbot refuses a deploy hook it cannot execute, and the nginx image skips a start script it cannot
    for (const script of ['certbot/hooks/enable-https.sh', 'nginx-entrypoint.d/40-reload-on-certificate.sh', 'scripts/init-certificates.sh']) {
      strictEqual(statSync(join(directory, 'shop', script)).mode & 0o111, 0o111, script);
    }
    const again = runBuiltCli(['bootstrap', 'shop', '--domain', 'shop.example.org', '--email', 'ops@example.org'], directory);
    deepStrictEqual([again.status, again.stdout, again.stderr], [0, '', 'certboot: nothing to change: shop is already split into HTTP-first stages\n']);
    const lint = runBuiltCli(['lint', 'shop'], directory);
    strictEqual(lint.status, 0);
  });

  it('takes the domains from server_name and certbot -d when --domain is omitted, and says so', () => {
    const result = runBuiltCli(['bootstrap', 'shop', '--email', 'ops@example.org'], directory);
    strictEqual(result.status, 0);
    match(result.stderr, /^certboot: no --domain given; using shop\.example\.org \(server_name in nginx\.conf:5\)\n/);
    strictEqual(result.stdout, readFileSync(join(fixturesRoot, 'bootstrap', 'expected', 'inline-http-block.diff'), 'utf8'));
  });

  it('prints its usage with --help and exits 0', () => {
    const help = runBuiltCli(['bootstrap', '--help'], directory);
    deepStrictEqual([help.status, help.stderr], [0, '']);
    match(help.stdout, /^Usage: certboot bootstrap \[DIR\] --email E \[OPTIONS\]\n/);
    match(help.stdout, /deploy hook/);
    strictEqual(runBuiltCli(['bootstrap', 'shop', '-h'], directory).status, 0);
  });

  it('exits 2 on bad usage with a clear message', () => {
    const noEmail = runBuiltCli(['bootstrap', 'shop'], directory);
    strictEqual(noEmail.status, 2);
    strictEqual(
      noEmail.stderr,
      'certboot: --email is required: Let\'s Encrypt writes there before a certificate expires\nRun "certboot bootstrap --help" for usage.\n',
    );
    const wildcard = runBuiltCli(['bootstrap', 'shop', '--email', 'ops@example.org', '--domain', '*.example.org'], directory);
    strictEqual(wildcard.status, 2);
    match(wildcard.stderr, /^certboot: --domain \*\.example\.org is not a name Let's Encrypt can validate over HTTP-01/);
    const option = runBuiltCli(['bootstrap', 'shop', '--email', 'ops@example.org', '--force'], directory);
    deepStrictEqual([option.status, option.stderr], [2, 'certboot: unknown option --force\nRun "certboot bootstrap --help" for usage.\n']);
    const missing = runBuiltCli(['bootstrap', 'nowhere', '--email', 'ops@example.org'], directory);
    deepStrictEqual([missing.status, missing.stderr], [2, 'certboot: cannot read nowhere: not a directory\n']);
  });

  it('exits 2 when no domain is given or found, and 1 when the project cannot be bootstrapped', () => {
    mkdirSync(join(directory, 'bare'));
    writeFileSync(join(directory, 'bare', 'compose.yaml'), 'services:\n  app:\n    image: alpine\n');
    const noDomain = runBuiltCli(['bootstrap', 'bare', '--email', 'ops@example.org'], directory);
    deepStrictEqual([noDomain.status, noDomain.stderr], [2, 'certboot: no --domain given, and no server_name or certbot -d in the project names one\n']);
    const noNginx = runBuiltCli(['bootstrap', 'bare', '--email', 'ops@example.org', '--domain', 'example.org'], directory);
    deepStrictEqual([noNginx.status, noNginx.stderr], [1, 'certboot: cannot bootstrap bare: no compose project with an nginx service was found\n']);
  });
});
