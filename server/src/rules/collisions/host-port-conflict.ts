import { commandLocation, placeOfWord } from '../../facts/command-locations';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../../model/deployment';
import {
  claimConflict,
  describeAddresses,
  everyAddressClaim,
  hostClaim,
  networkModeOf,
  parsePublishText,
  type ClaimConflict,
  type HostClaim,
} from '../../facts/host-ports';
import { positionAt } from '../../text/line-index';
import type { RelatedLocation } from '../../text/findings';
import type { CertbotInvocation } from '../../languages/shell/certbot-invocation';
import { basename, containerLaunch, optionValue } from '../../languages/shell/container-launch';
import type { ShellWord } from '../../languages/shell/shell-script';
import { sliceWord } from '../../languages/shell/shell-word';
import type { SourceLocation } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import type { Rule, RuleFinding } from '../rule';
import { describePlace, pathBelow } from '../../text/paths';
import { type Coexistence, coexistence } from '../../facts/coexistence';
import type { PortBinding } from '../../languages/compose/model';

type Owner =
  | { readonly kind: 'service'; readonly project: DeployedProject; readonly service: DeployedService }
  | { readonly kind: 'script'; readonly script: RepositoryScript };

/** A host socket something holds: a `ports` entry, a `-p` of a script, or certbot in the host's network. */
interface HostUse {
  readonly claim: HostClaim;
  readonly owner: Owner;
  /** The port entry, the `-p` value, or the `--standalone` word of a certbot in the host's network. */
  readonly location: SourceLocation;
  /** certbot's standalone authenticator: it binds the port itself. */
  readonly standalone: boolean;
  /** Set when certbot binds the host's own port: `network_mode: host` or `--network host`. */
  readonly hostNetwork?: SourceLocation;
  /** The compose `ports` entry, for a service's own use. */
  readonly binding?: PortBinding;
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

function serviceUses(deployment: Deployment, texts: SourceTexts): HostUse[] {
  const uses: HostUse[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const owner: Owner = { kind: 'service', project, service };
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
function scriptUses(deployment: Deployment): HostUse[] {
  const uses: HostUse[] = [];
  for (const script of deployment.scripts) {
    if (scriptStopsServers(script)) continue;
    for (const invocation of script.certbotInvocations) {
      if (invocation.launcher !== 'docker-run' && invocation.launcher !== 'docker-compose-run') continue;
      const standalone = standaloneRun([invocation]);
      const port = standalone && challengePort(standalone);
      const command = invocation.command;
      const launch = containerLaunch(command.name ? [command.name, ...command.arguments] : [...command.arguments]);
      if (!standalone?.authenticator || port === undefined || !launch) continue;
      const owner: Owner = { kind: 'script', script };
      const network = optionValue(launch.options, '--network') ?? optionValue(launch.options, '--net');
      const target = launch.target && invocation.launcher === 'docker-compose-run' ? composeServiceNamed(deployment, launch.target.value) : undefined;
      const serviceMode = target && networkModeOf(target.project.compose, target.service.name);
      if (network?.value === 'host' || (target && serviceMode?.value === 'host')) {
        const hostNetwork = network?.value === 'host' ? wordLocation(script, network) : serviceMode?.location;
        uses.push({
          claim: everyAddressClaim('tcp', port),
          owner,
          location: wordLocation(script, standalone.authenticator.option.word),
          standalone: true,
          ...(hostNetwork ? { hostNetwork } : {}),
        });
        continue;
      }
      for (const value of publishValues(launch.options)) {
        const binding = value.literal ? parsePublishText(value.value, wordLocation(script, value)) : undefined;
        const claim = binding && hostClaim(binding);
        if (claim) uses.push({ claim, owner, location: binding.location, standalone: true });
      }
      if (target && serviceMode === undefined && launch.options.some((option) => option.value === '--service-ports')) {
        for (const binding of target.service.compose.ports) {
          const claim = hostClaim(binding);
          if (claim) uses.push({ claim, owner, location: binding.location, standalone: true });
        }
      }
    }
  }
  return uses;
}

/** Whether the two uses' containers exist at once; a repository script runs where its project's services run. */
function coexistenceOf(deployment: Deployment, first: HostUse, second: HostUse): Coexistence {
  if (first.owner.kind !== 'service' || second.owner.kind !== 'service') return 'together';
  return coexistence(deployment, first.owner, second.owner);
}

/**
 * Two entries compose keeps apart (override/uncity.go in compose-go merges the `ports` entries
 * of one service that are written alike); the same host port to two container ports stays two.
 */
function sameEntry(first: HostUse, second: HostUse): boolean {
  if (first.owner.kind !== 'service' || second.owner.kind !== 'service' || first.owner.service !== second.owner.service) return false;
  const text = (use: HostUse): string => {
    const binding = use.binding;
    return binding ? [binding.hostIp ?? '', binding.hostPort ?? '', binding.containerPort ?? '', binding.protocol].join('|') : '';
  };
  return first.binding !== undefined && text(first) === text(second);
}

function describeOwner(owner: Owner, other: Owner, workspaceRoot: string): string {
  if (owner.kind === 'script') return `\`${pathBelow(workspaceRoot, owner.script.path)}\``;
  if (other.kind === 'service' && other.project !== owner.project)
    return `service \`${owner.service.name}\` of compose project \`${owner.project.compose.name}\``;
  return `service \`${owner.service.name}\``;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isNginx(use: HostUse): boolean {
  return use.owner.kind === 'service' && use.owner.service.nginx !== undefined;
}

function bindError(conflict: ClaimConflict): string {
  if (conflict.sameAddress !== undefined) return `\`Bind for ${conflict.sameAddress}:${conflict.port} failed: port is already allocated\``;
  return '`bind: address already in use`';
}

function describePort(claim: HostClaim, conflict: ClaimConflict): string {
  const protocol = claim.protocol;
  if (claim.anyPortOfRange) return `host ports ${claim.lowPort}-${claim.highPort}/${protocol}`;
  return `host port ${conflict.port}/${protocol}`;
}

function standaloneFinding(certbot: HostUse, nginx: HostUse, conflict: ClaimConflict, workspaceRoot: string): RuleFinding {
  const nginxName = nginx.owner.kind === 'service' ? nginx.owner.service.name : '';
  const port = conflict.port;
  let consequence: string;
  if (certbot.hostNetwork) {
    consequence = `certbot runs in the host's network and binds port ${port} itself while nginx's container holds it, so it stops with \`Problem binding to port ${port}: Could not bind to IPv4 or IPv6.\``;
  } else if (certbot.owner.kind === 'script') {
    consequence = `while nginx runs, \`${pathBelow(workspaceRoot, certbot.owner.script.path)}\` cannot publish the port: docker fails with ${bindError(conflict)}`;
  } else {
    consequence = `docker cannot give the port to both containers, so whichever starts second fails with ${bindError(conflict)}`;
  }
  const related: RelatedLocation[] = [{ ...nginx.location, message: `service \`${nginxName}\` publishes port ${port} here` }];
  if (certbot.hostNetwork) related.push({ ...certbot.hostNetwork, message: "certbot shares the host's network here" });
  return {
    message:
      `certbot --standalone needs port ${port}, which service \`${nginxName}\` already publishes (${describePlace(workspaceRoot, nginx.location)}): ${consequence}${consequence.endsWith('.`') ? '' : '.'} ` +
      'Use `--webroot` with the webroot directory nginx serves `/.well-known/acme-challenge/` from, so nginx keeps the port and certbot only writes the challenge files.',
    location: certbot.location,
    related,
    fixes: [],
  };
}

/** One service publishing a host port twice, to two container ports: its container cannot start. */
function twiceInOneService(later: HostUse, earlier: HostUse, conflict: ClaimConflict, workspaceRoot: string): RuleFinding {
  const name = later.owner.kind === 'service' ? later.owner.service.name : '';
  const target = (use: HostUse): string => (use.binding?.containerPort === undefined ? '' : ` to container port ${use.binding.containerPort}`);
  return {
    message:
      `Service \`${name}\` publishes ${describePort(later.claim, conflict)} on ${describeAddresses(later.claim)} twice: here${target(later)}, and${target(earlier)} at ${describePlace(workspaceRoot, earlier.location)}. ` +
      `A host port goes to one binding only, so the container does not start: ${bindError(conflict)}.`,
    location: later.location,
    related: [{ ...earlier.location, message: `service \`${name}\` publishes the port here first` }],
    fixes: [],
  };
}

export const hostPortConflict: Rule = {
  id: 'host-port-conflict',
  category: 'collisions',
  scope: 'host',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'two containers publish the same host port and protocol on overlapping addresses: docker refuses the second one',
  check({ deployment, inventory }) {
    const root = deployment.workspaceRoot;
    const services = serviceUses(deployment, inventory);
    const findings: RuleFinding[] = [];
    const reported = new Set<HostUse>();
    services.forEach((later, index) => {
      // a partner whose container surely exists with this one first, then one that may
      const partners = services
        .slice(0, index)
        .map((earlier) => ({ earlier, together: coexistenceOf(deployment, earlier, later), conflict: claimConflict(earlier.claim, later.claim) }))
        .filter((partner) => partner.together !== 'apart' && partner.conflict !== undefined && !sameEntry(partner.earlier, later));
      const partner = partners.find((candidate) => candidate.together === 'together') ?? partners[0];
      if (!partner?.conflict) return;
      const { earlier, together, conflict } = partner;
      if (earlier.owner.kind === 'service' && later.owner.kind === 'service' && earlier.owner.service === later.owner.service) {
        findings.push(twiceInOneService(later, earlier, conflict, root));
        return;
      }
      const [certbot, nginx] = later.standalone && isNginx(earlier) ? [later, earlier] : earlier.standalone && isNginx(later) ? [earlier, later] : [];
      if (certbot && nginx) {
        if (!reported.has(certbot)) findings.push(standaloneFinding(certbot, nginx, conflict, root));
        reported.add(certbot);
        return;
      }
      const sameAddresses = describeAddresses(earlier.claim) === describeAddresses(later.claim);
      const consequence =
        together === 'if-one-host'
          ? `if both run on one Docker host, whichever starts second fails with ${bindError(conflict)}, since a host port goes to one container only. ` +
            "certboot.json's `hosts` says which projects share a host."
          : `a host port goes to one container only, and whichever starts second fails with ${bindError(conflict)}.`;
      findings.push({
        ...(together === 'if-one-host' ? { severity: 'info' as const } : {}),
        message:
          `${capitalized(describeOwner(later.owner, earlier.owner, root))} publishes ${describePort(later.claim, conflict)} on ${describeAddresses(later.claim)}, ` +
          `which ${describeOwner(earlier.owner, later.owner, root)} ${together === 'if-one-host' ? 'also' : 'already'} publishes${sameAddresses ? '' : ` on ${describeAddresses(earlier.claim)}`} (${describePlace(root, earlier.location)}): ` +
          consequence,
        location: later.location,
        related: [{ ...earlier.location, message: `${describeOwner(earlier.owner, later.owner, root)} publishes the port here` }],
        fixes: [],
      });
    });
    for (const certbot of scriptUses(deployment)) {
      for (const nginx of services.filter(isNginx)) {
        const conflict = claimConflict(nginx.claim, certbot.claim);
        if (!conflict) continue;
        findings.push(standaloneFinding(certbot, nginx, conflict, root));
        break;
      }
    }
    return findings;
  },
};
