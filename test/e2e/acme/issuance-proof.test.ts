// The issuance rules' claims, checked with real certbot (Debian's) against a real ACME server
// (Debian's pebble, support/acme-server.ts) in emulated containers: certboot reads a rule's bad
// fixture, real certbot runs the very command certboot read there, and fails the way certboot's
// finding says, word for word.
//
//   1. standalone-renewal-port-in-use: `certbot certonly --standalone` of the fixture's setup.sh
//      gets a certificate while port 80 is free; then nginx holds port 80, and `certbot renew`
//      (forced: the certificate is not due yet) fails with the bind error the finding quotes,
//      because the renewal configuration kept `authenticator = standalone`;
//   2. certbot-wildcard-http-challenge: the fixture service's `certonly --webroot … -d
//      '*.example.org'` fails with the message the finding quotes (pebble, like Let's Encrypt,
//      offers only DNS-01 for a wildcard name);
//   3. live-directory-written-before-certonly: the fixture script's own `mkdir` and `openssl`
//      steps put a placeholder certificate in live/example.org/, nginx starts with it and serves
//      the webroot, and the script's `certonly` fails with the message the finding quotes; run
//      again, certbot files the certificate under the `-0001` name the finding gives. An empty
//      live/example.org/ (the good fixture's `mkdir -p` alone) does not stop certbot.
//
// Test-only deviations: certbot talks to pebble through the test's cli.ini (server,
// non-interactive, agree-tos) and trusts pebble's API certificate; renew is forced.

import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import type { CertbotRun } from '../../../server/src/facts/certbot-runs';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { initializeShellParser } from '../../../server/src/languages/shell/shell-parser';
import type { Finding } from '../../../server/src/text/findings';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { fixturesRoot } from '../../support/paths';
import { createNetwork, type Mount, type Network, type RunningContainer, runContainer, startContainer, stopAllContainers } from '../support/container';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary';
import { AcmeServer, certbotEnvironment, testDirectory } from './support/acme-server';

async function analyse(ruleId: string, fixture: string): Promise<{ findings: Finding[]; command: string[]; run: CertbotRun }> {
  const directory = join(fixturesRoot, 'rules', ruleId, fixture);
  const fileSystem = new DiskFileSystem([directory]);
  const analysis = await analyzeWorkspace(fileSystem, directory);
  const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
  const issuer = new Facts(analysis.deployment, takeInventory(fileSystem, directory)).certbotIssuers.find(
    (candidate) => candidate.run.invocation.subcommand === 'certonly',
  );
  assert.ok(issuer, `certboot finds no certonly run in ${fixture}`);
  const invocation = issuer.run.invocation;
  // certbot's own words as certboot read them (the program name of a direct run left out)
  const words = [invocation.command.name, ...invocation.command.arguments].filter((word) => word !== undefined).map((word) => word.value);
  return { findings, command: words[0] === 'certbot' ? words.slice(1) : words, run: issuer.run };
}

/** The sentence a finding quotes between double quotes, which certbot must print. */
function quoted(message: string, startsWith: string): string {
  const match = new RegExp(`"(${startsWith}[^"]*)"`).exec(message);
  assert.ok(match, `the finding quotes no "${startsWith}…": ${message}`);
  return match[1] as string;
}

