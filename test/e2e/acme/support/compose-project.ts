// `docker compose` for the ACME proof, emulated from certboot's own model of the project
// (analyzeWorkspace → deployment.projects[].services[].compose): every container gets the
// service's volumes exactly as the compose file declares them, so what runs is the
// project's own layout, never a hand-copied one.
//
// Bind sources point into the project directory, which the test made as a temporary
// copy; a source that does not exist is created as an empty directory, as docker does on a
// fresh server. All services share one network namespace (compose's default network:
// service names resolve to its loopback address), linked to the ACME server's namespace.
//
// Images are the host's Debian packages (support/container.ts); what the images' entrypoints
// do is emulated here: the official nginx image runs /docker-entrypoint.d/*.sh before
// nginx, the certbot image's entrypoint is `certbot`.

import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { posix } from 'node:path';
import { analyzeWorkspace, type WorkspaceAnalysis } from '../../../../server/src/engine/analyze-workspace';
import type { DeployedProject, DeployedService } from '../../../../server/src/model/deployment';
import { isCertbotImage } from '../../../../server/src/model/image-kinds';
import { templateDirectory } from '../../../../server/src/model/official-nginx-image';
import { DiskFileSystem } from '../../../../server/src/workspace/disk-file-system';
import { createNetwork, runContainer, startContainer, type CommandResult, type Mount, type Network, type RunningContainer } from '../../support/container';
import { firstBootLayout } from '../../support/first-boot-file-system';
import { temporaryDirectory } from '../../support/temporary';
import { certbotEnvironment, testDirectory, type AcmeServer } from './acme-server';

/**
 * The official nginx image's entrypoint (docker-entrypoint.sh), reduced to what matters
 * here: its start scripts run before nginx, and only when the command starts with nginx.
 * The official image's own start scripts are not emulated (they only touch the image's
 * default.conf, templates, and worker tuning when asked to). Its `nginx` user (uid 101),
 * which Debian lacks, goes into the container's own copy-on-write /etc/passwd.
 */
const officialNginxEntrypoint = [
  '/bin/sh',
  '-c',
  `grep -q '^nginx:' /etc/group || echo 'nginx:x:101:' >> /etc/group
grep -q '^nginx:' /etc/passwd || echo 'nginx:x:101:101:nginx user:/nonexistent:/usr/sbin/nologin' >> /etc/passwd
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  if [ -d /docker-entrypoint.d ]; then
    for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
      case "$f" in
        *.envsh) if [ -x "$f" ]; then . "$f"; fi ;;
        *.sh) if [ -x "$f" ]; then echo "docker-entrypoint.sh: launching $f"; "$f"; fi ;;
      esac
    done
  fi
fi
exec "$@"`,
  'docker-entrypoint.sh',
];

const officialNginxCommand = ['nginx', '-g', 'daemon off;'];

export interface CommandOverride {
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
}

export type ServiceRole = 'nginx' | 'certbot' | 'other';

function depth(path: string): number {
  return path.split('/').filter((part) => part !== '').length;
}

function isWithin(path: string, directory: string): boolean {
  const rest = posix.relative(directory, path);
  return rest === '' || (!rest.startsWith('..') && !posix.isAbsolute(rest));
}

export class ComposeProjectUnderTest {
  private readonly namedVolumes = new Map<string, string>();
  private readonly running = new Set<RunningContainer>();

  private constructor(
    readonly directory: string,
    readonly analysis: WorkspaceAnalysis,
    readonly project: DeployedProject,
    readonly network: Network,
    /** The project's address as the ACME server and the outside world reach it. */
    readonly address: string,
    private readonly acme: AcmeServer,
  ) {}

  /** Analyzes the project directory with certboot's engine and gives it a network linked to the ACME server. */
  static async open(directory: string, acme: AcmeServer): Promise<ComposeProjectUnderTest> {
    const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
    if (analysis.internalErrors.length > 0) throw new Error(`certboot's analysis failed: ${JSON.stringify(analysis.internalErrors)}`);
    // The engine also models an nginx.conf that no service loads as a project of its own, without compose files.
    const projects = analysis.deployment.projects.filter((project) => project.compose.files.length > 0);
    if (projects.length !== 1 || projects[0] === undefined) {
      const found = projects.map((project) => project.compose.files.join(' + ')).join('; ');
      throw new Error(`expected one compose project in ${directory}, found ${projects.length}${found === '' ? '' : `: ${found}`}`);
    }
    const network = await createNetwork();
    try {
      const address = acme.link(network);
      return new ComposeProjectUnderTest(directory, analysis, projects[0], network, address, acme);
    } catch (error) {
      await network.remove();
      throw error;
    }
  }

  service(name: string): DeployedService {
    const service = this.project.services.find((candidate) => candidate.name === name);
    if (service === undefined) throw new Error(`no service ${name} in ${this.project.compose.files.join(', ')}`);
    return service;
  }

  roleOf(service: DeployedService): ServiceRole {
    if (service.nginx !== undefined) return 'nginx';
    const image = service.compose.image?.value;
    if (service.certbot !== undefined || (image !== undefined && isCertbotImage(image))) return 'certbot';
    return 'other';
  }

