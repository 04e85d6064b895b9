import { posix } from 'node:path';
import { acmeCompanionAnswersHttp01, mountsWithVolumesFrom, nginxProxyServices } from '../../facts/certificate-issuers';
import type { VolumeMount } from '../../languages/compose/model';
import { isWithin } from '../../model/container-view';
import type { DeployedService } from '../../model/deployment';
import type { SourceLocation } from '../../text/source-location';
import type { Rule, RuleFinding } from '../rule';

/**
 * The directories acme-companion writes and nginx-proxy reads, from acme-companion's source
 * (github.com/nginx-proxy/acme-companion): app/entrypoint.sh checks /etc/nginx/certs (the
 * certificates, written by app/letsencrypt_service.sh) and /usr/share/nginx/html (the HTTP-01
 * challenge files: the challenge location, app/nginx_location.conf, answers
 * /.well-known/acme-challenge/ from that root; docs/Basic-usage.md names both as the volumes shared
 * with nginx-proxy); /etc/nginx/vhost.d only when
 * ACME_HTTP_CHALLENGE_LOCATION is true, where it writes that location per host (app/functions.sh
 * add_location_configuration). The image declares no VOLUME: without a mount the companion writes
 * into its own layer.
 */
interface SharedDirectory {
  readonly directory: string;
  readonly holds: string;
  readonly breaks: string;
}

const certificates: SharedDirectory = {
  directory: '/etc/nginx/certs',
  holds: 'the certificates it issues',
  breaks: 'nginx-proxy never sees the certificates and never serves those hosts over HTTPS',
};

const challengeFiles: SharedDirectory = {
  directory: '/usr/share/nginx/html',
  holds: 'the HTTP-01 challenge files',
  breaks: "nginx-proxy answers the CA's /.well-known/acme-challenge/ requests with 404 from its own directory: validation fails and no certificate is issued",
};

const challengeLocations: SharedDirectory = {
  directory: '/etc/nginx/vhost.d',
  holds: 'the per-host challenge locations (ACME_HTTP_CHALLENGE_LOCATION=true)',
  breaks: 'nginx-proxy never loads the challenge location: validation fails and no certificate is issued',
};

/** What a service has at a directory: the mount that covers it (the deepest), or nothing. */
type Holding =
  | { readonly kind: 'shared'; readonly key: string | VolumeMount; readonly written: string; readonly mount: VolumeMount }
  | { readonly kind: 'own'; readonly written: string; readonly mount?: VolumeMount };

function holdingAt(mounts: readonly VolumeMount[], directory: string, projectDirectory: string): Holding {
  const covering = mounts
    .filter((mount) => mount.target !== undefined && isWithin(directory, mount.target))
    .sort((a, b) => (b.target?.length ?? 0) - (a.target?.length ?? 0))[0];
  if (!covering?.target) return { kind: 'own', written: 'nothing mounted' };
  if (covering.type === 'tmpfs') return { kind: 'own', written: 'a tmpfs', mount: covering };
  // an anonymous volume is shared only with the services that take it by `volumes_from`: the same declaration
  if (covering.source === undefined) return { kind: 'shared', key: covering, written: 'an anonymous volume', mount: covering };
  const below = directory.slice(covering.target.replace(/\/$/, '').length);
  const type = covering.type === 'bind' ? 'bind' : 'volume';
  const host = isWithin(covering.source, projectDirectory) ? `./${posix.relative(projectDirectory, covering.source)}` : covering.source;
  const written =
    covering.type === 'bind' ? `host directory \`${host}${below}\`` : `volume \`${covering.source}\`${below ? ` (at \`${below.slice(1)}\`)` : ''}`;
  return { kind: 'shared', key: `${type}\u0000${covering.source}${below}`, written, mount: covering };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes)$/i.test(value);
}

function describe(service: DeployedService, holding: Holding): string {
  return `\`${service.name}\` has ${holding.written} there`;
}

export const acmeCompanionVolumeNotShared: Rule = {
  id: 'acme-companion-volume-not-shared',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    'acme-companion and nginx-proxy do not share /etc/nginx/certs or /usr/share/nginx/html: the proxy never sees the certificates, or answers the challenge from an empty directory',
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const issuer of facts.issuers) {
      if (issuer.kind !== 'acme-companion') continue;
      const { project, service } = issuer;
      const proxies = nginxProxyServices(project);
      // another proxy, or none in sight: which one the companion serves is not known
      if (proxies.length !== 1) continue;
      const proxy = proxies[0] as DeployedService;
      const companionMounts = mountsWithVolumesFrom(project, service);
      const proxyMounts = mountsWithVolumesFrom(project, proxy);
      if (!companionMounts || !proxyMounts || [...companionMounts, ...proxyMounts].some((mount) => mount.unknown)) continue;
      const unknownChallenge = !acmeCompanionAnswersHttp01(project);
      const directories = [certificates];
      if (!unknownChallenge) directories.push(challengeFiles);
      if (!unknownChallenge && isTrue(service.compose.environment.ACME_HTTP_CHALLENGE_LOCATION)) directories.push(challengeLocations);
      for (const shared of directories) {
        const written = holdingAt(companionMounts, shared.directory, service.projectDirectory);
        const read = holdingAt(proxyMounts, shared.directory, proxy.projectDirectory);
        if (written.kind === 'shared' && read.kind === 'shared' && written.key === read.key) continue;
        const location: SourceLocation = written.mount?.location ?? service.compose.nameLocation;
        const proxyLocation: SourceLocation = read.mount?.location ?? proxy.compose.nameLocation;
        const advice =
          read.kind === 'shared'
            ? `Mount ${read.written} at \`${shared.directory}\` in \`${service.name}\` too, or give it \`volumes_from: [${proxy.name}]\`.`
            : `Mount one named volume at \`${shared.directory}\` in both services (\`<name>:${shared.directory}\`), or mount it in \`${proxy.name}\` and give \`${service.name}\` \`volumes_from: [${proxy.name}]\`.`;
        findings.push({
          message:
            `acme-companion (service \`${service.name}\`) writes ${shared.holds} to \`${shared.directory}\` and nginx-proxy (service \`${proxy.name}\`) reads them from there, ` +
            `but the two do not share it: ${describe(service, written)}, ${describe(proxy, read)}. So ${shared.breaks}. ${advice}`,
          location,
          related: [{ ...proxyLocation, message: `what \`${proxy.name}\` has at \`${shared.directory}\`` }],
          fixes: [],
        });
      }
    }
    return findings;
  },
};
