import type { HostPortUse, PortOwner } from '../../facts/host-claims';
import { claimConflict, describeAddresses, type ClaimConflict, type HostClaim } from '../../facts/host-ports';
import type { Deployment } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';
import { describePlace, pathBelow } from '../../text/paths';
import { type Coexistence, coexistence } from '../../facts/coexistence';
import type { DeployedService } from '../../model/deployment';

/** Whether the two uses' containers exist at once; a repository script runs where its project's services run. */
function coexistenceOf(deployment: Deployment, first: HostPortUse, second: HostPortUse): Coexistence {
  if (first.owner.kind !== 'service' || second.owner.kind !== 'service') return 'together';
  return coexistence(deployment, first.owner, second.owner);
}

/**
 * Two entries compose keeps apart (override/uncity.go in compose-go merges the `ports` entries
 * of one service that are written alike); the same host port to two container ports stays two.
 */
function sameEntry(first: HostPortUse, second: HostPortUse): boolean {
  if (first.owner.kind !== 'service' || second.owner.kind !== 'service' || first.owner.service !== second.owner.service) return false;
  return first.binding !== undefined && entryText(first) === entryText(second);
}

/** A service's `ports` entry as text: two entries of one service with the same text are one. */
function entryText(use: HostPortUse): string {
  const binding = use.binding;
  return binding ? [binding.hostIp ?? '', binding.hostPort ?? '', binding.containerPort ?? '', binding.protocol].join('|') : '';
}

