import { posix as paths } from 'node:path';
import { mountsWithVolumesFrom } from '../../facts/certificate-issuers';
import { composeServiceEdits } from '../../fixes/compose-file-editor';
import type { SourceTexts } from '../../inventory/inventory';
import type { VolumeMount } from '../../languages/compose/model';
import { certbotConfigDirectory, type DeployedProject, type DeployedService } from '../../model/deployment';
import { isWithin } from '../../model/container-view';
import type { Fix } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';

/** Whether a mount lies over `directory` (the directory itself or one above it) and is no tmpfs. */
function keeps(mount: VolumeMount, directory: string): boolean {
  return mount.type !== 'tmpfs' && mount.target !== undefined && isWithin(directory, mount.target);
}

/**
 * A volume entry with no source (`- /etc/acme.sh`): an anonymous volume. compose hands it on when
 * `docker compose up` re-creates the container (docker/compose pkg/compose/create.go
 * `buildContainerMountOptions`: "inherit previous container's anonymous volume", unless
 * `up --renew-anon-volumes`), but a container created anew gets a new, empty one: after
 * `docker compose down` ("as they don't have a stable name, they are not automatically mounted by
 * a subsequent `up`", docs/reference/compose_down.md) or `docker compose rm`, and for every
 * `docker compose run` (pkg/compose/run.go creates the container with nothing to inherit).
 */
