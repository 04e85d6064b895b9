import { deepStrictEqual } from 'node:assert';
import { type AcmeShIssuer, type CertbotIssuer, issuersOfCertificate, type Issuer } from '../../../server/src/facts/certificate-issuers';
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

function acmeShSummary(issuer: AcmeShIssuer) {
  return {
    kind: issuer.kind,
    entry: issuer.invocation.entry,
    action: issuer.action,
    runsIn: issuer.runsIn.kind === 'service' ? `service ${issuer.runsIn.service.name}` : issuer.runsIn.kind,
    project: issuer.project?.compose.directory,
    image: issuer.image?.reference,
    challenge: issuer.challenge,
    domains: issuer.invocation.domains.map(
      (domain) => `${domain.name.value} ${domain.validation?.kind ?? 'none'}${domain.validation?.kind === 'webroot' ? ` ${domain.validation.path.value}` : ''}`,
    ),
    certificateHome: issuer.certificateHome,
    installs: issuer.installs.map((file) => `${file.role} ${file.path.value}`),
    reloadCommand: issuer.reloadCommand?.value,
    renewalDays: issuer.renewalDays,
    renewal:
      issuer.renewal.kind === 'schedule'
        ? { kind: 'schedule', written: issuer.renewal.written, line: issuer.renewal.location.range.start.line }
        : issuer.renewal,
  };
}

