import { posix } from 'node:path';
import type { ComposeDocument, VolumeMount } from '../languages/compose/model';
import { storageOf, type StorageOrigin } from '../facts/acme-challenge';
import { isWithin } from '../model/container-view';
import { certbotConfigDirectory, type DeployedProject, type DeployedService, type Deployment } from '../model/deployment';
import { frontNginx } from '../facts/acme-challenge';

export interface BootstrapOptions {
  /** The names of the one certificate; the first names its lineage. */
  readonly domains: readonly string[];
  readonly email: string;
  /** Request the certificate from Let's Encrypt's staging server (browsers reject it). */
  readonly staging: boolean;
  /** The compose project to bootstrap when the workspace holds several. */
  readonly projectDirectory?: string;
}

/** The deployment cannot be bootstrapped as it stands; the message says why and what to change. */
export class BootstrapError extends Error {}

/** Where a directory shared by nginx and certbot is stored: a host directory or a named volume. */
export type SharedStorage = { readonly kind: 'bind'; readonly hostPath: string } | { readonly kind: 'volume'; readonly name: string };

export interface SharedDirectory {
  readonly storage: SharedStorage;
  /** The mount source as compose spells it: `./certbot/conf`, or the volume name. */
  readonly composeSource: string;
  /** Where certbot sees it. */
  readonly certbotPath: string;
  /** Where nginx sees it (through an existing mount, else the mount the generator adds). */
  readonly nginxPath: string;
}

export interface BootstrapLayout {
  readonly project: DeployedProject;
  readonly nginx: DeployedService;
  /** The certbot service that issues once; undefined when the generator adds it. */
  readonly issuer?: DeployedService;
  /** The certbot service that renews in a loop; undefined when the generator adds it. */
  readonly renewer?: DeployedService;
  readonly issuerName: string;
  readonly renewerName: string;
  readonly certbotImage: string;
  readonly lineage: string;
  readonly domains: readonly string[];
  readonly email: string;
  readonly staging: boolean;
  readonly certificates: SharedDirectory;
  readonly webroot: SharedDirectory;
  /** Host directories of stage 2: the HTTPS configuration, and the links that enable it. */
  readonly availableDirectory: string;
  readonly enabledDirectory: string;
  /** Where nginx sees them. */
  readonly availableContainerPath: string;
  readonly enabledContainerPath: string;
  /** certbot's deploy hook (host path, and where the certbot containers see it): links stage 2 and asks nginx to reload. */
  readonly hookDirectory: string;
  readonly hookContainerDirectory: string;
  readonly hookPath: string;
  readonly hookContainerPath: string;
  /** The start script of the official nginx image that reloads nginx when the hook asks (host path, and its mount target). */
  readonly reloadScriptPath: string;
  readonly reloadScriptContainerPath: string;
  readonly scriptPath: string;
  /** The compose file new services go into. */
  readonly mainComposeFile: ComposeDocument;
}

export const defaultCertbotImage = 'certbot/certbot';
const defaultWebrootPath = '/var/www/certbot';
export const issuingProfile = 'issue';
const hookContainerDirectory = '/hooks';
const hookFileName = 'enable-https.sh';
/** The official image's entrypoint runs /docker-entrypoint.d/*.sh in order; 40 comes after its own 10–30. */
const reloadScriptFileName = '40-reload-on-certificate.sh';
export const startScriptDirectory = '/docker-entrypoint.d';
export const initScriptFileName = 'init-certificates.sh';

/** A path of the project as compose and the docs spell it: `./nginx/conf.d`. */
export function projectRelative(projectDirectory: string, path: string): string {
  return isWithin(path, projectDirectory) ? `./${posix.relative(projectDirectory, path)}`.replace(/\/$/, '') : path;
}

function chooseProject(deployment: Deployment, projectDirectory: string | undefined): DeployedProject {
  const candidates = deployment.projects.filter((project) => project.compose.documents.length > 0 && project.services.some((service) => service.nginx));
  if (projectDirectory !== undefined) {
    const chosen = candidates.find((project) => posix.resolve(project.compose.directory) === posix.resolve(projectDirectory));
    if (!chosen) throw new BootstrapError(`no compose project with an nginx service in ${projectDirectory}`);
    return chosen;
  }
  if (candidates.length === 0) throw new BootstrapError('no compose project with an nginx service was found');
  if (candidates.length > 1) {
    throw new BootstrapError(`several compose projects run nginx (${candidates.map((project) => project.compose.directory).join(', ')}): name one`);
  }
  return candidates[0] as DeployedProject;
}

