// A private "internet" for the ACME proof: Debian's pebble (the ACME server) and
// pebble-challtestsrv (its DNS) in a network namespace of their own, linked to each
// emulated compose project by a veth pair that exists only inside the two namespaces.
// Nothing here listens on, routes through or resolves with the host's network.
//
//   acme namespace (192.0.2.1)                 project namespace (192.0.2.1x)
//   pebble :14000 ACME, :15000 management  <->  nginx :80 :443, certbot (compose network)
//   challtestsrv DNS 127.0.0.1:8053, API :8055
//   client (curl / openssl, the outside world)
//
// Addresses come from TEST-NET-1 (RFC 5737), which is never routed anywhere.

import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetwork, startContainer, type CommandResult, type Mount, type Network, type RunningContainer } from '../../support/container';
import { temporaryDirectory } from '../../support/temporary';

/** Where the test's own files (pebble's API certificate, certbot's test settings) appear in containers. */
export const testDirectory = '/certboot-test';
export const acmeAddress = '192.0.2.1';
const acmePort = 14000;
const managementPort = 15000;
const dnsAddress = '127.0.0.1:8053';
const challengeManagement = 'http://127.0.0.1:8055';

/** The environment of every certbot container: trust pebble's API certificate, which the test made. */
export const certbotEnvironment: Record<string, string> = { REQUESTS_CA_BUNDLE: `${testDirectory}/pebble-api.pem` };

/**
 * Test-only certbot settings, read from $HOME/.config/letsencrypt/cli.ini in the certbot
 * containers (a file of the test, bind-mounted; the project's own /etc/letsencrypt stays
 * untouched). Options the project passes on the command line win over these.
 */
export const certbotTestSettings = [
  "# certboot ACME proof (test only): pebble instead of Let's Encrypt, never a prompt",
  `server = https://${acmeAddress}:${acmePort}/dir`,
  'non-interactive = true',
  'agree-tos = true',
  'email = test@example.org',
  // certbot renew sleeps up to 8 minutes when it runs without a terminal, as cron jobs do.
  'no-random-sleep-on-renew = true',
  '',
].join('\n');

