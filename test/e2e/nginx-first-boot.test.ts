// The story certboot exists for, reproduced with real nginx in emulated compose
// containers: an HTTPS server pointing at a certificate certbot has not issued yet kills
// nginx on first boot, while an HTTP-only stage boots and serves the ACME challenge.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetwork, runContainer, startContainer, stopAllContainers, type Mount, type RunningContainer } from './support/container';
import { differences, snapshotHostPaths } from './support/host-state';
import { removeTemporaryDirectories, temporaryDirectory, writeTree } from './support/temporary';

const certificate = '/etc/letsencrypt/live/example.com/fullchain.pem';

const httpsOnlyServer = `server {
    listen 443 ssl;
    server_name example.com;
    ssl_certificate ${certificate};
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;

    location / {
        root /usr/share/nginx/html;
    }
}
`;

const httpStage = `server {
    listen 80;
    server_name example.com;

    location ^~ /.well-known/acme-challenge/ {
        root /var/www/certbot;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}
`;

const token = 'first-boot-token-4f1c2d';
const keyAuthorization = `${token}.test-account-thumbprint`;

/**
 * Debian's nginx.conf with its conf.d include, and an empty sites-enabled in place of
 * Debian's default site, so the container loads only conf.d as the official image does.
 */
function nginxMounts(confD: string): Mount[] {
  return [
    { hostPath: confD, containerPath: '/etc/nginx/conf.d', readOnly: true },
    { hostPath: temporaryDirectory('sites-enabled'), containerPath: '/etc/nginx/sites-enabled', readOnly: true },
  ];
}

/** nginx's timestamp prefix; the rest of an error-log line is deterministic in a PID namespace. */
function withoutTimestamps(log: string): string {
  return log.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /gm, '');
}

async function waitForPort80(container: RunningContainer): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!container.running) {
      assert.fail(`nginx exited before listening on port 80:\n${container.logs().stderr}`);
    }
    const probe = await container.exec(['curl', '-s', '-o', '/dev/null', 'http://127.0.0.1/']);
    if (probe.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`nginx never answered on port 80:\n${container.logs().stderr}`);
}