function isRenewalLoop(service: DeployedService): boolean {
  return (service.certbot?.invocations ?? []).some(
    (invocation) => invocation.subcommand === 'renew' && invocation.dryRun === undefined && invocation.command.loops.length > 0,
  );
}

function storageFromOrigin(origin: StorageOrigin): SharedStorage | undefined {
  if (origin.kind === 'host') return { kind: 'bind', hostPath: origin.path };
  if (origin.kind === 'volume' && origin.relativePath === '') return { kind: 'volume', name: origin.name };
  return undefined;
}

function composeSourceOf(project: DeployedProject, storage: SharedStorage): string {
  return storage.kind === 'volume' ? storage.name : projectRelative(project.compose.directory, storage.hostPath);
}

/** Where a service sees a stored directory through its mounts: the mount's target, or a path below it. */
export function pathInService(service: DeployedService, storage: SharedStorage): string | undefined {
  for (const mount of service.compose.volumes) {
    if (mount.target === undefined || mount.source === undefined) continue;
    if (storage.kind === 'bind' && mount.type === 'bind' && isWithin(storage.hostPath, mount.source))
      return posix.join(mount.target, posix.relative(mount.source, storage.hostPath));
    if (storage.kind === 'volume' && mount.type === 'volume' && mount.source === storage.name) return mount.target;
  }
  return undefined;
}

function mountAt(service: DeployedService | undefined, target: string): VolumeMount | undefined {
  return service?.compose.volumes.find((mount) => mount.target !== undefined && posix.normalize(mount.target) === target);
}

function storageOfMount(mount: VolumeMount | undefined): SharedStorage | undefined {
  if (mount?.source === undefined) return undefined;
  if (mount.type === 'bind') return { kind: 'bind', hostPath: mount.source };
  if (mount.type === 'volume') return { kind: 'volume', name: mount.source };
  return undefined;
}

function certificateStorage(project: DeployedProject, nginx: DeployedService, certbots: readonly DeployedService[]): SharedStorage {
  for (const certbot of certbots) {
    const storage = storageOfMount(mountAt(certbot, certbotConfigDirectory));
    if (storage) return storage;
  }
  return storageOfMount(mountAt(nginx, certbotConfigDirectory)) ?? { kind: 'bind', hostPath: posix.join(project.compose.directory, 'certbot', 'conf') };
}

/** certbot's `-w` and where it is stored, from the issuing service's own command. */
function webrootOfIssuer(issuer: DeployedService | undefined): { path: string; storage: SharedStorage } | undefined {
  for (const invocation of issuer?.certbot?.invocations ?? []) {
    const word = invocation.webrootPaths[0];
    if (!issuer || !word?.literal || !word.value.startsWith('/')) continue;
    const storage = storageFromOrigin(storageOf(issuer, word.value, true));
    if (storage) return { path: posix.normalize(word.value), storage };
  }
  return undefined;
}

function freeName(project: DeployedProject, preferred: readonly string[]): string {
  const taken = new Set(project.services.map((service) => service.name));
  const name = preferred.find((candidate) => !taken.has(candidate));
  if (name !== undefined) return name;
  for (let index = 2; ; index++) if (!taken.has(`${preferred[0]}-${index}`)) return `${preferred[0]}-${index}`;
}

/**
 * The stage-2 directories: beside nginx's configuration in the repository. When a mount already
 * shows /etc/nginx/https-available (`./nginx:/etc/nginx`), that host directory is used as is.
 */
function stageDirectories(nginx: DeployedService, project: DeployedProject, firstFile: string | undefined): { available: string; enabled: string } {
  const shown = nginx.view.origin('/etc/nginx/https-available');
  const shownEnabled = nginx.view.origin('/etc/nginx/https-enabled');
  if (shown.kind === 'bind' && shownEnabled.kind === 'bind') return { available: shown.hostPath, enabled: shownEnabled.hostPath };
  let base = project.compose.directory;
  if (firstFile !== undefined) {
    const directoryMount = nginx.compose.volumes.find(
      (mount) => mount.type === 'bind' && mount.source !== undefined && mount.source !== firstFile && isWithin(firstFile, mount.source),
    );
    base = directoryMount?.source !== undefined ? posix.dirname(directoryMount.source) : posix.dirname(firstFile);
  }
  return { available: posix.join(base, 'https-available'), enabled: posix.join(base, 'https-enabled') };
}