  /** The service's volumes as mounts, parents first as docker applies them, plus what the image brings. */
  mounts(service: DeployedService): Mount[] {
    const mounts: Mount[] = [];
    if (service.nginx !== undefined) {
      if (service.nginx.imageKind !== 'official')
        throw new Error(`service ${service.name}: only the official nginx image is emulated (got ${service.nginx.imageKind})`);
      // The official image's /etc/nginx (its nginx.conf and default.conf as the engine knows them).
      const image = firstBootLayout([], { repositoryRoot: this.directory, namedVolumes: new Map() });
      mounts.push(...image.mounts);
    }
    const volumes: Mount[] = [];
    for (const volume of service.compose.volumes) {
      if (volume.unknown || volume.target === undefined) throw new Error(`service ${service.name}: a volume depends on an unset variable`);
      let hostPath: string;
      if (volume.type === 'bind' && volume.source !== undefined) {
        if (!isWithin(volume.source, this.directory)) throw new Error(`service ${service.name}: bind source ${volume.source} lies outside the project`);
        // docker creates a missing bind source as a directory
        if (!existsSync(volume.source) && !isDanglingLink(volume.source)) mkdirSync(volume.source, { recursive: true, mode: 0o755 });
        hostPath = volume.source;
      } else if (volume.type === 'tmpfs') {
        hostPath = temporaryDirectory('tmpfs');
      } else {
        const name = volume.source;
        const existing = name === undefined ? undefined : this.namedVolumes.get(name);
        hostPath = existing ?? temporaryDirectory('volume');
        if (name !== undefined && existing === undefined) this.namedVolumes.set(name, hostPath);
      }
      volumes.push({ hostPath, containerPath: volume.target, readOnly: volume.readOnly });
    }
    volumes.sort((left, right) => depth(left.containerPath) - depth(right.containerPath));
    mounts.push(...volumes);
    if (this.roleOf(service) === 'certbot') mounts.push(...this.certbotTestMounts());
    return mounts;
  }

  /** pebble's API certificate and the test-only cli.ini (pebble as server, no prompts). */
  private certbotTestMounts(): Mount[] {
    return [
      { hostPath: this.acme.directory, containerPath: testDirectory, readOnly: true },
      { hostPath: posix.join(this.acme.directory, 'cli.ini'), containerPath: '/root/.config/letsencrypt/cli.ini', readOnly: true },
    ];
  }

  /**
   * What the container runs: the image's entrypoint (emulated) around the service's command,
   * or, as `docker compose run --entrypoint E SERVICE ARGS…` does, an override of both.
   */
  command(service: DeployedService, override?: CommandOverride): string[] {
    if (override !== undefined) return [...override.entrypoint, ...override.command];
    const parsed = service.command;
    const argv = parsed?.argv.map((word) => word.value);
    const imageEntrypoint = parsed === undefined || parsed.imageEntrypoint;
    if (service.nginx !== undefined) {
      if (service.nginx.rendersTemplates && service.compose.volumes.some((volume) => volume.target === templateDirectory)) {
        throw new Error(`service ${service.name} renders ${templateDirectory}, which this harness does not emulate yet`);
      }
      const command = argv === undefined || argv.length === 0 ? officialNginxCommand : argv;
      return imageEntrypoint ? [...officialNginxEntrypoint, ...command] : command;
    }
    if (this.roleOf(service) === 'certbot' && imageEntrypoint) return ['certbot', ...(argv ?? [])];
    if (argv === undefined || argv.length === 0) throw new Error(`service ${service.name} has no command this harness knows how to run`);
    return argv;
  }

  environment(service: DeployedService, extra: Record<string, string> = {}): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(service.compose.environment)) {
      if (value !== undefined) environment[name] = value;
    }
    if (this.roleOf(service) === 'certbot') Object.assign(environment, certbotEnvironment);
    return { ...environment, ...extra };
  }

  private hostnames(): string[] {
    return this.project.services.map((service) => service.name);
  }

  /** `docker compose up -d SERVICE` (one container of it). */
  async start(service: DeployedService): Promise<RunningContainer> {
    const container = await startContainer({
      command: this.command(service),
      mounts: this.mounts(service),
      env: this.environment(service),
      network: this.network,
      hostnames: this.hostnames(),
    });
    this.running.add(container);
    return container;
  }

  /** `docker compose run --rm SERVICE [COMMAND…]`: a one-off container with the service's mounts and network. */
  async run(service: DeployedService, override?: CommandOverride, timeoutMs = 30_000): Promise<CommandResult> {
    return runContainer(
      {
        command: this.command(service, override),
        mounts: this.mounts(service),
        env: this.environment(service),
        network: this.network,
        hostnames: this.hostnames(),
      },
      timeoutMs,
    );
  }

  /** `docker compose stop SERVICE`: SIGTERM, then SIGKILL after the grace period. */
  async stop(container: RunningContainer): Promise<number> {
    this.running.delete(container);
    return container.stop();
  }

  /** `docker compose down`: every container, then the network (and its link to the ACME server). */
  async down(): Promise<void> {
    for (const container of [...this.running]) await this.stop(container);
    await this.network.remove();
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
