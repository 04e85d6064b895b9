/**
 * The acme.sh run that writes a file an nginx service misses on first boot, and whether acme.sh
 * needs that nginx to get it. From acme.sh's source (github.com/acmesh-official/acme.sh):
 * - acme.sh `installcert()`: `--install-cert` (and `--issue` given the same options) copies the
 *   certificate to `--cert-file`, `--key-file`, `--ca-file` and `--fullchain-file` once it holds it;
 * - acme.sh `_initpath()`: `--issue` keeps it in `<cert home>/<first domain>/` — `<domain>_ecc/`
 *   for an ECC key (`--keylength ec-256`, the default since 3.0.6), `<domain>/` for an RSA one —
 *   as `<domain>.cer`, `<domain>.key`, `ca.cer` and `fullchain.cer`;
 * - deploy/docker.sh: the `docker` deploy hook finds the containers labelled
 *   DEPLOY_DOCKER_CONTAINER_LABEL with `docker ps` or the API's `/containers/json`, which list
 *   running containers only, and copies the files into them (through `docker exec`) at
 *   DEPLOY_DOCKER_CONTAINER_KEY_FILE, _CERT_FILE, _CA_FILE and _FULLCHAIN_FILE;
 * - the validation modes: `-w` (webroot), `--nginx`, `--apache` and `--stateless` are answered by
 *   the site's web server; `--dns` by the DNS; `--standalone` and `--alpn` by acme.sh's own server.
 */
import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import type { AcmeShValidation } from '../languages/shell/acme-sh-invocation';
import { containerLaunch } from '../languages/shell/container-launch';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import { containerPathOf, type StorageOrigin } from './acme-challenge';
import type { AcmeShObtaining, AcmeShWriter } from './acme-sh-writer';
import { describeRunOrigin } from './certbot-runs';
import { type AcmeShIssuer, serviceLabels } from './certificate-issuers';
import { installsAt, nginxStorage, storagesOfPath } from './issued-files';

