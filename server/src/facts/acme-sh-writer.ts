/**
 * An acme.sh run that writes a file an nginx service misses on first boot (found by
 * acme-sh-written-files.ts), and how messages say it. From acme.sh's source
 * (github.com/acmesh-official/acme.sh): the `docker` deploy hook (deploy/docker.sh) copies the
 * files into the containers it finds with `docker ps` or the API's `/containers/json`, which list
 * running containers only.
 */
import type { VolumeMount } from '../languages/compose/model';
import type { DeployedService } from '../model/deployment';
import { describeMount } from '../model/locations';
import type { RelatedLocation } from '../text/findings';
import { runCommandLocation } from './certbot-runs';
import type { AcmeShIssuer } from './certificate-issuers';

/** How acme.sh gets the certificate it writes: by DNS-01, with its own server on the host's port (`--standalone`, `--alpn`), through the site's web server, or unknown. */
export type AcmeShObtaining = 'dns-01' | 'own-server' | 'web-server' | 'unknown';

export interface AcmeShWriter {
  /** The run that writes the file. */
  readonly issuer: AcmeShIssuer;
  /** `install`: a file of `--install-cert`; `home`: acme.sh's own directory; `docker-deploy`: the docker deploy hook's copy. */
  readonly how: 'install' | 'home' | 'docker-deploy';
  /** Where the run stands, for messages: "`setup.sh`", "service `acme`". */
  readonly origin: string;
  /** The mount of acme.sh's container through which the file reaches nginx, when acme.sh runs in another service. */
  readonly mount?: VolumeMount;
  /** The `--issue` runs that obtain the certificate (the writer itself when it issues). */
  readonly obtainedBy: readonly AcmeShIssuer[];
  readonly obtaining: AcmeShObtaining;
}

/** For messages: "acme.sh (`setup.sh`)". */
export function describeAcmeShWriter(writer: AcmeShWriter): string {
  return `acme.sh (${writer.origin})`;
}

/** The mount the file reaches nginx through, for messages: acme.sh's container's, else nginx's own. */
export function acmeShMount(writer: AcmeShWriter, nginxMount: VolumeMount | undefined, projectDirectory: string): string | undefined {
  const mount = writer.mount ?? nginxMount;
  return mount ? describeMount(mount.source, mount.target, projectDirectory) : undefined;
}

/** Why nginx misses the file on first boot while acme.sh writes it, and where the repository says so. */
export function acmeShExplanation(
  writer: AcmeShWriter,
  nginx: DeployedService,
  nginxMount: VolumeMount | undefined,
): { text: string; related: RelatedLocation[] } {
  const related: RelatedLocation[] = [];
  if (writer.mount) related.push({ ...writer.mount.location, message: 'acme.sh writes the certificate through this mount' });
  if (writer.how === 'docker-deploy') {
    related.push({ ...runCommandLocation(writer.issuer.run), message: "acme.sh's docker deploy hook copies the certificate here" });
    return {
      text: `acme.sh's docker deploy hook (${writer.origin}) copies it into the container of service \`${nginx.name}\` only while that container runs, and nginx does not run without it`,
      related,
    };
  }
  const where = new Set<string>();
  for (const run of [writer.issuer, ...writer.obtainedBy]) {
    const location = runCommandLocation(run.run);
    const key = `${location.file}:${location.range.start.line}:${location.range.start.character}`;
    if (where.has(key)) continue;
    where.add(key);
    const installs = run === writer.issuer && writer.how === 'install';
    const message = !installs
      ? 'acme.sh obtains the certificate here'
      : run.action === '--issue'
        ? 'acme.sh obtains and installs the certificate here'
        : 'acme.sh installs the certificate here';
    related.push({ ...location, message });
  }
  const mount = acmeShMount(writer, nginxMount, nginx.projectDirectory);
  const through = mount ? ` through ${mount}` : '';
  const port = writer.obtaining === 'web-server' ? ', and acme.sh can only get it once nginx answers on port 80' : '';
  return { text: `it is created later by ${describeAcmeShWriter(writer)}${through}${port}`, related };
}

/**
 * acme.sh runs `--issue` once and exits: the command of a service of its own (its image's entrypoint
 * is acme.sh), which no restart policy brings back. A service that waits for it with
 * `condition: service_completed_successfully` then starts once it has exited 0.
 */
export function acmeShRunsOnce(writer: AcmeShWriter): DeployedService | undefined {
  const { run } = writer.issuer;
  if (run.origin.kind !== 'service' || writer.issuer.action !== '--issue' || writer.issuer.renewal.kind !== 'once') return undefined;
  const restart = run.origin.service.compose.restart?.policy;
  return restart === undefined || restart === 'no' ? run.origin.service : undefined;
}
