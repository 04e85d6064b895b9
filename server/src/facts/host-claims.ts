import type { SourceTexts } from '../inventory/inventory';
import type { PortBinding } from '../languages/compose/model';
import type { CertbotInvocation } from '../languages/shell/certbot-invocation';
import { basename, composeStart, containerLaunch, optionValue } from '../languages/shell/container-launch';
import type { ShellWord } from '../languages/shell/shell-script';
import { sliceWord } from '../languages/shell/shell-word';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../model/deployment';
import { positionAt } from '../text/line-index';
import type { SourceLocation } from '../text/source-location';
import { commandLocation, placeOfWord } from './command-locations';
import { everyAddressClaim, type HostClaim, hostClaim, networkModeOf, parsePublishText } from './host-ports';

/** Who holds a host port: a compose service, or a repository script's `docker run`. */
export type PortOwner =
  | { readonly kind: 'service'; readonly project: DeployedProject; readonly service: DeployedService }
  | { readonly kind: 'script'; readonly script: RepositoryScript };

/** A host socket something holds: a `ports` entry, a `-p` of a script, or certbot in the host's network. */
export interface HostPortUse {
  readonly claim: HostClaim;
  readonly owner: PortOwner;
  /** The port entry, the `-p` value, or the `--standalone` word of a certbot in the host's network. */
  readonly location: SourceLocation;
  /** certbot's standalone authenticator: it binds the port itself. */
  readonly standalone: boolean;
  /** Set when certbot binds the host's own port: `network_mode: host` or `--network host`. */
  readonly hostNetwork?: SourceLocation;
  /** The compose `ports` entry, for a service's own use. */
  readonly binding?: PortBinding;
  /**
   * For a script's certbot: the script runs `docker compose up` before it, or the service it runs
   * depends on others, which compose starts first.
   */
  readonly afterStart?: boolean;
}

/** The standalone run of a certbot command, unless a `--pre-hook` may free the port first. */
function standaloneRun(invocations: readonly CertbotInvocation[]): CertbotInvocation | undefined {
  return invocations.find((invocation) => invocation.authenticator?.name === 'standalone' && invocation.preHooks.length === 0);
}

/** The port certbot's standalone server listens on: `--http-01-port`, else 80; undefined when unknown. */
function challengePort(invocation: CertbotInvocation): number | undefined {
  const option = [...invocation.options].reverse().find((candidate) => candidate.name === '--http-01-port');
  if (!option) return 80;
  const value = option.value;
  return value?.literal && /^\d+$/.test(value.value) ? Number(value.value) : undefined;
}

function serviceUses(deployment: Deployment, texts: SourceTexts): HostPortUse[] {
  const uses: HostPortUse[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const owner: PortOwner = { kind: 'service', project, service };
      const standalone = standaloneRun(service.certbot?.invocations ?? []);
      const networkMode = networkModeOf(project.compose, service.name);
      if (networkMode !== undefined) {
        // compose discards `ports` in any network mode but its own; the process binds the host's sockets only with `host`
        if (networkMode.value === 'host' && standalone?.authenticator) {
          const port = challengePort(standalone);
          const word = standalone.authenticator.option.word;
          const place = service.command && placeOfWord(service.command, word);
          const location = place ? commandLocation(texts, project.compose, service.compose, place, word.span) : undefined;
          if (port !== undefined && location)
            uses.push({ claim: everyAddressClaim('tcp', port), owner, location, standalone: true, hostNetwork: networkMode.location });
        }
        if (networkMode.value === undefined || networkMode.value === 'host' || networkMode.value === 'none' || /^(service|container):/.test(networkMode.value))
          continue;
      }
      for (const binding of service.compose.ports) {
        const claim = hostClaim(binding);
        if (claim) uses.push({ claim, owner, location: binding.location, standalone: standalone !== undefined, binding });
      }
    }
  }
  return uses;
}

function wordLocation(script: RepositoryScript, word: ShellWord): SourceLocation {
  return { file: script.path, range: { start: positionAt(script.text, word.span.start), end: positionAt(script.text, word.span.end) } };
}

/** The script stops or takes down containers or a web server itself, so port 80 may be free when certbot runs. */
function scriptStopsServers(script: RepositoryScript): boolean {
  return script.script.commands.some((command) => {
    if (!command.name) return false;
    const program = basename(command.name);
    const words = command.arguments.map((word) => word.value);
    if (program === 'docker' || program === 'docker-compose') return words.some((word) => ['stop', 'down', 'kill', 'pause', 'rm'].includes(word));
    return (program === 'systemctl' || program === 'service') && words.includes('stop');
  });
}