/** The nginx start script goes beside stage 2 (`nginx/entrypoint.d/`), or in `nginx-entrypoint.d/` when that is the project's top. */
function reloadScriptDirectory(project: DeployedProject, availableDirectory: string): string {
  const base = posix.dirname(availableDirectory);
  const directory = posix.resolve(base) === posix.resolve(project.compose.directory) ? 'nginx-entrypoint.d' : 'entrypoint.d';
  return posix.join(base, directory);
}

/**
 * The name a generated script takes in a directory of the project: its own, unless a file of
 * that name is there that bootstrap did not write, which is left alone.
 */
export type ScriptName = (directory: string, name: string) => string;

/**
 * Decides every name and path the generated files use, from the model: which services issue
 * and renew, which directories nginx and certbot share, and where stage 2 lives.
 * `firstServerFile` is the host file of the first HTTPS server that moves to stage 2.
 */
export function planLayout(
  deployment: Deployment,
  options: BootstrapOptions,
  firstServerFile: (project: DeployedProject, nginx: DeployedService) => string | undefined,
  scriptName: ScriptName,
): BootstrapLayout {
  const project = chooseProject(deployment, options.projectDirectory);
  const nginx = frontNginx(project);
  if (!nginx?.nginx) throw new BootstrapError(`compose project ${project.compose.directory} runs several nginx services and none alone publishes port 80`);
  if (nginx.nginx.imageKind !== 'official' && nginx.nginx.imageKind !== 'derived') {
    throw new BootstrapError(`service \`${nginx.name}\` does not run the official nginx image (or one built from it); only that image's entrypoint is known`);
  }
  if (!nginx.nginx.configuration) throw new BootstrapError(`the configuration of service \`${nginx.name}\` cannot be read from the repository`);
  const certbots = project.services.filter((service) => service.certbot);
  const renewer = certbots.find(isRenewalLoop);
  const issuer = certbots.find((service) => service !== renewer);
  const [lineageDomain] = options.domains;
  if (lineageDomain === undefined) throw new BootstrapError('no domain to request a certificate for');
  const certificateStore = certificateStorage(project, nginx, certbots);
  const certificates: SharedDirectory = {
    storage: certificateStore,
    composeSource: composeSourceOf(project, certificateStore),
    certbotPath: certbotConfigDirectory,
    nginxPath: pathInService(nginx, certificateStore) ?? certbotConfigDirectory,
  };
  const issuerWebroot = webrootOfIssuer(issuer);
  const webrootStore = issuerWebroot?.storage ?? { kind: 'bind', hostPath: posix.join(project.compose.directory, 'certbot', 'www') };
  const certbotWebroot = issuerWebroot?.path ?? defaultWebrootPath;
  const webroot: SharedDirectory = {
    storage: webrootStore,
    composeSource: composeSourceOf(project, webrootStore),
    certbotPath: certbotWebroot,
    nginxPath: pathInService(nginx, webrootStore) ?? certbotWebroot,
  };
  const directories = stageDirectories(nginx, project, firstServerFile(project, nginx));
  const mainFile = project.compose.documents[0] as ComposeDocument;
  const hookDirectory = posix.join(project.compose.directory, 'certbot', 'hooks');
  const hookName = scriptName(hookDirectory, hookFileName);
  const reloadDirectory = reloadScriptDirectory(project, directories.available);
  const reloadName = scriptName(reloadDirectory, reloadScriptFileName);
  const scriptDirectory = posix.join(project.compose.directory, 'scripts');
  return {
    project,
    nginx,
    ...(issuer ? { issuer } : {}),
    ...(renewer ? { renewer } : {}),
    issuerName: issuer?.name ?? freeName(project, ['certbot', 'certbot-issue']),
    renewerName: renewer?.name ?? freeName(project, ['certbot-renew']),
    certbotImage: issuer?.compose.image?.value ?? renewer?.compose.image?.value ?? defaultCertbotImage,
    lineage: lineageDomain,
    domains: options.domains,
    email: options.email,
    staging: options.staging,
    certificates,
    webroot,
    availableDirectory: directories.available,
    enabledDirectory: directories.enabled,
    availableContainerPath: '/etc/nginx/https-available',
    enabledContainerPath: '/etc/nginx/https-enabled',
    hookDirectory,
    hookContainerDirectory,
    hookPath: posix.join(hookDirectory, hookName),
    hookContainerPath: posix.join(hookContainerDirectory, hookName),
    reloadScriptPath: posix.join(reloadDirectory, reloadName),
    reloadScriptContainerPath: posix.join(startScriptDirectory, reloadName),
    scriptPath: posix.join(scriptDirectory, scriptName(scriptDirectory, initScriptFileName)),
    mainComposeFile: mainFile,
  };
}
