import type { HostPortUse, PortOwner } from '../../facts/host-claims';
import { claimConflict, describeAddresses, type ClaimConflict, type HostClaim } from '../../facts/host-ports';
import type { Deployment } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';
import { describePlace, pathBelow } from '../../text/paths';
import { type Coexistence, coexistence } from '../../facts/coexistence';

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
  const text = (use: HostPortUse): string => {
    const binding = use.binding;
    return binding ? [binding.hostIp ?? '', binding.hostPort ?? '', binding.containerPort ?? '', binding.protocol].join('|') : '';
  };
  return first.binding !== undefined && text(first) === text(second);
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