/** `-p 80:80`, `--publish 80:80`, `--publish=80:80` among a launcher's options. */
function publishValues(options: readonly ShellWord[]): ShellWord[] {
  const values: ShellWord[] = [];
  options.forEach((option, index) => {
    const next = options[index + 1];
    if ((option.value === '-p' || option.value === '--publish') && next) values.push(next);
    else if (option.value.startsWith('--publish=')) values.push(sliceWord(option, '--publish='.length));
  });
  return values;
}

/** The one compose service a `docker compose run SERVICE` can mean. */
function composeServiceNamed(deployment: Deployment, name: string): { project: DeployedProject; service: DeployedService } | undefined {
  const matches = deployment.projects.flatMap((project) =>
    project.services.filter((service) => service.name === name).map((service) => ({ project, service })),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** What a repository script's standalone certbot run (`docker run -p 80:80 certbot/certbot certonly --standalone`) holds. */
function scriptUses(deployment: Deployment): HostPortUse[] {
  const uses: HostPortUse[] = [];
  for (const script of deployment.scripts) {
    if (scriptStopsServers(script)) continue;
    for (const invocation of script.certbotInvocations) {
      if (invocation.launcher !== 'docker-run' && invocation.launcher !== 'docker-compose-run') continue;
      const standalone = standaloneRun([invocation]);
      const port = standalone && challengePort(standalone);
      const command = invocation.command;
      const launch = containerLaunch(command.name ? [command.name, ...command.arguments] : [...command.arguments]);
      if (!standalone?.authenticator || port === undefined || !launch) continue;
      const owner: PortOwner = { kind: 'script', script };
      const network = optionValue(launch.options, '--network') ?? optionValue(launch.options, '--net');
      const target = launch.target && invocation.launcher === 'docker-compose-run' ? composeServiceNamed(deployment, launch.target.value) : undefined;
      const afterStart =
        script.script.commands.some(
          (earlier) =>
            earlier.span.end <= command.span.start && earlier.name !== undefined && composeStart([earlier.name, ...earlier.arguments])?.subcommand === 'up',
        ) ||
        (target !== undefined && target.service.compose.dependsOn.length > 0);
      const serviceMode = target && networkModeOf(target.project.compose, target.service.name);
      if (network?.value === 'host' || (target && serviceMode?.value === 'host')) {
        const hostNetwork = network?.value === 'host' ? wordLocation(script, network) : serviceMode?.location;
        uses.push({
          claim: everyAddressClaim('tcp', port),
          owner,
          location: wordLocation(script, standalone.authenticator.option.word),
          standalone: true,
          afterStart,
          ...(hostNetwork ? { hostNetwork } : {}),
        });
        continue;
      }
      for (const value of publishValues(launch.options)) {
        const binding = value.literal ? parsePublishText(value.value, wordLocation(script, value)) : undefined;
        const claim = binding && hostClaim(binding);
        if (claim) uses.push({ claim, owner, location: binding.location, standalone: true, afterStart });
      }
      if (target && serviceMode === undefined && launch.options.some((option) => option.value === '--service-ports')) {
        for (const binding of target.service.compose.ports) {
          const claim = hostClaim(binding);
          if (claim) uses.push({ claim, owner, location: binding.location, standalone: true, afterStart });
        }
      }
    }
  }
  return uses;
}

/** What the deployment holds on the Docker host's ports. */
export interface HostPortUses {
  /** The compose services' published ports, and certbot --standalone in the host's network, in the order of the projects. */
  readonly services: readonly HostPortUse[];
  /** What a repository script's certbot --standalone container publishes, unless the script stops servers first. */
  readonly standaloneScripts: readonly HostPortUse[];
}

export function hostPortUses(deployment: Deployment, texts: SourceTexts): HostPortUses {
  return { services: serviceUses(deployment, texts), standaloneScripts: scriptUses(deployment) };
}

/** A `container_name` a compose service sets: the name is the Docker host's, not the project's. */
export interface ContainerNameClaim {
  readonly name: string;
  readonly project: DeployedProject;
  readonly service: DeployedService;
  readonly location: SourceLocation;
}

/** Every known `container_name` of the deployment's services, in the order of the projects. */
export function containerNameClaims(deployment: Deployment): ContainerNameClaim[] {
  return deployment.projects.flatMap((project) =>
    project.services.flatMap((service): ContainerNameClaim[] => {
      const containerName = service.compose.containerName;
      return containerName?.value === undefined ? [] : [{ name: containerName.value, project, service, location: containerName.location }];
    }),
  );
}
