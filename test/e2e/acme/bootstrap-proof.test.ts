// The proof of issue 5: a fresh server goes from nothing to HTTPS with no manual step and
// no deadlock, with real nginx, real certbot and a real ACME server (Debian's pebble), the
// compose services emulated in namespaces (support/compose-project.ts) from certboot's own
// model of the project, and the ACME server in a network of its own (support/acme-server.ts).
//
//   1. the original example (examples/certbot-deadlock) fails its first boot: nginx exits,
//      nothing answers on port 80, certbot's challenge fails with "connection refused";
//   then, for each project under test:
//   2. nginx boots with an empty certificate directory and serves the challenge path;
//   3. the project's certbot service (certonly --webroot) gets a certificate from pebble
//      through that nginx;
//   4. HTTPS switches on through the project's own mechanism, nobody edits a file, and
//      curl verifies pebble's certificate on 443;
//   5. a restart with the certificate present boots straight into HTTPS;
//   6. a renewal (forced, here only) replaces the certificate, and nginx serves the new one
//      after its reload.
//
// Projects under test:
//   - `reference`: test/fixtures/acme/http-first, hand-written to the issue's design;
//   - `generated`: `node dist/cli.js bootstrap --write` run on a copy of the original example
//     (always: a build without the generator fails the suite). Its stage 2 is enabled by
//     certbot's deploy hook (certbot/hooks/enable-https.sh) and nginx reloads through a start
//     script of its image (nginx/entrypoint.d/40-reload-on-certificate.sh), as in the reference.
//
// Test-only deviations from a real server, all outside the project's files: certbot talks
// to pebble through a cli.ini in $HOME/.config (server, non-interactive, agree-tos, email)
// and trusts pebble's API certificate through REQUESTS_CA_BUNDLE; step 6 forces renewal.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DeployedService } from '../../../server/src/model/deployment';
import { cliPath, fixturesRoot, repositoryRoot } from '../../support/paths';
import { stopAllContainers, type RunningContainer } from '../support/container';
import { differences, snapshotHostPaths, watchedHostPaths } from '../support/host-state';
import { removeTemporaryDirectories } from '../support/temporary';
import { AcmeServer, certbotTestSettings } from './support/acme-server';
import { ComposeProjectUnderTest } from './support/compose-project';
import {
  certificateFacts,
  copyProject,
  hostNginxVersion,
  hostPathOf,
  invocations,
  listeningPorts,
  request,
  servedCertificate,
  shimNginxVersionGap,
  snapshotTree,
  StepReport,
  treeChanges,
  waitFor,
  type CertificateFacts,
} from './support/proof';

const originalExample = join(repositoryRoot, 'examples', 'certbot-deadlock');
const referenceProject = join(fixturesRoot, 'acme', 'http-first');
/** How long the project's own reload may take after certbot's deploy hook ran. */
const reloadTimeoutMs = 15_000;

interface Variant {
  name: string;
  /** Makes the temporary project directory to run, and says how it was made. */
  prepare(note: (line: string) => void): string;
}

/** The built CLI; CERTBOOT_BOOTSTRAP_CLI points the generated variant at another build to try the harness. */
const bootstrapCli = process.env.CERTBOOT_BOOTSTRAP_CLI ?? cliPath;

const variants: Variant[] = [
  {
    name: 'reference',
    prepare(note) {
      note(`project: ${referenceProject.slice(repositoryRoot.length + 1)} (hand-written HTTP-first reference)`);
      return copyProject(referenceProject, 'reference');
    },
  },
  {
    name: 'generated',
    prepare(note) {
      const directory = copyProject(originalExample, 'generated');
      // The example's own domains (certbot's -d there, server_name alike), so that the
      // generated project asks pebble for the names its nginx serves.
      const domains = ['example.com', 'www.example.com'];
      const commandArguments = [
        bootstrapCli,
        'bootstrap',
        directory,
        ...domains.flatMap((domain) => ['--domain', domain]),
        '--email',
        'test@example.org',
        '--write',
      ];
      const generated = spawnSync(process.execPath, commandArguments, { encoding: 'utf8', timeout: 30_000 });
      note(
        `project: certboot bootstrap ${domains.map((domain) => `--domain ${domain}`).join(' ')} --email test@example.org --write on a copy of examples/certbot-deadlock: exit ${String(generated.status)}`,
      );
      assert.equal(generated.status, 0, `certboot bootstrap failed:\n${generated.stdout}\n${generated.stderr}`);
      const created = generated.stdout
        .split('\n')
        .filter((line) => line.startsWith('created '))
        .map((line) => relative(directory, line.slice('created '.length)));
      note(`created ${created.join(', ')}`);
      return directory;
    },
  },
];

