import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findDummyCertificates } from '../../../server/src/languages/shell/dummy-certificate-script';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';
import { fixturesRoot } from '../../support/paths';

describe('dummy certificate scripts', () => {
  before(() => initializeShellParser());

  it('finds the placeholder certificate of init-letsencrypt.sh and resolves its path', () => {
    const text = readFileSync(join(fixturesRoot, 'shell', 'init-letsencrypt.sh'), 'utf8');
    const script = parseShell(text);
    assert.deepEqual(script.errors, []);
    const found = findDummyCertificates(script);
    assert.ok(found);
    assert.equal(found.certificates.length, 1);
    const [certificate] = found.certificates;
    assert.ok(certificate);
    assert.equal(certificate.launcher, 'docker-compose-run');
    assert.equal(certificate.target?.value, 'certbot');
    assert.equal(certificate.certificatePath.value, '$path/fullchain.pem');
    assert.equal(text.slice(certificate.certificatePath.span.start, certificate.certificatePath.span.end), "'$path/fullchain.pem'");
    assert.equal(certificate.keyPath?.value, '$path/privkey.pem');
    assert.equal(certificate.resolvedCertificatePath, '/etc/letsencrypt/live/example.org/fullchain.pem');
    assert.equal(certificate.resolvedKeyPath, '/etc/letsencrypt/live/example.org/privkey.pem');
    assert.equal(certificate.liveName, 'example.org');
    assert.deepEqual(
      [...found.variables.values()].map((variable) => [variable.name, variable.values, variable.literal]),
      [
        ['domains', ['example.org', 'www.example.org'], true],
        ['rsa_key_size', ['4096'], true],
        ['data_path', ['./data/certbot'], true],
        ['email', ['ops@example.org'], true],
        ['staging', ['0'], true],
        ['path', ['/etc/letsencrypt/live/$domains'], false],
      ],
    );
    assert.deepEqual(found.composeUpAfter && [found.composeUpAfter.name?.value, ...found.composeUpAfter.arguments.map((word) => word.value)], [
      'docker-compose',
      'up',
      '--force-recreate',
      '-d',
      'nginx',
    ]);
  });

  it('reads a direct openssl call with literal paths', () => {
    const found = findDummyCertificates(
      parseShell(
        'mkdir -p certs/live/site\nopenssl req -x509 -nodes -newkey rsa:2048 -days 1 -keyout certs/live/site/privkey.pem -out "certs/live/site/fullchain.pem" -subj /CN=localhost',
      ),
    );
    assert.deepEqual(
      found?.certificates.map((certificate) => [certificate.launcher, certificate.resolvedCertificatePath, certificate.resolvedKeyPath, certificate.liveName]),
      [['direct', 'certs/live/site/fullchain.pem', 'certs/live/site/privkey.pem', 'site']],
    );
  });

  it('reads the certificate and key a local CA makes (req, then x509 -req), and not what openssl only reads', () => {
    const found = findDummyCertificates(
      parseShell(
        [
          'path="/etc/nginx/certs.d"',
          `docker-compose run --rm --entrypoint "openssl req -nodes -new -newkey rsa:4096 -keyout '$path/server.key' -out '$path/server.csr' -subj '/CN=*.dev.localhost'" nginx`,
          `docker-compose run --rm --entrypoint "openssl x509 -req -days 365 -CA '$path/root.pem' -CAkey '$path/root.key' -in '$path/server.csr' -out '$path/server.crt'" nginx`,
          'openssl x509 -in certs/server.crt -noout -enddate',
          'openssl verify -CAfile certs/root.pem certs/server.crt',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      found?.certificates.map((certificate) => [
        certificate.launcher,
        certificate.target?.value,
        certificate.resolvedCertificatePath,
        certificate.resolvedKeyPath,
      ]),
      [
        ['docker-compose-run', 'nginx', '/etc/nginx/certs.d/server.csr', '/etc/nginx/certs.d/server.key'],
        ['docker-compose-run', 'nginx', '/etc/nginx/certs.d/server.crt', undefined],
      ],
    );
  });

  it('reads $(pwd) and $PWD as the working directory, and follows the cd commands before openssl', () => {
    const read = (text: string) =>
      findDummyCertificates(parseShell(text))?.certificates.map((certificate) => [
        certificate.resolvedCertificatePath,
        certificate.resolvedKeyPath,
        certificate.workingDirectory,
      ]);
    const openssl = 'openssl req -x509 -nodes -keyout "$(pwd)/data/live/a/privkey.pem" -out "$PWD/data/live/a/fullchain.pem"';
    assert.deepEqual(read(openssl), [['./data/live/a/fullchain.pem', './data/live/a/privkey.pem', { kind: 'invocation' }]]);
    assert.deepEqual(read(`cd "$(dirname "$0")"\n${openssl}`)?.[0]?.[2], { kind: 'script', relative: '' });
    assert.deepEqual(read(`cd "$(dirname "\${BASH_SOURCE[0]}")/.."\n${openssl}`)?.[0]?.[2], { kind: 'script', relative: '..' });
    assert.deepEqual(read(`cd /srv/site\n${openssl}`)?.[0]?.[2], { kind: 'unknown' });
    assert.deepEqual(read(`[ -d app ] && cd "$(dirname "$0")"\n${openssl}`)?.[0]?.[2], { kind: 'unknown' });
    assert.deepEqual(read(`(cd /srv/site && make)\n${openssl}\ncd /srv/site`)?.[0]?.[2], { kind: 'invocation' });
    assert.deepEqual(read(`(cd /srv/site && ${openssl})`)?.[0]?.[2], { kind: 'unknown' });
    assert.deepEqual(read(`for d in a b; do cd "$(dirname "$0")"; done\n${openssl}`)?.[0]?.[2], { kind: 'unknown' });
  });

  it('leaves a path with an unknown variable unresolved, and ignores scripts that write no certificate or new key', () => {
    const found = findDummyCertificates(parseShell('openssl req -x509 -keyout "$1/privkey.pem" -out "$1/fullchain.pem"'));
    assert.deepEqual(
      found?.certificates.map((certificate) => [certificate.certificatePath.value, certificate.resolvedCertificatePath, certificate.liveName]),
      [['$1/fullchain.pem', undefined, undefined]],
    );
    assert.equal(findDummyCertificates(parseShell('openssl req -new -key k.pem -out req.csr\ncertbot renew')), undefined);
  });

  it('gives the paths a lineage name from an unset variable may have, and no pattern for any other unknown', () => {
    const patterns = (script: string) =>
      findDummyCertificates(parseShell(script))?.certificates.map((certificate) => certificate.unknownLineagePaths.map((pattern) => pattern.source));
    const openssl = `docker compose run --rm --entrypoint "openssl req -x509 -keyout '$path/privkey.pem' -out '$path/fullchain.pem'" certbot`;
    assert.deepEqual(patterns(`source ./.env\ndomains=\${SITE_DOMAINS}\npath="/etc/letsencrypt/live/$domains"\n${openssl}`), [
      ['^\\/etc\\/letsencrypt\\/live\\/[^/]+\\/fullchain\\.pem$', '^\\/etc\\/letsencrypt\\/live\\/[^/]+\\/privkey\\.pem$'],
    ]);
    assert.deepEqual(patterns(`path="/etc/letsencrypt/live/example.org"\n${openssl}`), [[]]);
    assert.deepEqual(patterns(`path="$CERTS/live/example.org"\n${openssl}`), [[]]);
    assert.deepEqual(patterns(`path="/etc/letsencrypt/$DIR/example.org"\n${openssl}`), [[]]);
    assert.deepEqual(patterns(`path="/etc/letsencrypt/live/$(hostname)"\n${openssl}`), [[]]);
  });
});
