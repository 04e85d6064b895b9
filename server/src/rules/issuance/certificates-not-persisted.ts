import { mountsWithVolumesFrom } from '../../facts/certificate-issuers';
import type { VolumeMount } from '../../languages/compose/model';
import { certbotConfigDirectory, type DeployedProject, type DeployedService } from '../../model/deployment';
import { isWithin } from '../../model/container-view';
import type { Rule, RuleFinding } from '../rule';

/** Whether a mount keeps `directory` (the directory itself or one above it) beyond the container's life. */
function keeps(mount: VolumeMount, directory: string): boolean {
  return mount.type !== 'tmpfs' && mount.target !== undefined && isWithin(directory, mount.target);
}

/** A mount that keeps only part of it (`/etc/letsencrypt/live`): letsencrypt-partial-mount's case, not this rule's. */
function keepsPart(mount: VolumeMount, directory: string): boolean {
  return mount.target !== undefined && isWithin(mount.target, directory);
}

interface Candidate {
  readonly project: DeployedProject;
  readonly service: DeployedService;
  readonly directories: readonly string[];
  readonly what: string;
}

/** certbot's `--config-dir` of the service's runs, else /etc/letsencrypt. */
function certbotDirectory(service: DeployedService): string | undefined {
  const values = (service.certbot?.invocations ?? []).flatMap((invocation) =>
    invocation.options.filter((option) => option.name === '--config-dir').map((option) => option.value),
  );
  if (values.length === 0) return certbotConfigDirectory;
  const value = values.at(-1);
  return value?.literal && value.value.startsWith('/') ? posix(value.value) : undefined;
}

function posix(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export const certificatesNotPersisted: Rule = {
  id: 'certificates-not-persisted',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'warning',
  summary:
    "a certbot container or an image that issues its own certificates keeps them in no volume: every new container asks Let's Encrypt again, until its rate limit refuses",
  check({ deployment, facts }) {
    const candidates: Candidate[] = [];
    const seen = new Set<DeployedService>();
    for (const issuer of facts.issuers) {
      if (issuer.kind === 'certbot') {
        const service = issuer.image?.official ? issuer.image.service : undefined;
        if (!service || seen.has(service)) continue;
        seen.add(service);
        const project = deployment.projects.find((candidate) => candidate.services.includes(service));
        const directory = certbotDirectory(service);
        if (project && directory) candidates.push({ project, service, directories: [directory], what: 'certbot' });
      } else if (issuer.kind !== 'acme.sh' && !seen.has(issuer.service)) {
        seen.add(issuer.service);
        candidates.push({ project: issuer.project, service: issuer.service, directories: issuer.stateDirectories, what: `\`${issuer.repository}\`` });
      }
    }
    const findings: RuleFinding[] = [];
    for (const { project, service, directories, what } of candidates) {
      const mounts = mountsWithVolumesFrom(project, service);
      if (!mounts || mounts.some((mount) => mount.unknown)) continue;
      const lost = directories.filter((directory) => !mounts.some((mount) => keeps(mount, directory) || keepsPart(mount, directory)));
      if (lost.length === 0) continue;
      const listed = lost.map((directory) => `\`${directory}\``).join(' and ');
      findings.push({
        message:
          `Service \`${service.name}\` runs ${what} and keeps ${listed} in no volume: the certificates, the ACME account and the renewal settings last as long as the container (its own layer, or an anonymous volume that goes with it). ` +
          'Once the container is removed (`docker compose down`, `docker compose rm`, `run --rm`), the next one asks for the certificates again, and after 5 certificates for the same names in a week ' +
          'Let\'s Encrypt refuses with "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s". ' +
          `Mount a named volume there (\`${lost.map((directory) => `<name>:${directory}`).join('`, `')}\`)${what === 'certbot' ? ', the one nginx reads the certificates from' : ''}.`,
        location: service.compose.nameLocation,
        related: [],
        fixes: [],
      });
    }
    return findings;
  },
};