function logsOf(container: RunningContainer): string {
  const { stdout, stderr } = container.logs();
  return `stdout:\n${stdout}\nstderr:\n${stderr}`;
}

/** The last lines of certbot's output that say what happened. */
function certbotSummary(output: string): string {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /Successfully|Congratulations|Detail:|failed|Renewing|Certificate is saved|renewals succeeded|Hook|enable-https|stage 2/i.test(line))
    .slice(0, 6)
    .join(' | ');
}

describe('ACME bootstrap proof: nginx, certbot and pebble, from nothing to HTTPS (issue 5)', function () {
  this.timeout(60_000);
  const report = new StepReport();
  const watched = [...watchedHostPaths, originalExample, referenceProject];
  let hostBefore: Map<string, string>;
  let acme: AcmeServer | undefined;
  let root = '';

  before(async () => {
    hostBefore = snapshotHostPaths(watched);
    console.log(
      `      certbot test settings (cli.ini):\n${certbotTestSettings
        .trimEnd()
        .split('\n')
        .map((line) => `        ${line}`)
        .join('\n')}`,
    );
    acme = await report.time('ACME server (pebble + pebble-challtestsrv)', async (note) => {
      const server = await AcmeServer.start();
      const issuers = await server.fetchIssuers();
      root = issuers.rootPath;
      note(`directory ${server.directoryUrl}; root ${certificateFacts(issuers.rootHostPath).subject}`);
      return server;
    });
  });

  after(async () => {
    await acme?.stop();
    await stopAllContainers();
    removeTemporaryDirectories();
    console.log(
      `      summary:\n${report
        .summary()
        .map((line) => `        ${line}`)
        .join('\n')}`,
    );
    assert.deepEqual(differences(hostBefore, snapshotHostPaths(watched)), [], 'neither the host nor the repository may change');
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(namespaces, new RegExp(`certboot-e2e-${process.pid}-`), 'no network namespace may be left behind');
  });

  function server(): AcmeServer {
    if (acme === undefined) throw new Error('the ACME server did not start');
    return acme;
  }

  it('1. the original example deadlocks on its first boot', async () => {
    await report.time('1. original example, first boot', async (note) => {
      const directory = copyProject(originalExample, 'original');
      noteShim(directory, note);
      const project = await ComposeProjectUnderTest.open(directory, server());
      let domains: string[] = [];
      try {
        const nginxService = project.project.services.find((service) => service.nginx !== undefined);
        const certbotService = project.project.services.find((service) => invocations(service, 'certonly').length > 0);
        assert.ok(nginxService !== undefined && certbotService !== undefined, 'the example has an nginx and a certbot service');
        domains = (invocations(certbotService, 'certonly')[0]?.domains ?? []).map((domain) => domain.name.value);
        await server().pointDomains(domains, project.address);

        // restart: always: compose starts nginx again and again; two boots show the loop.
        const boots: string[] = [];
        for (let attempt = 1; attempt <= 2; attempt += 1) {
          const nginx = await project.start(nginxService);
          const exitCode = await nginx.waitForExit(10_000);
          await project.stop(nginx);
          const emergency = /\[emerg\].*$/m.exec(nginx.logs().stderr)?.[0] ?? '';
          assert.notEqual(exitCode, 0, `nginx booted, but the example should not:\n${logsOf(nginx)}`);
          assert.match(emergency, /\/etc\/letsencrypt\//, `nginx should die on a file certbot has not written yet:\n${logsOf(nginx)}`);
          boots.push(`boot ${attempt}: exit ${exitCode}`);
          if (attempt === 1) note(`nginx: ${withoutPid(emergency)}`);
        }
        note(`nginx (restart: ${nginxService.compose.restart?.policy ?? 'no'}): ${boots.join(', ')}`);

        // The example's certbot-installer files aside (as a user who fixed those first
        // would have it), nginx still dies, now on the certificate itself.
        const conf = join(directory, 'nginx', 'conf.d', 'example.com.conf');
        const original = readFileSync(conf, 'utf8');
        writeFileSync(
          conf,
          original.replace(/^\s*(include \/etc\/letsencrypt\/options-ssl-nginx\.conf|ssl_dhparam \/etc\/letsencrypt\/ssl-dhparams\.pem);\n/gm, ''),
        );
        try {
          const nginx = await project.start(nginxService);
          const exitCode = await nginx.waitForExit(10_000);
          await project.stop(nginx);
          const emergency = /\[emerg\].*$/m.exec(nginx.logs().stderr)?.[0] ?? '';
          assert.notEqual(exitCode, 0, `nginx booted without its certificate:\n${logsOf(nginx)}`);
          assert.match(emergency, /cannot load certificate "\/etc\/letsencrypt\/live\//, logsOf(nginx));
          note(`without the two certbot-installer lines: exit ${exitCode}, ${withoutPid(emergency)}`);
        } finally {
          writeFileSync(conf, original);
        }

        const port80 = await request(server(), project.address, `http://${domains[0] ?? 'example.com'}/`);
        assert.equal(port80.curlExit, 7, `nothing may answer on port 80: ${JSON.stringify(port80)}`);
        note(`port 80 from outside: ${port80.error}`);

        const certbot = await project.run(certbotService);
        const output = `${certbot.stdout}\n${certbot.stderr}`;
        assert.notEqual(certbot.exitCode, 0, `certbot succeeded without nginx:\n${output}`);
        assert.match(output, /connection refused/i, `certbot should fail on its HTTP-01 challenge:\n${output}`);
        note(`certbot ${service(certbotService)} (-d ${domains.join(' -d ')}): exit ${certbot.exitCode}; ${certbotSummary(output)}`);
      } finally {
        await project.down();
        await server().forgetDomains(domains);
      }
    });
  });

  for (const variant of variants) {
    describe(`${variant.name} project`, () => {
      let project: ComposeProjectUnderTest | undefined;
      let nginxService: DeployedService;
      let issuer: DeployedService;
      let renewer: DeployedService;
      let nginx: RunningContainer | undefined;
      let domains: string[] = [];
      let certificateFile = '';
      /** certbot's storage and the webroot, relative to the project: not the project's configuration. */
      let storage: string[] = [];
      let issued: CertificateFacts | undefined;
      let failed = false;

      beforeEach(function () {
        if (failed) this.skip();
      });

      afterEach(function () {
        if (this.currentTest?.state === 'failed') failed = true;
      });

      after(async () => {
        await project?.down();
        if (acme !== undefined) await acme.forgetDomains(domains);
      });

      function underTest(): ComposeProjectUnderTest {
        if (project === undefined) throw new Error('the project was not set up');
        return project;
      }

      function running(): RunningContainer {
        if (nginx === undefined || !nginx.running) throw new Error(`nginx is not running${nginx === undefined ? '' : `:\n${logsOf(nginx)}`}`);
        return nginx;
      }

      async function served(): Promise<CertificateFacts | undefined> {
        return servedCertificate(server(), underTest().address, domains[0] ?? '', root);
      }

      it('2. nginx boots with an empty certificate directory and serves the challenge path', async () => {
        await report.time(`2. ${variant.name}: first boot`, async (note) => {
          const directory = variant.prepare(note);
          noteShim(directory, note);
          project = await ComposeProjectUnderTest.open(directory, server());
          const services = project.project.services;
          note(`services: ${services.map((candidate) => `${candidate.name} (${project?.roleOf(candidate) ?? ''})`).join(', ')}`);
          const nginxServices = services.filter((candidate) => candidate.nginx !== undefined);
          assert.equal(nginxServices.length, 1, 'one nginx service');
          nginxService = nginxServices[0] as DeployedService;
          const issuers = services.filter((candidate) => invocations(candidate, 'certonly').length > 0);
          assert.ok(issuers.length >= 1, 'a certbot service that issues (certonly)');
          issuer = issuers[0] as DeployedService;
          renewer = services.find((candidate) => invocations(candidate, 'renew').length > 0) ?? issuer;
          const issuing = invocations(issuer, 'certonly')[0];
          assert.ok(issuing !== undefined);
          assert.equal(issuing.authenticator?.name, 'webroot', 'certbot issues with --webroot');
          domains = issuing.domains.map((domain) => domain.name.value);
          const certificateName = issuing.certName?.value ?? domains[0] ?? '';

          // The compose requirements of the issue, read from the model.
          const publishers = services.filter((candidate) => candidate.compose.ports.length > 0).map((candidate) => candidate.name);
          assert.deepEqual(publishers, [nginxService.name], 'only nginx publishes ports');
          const published = nginxService.compose.ports.map((port) => port.containerPort);
          assert.ok(published.includes('80') && published.includes('443'), `nginx publishes 80 and 443 (got ${published.join(', ')})`);
          for (const certbot of services.filter((candidate) => project?.roleOf(candidate) === 'certbot')) {
            assert.equal(certbot.compose.containerName, undefined, `certbot service ${certbot.name} has no container_name`);
          }
          const webroot = issuing.webrootPaths[0]?.value;
          assert.ok(webroot !== undefined, 'certbot names its webroot');
          const webrootOnHost = hostPathOf(issuer, webroot);
          const letsencryptOnHost = hostPathOf(issuer, '/etc/letsencrypt');
          assert.equal(hostPathOf(nginxService, '/etc/letsencrypt'), letsencryptOnHost, 'nginx and certbot share /etc/letsencrypt');
          certificateFile = join(letsencryptOnHost, 'live', certificateName, 'fullchain.pem');
          storage = [relative(directory, letsencryptOnHost), relative(directory, webrootOnHost)];
          note(`domains ${domains.join(', ')}; nginx ${nginxService.name} publishes ${published.join(', ')}; issuing ${issuer.name}, renewing ${renewer.name}`);

          await server().pointDomains(domains, project.address);
          // A fresh server: no certificate, whatever the directory holds.
          assert.equal(existsSync(join(letsencryptOnHost, 'live')), false, 'the certificate directory starts empty');

          nginx = await project.start(nginxService);
          const ports = await listeningPorts(nginx);
          assert.ok(nginx.running && ports.includes(80), `nginx did not boot listening on port 80:\n${logsOf(nginx)}`);
          assert.ok(!ports.includes(443), `nginx listens on 443 before any certificate exists (ports ${ports.join(', ')})`);
          note(
            `nginx boots with ${existsSync(letsencryptOnHost) ? readdirSync(letsencryptOnHost).length : 0} entries in /etc/letsencrypt; listening on ${ports.join(', ')}`,
          );

          // The challenge path, as pebble will ask for it, from the outside world.
          const token = 'certboot-proof-token';
          const challengeDirectory = join(webrootOnHost, '.well-known', 'acme-challenge');
          mkdirSync(challengeDirectory, { recursive: true, mode: 0o755 });
          writeFileSync(join(challengeDirectory, token), 'certboot-proof-token.thumbprint', { mode: 0o644 });
          try {
            for (const domain of domains) {
              const challenge = await request(server(), project.address, `http://${domain}/.well-known/acme-challenge/${token}`);
              assert.deepEqual([challenge.status, challenge.body], [200, 'certboot-proof-token.thumbprint'], `${domain}: ${JSON.stringify(challenge)}`);
            }
          } finally {
            rmSync(join(challengeDirectory, token));
          }
          const site = await request(server(), project.address, `http://${domains[0] ?? ''}/`);
          note(`challenge path: 200 with the token for ${domains.join(', ')}; / answers ${site.status}${site.location === '' ? '' : ` -> ${site.location}`}`);
          const https = await request(server(), project.address, `https://${domains[0] ?? ''}/`, root);
          assert.equal(https.curlExit, 7, `nothing should answer on 443 yet: ${JSON.stringify(https)}`);
        });
      });

      let beforeIssuance = new Map<string, string>();

      it('3. certbot certonly --webroot gets a certificate from pebble through that nginx', async () => {
        await report.time(`3. ${variant.name}: issuance`, async (note) => {
          const directory = underTest().directory;
          // Everything but certbot's storage and the webroot, to show later what the project changed by itself.
          beforeIssuance = snapshotTree(directory, storage);
          const certbot = await underTest().run(issuer);
          const output = `${certbot.stdout}\n${certbot.stderr}`;
          assert.equal(certbot.exitCode, 0, `certbot ${issuer.name} failed:\n${output}\n${server().logs()}`);
          assert.ok(existsSync(certificateFile), `certbot succeeded but ${certificateFile} is missing`);
          issued = certificateFacts(certificateFile);
          assert.match(issued.issuer, /Pebble Intermediate CA/);
          note(`certbot ${issuer.name}: exit 0; ${certbotSummary(output)}`);
          note(`certificate serial ${issued.serial}, ${issued.subject}, issued by ${issued.issuer}`);
        });
      });

      it("4. HTTPS switches on without editing any file by hand; curl sees pebble's certificate", async () => {
        await report.time(`4. ${variant.name}: HTTPS on`, async (note) => {
          const nginxContainer = running();
          const started = Date.now();
          const facts = await waitFor(
            `nginx to serve pebble's certificate on 443 (it never reloaded into HTTPS)`,
            async () => {
              if (!nginxContainer.running) throw new Error(`nginx died:\n${logsOf(nginxContainer)}`);
              return served();
            },
            reloadTimeoutMs,
          ).catch(async (error: unknown) => {
            const inside = nginxContainer.running
              ? (await nginxContainer.exec(['sh', '-c', 'tail -n 20 /var/log/nginx/error.log 2>/dev/null; ls -la /etc/nginx/conf.d'])).stdout
              : '';
            throw new Error(`${messageOf(error)}\n${logsOf(nginxContainer)}\n${inside}`);
          });
          assert.equal(facts.serial, issued?.serial, 'nginx serves the certificate certbot just got');
          note(`after ${((Date.now() - started) / 1000).toFixed(1)} s nginx serves serial ${facts.serial} (${facts.issuer})`);

          for (const domain of domains) {
            const https = await request(server(), underTest().address, `https://${domain}/`, root);
            assert.equal(https.curlExit, 0, `curl --cacert <pebble root> https://${domain}/ failed: ${https.error}`);
            note(`curl --cacert pebble-root.pem https://${domain}/: verified, HTTP ${https.status}`);
          }
          const http = await request(server(), underTest().address, `http://${domains[0] ?? ''}/`);
          note(`http://${domains[0] ?? ''}/ now answers ${http.status}${http.location === '' ? '' : ` -> ${http.location}`}`);
          const changes = treeChanges(beforeIssuance, snapshotTree(underTest().directory, storage));
          note(`the project changed by itself (the test edited nothing): ${changes.length === 0 ? 'nothing' : changes.join('; ')}`);
        });
      });

      it('5. a restart with the certificate present boots straight into HTTPS', async () => {
        await report.time(`5. ${variant.name}: restart`, async (note) => {
          const stopped = await underTest().stop(running());
          nginx = await underTest().start(nginxService);
          // nginx binds every port of its configuration before it serves any: the first
          // sockets seen are the boot configuration, before any reload could happen.
          const ports = await listeningPorts(nginx);
          assert.ok(ports.includes(80) && ports.includes(443), `nginx restarted listening on ${ports.join(', ')}:\n${logsOf(nginx)}`);
          const facts = await waitFor('nginx to serve HTTPS after the restart', served, 5_000);
          assert.equal(facts.serial, issued?.serial);
          note(`stop: exit ${stopped}; boot: listening on ${ports.join(', ')} at once, serial ${facts.serial}`);
        });
      });

      it('6. a renewal replaces the certificate and nginx serves the new one after its reload', async () => {
        await report.time(`6. ${variant.name}: renewal`, async (note) => {
          const before = await served();
          assert.ok(before !== undefined, 'nginx serves a certificate before the renewal');
          // The renewal service's own hooks, plus --force-renewal (a fresh certificate is
          // years from its renewal window); test only.
          const hooks = invocations(renewer, 'renew').flatMap((invocation) => invocation.deployHooks.flatMap((hook) => ['--deploy-hook', hook.value]));
          const command = ['renew', '--force-renewal', ...hooks];
          const certbot = await underTest().run(renewer, { entrypoint: ['certbot'], command });
          const output = `${certbot.stdout}\n${certbot.stderr}`;
          assert.equal(certbot.exitCode, 0, `certbot renew failed:\n${output}\n${server().logs()}`);
          const renewed = certificateFacts(certificateFile);
          assert.notEqual(renewed.serial, issued?.serial, 'the renewal wrote a new certificate');
          note(`${renewer.name}: certbot ${command.join(' ')}: exit 0; ${certbotSummary(output)}`);
          const started = Date.now();
          const nginxContainer = running();
          const after = await waitFor(
            'nginx to serve the renewed certificate (it never reloaded)',
            async () => {
              const facts = await served();
              return facts !== undefined && facts.serial === renewed.serial ? facts : undefined;
            },
            reloadTimeoutMs,
          ).catch((error: unknown) => {
            throw new Error(`${messageOf(error)}\n${logsOf(nginxContainer)}`);
          });
          note(`serial ${before.serial} -> ${after.serial}; nginx serves the new one after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });
      });
    });
  }
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withoutPid(emergency: string): string {
  return emergency.replace(/^\[emerg\] \d+#\d+: /, '[emerg] ');
}

function noteShim(directory: string, note: (line: string) => void): void {
  const shimmed = shimNginxVersionGap(directory);
  if (shimmed.length > 0) note(`nginx ${hostNginxVersion()} shim (copy only): \`http2 on;\` commented out in ${shimmed.join(', ')}`);
}

function service(deployed: DeployedService): string {
  return `service ${deployed.name}`;
}