describe('nginx on first boot (real nginx, emulated compose containers)', () => {
  let hostBefore: Map<string, string>;

  before(() => {
    hostBefore = snapshotHostPaths();
  });

  afterEach(async () => {
    await stopAllContainers();
    removeTemporaryDirectories();
  });

  after(() => {
    assert.deepEqual(differences(hostBefore, snapshotHostPaths()), [], 'the host must not change');
  });

  it('exits with "cannot load certificate" when the HTTPS server comes before the certificate', async () => {
    const confD = temporaryDirectory('conf.d');
    writeTree(confD, { 'example.com.conf': httpsOnlyServer });
    const letsencrypt = temporaryDirectory('letsencrypt');

    const result = await runContainer({
      command: ['nginx', '-g', 'daemon off;'],
      mounts: [...nginxMounts(confD), { hostPath: letsencrypt, containerPath: '/etc/letsencrypt' }],
    });

    assert.equal(result.exitCode, 1);
    // Debian builds nginx with --error-log-path=stderr, so the emerg line reaches stderr in
    // error-log format; nginx is PID 1 in its namespace, hence "1#1".
    assert.equal(
      withoutTimestamps(result.stderr),
      `[emerg] 1#1: cannot load certificate "${certificate}": BIO_new_file() failed ` +
        `(SSL: error:80000002:system library::No such file or directory:calling fopen(${certificate}, r) ` +
        'error:10000080:BIO routines::no such file)\n',
    );
    assert.equal(result.stdout, '');
  });

  it('prints the "nginx: [emerg]" form that docker logs show for the official image', async () => {
    // The official image is built with --error-log-path=/var/log/nginx/error.log (a link
    // to /dev/stderr there); with a file as the startup log, nginx also writes the
    // message to stderr itself, prefixed "nginx: ", which is the line users paste.
    const confD = temporaryDirectory('conf.d');
    writeTree(confD, { 'example.com.conf': httpsOnlyServer });

    const logs = temporaryDirectory('log');

    const result = await runContainer({
      command: ['nginx', '-e', '/var/log/nginx/error.log', '-g', 'daemon off;'],
      mounts: [
        ...nginxMounts(confD),
        { hostPath: temporaryDirectory('letsencrypt'), containerPath: '/etc/letsencrypt' },
        { hostPath: logs, containerPath: '/var/log/nginx' },
      ],
    });

    const message =
      `cannot load certificate "${certificate}": BIO_new_file() failed ` +
      `(SSL: error:80000002:system library::No such file or directory:calling fopen(${certificate}, r) ` +
      'error:10000080:BIO routines::no such file)';
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, `nginx: [emerg] ${message}\n`);
    assert.equal(withoutTimestamps(readFileSync(join(logs, 'error.log'), 'utf8')), `[emerg] 1#1: ${message}\n`);
  });

  it('boots an HTTP-only stage and serves the ACME challenge to a container on the same network', async () => {
    const confD = temporaryDirectory('conf.d');
    writeTree(confD, { 'example.com.conf': httpStage });
    const webroot = temporaryDirectory('webroot');
    writeTree(webroot, { [`.well-known/acme-challenge/${token}`]: keyAuthorization });
    const network = await createNetwork();
    try {
      const nginx = await startContainer({
        command: ['nginx', '-g', 'daemon off;'],
        mounts: [
          ...nginxMounts(confD),
          { hostPath: temporaryDirectory('letsencrypt'), containerPath: '/etc/letsencrypt' },
          { hostPath: webroot, containerPath: '/var/www/certbot', readOnly: true },
        ],
        network,
      });
      await waitForPort80(nginx);

      // A second container on the same network, reaching nginx by its service name as
      // certbot's validation request would (Let's Encrypt asks for exactly this path).
      const fetched = await runContainer({
        command: ['curl', '-sS', '-i', '-H', 'Host: example.com', `http://nginx/.well-known/acme-challenge/${token}`],
        network: { join: nginx },
        hostnames: ['nginx'],
      });
      assert.equal(fetched.exitCode, 0, fetched.stderr);
      const [head = '', body] = fetched.stdout.split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(body, keyAuthorization);

      const redirected = await runContainer({
        command: ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '-H', 'Host: example.com', 'http://nginx/app'],
        network: { join: nginx },
        hostnames: ['nginx'],
      });
      assert.equal(redirected.stdout, '301 https://example.com/app');

      assert.equal(await nginx.stop(), 0, 'nginx shuts down cleanly on SIGTERM, as under docker stop');
    } finally {
      await stopAllContainers();
      await network.remove();
    }
  });

  it('keeps every bind mount and write inside the container', async () => {
    const confD = temporaryDirectory('conf.d');
    writeTree(confD, { 'example.com.conf': httpStage });
    const letsencrypt = temporaryDirectory('letsencrypt');

    const result = await runContainer({
      command: [
        'sh',
        '-ec',
        [
          'test -f /etc/nginx/conf.d/example.com.conf',
          'if touch /etc/nginx/conf.d/written-through-read-only 2>/dev/null; then exit 10; fi',
          'echo probe > /etc/nginx/written-into-image',
          'mkdir -p /etc/letsencrypt/live/example.com',
          'echo certificate > /etc/letsencrypt/live/example.com/fullchain.pem',
          'echo log > /var/log/nginx/written-into-image.log',
          'grep -c " /etc/nginx/conf.d " /proc/self/mountinfo',
        ].join('\n'),
      ],
      mounts: [...nginxMounts(confD), { hostPath: letsencrypt, containerPath: '/etc/letsencrypt' }],
    });

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '1\n');
    // A read-write bind mount is the one way through, as with compose volumes.
    assert.equal(readFileSync(join(letsencrypt, 'live/example.com/fullchain.pem'), 'utf8'), 'certificate\n');
    assert.equal(existsSync('/etc/nginx/written-into-image'), false);
    assert.equal(existsSync('/etc/letsencrypt/live/example.com'), false);
    assert.equal(existsSync('/var/log/nginx/written-into-image.log'), false);
    assert.equal(existsSync(join(confD, 'written-through-read-only')), false);
    const hostMounts = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.doesNotMatch(hostMounts, / \/etc\/nginx\/conf\.d /);
    assert.doesNotMatch(hostMounts, /certboot-state|certboot-root/);
  });

  it('leaves no nginx listening and no network namespace behind', () => {
    const listening = execFileSync('ss', ['-Hltn', 'sport = :80'], { encoding: 'utf8' });
    assert.equal(listening.trim(), '');
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    assert.doesNotMatch(namespaces, new RegExp(`certboot-e2e-${process.pid}-`));
  });
});