function isAnonymous(mount: VolumeMount): boolean {
  return mount.type === 'volume' && mount.source === undefined && !mount.unknown;
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

/** The names the fix gives a new volume for a directory (acme-companion's docs call /etc/acme.sh's `acme`); else `<service>-<the directory's last name>`. */
const volumeNames: ReadonlyMap<string, string> = new Map([
  ['/etc/letsencrypt', 'letsencrypt'],
  ['/etc/acme.sh', 'acme'],
  ['/etc/nginx/certs', 'certs'],
]);

/**
 * What to mount at `directory`: what the other services of the project mount exactly there, when
 * they all mount the same volume or host directory (nginx reading certbot's certificates,
 * nginx-proxy acme-companion's), else a new named volume no one uses yet.
 */
interface MountSource {
  /** As the volume entry writes it: `letsencrypt`, `./certbot/conf`. */
  readonly written: string;
  /** A new named volume to declare. */
  readonly declare?: string;
  /** The services that mount it there already. */
  readonly sharedWith?: readonly string[];
}

function sourceFor(project: DeployedProject, service: DeployedService, directory: string): MountSource | undefined {
  const at = (other: DeployedService): VolumeMount[] =>
    other.compose.volumes.filter((mount) => mount.target !== undefined && paths.normalize(`${mount.target}/`) === `${directory}/`);
  const sharing = project.services.filter((other) => other !== service && at(other).length > 0);
  const others = sharing.flatMap(at);
  const sources = new Set(
    others.map((mount) => (mount.unknown || mount.type === 'tmpfs' || mount.source === undefined ? '' : `${mount.type}\u0000${mount.source}`)),
  );
  if (sources.size === 1 && !sources.has('')) {
    const [mount] = others as [VolumeMount];
    const source = mount.source as string;
    const sharedWith = sharing.map((other) => other.name);
    if (mount.type !== 'bind') return { written: source, sharedWith };
    return { written: isWithin(source, service.projectDirectory) ? `./${paths.relative(service.projectDirectory, source)}` : source, sharedWith };
  }
  if (sources.size > 0) return undefined;
  const known = volumeNames.get(directory);
  const base = known ?? paths.basename(directory).replace(/[^A-Za-z0-9_.-]/g, '');
  const taken = (name: string): boolean =>
    project.compose.namedVolumes.includes(name) || project.services.some((other) => other.compose.volumes.some((mount) => mount.source === name));
  const name = [...(known ? [known] : []), `${service.name}-${base}`].find((candidate) => /^[A-Za-z0-9]/.test(candidate) && !taken(candidate));
  return name === undefined ? undefined : { written: name, declare: name };
}

/** What to mount at each lost directory; undefined when one has no certain answer, or a tmpfs of the service there would clash with it. */
function sourcesFor(project: DeployedProject, service: DeployedService, lost: readonly string[]): MountSource[] | undefined {
  if (service.compose.volumes.some((mount) => mount.target !== undefined && lost.includes(paths.normalize(mount.target).replace(/(.)\/$/, '$1'))))
    return undefined;
  return sourcesForAdvice(project, service, lost);
}

/** What to mount at each directory, whatever the service mounts there itself (an anonymous volume the message advises to replace); undefined when one has no certain answer. */
function sourcesForAdvice(project: DeployedProject, service: DeployedService, lost: readonly string[]): MountSource[] | undefined {
  const sources = lost.map((directory) => sourceFor(project, service, directory));
  return sources.some((source) => source === undefined) ? undefined : (sources as MountSource[]);
}

/** Mounts what keeps each lost directory in the service (and declares the new volumes). */
function persistFix(
  texts: SourceTexts,
  project: DeployedProject,
  service: DeployedService,
  lost: readonly string[],
  chosen: readonly MountSource[],
): Fix | undefined {
  const edits = composeServiceEdits(texts, project.compose.documents, service.compose, (editor) => {
    editor.appendItems(
      service.name,
      'volumes',
      chosen.map((source, index) => `${source.written}:${lost[index]}`),
    );
    for (const source of chosen) if (source.declare) editor.declareVolume(source.declare);
  });
  const what = chosen.map((source, index) => `${source.declare ? 'volume ' : ''}\`${source.written}\` at \`${lost[index]}\``).join(' and ');
  return edits && { title: `Mount ${what} in service \`${service.name}\``, edits, preferred: true, safe: true };
}

export const certificatesNotPersisted: Rule = {
  id: 'certificates-not-persisted',
  category: 'issuance',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary:
    "a certbot container or an image that issues its own certificates keeps them in no volume: every new container asks Let's Encrypt again, until its rate limit refuses",
  check({ deployment, facts, inventory }) {
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
      const unkept = directories.filter((directory) => !mounts.some((mount) => keeps(mount, directory) || keepsPart(mount, directory)));
      // the directory kept only by anonymous volumes (the innermost mount over it decides)
      const anonymous = directories.filter((directory) => {
        const over = mounts.filter((mount) => keeps(mount, directory) && mount.target !== undefined);
        const innermost = over.sort((a, b) => (b.target?.length ?? 0) - (a.target?.length ?? 0))[0];
        return innermost !== undefined && isAnonymous(innermost) && !mounts.some((mount) => keepsPart(mount, directory) && !keeps(mount, directory));
      });
      if (unkept.length === 0 && anonymous.length === 0) continue;
      const lost = [...unkept, ...anonymous];
      const sources = anonymous.length === 0 ? sourcesFor(project, service, unkept) : sourcesForAdvice(project, service, lost);
      // an anonymous volume's entry would have to be replaced: the fix only adds mounts
      const fix = anonymous.length === 0 && sources ? persistFix(inventory, project, service, unkept, sources) : undefined;
      const list = (paths: readonly string[]): string => paths.map((directory) => `\`${directory}\``).join(' and ');
      const kept = [
        ...(unkept.length > 0 ? [`keeps ${list(unkept)} in no volume`] : []),
        ...(anonymous.length > 0 ? [`keeps ${list(anonymous)} in an anonymous volume only`] : []),
      ].join(', and ');
      const shared = sources?.flatMap((source, index) =>
        source.sharedWith
          ? [`\`${source.written}:${lost[index]}\` (service ${source.sharedWith.map((name) => `\`${name}\``).join(', ')} mounts it there)`]
          : [],
      );
      const advice =
        shared && shared.length > 0
          ? `Mount ${shared.join(' and ')}.`
          : `Mount a named volume there (\`${lost.map((directory) => `<name>:${directory}`).join('`, `')}\`)${what === 'certbot' ? ', the one nginx reads the certificates from' : ''}.`;
      const lasts =
        unkept.length > 0
          ? 'the certificates, the ACME account and the renewal settings last as long as the container (its own layer, or an anonymous volume that goes with it). ' +
            'Once the container is removed (`docker compose down`, `docker compose rm`, `run --rm`), the next one asks for the certificates again'
          : '`docker compose up` hands an anonymous volume on to the container it re-creates, but after `docker compose down` or `docker compose rm` the next `up` (and every `docker compose run`) starts with a new, empty one ' +
            '(no certificates, ACME account or renewal settings) and asks for the certificates again';
      findings.push({
        message:
          `Service \`${service.name}\` runs ${what} and ${kept}: ${lasts}, and after 5 certificates for the same names in a week ` +
          `Let's Encrypt refuses with "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s". ${advice}`,
        location: service.compose.nameLocation,
        related: [],
        fixes: fix ? [fix] : [],
      });
    }
    return findings;
  },
};
