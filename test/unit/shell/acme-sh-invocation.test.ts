import { deepStrictEqual } from 'node:assert';
import { type AcmeShInvocation, findAcmeShInvocations, isAcmeShImage } from '../../../server/src/languages/shell/acme-sh-invocation';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

/** What a rule reads of a run, as plain values. */
function summary(invocation: AcmeShInvocation) {
  return {
    launcher: invocation.launcher,
    target: invocation.target?.value,
    entry: invocation.entry,
    action: invocation.action?.name,
    domains: invocation.domains.map((domain) => {
      const validation = domain.validation;
      return `${domain.name.value} ${validation === undefined ? 'none' : validation.kind === 'webroot' ? `webroot ${validation.path.value}` : validation.kind}`;
    }),
    options: invocation.options.map((option) => (option.value ? `${option.name} ${option.value.value}` : option.name)),
    dynamic: invocation.dynamicArguments.map((word) => word.value),
  };
}

function read(script: string, inImage = false) {
  return findAcmeShInvocations(parseShell(script).commands, { inImage }).map(summary);
}

describe('acme.sh command lines', () => {
  before(initializeShellParser);

  it('reads the script wherever it is installed, its command (the last named) and its options in their long spelling', () => {
    deepStrictEqual(
      read(
        [
          '~/.acme.sh/acme.sh --issue -d example.org -w /var/www/html --keylength ec-256 --server letsencrypt',
          '"$HOME"/.acme.sh/acme.sh -i -d example.org --certpath /c/cert.pem --keypath /c/key.pem --fullchainpath /c/full.pem --reloadCmd "nginx -s reload"',
          'sh ./acme.sh --install -m me@example.org',
          'acme.sh --debug 2 --cron --home /root/.acme.sh',
          'certbot renew',
        ].join('\n'),
      ),
      [
        {
          launcher: 'direct',
          target: undefined,
          entry: 'script',
          action: '--issue',
          domains: ['example.org webroot /var/www/html'],
          options: ['--issue', '--domain example.org', '--webroot /var/www/html', '--keylength ec-256', '--server letsencrypt'],
          dynamic: [],
        },
        {
          launcher: 'direct',
          target: undefined,
          entry: 'script',
          action: '--install-cert',
          domains: ['example.org none'],
          options: [
            '--install-cert',
            '--domain example.org',
            '--cert-file /c/cert.pem',
            '--key-file /c/key.pem',
            '--fullchain-file /c/full.pem',
            '--reloadcmd nginx -s reload',
          ],
          dynamic: [],
        },
        {
          launcher: 'direct',
          target: undefined,
          entry: 'script',
          action: '--install',
          domains: [],
          options: ['--install', '--email me@example.org'],
          dynamic: [],
        },
        {
          launcher: 'direct',
          target: undefined,
          entry: 'script',
          action: '--cron',
          domains: [],
          options: ['--debug 2', '--cron', '--home /root/.acme.sh'],
          dynamic: [],
        },
      ],
    );
  });

  it("pairs the n-th domain with the n-th validation mode, and a domain past the last mode with the one before it (acme.sh's issue())", () => {
    deepStrictEqual(
      read("acme.sh --issue -w /a -w /b --dns dns_cf -d one.org -d two.org -d '*.three.org' -d four.org --standalone --nginx --alpn")[0]?.domains,
      ['one.org webroot /a', 'two.org webroot /b', '*.three.org dns', 'four.org standalone'],
    );
    deepStrictEqual(read('acme.sh --issue -d one.org -d two.org -w /srv/www')[0]?.domains, ['one.org webroot /srv/www', 'two.org webroot /srv/www']);
    // `--dns` takes the next word only when it is not an option: manual DNS mode
    deepStrictEqual(read('acme.sh --issue --dns -d one.org --yes-I-know-dns-manual-mode-enough-go-ahead-please')[0]?.options, [
      '--issue',
      '--dns',
      '--domain one.org',
      '--yes-I-know-dns-manual-mode-enough-go-ahead-please',
    ]);
  });

  it('reads the runs of its image: `docker exec` of its `--issue` commands, `docker run` of the image, its `daemon`', () => {
    deepStrictEqual(
      read(
        [
          'docker exec -e CF_Token=x acme.sh --issue --dns dns_cf -d example.org',
          'docker compose exec acme acme.sh --install-cert -d example.org --fullchain-file /certs/full.pem',
          'docker run --rm -v "$PWD/out":/acme.sh --net=host neilpang/acme.sh:3.1.1 --issue -d example.org --standalone',
          'docker run -d --name acme -v acme:/acme.sh ghcr.io/acmesh-official/acme.sh daemon',
          'docker run --rm alpine --issue',
          'docker exec web nginx -s reload',
        ].join('\n'),
      ).map(({ launcher, target, entry, action, domains }) => ({ launcher, target, entry, action, domains })),
      [
        { launcher: 'docker-exec', target: 'acme.sh', entry: 'image', action: '--issue', domains: ['example.org dns'] },
        { launcher: 'docker-compose-exec', target: 'acme', entry: 'script', action: '--install-cert', domains: ['example.org none'] },
        { launcher: 'docker-run', target: 'neilpang/acme.sh:3.1.1', entry: 'image', action: '--issue', domains: ['example.org standalone'] },
        { launcher: 'docker-run', target: 'ghcr.io/acmesh-official/acme.sh', entry: 'daemon', action: 'daemon', domains: [] },
      ],
    );
    // inside the image (a compose service's command), its `--issue` command is found directly
    deepStrictEqual(
      read('--issue -d example.org -w /webroot', true).map((invocation) => invocation.action),
      ['--issue'],
    );
    deepStrictEqual(read('--issue -d example.org -w /webroot'), []);
  });

  it('keeps words the shell expands as dynamic: they may hold options', () => {
    deepStrictEqual(read('acme.sh --install-cert -d "$DOMAIN" $EXTRA --key-file /k.pem')[0]?.dynamic, ['$EXTRA']);
  });

  it('knows the image by its repository, on Docker Hub or its mirror', () => {
    deepStrictEqual(
      ['neilpang/acme.sh', 'docker.io/neilpang/acme.sh:latest', 'ghcr.io/acmesh-official/acme.sh:3.1.4', 'neilpang/acme.sh@sha256:00', 'acme.sh', 'nginx'].map(
        isAcmeShImage,
      ),
      [true, true, true, true, false, false],
    );
  });
});