function mainDomain(issuer: AcmeShIssuer): string | undefined {
  const name = issuer.invocation.domains[0]?.name;
  return name?.literal && !/[$`]/.test(name.value) ? name.value : undefined;
}

function modeOf(validation: AcmeShValidation): AcmeShObtaining {
  if (validation.kind === 'dns' || validation.kind === 'dns-persist') return 'dns-01';
  return validation.kind === 'standalone' || validation.kind === 'alpn' ? 'own-server' : 'web-server';
}

/** How the runs get the certificate: through the web server if one of them does, else by DNS-01 if all do, else with acme.sh's own server. */
function obtainingOf(runs: readonly AcmeShIssuer[]): AcmeShObtaining {
  const modes = runs.map((run) => (run.invocation.validations.length > 0 ? run.invocation.validations.map(modeOf) : ['unknown' as const]));
  const all = modes.flat();
  if (all.length === 0 || all.includes('unknown')) return 'unknown';
  if (all.includes('web-server')) return 'web-server';
  return all.every((mode) => mode === 'dns-01') ? 'dns-01' : 'own-server';
}

/** The `--issue` runs that obtain what `writer` writes: itself when it issues, else those of the same first domain. */
function obtainingRuns(issuers: readonly AcmeShIssuer[], writer: AcmeShIssuer): AcmeShIssuer[] {
  if (writer.action === '--issue') return [writer];
  const domain = mainDomain(writer);
  return domain === undefined ? [] : issuers.filter((issuer) => issuer.action === '--issue' && mainDomain(issuer) === domain);
}

/** The mount of `service` that shows a stored path. */
function mountShowing(service: DeployedService, storage: StorageOrigin): VolumeMount | undefined {
  return service.compose.volumes.find(
    (mount) =>
      mount.target !== undefined &&
      mount.source !== undefined &&
      ((storage.kind === 'host' && mount.type === 'bind' && (storage.path === mount.source || storage.path.startsWith(`${mount.source}/`))) ||
        (storage.kind === 'volume' && mount.type === 'volume' && mount.source === storage.name)),
  );
}

/** The directory names acme.sh keeps a certificate of `domain` in: `<domain>_ecc` for an ECC key, `<domain>` for RSA; either when the key is acme.sh's default. */
function domainDirectories(issuer: AcmeShIssuer, domain: string): string[] {
  const keyLength = [...issuer.invocation.options].reverse().find((option) => option.name === '--keylength')?.value;
  if (keyLength?.literal && keyLength.value.startsWith('ec-')) return [`${domain}_ecc`];
  if (keyLength?.literal && /^\d+$/.test(keyLength.value)) return [domain];
  return [domain, `${domain}_ecc`];
}

/** The homes `~/.acme.sh` stands for in a container: root's, or that of the user under /home the path lies in. */
function homesInContainer(home: string, path: string): string[] {
  if (!home.startsWith('~/')) return [home];
  const user = /^\/home\/[^/]+\//.exec(path)?.[0];
  return [posix.join('/root', home.slice(2)), ...(user ? [posix.join(user, home.slice(2))] : [])];
}

/** Whether `path` is one of the files `--issue` keeps in acme.sh's own directory, when that lies at `home`. */
function inHome(issuer: AcmeShIssuer, home: string, path: string): boolean {
  const domain = mainDomain(issuer);
  if (issuer.action !== '--issue' || domain === undefined) return false;
  const relative = posix.relative(home, posix.normalize(path));
  const [directory, file, ...rest] = relative.split('/');
  return (
    rest.length === 0 &&
    directory !== undefined &&
    domainDirectories(issuer, domain).includes(directory) &&
    [`${domain}.cer`, `${domain}.key`, 'ca.cer', 'fullchain.cer'].includes(file ?? '')
  );
}

/** Whether acme.sh's own directory holds nginx's stored file, as the place acme.sh runs in sees it, and through which mount of its container. */
function homeWrites(issuer: AcmeShIssuer, nginx: DeployedService, path: string, storage: StorageOrigin): { mount?: VolumeMount } | undefined {
  const home = issuer.certificateHome;
  const place = issuer.runsIn;
  if (home === undefined) return undefined;
  if (place.kind === 'service') {
    const seen = place.service === nginx ? path : containerPathOf(place.service, storage);
    if (seen === undefined || !homesInContainer(home, seen).some((root) => inHome(issuer, root, seen))) return undefined;
    const mount = place.service === nginx ? undefined : mountShowing(place.service, storage);
    return mount ? { mount } : {};
  }
  // on the host, `~` is a home certboot cannot see
  if (place.kind !== 'host' || storage.kind !== 'host' || home.startsWith('~')) return undefined;
  return storagesOfPath(issuer, home).some((root) => root.kind === 'host' && inHome(issuer, root.path, storage.path)) ? {} : undefined;
}

/** The value of each `-e NAME=value` / `--env NAME=value` of a `docker exec`, `docker compose exec|run` launch. */
function launchEnvironment(issuer: AcmeShIssuer): Map<string, string | undefined> {
  const command = issuer.invocation.command;
  const launch = containerLaunch(command.name ? [command.name, ...command.arguments] : [...command.arguments]);
  const environment = new Map<string, string | undefined>();
  (launch?.options ?? []).forEach((option, index) => {
    const next = launch?.options[index + 1];
    const assignment =
      option.value === '-e' || option.value === '--env'
        ? next
        : option.value.startsWith('--env=')
          ? { ...option, value: option.value.slice('--env='.length) }
          : undefined;
    if (!assignment) return;
    const equals = assignment.value.indexOf('=');
    // `-e NAME` passes the caller's value, which the repository does not know
    if (equals < 0) environment.set(assignment.value, undefined);
    else environment.set(assignment.value.slice(0, equals), assignment.literal ? assignment.value.slice(equals + 1) : undefined);
  });
  return environment;
}

const dockerDeployFiles = [
  'DEPLOY_DOCKER_CONTAINER_KEY_FILE',
  'DEPLOY_DOCKER_CONTAINER_CERT_FILE',
  'DEPLOY_DOCKER_CONTAINER_CA_FILE',
  'DEPLOY_DOCKER_CONTAINER_FULLCHAIN_FILE',
];

/** Whether the run's docker deploy hook copies a file to `path` in the container of service `nginx` (its label, its path). */
function dockerDeployWrites(issuer: AcmeShIssuer, project: DeployedProject, nginx: DeployedService, path: string): boolean {
  const hooks = issuer.invocation.options.filter((option) => option.name === '--deploy-hook').flatMap((option) => option.value?.value.split(',') ?? []);
  if (!hooks.includes('docker')) return false;
  const fromLaunch = launchEnvironment(issuer);
  const service = issuer.runsIn.kind === 'service' ? issuer.runsIn.service : undefined;
  const valueOf = (name: string): string | undefined => (fromLaunch.has(name) ? fromLaunch.get(name) : service?.compose.environment[name]);
  const label = valueOf('DEPLOY_DOCKER_CONTAINER_LABEL');
  const labels = serviceLabels(project.compose, nginx.name);
  if (label === undefined || labels === undefined) return false;
  const equals = label.indexOf('=');
  const labelled = equals < 0 ? labels.has(label) : labels.get(label.slice(0, equals)) === label.slice(equals + 1);
  return labelled && dockerDeployFiles.some((name) => valueOf(name) !== undefined && posix.normalize(valueOf(name) as string) === posix.normalize(path));
}

/**
 * The acme.sh run that writes `path`, which nginx service `nginx` misses on first boot: a file it
 * installs, one of its own directory (through a mount both share, or in nginx's own container),
 * or a copy of its docker deploy hook; in that order, as the hook needs nginx running.
 */
export function acmeShWriterOf(
  deployment: Deployment,
  issuers: readonly AcmeShIssuer[],
  project: DeployedProject,
  nginx: DeployedService,
  path: string,
): AcmeShWriter | undefined {
  if (issuers.length === 0) return undefined;
  const writer = (issuer: AcmeShIssuer, how: AcmeShWriter['how'], mount: VolumeMount | undefined): AcmeShWriter => {
    const obtainedBy = obtainingRuns(issuers, issuer);
    return {
      issuer,
      how,
      origin: describeRunOrigin(issuer.run, deployment.workspaceRoot),
      ...(mount ? { mount } : {}),
      obtainedBy,
      obtaining: obtainingOf(obtainedBy),
    };
  };
  const [installed] = installsAt(issuers, nginx, path);
  if (installed) {
    const place = installed.issuer.runsIn;
    return writer(
      installed.issuer,
      'install',
      place.kind === 'service' && place.service !== nginx ? mountShowing(place.service, installed.storage) : undefined,
    );
  }
  const storage = nginxStorage(nginx, path);
  for (const issuer of issuers) {
    const home = homeWrites(issuer, nginx, path, storage);
    if (home) return writer(issuer, 'home', home.mount);
  }
  const deploying = issuers.find((issuer) => dockerDeployWrites(issuer, project, nginx, path));
  return deploying && writer(deploying, 'docker-deploy', undefined);
}
