import { posix } from 'node:path';
import { certbotFileKind, type CertbotPath, containerPathFor, type Lineage, lineagePath, lineagesOf } from '../../facts/certbot-directories';
import type { CertificateReference } from '../../facts/certificate-references';
import type { Facts } from '../../facts/facts';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import type { Fix, RelatedLocation } from '../../text/findings';
import { describeNginx, isHostNginx } from '../../facts/nginx-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';

/** The live file that stands for a certbot file: `cert` served by nginx becomes `fullchain` (see certificate-without-chain). */
function liveFile(kind: NonNullable<ReturnType<typeof certbotFileKind>>, directive: string): string {
  return directive === 'ssl_certificate' && kind === 'cert' ? 'fullchain.pem' : `${kind}.pem`;
}

function missingOnFirstBoot(service: DeployedService, path: string): boolean {
  const state = service.view.firstBootState(path).state;
  return state === 'absent' || state === 'created-later';
}

/**
 * The live file instead of the reference. Safe unless it trades a file nginx has on first boot (a
 * copy in the repository) for one certbot creates only later: nginx would then stop on first boot.
 */
function replacement(service: DeployedService, reference: CertificateReference, newPath: string | undefined): Fix[] {
  if (newPath === undefined) return [];
  const newText = reference.argument.quoted ? `"${newPath}"` : newPath;
  return [
    {
      title: `Use ${newPath}`,
      edits: [{ kind: 'replace', file: reference.location.file, range: reference.location.range, newText }],
      preferred: true,
      safe: !missingOnFirstBoot(service, newPath) || missingOnFirstBoot(service, reference.path),
    },
  ];
}

interface ManagedLineage {
  readonly certbot: DeployedService;
  readonly lineage: Lineage;
}

/** Lineages the certbot services of the project create, with the service; only when all are known. */
function managedLineages(facts: Facts, project: DeployedProject): ManagedLineage[] {
  return project.services.flatMap((certbot) => {
    if (!certbot.certbot) return [];
    return (lineagesOf(facts.certbotJobs(certbot)) ?? []).map((lineage) => ({ certbot, lineage }));
  });
}

/** Where certbot's directory reaches the service; a host nginx reads its own /etc/letsencrypt through no mount. */
function mountRelated(service: DeployedService, certbotPath: CertbotPath): RelatedLocation[] {
  if (!certbotPath.mount || isHostNginx(service)) return [];
  return [{ ...certbotPath.mount.location, message: `certbot's directory is mounted into service \`${service.name}\` here` }];
}

/** The server names of the block a reference stands in. */
function serverNamesOf(facts: Facts, project: DeployedProject, service: DeployedService, reference: CertificateReference): string[] {
  const directive = reference.entry.directive;
  const server = facts
    .tlsServers(project, service)
    .find(
      (candidate) =>
        [...candidate.certificates, ...candidate.keys].some((other) => other.entry.directive === directive) ||
        candidate.block.entries.some((entry) => entry.directive === directive),
    );
  return server?.serverNames.map((name) => name.argument.value.toLowerCase()) ?? [];
}

function findingsFor({ deployment, facts }: RuleContext, project: DeployedProject, service: DeployedService): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const lineages = managedLineages(facts, project);
  const nginx = describeNginx(service, deployment.workspaceRoot);
  for (const reference of facts.certificateReferences(project, service)) {
    const directive = reference.entry.directive.name;
    const kind = certbotFileKind(posix.basename(reference.path));
    if (!kind) continue;
    const certbotPath = reference.certbotPath;
    const lineageFile = certbotPath && lineagePath(certbotPath.relative);
    const start = `\`${directive}\` "${reference.path}"`;
    if (certbotPath && lineageFile?.kind === 'archive') {
      const live = `live/${lineageFile.name}/${liveFile(kind, directive)}`;
      findings.push({
        message:
          `${start} is one version in certbot's \`archive/${lineageFile.name}/\`: a renewal writes the next version beside it and points only \`${live}\` at it, ` +
          `so ${nginx} keeps serving this one until it expires.`,
        location: reference.location,
        related: mountRelated(service, certbotPath),
        fixes: replacement(service, reference, containerPathFor(project, service, certbotPath, live)),
      });
      continue;
    }
    if (lineageFile?.kind === 'live') continue;
    const names = serverNamesOf(facts, project, service, reference);
    // which lineage the copy stands for: the one covering the server's names, else the only one
    const covering = lineages.filter((managed) => managed.lineage.domains.some((domain) => names.includes(domain.toLowerCase())));
    const chosen = covering.length > 0 ? covering[0] : lineages.length === 1 ? lineages[0] : undefined;
    if (certbotPath) {
      const live = chosen && `live/${chosen.lineage.name}/${liveFile(kind, directive)}`;
      findings.push({
        message:
          `${start} is a copy in certbot's directory, outside \`live/<name>/\`: certbot renews only the files of \`live/\`${live ? ` (here \`${live}\`)` : ''}, ` +
          `so this copy goes stale and ${nginx} serves it until it expires.`,
        location: reference.location,
        related: mountRelated(service, certbotPath),
        fixes: live && chosen ? replacement(service, reference, containerPathFor(project, service, { ...certbotPath, certbot: chosen.certbot }, live)) : [],
      });
      continue;
    }
    // a copy next to the nginx configuration, for a domain a certbot service of the project renews
    if (covering.length === 0 || !chosen || service.view.origin(reference.path).kind !== 'bind') continue;
    // a deploy hook may copy each renewed certificate there
    if (covering.some((managed) => managed.lineage.invocation.deployHooks.length > 0)) continue;
    const live = `live/${chosen.lineage.name}/${liveFile(kind, directive)}`;
    const like: CertbotPath = { relative: live, certbot: chosen.certbot };
    findings.push({
      message:
        `${start} is a copy of a certificate that service \`${chosen.certbot.name}\` renews (lineage \`${chosen.lineage.name}\`): certbot updates only \`${live}\`, ` +
        `so this copy goes stale and ${nginx} serves it until it expires.`,
      location: reference.location,
      related: [{ ...chosen.lineage.location, message: `service \`${chosen.certbot.name}\` obtains and renews lineage \`${chosen.lineage.name}\` here` }],
      fixes: replacement(service, reference, containerPathFor(project, service, like, live)),
    });
  }
  return findings;
}

export const certificatePathNotLive: Rule = {
  id: 'certificate-path-not-live',
  category: 'certificate-paths',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: 'nginx serves a certbot certificate from archive/ or a copy, which renewal never updates, instead of live/<name>/',
  check(context) {
    return context.deployment.projects.flatMap((project) => project.services.flatMap((service) => findingsFor(context, project, service)));
  },
};