describe('issuance claims, with real certbot and pebble', function () {
  this.timeout(180_000);
  let acme: AcmeServer;
  let network: Network;
  let letsencrypt: string;

  before(async () => {
    await initializeShellParser();
    acme = await AcmeServer.start();
    network = await createNetwork();
    const address = acme.link(network);
    await acme.pointDomains(['example.org', 'www.example.org'], address);
  });

  after(async () => {
    await stopAllContainers();
    await acme?.stop();
    await network?.remove();
    removeTemporaryDirectories();
  });

  beforeEach(() => {
    letsencrypt = temporaryDirectory('letsencrypt');
  });

  function certbotMounts(): Mount[] {
    return [
      { hostPath: letsencrypt, containerPath: '/etc/letsencrypt' },
      { hostPath: acme.directory, containerPath: testDirectory, readOnly: true },
      { hostPath: join(acme.directory, 'cli.ini'), containerPath: '/root/.config/letsencrypt/cli.ini', readOnly: true },
    ];
  }

  function certbot(args: string[], extraMounts: Mount[] = []) {
    return runContainer(
      { command: ['certbot', ...args], network, mounts: [...certbotMounts(), ...extraMounts], env: { ...certbotEnvironment, HOME: '/root' } },
      120_000,
    );
  }

  /** Debian's nginx on port 80 of the project network, with `servers` in its `http` block, once it answers there. */
  async function startNginx(servers: string, mounts: Mount[] = []): Promise<RunningContainer> {
    const nginxConfiguration = temporaryDirectory('nginx');
    writeFileSync(join(nginxConfiguration, 'nginx.conf'), `daemon off;\npid /tmp/nginx.pid;\nevents {}\nhttp {\n  access_log off;\n  ${servers}\n}\n`);
    const nginx = await startContainer({
      command: ['nginx', '-c', '/etc/certboot-nginx/nginx.conf'],
      network,
      mounts: [{ hostPath: nginxConfiguration, containerPath: '/etc/certboot-nginx', readOnly: true }, ...mounts],
    });
    let answered = false;
    for (let attempt = 0; attempt < 100 && !answered; attempt++) {
      answered = (await nginx.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1/'])).stdout !== '000';
      if (!answered) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(answered, `nginx does not answer on port 80: ${JSON.stringify(nginx.logs())}`);
    return nginx;
  }

  it('standalone-renewal-port-in-use: the renewal of a certificate obtained --standalone fails while nginx holds port 80', async () => {
    const { findings, command } = await analyse('standalone-renewal-port-in-use', 'bad-host-standalone-then-nginx');
    assert.equal(findings.length, 1);
    const predicted = quoted(findings[0]!.message, 'Could not bind TCP port 80');
    assert.deepEqual(command.slice(0, 2), ['certonly', '--standalone']);

    const first = await certbot(command);
    assert.equal(first.exitCode, 0, `the first, standalone issuance fails:\n${first.stdout}${first.stderr}\n${acme.logs()}`);
    const renewal = readFileSync(join(letsencrypt, 'renewal', 'example.org.conf'), 'utf8');
    assert.match(renewal, /^authenticator = standalone$/m);

    const nginx = await startNginx('server {\n    listen 80;\n    location / { return 200 "nginx\\n"; }\n  }');
    try {
      const renew = await certbot(['renew', '--force-renewal']);
      const output = `${renew.stdout}${renew.stderr}`;
      assert.notEqual(renew.exitCode, 0, `certbot renew succeeded while nginx held port 80:\n${output}`);
      assert.ok(output.includes(predicted), `certbot's output lacks "${predicted}":\n${output}`);
    } finally {
      await nginx.stop();
    }
  });

  it('certbot-wildcard-http-challenge: certonly --webroot for a wildcard name fails with the message certboot quotes', async () => {
    const { findings, command } = await analyse('certbot-wildcard-http-challenge', 'bad-webroot-wildcard');
    assert.equal(findings.length, 1);
    const predicted = quoted(findings[0]!.message, 'Client with the currently selected authenticator');
    const webroot = temporaryDirectory('webroot');
    mkdirSync(join(webroot, '.well-known'), { recursive: true });
    const run = await certbot(command, [{ hostPath: webroot, containerPath: '/var/www/certbot' }]);
    const output = `${run.stdout}${run.stderr}`;
    assert.notEqual(run.exitCode, 0, `certbot issued a wildcard certificate over HTTP-01:\n${output}`);
    assert.ok(output.includes(predicted), `certbot's output lacks "${predicted}":\n${output}`);
  });

  /** The fixture's nginx (its conf.d), with certbot's directory and the webroot the script names. */
  function fixtureNginx(fixture: string, webroot: string): Promise<RunningContainer> {
    const confd = join(fixturesRoot, 'rules', 'live-directory-written-before-certonly', fixture, 'nginx', 'conf.d');
    return startNginx('include /etc/nginx/conf.d/*.conf;', [
      { hostPath: confd, containerPath: '/etc/nginx/conf.d', readOnly: true },
      { hostPath: letsencrypt, containerPath: '/etc/letsencrypt', readOnly: true },
      { hostPath: webroot, containerPath: '/srv/certbot-www', readOnly: true },
    ]);
  }

  it('live-directory-written-before-certonly: certonly after a placeholder in live/example.org/ fails as certboot says, and files the certificate as example.org-0001 when run again', async () => {
    const { findings, command, run } = await analyse('live-directory-written-before-certonly', 'bad-dummy-certificate-kept');
    assert.equal(findings.length, 1);
    const predicted = quoted(findings[0]!.message, 'live directory exists for ');
    const renamed = /saves the certificate as `([^`]+)`/.exec(findings[0]!.message)?.[1];
    assert.equal(renamed, 'live/example.org-0001/');
    assert.equal(run.origin.kind, 'script');
    // the script's own steps before certonly, run as written: mkdir, then openssl's placeholder
    const steps = run.origin.kind === 'script' ? run.origin.script.script.commands.filter((step) => step.span.end <= run.invocation.command.span.start) : [];
    const writing = steps.filter((step) => step.name?.value === 'mkdir' || step.name?.value === 'openssl');
    assert.deepEqual(
      writing.map((step) => step.name?.value),
      ['mkdir', 'openssl'],
    );
    for (const step of writing) {
      const words = [step.name, ...step.arguments].map((word) => {
        assert.ok(word?.literal, `a word of the fixture's step is not literal: ${word?.value}`);
        return word.value;
      });
      const done = await runContainer({ command: words, network, mounts: certbotMounts() });
      assert.equal(done.exitCode, 0, `${words.join(' ')} fails:\n${done.stdout}${done.stderr}`);
    }
    assert.deepEqual(readdirSync(join(letsencrypt, 'live', 'example.org')).sort(), ['fullchain.pem', 'privkey.pem']);

    const webroot = temporaryDirectory('webroot');
    const nginx = await fixtureNginx('bad-dummy-certificate-kept', webroot);
    try {
      // nginx starts with the placeholder and answers on 443 with it
      const https = await nginx.exec(['curl', '-sk', '--resolve', 'example.org:443:127.0.0.1', 'https://example.org/']);
      assert.equal(https.stdout, 'example.org\n');
      const webrootMount = [{ hostPath: webroot, containerPath: '/srv/certbot-www' }];
      const first = await certbot(command, webrootMount);
      const output = `${first.stdout}${first.stderr}`;
      assert.notEqual(first.exitCode, 0, `certbot created the lineage over the placeholder:\n${output}`);
      assert.ok(output.includes('Requesting a certificate for example.org and www.example.org'), output);
      assert.ok(output.includes(predicted), `certbot's output lacks "${predicted}":\n${output}`);
      // nothing saved: the placeholder stays, and the renewal file certbot made first stays behind empty
      assert.deepEqual(readdirSync(join(letsencrypt, 'live', 'example.org')).sort(), ['fullchain.pem', 'privkey.pem']);
      assert.equal(readFileSync(join(letsencrypt, 'renewal', 'example.org.conf'), 'utf8'), '');

      const second = await certbot(command, webrootMount);
      const secondOutput = `${second.stdout}${second.stderr}`;
      assert.equal(second.exitCode, 0, `the second run fails:\n${secondOutput}\n${acme.logs()}`);
      assert.ok(secondOutput.includes(`/etc/letsencrypt/${renamed}fullchain.pem`), `certbot did not file the certificate as ${renamed}:\n${secondOutput}`);
      assert.deepEqual(readdirSync(join(letsencrypt, 'live', 'example.org')).sort(), ['fullchain.pem', 'privkey.pem']);

      // every renewal after that trips over the empty renewal file, and fails
      const renew = await certbot(['renew']);
      const renewOutput = `${renew.stdout}${renew.stderr}`;
      assert.notEqual(renew.exitCode, 0, renewOutput);
      assert.ok(renewOutput.includes('Renewal configuration file /etc/letsencrypt/renewal/example.org.conf is broken.'), renewOutput);
    } finally {
      await nginx.stop();
    }
  });

  it('live-directory-written-before-certonly: an empty live/example.org/ (mkdir -p alone) does not stop certbot, and certboot says nothing of it', async () => {
    const silent = await analyse('live-directory-written-before-certonly', 'good-empty-live-directory');
    assert.deepEqual(silent.findings, []);
    const { command } = await analyse('live-directory-written-before-certonly', 'bad-dummy-certificate-kept');
    mkdirSync(join(letsencrypt, 'live', 'example.org'), { recursive: true });
    const webroot = temporaryDirectory('webroot');
    const nginx = await startNginx('server {\n    listen 80;\n    root /srv/certbot-www;\n  }', [
      { hostPath: webroot, containerPath: '/srv/certbot-www', readOnly: true },
    ]);
    try {
      const issued = await certbot(command, [{ hostPath: webroot, containerPath: '/srv/certbot-www' }]);
      const output = `${issued.stdout}${issued.stderr}`;
      assert.equal(issued.exitCode, 0, `certbot refuses an empty live directory:\n${output}\n${acme.logs()}`);
      assert.ok(output.includes('/etc/letsencrypt/live/example.org/fullchain.pem'), output);
    } finally {
      await nginx.stop();
    }
  });
});