function sh(command: string, commandArguments: string[]): string {
  return execFileSync(command, commandArguments, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class AcmeServer {
  /** Host directory mounted read-only at testDirectory. */
  readonly directory: string;
  readonly directoryUrl = `https://${acmeAddress}:${acmePort}/dir`;
  private links = 0;

  private constructor(
    readonly network: Network,
    private readonly pebble: RunningContainer,
    private readonly challengeServer: RunningContainer,
    /** A container in the acme namespace that stands for the outside world: curl, openssl. */
    readonly client: RunningContainer,
    directory: string,
  ) {
    this.directory = directory;
  }

  static async start(): Promise<AcmeServer> {
    const directory = temporaryDirectory('acme');
    // pebble's API certificate: Debian's package does not ship pebble's test/certs, so the
    // test makes its own, valid for the acme address only.
    sh('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(directory, 'pebble-api.key'),
      '-out',
      join(directory, 'pebble-api.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=pebble',
      '-addext',
      `subjectAltName=IP:${acmeAddress},IP:127.0.0.1`,
    ]);
    writeFileSync(
      join(directory, 'pebble-config.json'),
      `${JSON.stringify(
        {
          pebble: {
            listenAddress: `0.0.0.0:${acmePort}`,
            managementListenAddress: `0.0.0.0:${managementPort}`,
            certificate: `${testDirectory}/pebble-api.pem`,
            privateKey: `${testDirectory}/pebble-api.key`,
            // HTTP-01 validation goes to port 80, where the project's nginx listens.
            httpPort: 80,
            tlsPort: 5001,
            ocspResponderURL: '',
            externalAccountBindingRequired: false,
          },
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(directory, 'cli.ini'), certbotTestSettings);
    for (const name of ['pebble-api.key', 'pebble-api.pem', 'pebble-config.json', 'cli.ini']) chmodSync(join(directory, name), 0o644);

    const network = await createNetwork();
    const mounts: Mount[] = [{ hostPath: directory, containerPath: testDirectory, readOnly: true }];
    const started: RunningContainer[] = [];
    try {
      // DNS only: no challenge responders of its own, no default AAAA answer (pebble would
      // try ::1 first and report that instead of the project's address).
      const challengeServer = await startContainer({
        command: [
          'pebble-challtestsrv',
          '-dns01',
          dnsAddress,
          '-management',
          '127.0.0.1:8055',
          '-http01',
          '',
          '-https01',
          '',
          '-tlsalpn01',
          '',
          '-defaultIPv6',
          '',
        ],
        network,
        mounts,
      });
      started.push(challengeServer);
      const pebble = await startContainer({
        command: ['pebble', '-config', `${testDirectory}/pebble-config.json`, '-dnsserver', dnsAddress],
        network,
        mounts,
        env: {
          PEBBLE_VA_NOSLEEP: '1',
          PEBBLE_VA_ALWAYS_VALID: '0',
          // Deterministic runs: no random bad-nonce rejections, and every order validates
          // through nginx again (a renewal must not reuse the first authorization).
          PEBBLE_WFE_NONCEREJECT: '0',
          PEBBLE_AUTHZREUSE: '0',
        },
      });
      started.push(pebble);
      const client = await startContainer({ command: ['sleep', 'infinity'], network, mounts });
      started.push(client);
      const server = new AcmeServer(network, pebble, challengeServer, client, directory);
      sh('ip', ['-n', network.name, 'addr', 'add', `${acmeAddress}/32`, 'dev', 'lo']);
      await until(
        'pebble and pebble-challtestsrv to answer',
        async () => {
          const directoryAnswer = await client.exec(['curl', '-sf', '--cacert', `${testDirectory}/pebble-api.pem`, `https://${acmeAddress}:${acmePort}/dir`]);
          const management = await client.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `${challengeManagement}/`]);
          if (!pebble.running || !challengeServer.running) {
            throw new Error(`the ACME server exited:\npebble: ${JSON.stringify(pebble.logs())}\nchalltestsrv: ${JSON.stringify(challengeServer.logs())}`);
          }
          return directoryAnswer.exitCode === 0 && management.stdout !== '000' ? true : undefined;
        },
        10_000,
      );
      return server;
    } catch (error) {
      for (const container of started) await container.stop(0);
      await network.remove();
      throw error;
    }
  }

  /**
   * Links a project's network to this one, as the host's published ports face the
   * internet, and returns the project's address.
   */
  link(project: Network): string {
    this.links += 1;
    const address = `192.0.2.${10 + this.links}`;
    const outside = `project${this.links}`;
    sh('ip', ['-n', this.network.name, 'link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', project.name]);
    sh('ip', ['-n', this.network.name, 'addr', 'add', acmeAddress, 'peer', `${address}/32`, 'dev', outside]);
    sh('ip', ['-n', project.name, 'addr', 'add', address, 'peer', `${acmeAddress}/32`, 'dev', 'eth0']);
    sh('ip', ['-n', this.network.name, 'link', 'set', outside, 'up']);
    sh('ip', ['-n', project.name, 'link', 'set', 'eth0', 'up']);
    return address;
  }

  /** Answers A queries for each domain with the address (pebble-challtestsrv's `add-a`). */
  async pointDomains(domains: readonly string[], address: string): Promise<void> {
    for (const host of domains) {
      const result = await this.client.exec(['curl', '-sS', '-f', '-d', JSON.stringify({ host, addresses: [address] }), `${challengeManagement}/add-a`]);
      if (result.exitCode !== 0) throw new Error(`add-a ${host} failed: ${result.stderr}`);
    }
  }

  async forgetDomains(domains: readonly string[]): Promise<void> {
    for (const host of domains) {
      await this.client.exec(['curl', '-sS', '-d', JSON.stringify({ host }), `${challengeManagement}/clear-a`]);
    }
  }

  /**
   * pebble's root and intermediate, from its management API (they are made anew every
   * time pebble starts), saved as files the client container sees.
   */
  async fetchIssuers(): Promise<{ rootPath: string; rootHostPath: string; intermediate: string }> {
    const fetch = async (path: string): Promise<string> => {
      const result = await this.client.exec([
        'curl',
        '-sS',
        '-f',
        '--cacert',
        `${testDirectory}/pebble-api.pem`,
        `https://${acmeAddress}:${managementPort}${path}`,
      ]);
      if (result.exitCode !== 0 || !result.stdout.includes('BEGIN CERTIFICATE'))
        throw new Error(`GET ${path} from pebble's management API failed: ${result.stderr}`);
      return result.stdout;
    };
    const root = await fetch('/roots/0');
    const intermediate = await fetch('/intermediates/0');
    writeFileSync(join(this.directory, 'pebble-root.pem'), root);
    chmodSync(join(this.directory, 'pebble-root.pem'), 0o644);
    return { rootPath: `${testDirectory}/pebble-root.pem`, rootHostPath: join(this.directory, 'pebble-root.pem'), intermediate };
  }

  /** Runs a command in the outside world. */
  exec(command: string[]): Promise<CommandResult> {
    return this.client.exec(command);
  }

  logs(): string {
    return `pebble:\n${this.pebble.logs().stdout}${this.pebble.logs().stderr}\npebble-challtestsrv:\n${this.challengeServer.logs().stdout}${this.challengeServer.logs().stderr}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.client.stop(0), this.pebble.stop(), this.challengeServer.stop()]);
    await this.network.remove();
  }
}