function describeOwner(owner: PortOwner, other: PortOwner, workspaceRoot: string): string {
  if (owner.kind === 'script') return `\`${pathBelow(workspaceRoot, owner.script.path)}\``;
  if (other.kind === 'service' && other.project !== owner.project)
    return `service \`${owner.service.name}\` of compose project \`${owner.project.compose.name}\``;
  return `service \`${owner.service.name}\``;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isNginx(use: HostPortUse): boolean {
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

function standaloneFinding(certbot: HostPortUse, nginx: HostPortUse, conflict: ClaimConflict, workspaceRoot: string): RuleFinding {
  const nginxName = nginx.owner.kind === 'service' ? nginx.owner.service.name : '';
  const port = conflict.port;
  let consequence: string;
  if (certbot.hostNetwork) {
    consequence = `certbot runs in the host's network and binds port ${port} itself while nginx's container holds it, so it stops with \`Problem binding to port ${port}: Could not bind to IPv4 or IPv6.\``;
  } else if (certbot.owner.kind === 'script') {
    consequence = `while nginx runs, \`${pathBelow(workspaceRoot, certbot.owner.script.path)}\` cannot publish the port: docker fails with ${bindError(conflict)}`;
    // a first-boot step that runs before anything starts the stack meets no nginx, unless one is left running
    if (!certbot.afterStart)
      consequence = `the script starts nothing before it, but if nginx is running then (a second run, a renewal), \`${pathBelow(workspaceRoot, certbot.owner.script.path)}\` cannot publish the port: docker fails with ${bindError(conflict)}`;
  } else {
    consequence = `docker cannot give the port to both containers, so whichever starts second fails with ${bindError(conflict)}`;
  }
  const related: RelatedLocation[] = [{ ...nginx.location, message: `service \`${nginxName}\` publishes port ${port} here` }];
  if (certbot.hostNetwork) related.push({ ...certbot.hostNetwork, message: "certbot shares the host's network here" });
  return {
    ...(certbot.owner.kind === 'script' && !certbot.hostNetwork && !certbot.afterStart ? { severity: 'warning' as const } : {}),
    message:
      `certbot --standalone needs port ${port}, which service \`${nginxName}\` already publishes (${describePlace(workspaceRoot, nginx.location)}): ${consequence}${consequence.endsWith('.`') ? '' : '.'} ` +
      'Use `--webroot` with the webroot directory nginx serves `/.well-known/acme-challenge/` from, so nginx keeps the port and certbot only writes the challenge files.',
    location: certbot.location,
    related,
    fixes: [],
  };
}

/** One service publishing a host port twice, to two container ports: its container cannot start. */
function twiceInOneService(later: HostPortUse, earlier: HostPortUse, conflict: ClaimConflict, workspaceRoot: string): RuleFinding {
  const name = later.owner.kind === 'service' ? later.owner.service.name : '';
  const target = (use: HostPortUse): string => (use.binding?.containerPort === undefined ? '' : ` to container port ${use.binding.containerPort}`);
  return {
    message:
      `Service \`${name}\` publishes ${describePort(later.claim, conflict)} on ${describeAddresses(later.claim)} twice: here${target(later)}, and${target(earlier)} at ${describePlace(workspaceRoot, earlier.location)}. ` +
      `A host port goes to one binding only, so the container does not start: ${bindError(conflict)}.`,
    location: later.location,
    related: [{ ...earlier.location, message: `service \`${name}\` publishes the port here first` }],
    fixes: [],
  };
}

/**
 * The uses seen so far, by protocol and port, so that a use asks only those it may clash with:
 * two claims conflict only when their port ranges meet (facts/host-ports.ts claimConflict).
 */
class EarlierUses {
  /** Single-port uses by protocol, then port. */
  private readonly byPort = new Map<string, Map<number, number[]>>();
  /** Uses of more than one port, asked by every later use. */
  private readonly ranges: { readonly claim: HostClaim; readonly index: number }[] = [];
  /** The entries of each service already kept: a copy of one (sameEntry) answers every later use as the first does. */
  private readonly entries = new Map<DeployedService, Set<string>>();

  add(use: HostPortUse, index: number): void {
    if (use.owner.kind === 'service' && use.binding !== undefined) {
      let entries = this.entries.get(use.owner.service);
      if (!entries) this.entries.set(use.owner.service, (entries = new Set()));
      const text = entryText(use);
      if (entries.has(text)) return;
      entries.add(text);
    }
    const claim = use.claim;
    if (claim.lowPort !== claim.highPort) {
      this.ranges.push({ claim, index });
      return;
    }
    let ports = this.byPort.get(claim.protocol);
    if (!ports) this.byPort.set(claim.protocol, (ports = new Map()));
    const indexes = ports.get(claim.lowPort);
    if (indexes) indexes.push(index);
    else ports.set(claim.lowPort, [index]);
  }

  /** The indexes of the uses whose ports meet `claim`'s, in the order they were added. */
  meeting(claim: HostClaim): number[] {
    const found = this.ranges.filter((range) => range.claim.lowPort <= claim.highPort && claim.lowPort <= range.claim.highPort).map((range) => range.index);
    const ports = this.byPort.get(claim.protocol);
    if (ports === undefined) return found;
    const add = (indexes: readonly number[] | undefined): void => {
      for (const index of indexes ?? []) found.push(index);
    };
    // a wide range asks the ports seen, not every port it spans
    if (claim.highPort - claim.lowPort < ports.size) for (let port = claim.lowPort; port <= claim.highPort; port++) add(ports.get(port));
    else for (const [port, indexes] of ports) if (port >= claim.lowPort && port <= claim.highPort) add(indexes);
    return found.sort((left, right) => left - right);
  }
}

export const hostPortConflict: Rule = {
  id: 'host-port-conflict',
  category: 'collisions',
  scope: 'host',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'two containers publish the same host port and protocol on overlapping addresses: docker refuses the second one',
  check({ deployment, facts }) {
    const root = deployment.workspaceRoot;
    const { services, standaloneScripts } = facts.hostPortUses;
    const findings: RuleFinding[] = [];
    const reported = new Set<HostPortUse>();
    const earlierUses = new EarlierUses();
    services.forEach((later, index) => {
      // a partner whose container surely exists with this one first, then one that may; only uses
      // of the same protocol and ports are asked, in order, so that a service publishing tens of
      // thousands of ports costs no more than their number
      let partner: { earlier: HostPortUse; together: Coexistence; conflict: ClaimConflict } | undefined;
      for (const earlierIndex of earlierUses.meeting(later.claim)) {
        const earlier = services[earlierIndex] as HostPortUse;
        const conflict = claimConflict(earlier.claim, later.claim);
        if (conflict === undefined || sameEntry(earlier, later)) continue;
        const together = coexistenceOf(deployment, earlier, later);
        if (together === 'apart') continue;
        if (together === 'together') {
          partner = { earlier, together, conflict };
          break;
        }
        partner ??= { earlier, together, conflict };
      }
      earlierUses.add(later, index);
      if (!partner) return;
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
    for (const certbot of standaloneScripts) {
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