function summary(issuer: Issuer) {
  if (issuer.kind === 'acme.sh') return acmeShSummary(issuer);
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

  it('names a lineage as certbot does: a wildcard first domain without its `*.`, a --cert-name as written', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  wildcard:',
        '    image: certbot/dns-cloudflare',
        '    volumes: [le:/etc/letsencrypt]',
        "    command: certonly --dns-cloudflare -d '*.Example.org' -d example.org",
        '  named:',
        '    image: certbot/dns-cloudflare',
        '    volumes: [le:/etc/letsencrypt]',
        "    command: certonly --dns-cloudflare -d '*.example.net' --cert-name Wild.Net",
        'volumes:',
        '  le:',
        '',
      ].join('\n'),
    });
    deepStrictEqual(
      issuers.map((issuer) => (issuer.kind === 'certbot' ? issuer.lineage : issuer.kind)),
      ['example.org', 'Wild.Net'],
    );
    const domainsOf = (path: string) => issuersOfCertificate(issuers, path).map((issuer) => issuer.run.invocation.domains.map((domain) => domain.name.value));
    deepStrictEqual(domainsOf('/etc/letsencrypt/live/example.org/fullchain.pem'), [['*.Example.org', 'example.org']]);
    deepStrictEqual(domainsOf('/etc/letsencrypt/live/*.example.org/fullchain.pem'), []);
    deepStrictEqual(domainsOf('/etc/letsencrypt/live/Wild.Net/privkey.pem'), [['*.example.net']]);
    deepStrictEqual(domainsOf('/etc/letsencrypt/live/wild.net/privkey.pem'), []);
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

  it('reads each acme.sh run: where it runs, its project, challenge, home, the files it installs, its reload and its renewal', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  nginx:',
        '    image: nginx:1.27',
        '  acme:',
        '    image: neilpang/acme.sh:3.1.1',
        '    container_name: acme-daemon',
        '    command: daemon',
        '    volumes: [./acme:/acme.sh]',
        '',
      ].join('\n'),
      '/p/issue.sh': [
        '#!/bin/sh',
        'docker exec acme-daemon --issue -d example.org -w /webroot --days 45',
        'docker compose exec acme --install-cert -d example.org --cert-file /certs/cert.pem --key-file /certs/key.pem',
        '~/.acme.sh/acme.sh --issue --dns dns_cf -d example.org --cert-home /srv/certs',
        'acme.sh --install-cert -d example.org --fullchain-file /srv/full.pem --reloadcmd "nginx -s reload"',
        'docker run --rm -v "$PWD/acme":/acme.sh neilpang/acme.sh --renew -d example.org',
        '',
      ].join('\n'),
      '/p/cron/acme.cron': '17 3 * * * "/root/.acme.sh"/acme.sh --cron --home "/root/.acme.sh" > /dev/null\n',
    });
    const acme = { project: '/p', challenge: 'unknown', installs: [], reloadCommand: undefined, renewalDays: undefined };
    deepStrictEqual(issuers.map(summary), [
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'daemon',
        action: 'daemon',
        runsIn: 'service acme',
        image: 'neilpang/acme.sh:3.1.1',
        domains: [],
        certificateHome: '/acme.sh',
        renewal: { kind: 'schedule', written: "the image's daily cron job (`daemon`)", line: 6 },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'image',
        action: '--issue',
        runsIn: 'service acme',
        image: 'neilpang/acme.sh:3.1.1',
        challenge: 'http-01',
        domains: ['example.org webroot /webroot'],
        certificateHome: '/acme.sh',
        renewalDays: 45,
        renewal: { kind: 'once' },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'image',
        action: '--install-cert',
        runsIn: 'service acme',
        image: 'neilpang/acme.sh:3.1.1',
        domains: ['example.org none'],
        certificateHome: '/acme.sh',
        installs: ['cert /certs/cert.pem', 'key /certs/key.pem'],
        renewal: { kind: 'once' },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'script',
        action: '--issue',
        runsIn: 'host',
        image: undefined,
        challenge: 'dns-01',
        domains: ['example.org dns'],
        certificateHome: '/srv/certs',
        renewal: { kind: 'once' },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'script',
        action: '--install-cert',
        runsIn: 'host',
        image: undefined,
        domains: ['example.org none'],
        certificateHome: '~/.acme.sh',
        installs: ['fullchain /srv/full.pem'],
        reloadCommand: 'nginx -s reload',
        renewal: { kind: 'once' },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'image',
        action: '--renew',
        runsIn: 'unknown',
        image: 'neilpang/acme.sh',
        domains: ['example.org none'],
        certificateHome: '/acme.sh',
        renewal: { kind: 'unknown', reason: 'renew runs when someone runs it' },
      },
      {
        ...acme,
        kind: 'acme.sh',
        entry: 'script',
        action: '--cron',
        runsIn: 'host',
        image: undefined,
        domains: [],
        certificateHome: '/root/.acme.sh',
        renewal: { kind: 'schedule', written: '`17 3 * * *`', line: 0 },
      },
    ]);
  });

  it('runs a script in the container whose Dockerfile copies it in or that mounts it, not on the host', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  acme:',
        '    build: ./acme',
        '  cron:',
        '    image: alpine',
        '    volumes: [./cron/renew.sh:/etc/periodic/daily/renew]',
        '  twice:',
        '    build: ./twice',
        '  again:',
        '    build: ./twice',
        '',
      ].join('\n'),
      '/p/acme/Dockerfile': 'FROM alpine\nRUN wget -O - https://get.acme.sh | sh\nCOPY scripts/ /opt/\nCOPY --from=other /x.sh /x.sh\n',
      '/p/acme/scripts/issue.sh': '/root/.acme.sh/acme.sh --issue --dns dns_cf -d example.org\n',
      '/p/cron/renew.sh': 'acme.sh --cron\n',
      '/p/twice/Dockerfile': 'FROM alpine\nCOPY issue.sh /issue.sh\n',
      '/p/twice/issue.sh': 'acme.sh --issue --dns dns_cf -d example.net\n',
      '/p/host.sh': 'acme.sh --issue --dns dns_cf -d example.com\n',
    });
    deepStrictEqual(
      issuers
        .map((issuer) => (issuer.kind === 'acme.sh' ? [issuer.invocation.domains[0]?.name.value ?? issuer.action, acmeShSummary(issuer).runsIn] : []))
        .sort(),
      [
        ['example.org', 'service acme'],
        ['--cron', 'service cron'],
        ['example.com', 'host'],
        ['example.net', 'unknown'],
      ].sort(),
    );
  });

  it('runs certbot in a script the Dockerfile copies in inside that container, where a reload reaches only what the container reaches', async () => {
    const files = {
      '/p/compose.yaml': 'services:\n  nginx:\n    image: nginx:1.27\n  certbot:\n    build: ./certbot\n',
      '/p/certbot/Dockerfile': 'FROM certbot/certbot\nCOPY renew.sh /renew.sh\n',
      '/p/certbot/renew.sh': 'certbot renew --webroot -w /var/www/certbot\ndocker exec nginx nginx -s reload\n',
      '/p/host.sh': 'certbot renew --webroot -w /srv/www\ndocker exec nginx nginx -s reload\n',
    };
    const inventory = takeInventory(new MemoryFileSystem(files), '/p');
    const facts = new Facts(await buildDeployment(inventory), inventory);
    deepStrictEqual(
      facts.certbotIssuers.map((issuer) => [issuer.run.origin.kind === 'script' ? issuer.run.origin.script.path : '', issuer.onHost]),
      [
        ['/p/host.sh', true],
        ['/p/certbot/renew.sh', false],
      ],
    );
    deepStrictEqual(
      facts.reloadEvidence.map((item) => [item.script?.path, item.reach]),
      [
        ['/p/host.sh', 'reaches'],
        ['/p/certbot/renew.sh', 'no-docker-socket'],
      ],
    );
  });

  it('leaves out an image that issues by itself when the service replaces its start script', async () => {
    const issuers = await issuersOf({
      '/p/compose.yaml': [
        'services:',
        '  render:',
        '    image: jonasal/nginx-certbot:5',
        '    entrypoint: /bin/sh -c "envsubst < /t/site.conf > /etc/nginx/user_conf.d/site.conf"',
        '  shell:',
        '    image: nginxproxy/acme-companion:2.5',
        '    command: /bin/bash',
        '  swag:',
        '    image: lscr.io/linuxserver/swag',
        '    command: sleep infinity',
        '',
      ].join('\n'),
    });
    // SWAG's s6 /init runs its certbot before the command
    deepStrictEqual(issuers.map(summary), [{ kind: 'all-in-one', service: 'swag', repository: 'lscr.io/linuxserver/swag', state: ['/config'] }]);
  });

  it('says which runs obtain a certificate, and that a certonly in a function may run again unless its script calls it once', async () => {
    const certonly = 'certbot certonly --standalone -d example.org';
    const issuers = await issuersOf({
      '/p/lib.sh': `get() {\n  ${certonly}\n}\nlist() {\n  certbot certificates\n}\n`,
      '/p/init.sh': `#!/bin/sh\nget() {\n  ${certonly}\n}\nget\n${certonly} --dry-run\n`,
      '/p/loop.sh': `#!/bin/sh\nget() {\n  ${certonly}\n}\nwhile :; do get; sleep 1d; done\n`,
    });
    deepStrictEqual(
      issuers.map((issuer) =>
        issuer.kind === 'certbot' && issuer.run.origin.kind === 'script'
          ? [issuer.run.origin.script.path, issuer.run.invocation.subcommand, issuer.obtains, issuer.renewal]
          : issuer.kind,
      ),
      [
        ['/p/init.sh', 'certonly', true, { kind: 'once' }],
        ['/p/init.sh', 'certonly', false, { kind: 'once' }],
        ['/p/lib.sh', 'certonly', true, { kind: 'unknown', reason: 'it runs whenever function `get` is called' }],
        ['/p/lib.sh', 'certificates', false, { kind: 'once' }],
        ['/p/loop.sh', 'certonly', true, { kind: 'unknown', reason: 'it runs whenever function `get` is called' }],
      ],
    );
  });
});
