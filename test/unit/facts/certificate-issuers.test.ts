import { deepStrictEqual } from 'node:assert';
import { type CertbotIssuer, issuersOfCertificate, type Issuer } from '../../../server/src/facts/certificate-issuers';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment } from '../../../server/src/model/deployment';
import { initializeShellParser } from '../../../server/src/languages/shell/shell-parser';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

async function issuersOf(files: Record<string, string>): Promise<readonly Issuer[]> {
  const inventory = takeInventory(new MemoryFileSystem(files), '/p');
  const deployment = await buildDeployment(inventory);
  return new Facts(deployment, inventory).issuers;
}

function summary(issuer: Issuer) {
  if (issuer.kind !== 'certbot') return { kind: issuer.kind, service: issuer.service.name, repository: issuer.repository, state: issuer.stateDirectories };
  return {
    kind: issuer.kind,
    subcommand: issuer.run.invocation.subcommand,
    image: issuer.image && {
      reference: issuer.image.reference,
      official: issuer.image.official,
      extraPlugins: issuer.image.extraPlugins,
      service: issuer.image.service?.name,
    },
    onHost: issuer.onHost,
    authenticator: issuer.authenticator,
    installer: issuer.installer,
    challenge: issuer.challenge,
    standalonePort: issuer.standalonePort,
    lineage: issuer.lineage,
    renewal:
      issuer.renewal.kind === 'schedule'
        ? { kind: 'schedule', written: issuer.renewal.written, line: issuer.renewal.location.range.start.line }
        : issuer.renewal,
  };
}

describe('certificate issuers', () => {
  before(initializeShellParser);

  it('reads each certbot run: its image, authenticator, challenge, port, lineage and renewal schedule', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  certbot:',
        '    image: certbot/dns-route53:v3.1.0',
        '    volumes: [le:/etc/letsencrypt]',
        "    command: certonly --dns-route53 -d example.org -d '*.example.org' --cert-name site",
        '  renew:',
        '    image: certbot/certbot',
        '    volumes: [le:/etc/letsencrypt]',
        "    entrypoint: /bin/sh -c 'while :; do certbot renew; sleep 12h; done'",
        'volumes:',
        '  le:',
        '',
      ].join('\n'),
      '/p/setup.sh':
        '#!/bin/sh\ncertbot certonly --standalone --http-01-port 8080 -d WWW.Example.org.\ndocker compose run --rm certbot certonly --nginx -d b.example.org\n',
      '/p/cron/certbot.cron': '# renew\n0 0 1 */2 * certbot renew -q\n',
    });
    deepStrictEqual(issuers.map(summary), [
      {
        kind: 'certbot',
        subcommand: 'certonly',
        image: { reference: 'certbot/dns-route53:v3.1.0', official: true, extraPlugins: ['dns-route53'], service: 'certbot' },
        onHost: false,
        authenticator: 'dns-route53',
        installer: undefined,
        challenge: 'dns-01',
        standalonePort: undefined,
        lineage: 'site',
        renewal: { kind: 'once' },
      },
      {
        kind: 'certbot',
        subcommand: 'renew',
        image: { reference: 'certbot/certbot', official: true, extraPlugins: [], service: 'renew' },
        onHost: false,
        authenticator: undefined,
        installer: undefined,
        challenge: 'unknown',
        standalonePort: undefined,
        lineage: undefined,
        renewal: { kind: 'schedule', written: 'a loop with `sleep 12h`', line: 8 },
      },
      {
        kind: 'certbot',
        subcommand: 'certonly',
        image: undefined,
        onHost: true,
        authenticator: 'standalone',
        installer: undefined,
        challenge: 'http-01',
        standalonePort: 8080,
        lineage: 'www.example.org',
        renewal: { kind: 'once' },
      },
      {
        kind: 'certbot',
        subcommand: 'certonly',
        image: { reference: 'certbot/dns-route53:v3.1.0', official: true, extraPlugins: ['dns-route53'], service: 'certbot' },
        onHost: false,
        authenticator: 'nginx',
        installer: 'nginx',
        challenge: 'http-01',
        standalonePort: undefined,
        lineage: 'b.example.org',
        renewal: { kind: 'once' },
      },
      {
        kind: 'certbot',
        subcommand: 'renew',
        image: undefined,
        onHost: true,
        authenticator: undefined,
        installer: undefined,
        challenge: 'unknown',
        standalonePort: undefined,
        lineage: undefined,
        renewal: { kind: 'schedule', written: '`0 0 1 */2 *`', line: 1 },
      },
    ]);
    deepStrictEqual(
      issuersOfCertificate(issuers, '/etc/letsencrypt/live/site/fullchain.pem').map((issuer: CertbotIssuer) =>
        issuer.run.invocation.domains.map((domain) => domain.name.value),
      ),
      [['example.org', '*.example.org']],
    );
    deepStrictEqual(issuersOfCertificate(issuers, '/etc/ssl/site.pem'), []);
  });

  it('knows the images that issue by themselves, and where they keep their state', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  proxy:',
        '    image: nginxproxy/nginx-proxy',
        '  companion:',
        '    image: nginxproxy/acme-companion:2.5',
        '  old:',
        '    image: jrcs/letsencrypt-nginx-proxy-companion:v1.13.1',
        '  swag:',
        '    image: lscr.io/linuxserver/swag',
        '  web:',
        '    image: jonasal/nginx-certbot:5',
        '',
      ].join('\n'),
    });
    deepStrictEqual(issuers.map(summary), [
      { kind: 'acme-companion', service: 'companion', repository: 'nginxproxy/acme-companion', state: ['/etc/nginx/certs', '/etc/acme.sh'] },
      { kind: 'acme-companion', service: 'old', repository: 'jrcs/letsencrypt-nginx-proxy-companion', state: ['/etc/nginx/certs'] },
      { kind: 'all-in-one', service: 'swag', repository: 'lscr.io/linuxserver/swag', state: ['/config'] },
      { kind: 'all-in-one', service: 'web', repository: 'jonasal/nginx-certbot', state: ['/etc/letsencrypt'] },
    ]);
  });
});
