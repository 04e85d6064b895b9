import type { AnalysisCache, ReadScript } from '../inventory/analysis-cache';
import type { Inventory } from '../inventory/inventory';
import { posix } from 'node:path';
import { type ComposeOverlay, loadComposeProject, overlayIncluding } from '../languages/compose/index';
import type { ComposeProject, ComposeService, VolumeMount } from '../languages/compose/model';
import type { SourceLocation } from '../text/source-location';
import { loadNginxConfiguration, type NginxConfiguration } from '../languages/nginx/configuration';
import { expandGlob, hasGlobMagic, segmentExpression } from '../languages/nginx/glob';
import { findCertbotInvocations, readCertbotArguments, type CertbotInvocation } from '../languages/shell/certbot-invocation';
import { parseComposeCommand, type ComposeCommand } from '../languages/shell/compose-command';
import { findDummyCertificates, type DummyCertificateScript } from '../languages/shell/dummy-certificate-script';
import { initializeShellParser, parseShell } from '../languages/shell/shell-parser';
import { isShellProgram, pathsWrittenByScript, scriptPath, scriptsRunBy } from '../languages/shell/written-paths';
import type { ShellScript } from '../languages/shell/shell-script';
import type { FileSystem } from '../workspace/file-system';
import { FreshClone } from '../workspace/fresh-clone';
import { RecordingFileSystem } from '../workspace/recording-file-system';
import { loadInfrastructure, type Infrastructure } from './infrastructure/infrastructure';
import { describeIgnoreRule } from '../workspace/git-ignore';
import { hostNginxPackageFiles } from './host-nginx-package';
import {
  ContainerView,
  type HostPathInfo,
  type HostPathState,
  type ImageCopy,
  type ImageFiles,
  isWithin,
  type LaterWriter,
  type PathOrigin,
} from './container-view';
import { RenderedTemplate } from './rendered-template';
import { type DockerfileSummary, summarizeDockerfile } from '../languages/dockerfile/dockerfile';
import { isCertbotImage, nginxImageKind, type NginxImageKind } from './image-kinds';
import {
  entrypointScriptDirectory,
  officialNginxFiles,
  officialNginxKnownDirectories,
  templateDirectory,
  templateOutputDirectory,
  templateSuffix,
} from './official-nginx-image';
import { defaultNginxPrefix } from './nginx-paths';
import { officialImageRendersTemplates } from '../languages/nginx/nginx-builds';
import { dockerfileNginxBuild, hostNginxBuild, imageNginxBuild, type ServiceNginxBuild } from './service-nginx-build';
import { isKnownOpenrestyFlavour, openrestyFiles, openrestyKnownDirectories, openrestyMainConfigurationPath, openrestyPrefix } from './openresty-image';

/** certbot's own directory for accounts, renewal settings and certificates. */
export const certbotConfigDirectory = '/etc/letsencrypt';

export interface NginxService {
  /**
   * 'derived': built FROM an nginx image; files its Dockerfile copies are unknown. 'host': no
   * container at all — an nginx.conf of the repository that no compose service loads, read as
   * the /etc/nginx of a server whose other files certboot cannot see.
   */
  readonly imageKind: NginxImageKind | 'derived' | 'host';
  /** The configuration nginx loads at start, read through the container's first-boot view. */
  readonly configuration?: NginxConfiguration;
  readonly mainConfigurationPath: string;
  /** nginx's prefix (`-p`), which relative `root` and `alias` paths are read from. */
  readonly prefix: string;
  /**
   * The official image renders /etc/nginx/templates only when the command still starts with nginx,
   * and only from nginx 1.18 on (officialImageRendersTemplates).
   */
  readonly rendersTemplates: boolean;
  /** The nginx release and modules the service runs; undefined when certboot does not know its image. */
  readonly build?: ServiceNginxBuild;
}

export interface CertbotService {
  readonly invocations: readonly CertbotInvocation[];
}

export interface DeployedService {
  readonly name: string;
  readonly compose: ComposeService;
  readonly projectDirectory: string;
  readonly view: ContainerView;
  readonly command?: ComposeCommand;
  readonly nginx?: NginxService;
  readonly certbot?: CertbotService;
  /**
   * The repository's files and directories (host paths) the Dockerfile of the service's build
   * copies into its image (COPY, ADD of a local path): a script among them runs in its container.
   */
  readonly copiedIntoImage?: readonly string[];
  /** For nginx of an image certboot knows: the scripts its container runs at start, before nginx (startScriptsOf). */
  readonly startScripts?: readonly StartScript[];
}

/** A script a container runs at start: its text, and its path in the container, or for an `sh -c` body the file it is written in. */
export interface StartScript {
  readonly text: string;
  readonly containerPath?: string;
  /** An `sh -c` body: of compose's `command:`/`entrypoint:`, or of the Dockerfile's CMD/ENTRYPOINT. */
  readonly body?: 'compose' | 'dockerfile';
}

export interface DeployedProject {
  readonly compose: ComposeProject;
  readonly services: readonly DeployedService[];
  /**
   * For a project whose file an overlay beside another main file includes (and which uses a
   * volume it does not declare): the overlay, and the volumes its base declares.
   */
  readonly overlay?: ComposeOverlay & { readonly baseVolumes: readonly string[] };
}

export interface RepositoryScript {
  readonly path: string;
  /** The root of the repository that holds it (else the workspace root): where scripts are usually run from. */
  readonly repositoryRoot: string;
  readonly text: string;
  readonly script: ShellScript;
  readonly certbotInvocations: readonly CertbotInvocation[];
  readonly dummyCertificates?: DummyCertificateScript;
}

/**
 * Which compose projects run on one Docker host, as `certboot.json` says it (`"hosts"`): all of
 * them, or groups of projects named by their directory (relative to `baseDirectory`) or their
 * compose project name. Projects in no common group run apart.
 */
export interface SharedHosts {
  readonly all: boolean;
  readonly groups: readonly (readonly string[])[];
  /** Where certboot.json is: project directories in `groups` are relative to it. */
  readonly baseDirectory: string;
}

export interface Deployment {
  readonly workspaceRoot: string;
  /** certboot.json's `"hosts"`; undefined when it says nothing. */
  readonly sharedHosts?: SharedHosts;
  /** Compose projects, then one project per standalone nginx.conf (see NginxService.imageKind 'host'). */
  readonly projects: readonly DeployedProject[];
  readonly scripts: readonly RepositoryScript[];
  /** Terraform modules and CloudFormation templates of the workspace (the ACM rules read them). */
  readonly infrastructure: Infrastructure;
}

export interface DeploymentOptions {
  /** Variables for compose interpolation; `.env` files are read regardless. */
  readonly environment?: Record<string, string>;
  /** Whether a host path exists on a fresh server; default: in a fresh clone of its repository. */
  readonly hostPathState?: HostPathState;
  /** What earlier analyses of the same root parsed (the language server's); none by default. */
  readonly cache?: AnalysisCache;
  /** certboot.json's `"hosts"`: which projects share a Docker host. */
  readonly sharedHosts?: SharedHosts;
}

function imageOf(service: ComposeService): string | undefined {
  return service.image?.value;
}

interface NginxImage {
  readonly kind: NginxImageKind | 'derived';
  /** Paths a derived image's Dockerfile writes that certboot cannot read (RUN steps, copies from other images). */
  readonly copiedPaths: readonly string[];
  /** CMD, ENTRYPOINT and WORKDIR the service's Dockerfile sets (see DockerfileSummary). */
  readonly dockerfileCommand?: { readonly command?: readonly string[]; readonly entrypoint?: readonly string[]; readonly workingDirectory?: string };
  /** What the Dockerfile copies from the build context, for an image built FROM the official one. */
  readonly copies?: DerivedImageCopies;
  /** Built FROM the image by a Dockerfile of the repository. */
  readonly derived: boolean;
  /** The image reference, when it is known and names the image itself (not a derived one). */
  readonly reference?: string;
  /** The nginx release and modules, when certboot knows the image (or the image a Dockerfile is built FROM). */
  readonly build?: ServiceNginxBuild;
  /** An official image whose tag names a release before 1.18: its entrypoint renders no template (officialImageRendersTemplates). */
  readonly beforeTemplates?: boolean;
}

/** Whether compose's `image:` is written with a variable (`nginx:${NGINX_TAG:-1.27}`): the deployment may set another. */
function writtenWithVariable(inventory: Inventory, location: SourceLocation): boolean {
  return inventory.textAt(location)?.includes('$') ?? true;
}

interface DerivedImageCopies {
  readonly copies: readonly ImageCopy[];
  /** Directories whose listing is known: the image's own and those only copies fill, less those a RUN step names. */
  readonly knownDirectories: ReadonlySet<string>;
  /** Paths RUN steps name and destinations of copies certboot cannot follow: unknown. */
  readonly unknown: readonly string[];
}

/** Directories the official image has nothing in (its /etc/nginx holds nginx.conf, conf.d, the parameter files, modules). */
function emptyInOfficialImage(directory: string): boolean {
  return (
    isWithin(directory, '/etc/nginx') &&
    directory !== '/etc/nginx' &&
    !isWithin(directory, '/etc/nginx/modules') &&
    !officialNginxKnownDirectories.has(directory)
  );
}

/**
 * A COPY source with a wildcard in its last name (`./nginx/*`, `conf.d/*.conf`) as the paths it
 * matches, as docker matches them (Go's filepath.Match: `*`, `?` and `[…]` within one name, dot
 * files included, unlike nginx's include); unchanged when it has none, or a wildcard in a
 * directory name, or matches nothing (the build then fails: unknown).
 */
function expandedCopySource(inventory: Inventory, source: string): string[] {
  const name = posix.basename(source);
  const directory = posix.dirname(source);
  if (!hasGlobMagic(name) || hasGlobMagic(directory)) return [source];
  let names: string[];
  try {
    names = inventory.fileSystem.readDirectory(directory);
  } catch {
    return [source];
  }
  const pattern = segmentExpression(name);
  const matched = names.filter((each) => pattern.test(each)).map((each) => posix.join(directory, each));
  return matched.length > 0 ? matched : [source];
}

/**
 * The files a Dockerfile built FROM the official image copies from its build context (docker's
 * COPY rules: a destination ending in `/`, several sources or an existing directory takes the
 * file by its name; a directory's content is copied into the destination). A copy from another
 * stage or image, a glob with a wildcard in a directory name or that matches nothing, an archive
 * or URL of ADD, or a source outside the context is unknown;
 * so is whatever a RUN step names, from that step on.
 */
function copiesFromContext(inventory: Inventory, context: string, dockerfile: string, summary: DockerfileSummary): DerivedImageCopies {
  const copies: ImageCopy[] = [];
  const unknown = summary.runPaths.map((run) => run.path);
  const directories = new Set(officialNginxKnownDirectories);
  const isDirectory = (path: string, step: number): boolean =>
    directories.has(path) || summary.runPaths.some((run) => run.step < step && run.path === path) || path === '/' || path === '/etc/nginx';
  for (const copy of summary.copies) {
    const destination = posix.resolve('/', copy.destination);
    const sources = copy.sources.flatMap((source) => expandedCopySource(inventory, posix.join(context, source)));
    const readable = sources.map((source) => (isWithin(source, context) && !/[*?[]/.test(source) ? inventory.fileSystem.stat(source) : undefined));
    if (copy.fromOtherImage || copy.transformed || readable.some((stat) => stat === undefined)) {
      unknown.push(destination);
      continue;
    }
    const changedBelow = summary.runPaths.filter((run) => run.step > copy.step).map((run) => run.path);
    const into = copy.destination.endsWith('/') || sources.length > 1 || isDirectory(destination, copy.step);
    for (const [index, source] of sources.entries()) {
      const directory = readable[index]?.kind === 'directory';
      const target = directory || !into ? destination : posix.join(destination, posix.basename(source));
      const location = { file: dockerfile, range: copy.range };
      copies.push({ mount: { type: 'bind', source, target, readOnly: true, unknown: false, location }, directory, changedBelow });
      for (let parent = directory ? target : posix.dirname(target); parent !== '/'; parent = posix.dirname(parent)) directories.add(parent);
    }
  }
  const knownDirectories = new Set(
    [...directories].filter(
      (directory) =>
        (officialNginxKnownDirectories.has(directory) || emptyInOfficialImage(directory)) &&
        !summary.runPaths.some((run) => isWithin(run.path, directory) || isWithin(directory, run.path)),
    ),
  );
  return { copies, knownDirectories, unknown };
}

function nginxImageOf(inventory: Inventory, service: ComposeService): NginxImage | undefined {
  const image = imageOf(service);
  const build = service.build;
  if (build?.context.value?.startsWith('/')) {
    const dockerfile = posix.resolve(build.context.value, build.dockerfile?.value ?? 'Dockerfile');
    const text = inventory.text(dockerfile);
    if (text !== undefined) {
      const summary = summarizeDockerfile(text);
      const base = summary.baseImage === undefined ? undefined : nginxImageKind(summary.baseImage);
      const nginxBuild = base === 'official' || base === 'openresty' ? dockerfileNginxBuild(dockerfile, summary) : undefined;
      const built = nginxBuild === undefined ? {} : { build: nginxBuild };
      if (base === 'official') {
        const beforeTemplates = summary.baseImage !== undefined && !officialImageRendersTemplates(summary.baseImage);
        const copies = summary.runsCopiedProgram ? undefined : copiesFromContext(inventory, build.context.value, dockerfile, summary);
        const dockerfileCommand = { command: summary.command, entrypoint: summary.entrypoint, workingDirectory: summary.workingDirectory };
        return copies
          ? { kind: 'derived', copiedPaths: copies.unknown, copies, derived: true, dockerfileCommand, beforeTemplates, ...built }
          : { kind: 'derived', copiedPaths: summary.copiedPaths, derived: true, dockerfileCommand, beforeTemplates, ...built };
      }
      if (base !== undefined) return { kind: base, copiedPaths: summary.copiedPaths, derived: true, reference: summary.baseImage, ...built };
    }
  }
  if (image !== undefined && service.image !== undefined) {
    const kind = nginxImageKind(image);
    const variable = kind === 'official' || kind === 'openresty' ? writtenWithVariable(inventory, service.image.location) : false;
    const nginxBuild = kind === 'official' || kind === 'openresty' ? imageNginxBuild(image, service.image.location, variable) : undefined;
    // a variable may name another tag: the newer images' behaviour is kept
    const beforeTemplates = kind === 'official' && !variable && !officialImageRendersTemplates(image);
    if (kind !== undefined)
      return { kind, copiedPaths: [], derived: false, reference: image, beforeTemplates, ...(nginxBuild === undefined ? {} : { build: nginxBuild }) };
  }
  return undefined;
}

/**
 * The files and directories a Dockerfile copies into its image from any of the build contexts it
 * may be built with, as host paths (see DeployedService.copiedIntoImage); with `every`, into any
 * of its stages' images.
 */
function copiedFromContext(inventory: Inventory, dockerfile: string, contexts: readonly string[], stages: 'running' | 'every' = 'running'): string[] {
  const text = inventory.text(dockerfile);
  if (text === undefined) return [];
  const expanded = (source: string): string[] => {
    if (!hasGlobMagic(source)) return [source];
    try {
      return expandGlob(inventory.fileSystem, source, { path: '/', display: '/' }, 1000).map((match) => match.path);
    } catch {
      return [];
    }
  };
  // read once, whatever the number of contexts it may be built with
  const summary = summarizeDockerfile(text);
  const copies = (stages === 'every' ? summary.copiesOfEveryStage : summary.copies).filter((copy) => !copy.fromOtherImage && !copy.transformed);
  return contexts.flatMap((context) =>
    copies.flatMap((copy) => copy.sources.flatMap((source) => expanded(posix.join(context, source))).filter((source) => isWithin(source, context))),
  );
}

/** The Dockerfile a service is built from and its build context, as host paths; undefined when it is not built here. */
function buildOf(service: ComposeService): { readonly dockerfile: string; readonly context: string } | undefined {
  const context = service.build?.context.value;
  if (!context?.startsWith('/')) return undefined;
  return { dockerfile: posix.resolve(context, service.build?.dockerfile?.value ?? 'Dockerfile'), context };
}

function copiedIntoImage(inventory: Inventory, service: ComposeService): string[] {
  const build = buildOf(service);
  return build === undefined ? [] : copiedFromContext(inventory, build.dockerfile, [build.context]);
}

function commandOf(service: ComposeService): ComposeCommand | undefined {
  if (service.command === undefined && service.entrypoint === undefined) return undefined;
  const command = service.command?.value;
  const entrypoint = service.entrypoint?.value;
  // a value that depends on an unset variable is unknown: no command to reason about
  if ((service.command && command === undefined) || (service.entrypoint && entrypoint === undefined)) return undefined;
  return parseComposeCommand({ command: command ?? null, entrypoint: entrypoint ?? null, interpolated: true });
}

/**
 * The official entrypoint runs its start scripts (template rendering) only for `nginx …` commands:
 * compose's `command:`, else the CMD of the service's Dockerfile, else the image's own. An
 * ENTRYPOINT of compose or of the Dockerfile replaces the official one.
 */
function keepsOfficialEntrypoint(service: ComposeService, command: ComposeCommand | undefined, image: NginxImage): boolean {
  if (service.entrypoint !== undefined || image.dockerfileCommand?.entrypoint !== undefined) return false;
  const first = command !== undefined && command.argv.length > 0 ? command.argv[0].value : image.dockerfileCommand?.command?.[0];
  return first === undefined || first === 'nginx' || first === 'nginx-debug';
}

interface NginxPaths {
  /** The main configuration; undefined when it cannot be told. */
  readonly mainConfigurationPath: string | undefined;
  readonly prefix: string;
}

/**
 * `nginx -c FILE` in the command names the main configuration. openresty is built with the
 * prefix /usr/local/openresty/nginx/ and the relative conf/nginx.conf: `-p PREFIX` moves both,
 * and a relative `-c` is read from the prefix.
 */
function nginxPaths(command: ComposeCommand | undefined, kind: NginxImage['kind']): NginxPaths {
  const argv = command?.argv ?? [];
  const valueOf = (flag: string): string | undefined => {
    const index = argv.findIndex((word) => word.value === flag);
    return index >= 0 ? argv[index + 1]?.value : undefined;
  };
  const configuration = valueOf('-c');
  if (kind !== 'openresty') {
    return {
      mainConfigurationPath: configuration?.startsWith('/') ? configuration : '/etc/nginx/nginx.conf',
      prefix: defaultNginxPrefix,
    };
  }
  const prefix = valueOf('-p') ?? openrestyPrefix;
  if (!prefix.startsWith('/')) return { mainConfigurationPath: configuration?.startsWith('/') ? configuration : undefined, prefix: openrestyPrefix };
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    mainConfigurationPath: configuration?.startsWith('/') ? configuration : posix.join(withSlash, configuration ?? 'conf/nginx.conf'),
    prefix: withSlash,
  };
}

/** The files of the openresty image itself; a derived image's own RUN steps may add any. */
function openrestyImageFiles(nginxImage: NginxImage): ImageFiles | undefined {
  if (nginxImage.reference === undefined || !isKnownOpenrestyFlavour(nginxImage.reference)) return undefined;
  return {
    files: openrestyFiles,
    writtenAtStart: new Set(),
    knownDirectories: openrestyKnownDirectories,
    absentBelow: nginxImage.derived ? [] : [certbotConfigDirectory],
    unknownBelow: nginxImage.copiedPaths,
  };
}

/**
 * The templates the official image's entrypoint renders, by name under /etc/nginx/templates, with
 * their host paths: the files of a directory mounted there, and single files mounted into it
 * (`./site.conf:/etc/nginx/templates/default.conf.template`), which lie over the directory's.
 */
function mountedTemplates(inventory: Inventory, mounts: readonly VolumeMount[], hostPathState: HostPathState): Map<string, string> {
  const templates = new Map<string, string>();
  const present = (hostPath: string): boolean => hostPathState(hostPath).state !== 'absent';
  const directory = [...mounts].reverse().find((mount) => mount.type === 'bind' && mount.target === templateDirectory && mount.source !== undefined);
  if (directory?.source !== undefined) {
    let names: string[] = [];
    try {
      names = inventory.fileSystem.readDirectory(directory.source);
    } catch {
      names = [];
    }
    for (const name of names) {
      const hostPath = posix.join(directory.source, name);
      if (name.endsWith(templateSuffix) && present(hostPath)) templates.set(name, hostPath);
    }
  }
  for (const mount of mounts) {
    if (mount.type !== 'bind' || mount.source === undefined || mount.target === undefined) continue;
    const target = posix.resolve('/', mount.target);
    if (posix.dirname(target) !== templateDirectory || !target.endsWith(templateSuffix) || !present(mount.source)) continue;
    if (inventory.fileSystem.stat(mount.source)?.kind === 'file') templates.set(posix.basename(target), mount.source);
  }
  return templates;
}

function officialImageFiles(
  inventory: Inventory,
  service: ComposeService,
  mounts: readonly VolumeMount[],
  rendersTemplates: boolean,
  hostPathState: HostPathState,
  nginxImage: NginxImage,
): ImageFiles {
  const copies = nginxImage.copies?.copies ?? [];
  const files = new Map(officialNginxFiles);
  const writtenAtStart = new Set<string>();
  const renderedTemplates = new Map<string, RenderedTemplate>();
  if (rendersTemplates) {
    // a template the Dockerfile copies is rendered too, unless a mount lies over it
    for (const [name, templatePath] of mountedTemplates(inventory, [...copies.map((copy) => copy.mount), ...mounts], hostPathState)) {
      const text = inventory.text(templatePath);
      if (text === undefined) continue;
      const output = posix.join(templateOutputDirectory, name.slice(0, -templateSuffix.length));
      const rendered = new RenderedTemplate(templatePath, text, service.environment);
      files.set(output, rendered.text);
      writtenAtStart.add(output);
      renderedTemplates.set(output, rendered);
    }
  }
  return {
    files,
    writtenAtStart,
    renderedTemplates,
    knownDirectories: nginxImage.copies?.knownDirectories ?? officialNginxKnownDirectories,
    // the official image has no /etc/letsencrypt; a derived image's RUN steps may create one.
    // Its /etc/nginx holds only the files above while nothing but the image's entrypoint runs
    // before nginx: not when the entrypoint or command is another program, a script is mounted
    // into /docker-entrypoint.d, or the entrypoint renders templates somewhere certboot does not
    absentBelow: nginxImage.derived ? [] : etcNginxKnown(service, mounts, rendersTemplates) ? [certbotConfigDirectory, '/etc/nginx'] : [certbotConfigDirectory],
    // the dynamic modules differ per variant and version
    unknownBelow: [...nginxImage.copiedPaths, '/etc/nginx/modules'],
    copies,
  };
}

/** Whether nothing but the official image's entrypoint writes into /etc/nginx before nginx starts (see officialImageFiles). */
function etcNginxKnown(service: ComposeService, mounts: readonly VolumeMount[], rendersTemplates: boolean): boolean {
  if (!rendersTemplates) return false;
  if (Object.keys(service.environment).some((name) => name.startsWith('NGINX_ENVSUBST_'))) return false;
  return !mounts.some(
    (mount) => mount.target === undefined || isWithin(mount.target, entrypointScriptDirectory) || isWithin(entrypointScriptDirectory, mount.target),
  );
}

/**
 * The services of other containers that create a path later, through a mount they share with
 * the container that reads it: certbot writes `live/` and `archive/` under its config directory
 * once it has a certificate.
 */
function laterWriters(certbots: readonly { name: string; compose: ComposeService }[]): (origin: PathOrigin) => LaterWriter | undefined {
  return (origin) => {
    for (const certbot of certbots) {
      for (const mount of certbot.compose.volumes) {
        if (mount.target === undefined || mount.source === undefined) continue;
        let pathInWriter: string | undefined;
        if (origin.kind === 'bind' && mount.type === 'bind' && isWithin(origin.hostPath, mount.source)) {
          pathInWriter = posix.join(mount.target, posix.relative(mount.source, origin.hostPath));
        } else if (origin.kind === 'volume' && mount.type === 'volume' && origin.volumeName === mount.source) {
          pathInWriter = posix.join(mount.target, origin.relativePath);
        }
        if (pathInWriter === undefined || !isWithin(pathInWriter, certbotConfigDirectory)) continue;
        const relative = posix.relative(certbotConfigDirectory, pathInWriter);
        if (/^(live|archive|renewal)(\/|$)/.test(relative)) return { service: certbot.name, mount, pathInWriter };
      }
    }
    return undefined;
  };
}

/** The text of a script the container runs, read through its view (a mount or a COPY of the repository's); undefined when unknown. */
function scriptText(view: ContainerView, path: string | undefined): string | undefined {
  if (!path?.startsWith('/')) return undefined;
  try {
    return new TextDecoder().decode(view.readFile(path));
  } catch {
    return undefined;
  }
}

const startScriptDirectory = '/docker-entrypoint.d';

/**
 * Where the container's command runs: compose's `working_dir`, else the Dockerfile's WORKDIR,
 * else the image's, which is `/` for the official image (its Dockerfile sets none). undefined
 * when a variable decides, or for an image whose WORKDIR certboot does not know.
 */
function commandDirectory(service: ComposeService, nginxImage: NginxImage): string | undefined {
  if (service.workingDirectory !== undefined) return service.workingDirectory.value?.startsWith('/') ? service.workingDirectory.value : undefined;
  const workdir = nginxImage.dockerfileCommand?.workingDirectory;
  if (workdir !== undefined) return workdir.startsWith('/') && !workdir.includes('$') ? workdir : undefined;
  return nginxImage.kind === 'official' || nginxImage.kind === 'derived' ? '/' : undefined;
}

/**
 * The scripts the container runs at start, before nginx reads its configuration: the script
 * compose's `command:`/`entrypoint:` or the Dockerfile's ENTRYPOINT/CMD run instead of nginx
 * itself (an `sh -c` body, or a script of the repository the container holds), the scripts of
 * the repository put into /docker-entrypoint.d, which the official entrypoint runs before nginx,
 * and the scripts those run, one level deep.
 */
function startScriptsOf(
  view: ContainerView,
  service: ComposeService,
  command: ComposeCommand | undefined,
  nginxImage: NginxImage,
  rendersTemplates: boolean,
): StartScript[] {
  const scripts: StartScript[] = [];
  const add = (text: string | undefined, containerPath?: string, body?: StartScript['body']): void => {
    if (text !== undefined && !scripts.some((script) => script.text === text && script.containerPath === containerPath)) {
      scripts.push({ text, ...(containerPath === undefined ? {} : { containerPath }), ...(body === undefined ? {} : { body }) });
    }
  };
  const directory = commandDirectory(service, nginxImage);
  const composeWords = command && command.argv.length > 0 ? command.argv.map((word) => word.value) : undefined;
  const dockerfile = nginxImage.dockerfileCommand;
  const words =
    service.entrypoint !== undefined
      ? composeWords
      : dockerfile?.entrypoint !== undefined
        ? [...dockerfile.entrypoint, ...(composeWords ?? dockerfile.command ?? [])]
        : (composeWords ?? dockerfile?.command);
  if (words !== undefined && !['nginx', 'nginx-debug', 'openresty'].includes(posix.basename(words[0] ?? ''))) {
    const shell = isShellProgram(words[0] ?? '');
    const flag = shell ? words.findIndex((word) => /^-[a-z]*c[a-z]*$/.test(word)) : -1;
    if (flag > 0) {
      // the words of the Dockerfile's ENTRYPOINT come first, then compose's command or the Dockerfile's CMD
      const fromDockerfileEntrypoint = service.entrypoint === undefined && dockerfile?.entrypoint !== undefined && flag + 1 < dockerfile.entrypoint.length;
      const fromCompose = service.entrypoint !== undefined || (!fromDockerfileEntrypoint && composeWords !== undefined);
      add(words[flag + 1], undefined, fromCompose ? 'compose' : 'dockerfile');
    } else {
      const script = shell ? words[1] : words[0];
      const path = script === undefined ? undefined : scriptPath(script, directory, shell);
      add(scriptText(view, path), path);
    }
  }
  if (rendersTemplates) {
    const entrypointScripts = [...(nginxImage.copies?.copies.map((copy) => copy.mount) ?? []), ...service.volumes].filter(
      (mount) => mount.type === 'bind' && mount.target !== undefined && isWithin(mount.target, startScriptDirectory),
    );
    for (const { target } of entrypointScripts) {
      if (target === undefined) continue;
      if (target.endsWith('.sh')) add(scriptText(view, target), target);
      else {
        let names: string[] = [];
        try {
          names = view.readDirectory(target);
        } catch {
          names = [];
        }
        for (const name of names) if (name.endsWith('.sh')) add(scriptText(view, posix.join(target, name)), posix.join(target, name));
      }
    }
  }
  // the scripts those run (`/init.sh && nginx`, `sh /init.sh`, `./start.sh`), one level deep
  const run = scripts.flatMap((script) => scriptsRunBy(script.text, directory));
  for (const path of run) add(scriptText(view, path), path);
  return scripts;
}

/** What the container's start scripts (startScriptsOf) may write before nginx reads its configuration. */
function pathsWrittenAtStart(scripts: readonly StartScript[]): string[] {
  return [...new Set(scripts.flatMap((script) => pathsWrittenByScript(script.text)))];
}

function certbotInvocationsOf(service: ComposeService, command: ComposeCommand | undefined): CertbotInvocation[] {
  const image = imageOf(service);
  if (command === undefined) return [];
  // the certbot image's entrypoint is certbot itself: `command:` holds only its arguments
  if (image !== undefined && isCertbotImage(image) && command.imageEntrypoint && command.commands.length > 0) {
    const [first] = command.commands;
    const words = first.name ? [first.name, ...first.arguments] : [...first.arguments];
    return [readCertbotArguments(words, first)];
  }
  return findCertbotInvocations(command.commands);
}

function buildProject(inventory: Inventory, compose: ComposeProject, hostPathState: HostPathState, cache: AnalysisCache | undefined): DeployedProject {
  const commands = new Map(compose.services.map((service) => [service.name, commandOf(service)]));
  const certbots = compose.services
    .filter((service) => {
      const image = imageOf(service);
      return (image !== undefined && isCertbotImage(image)) || certbotInvocationsOf(service, commands.get(service.name)).length > 0;
    })
    .map((service) => ({ name: service.name, compose: service }));
  const writers = laterWriters(certbots);
  const services = compose.services.map((service): DeployedService => {
    const command = commands.get(service.name);
    const nginxImage = nginxImageOf(inventory, service);
    const rendersTemplates =
      nginxImage !== undefined &&
      (nginxImage.kind === 'official' || nginxImage.kind === 'derived') &&
      nginxImage.beforeTemplates !== true &&
      keepsOfficialEntrypoint(service, command, nginxImage);
    const image =
      nginxImage && (nginxImage.kind === 'official' || nginxImage.kind === 'derived')
        ? officialImageFiles(inventory, service, service.volumes, rendersTemplates, hostPathState, nginxImage)
        : nginxImage?.kind === 'openresty'
          ? openrestyImageFiles(nginxImage)
          : undefined;
    const firstView = new ContainerView(service.volumes, inventory.fileSystem, hostPathState, image, writers);
    const startScripts = image && nginxImage ? startScriptsOf(firstView, service, command, nginxImage, rendersTemplates) : [];
    const written = pathsWrittenAtStart(startScripts);
    const view =
      written.length > 0
        ? new ContainerView(service.volumes, inventory.fileSystem, hostPathState, { ...image, writtenByStartScript: written } as ImageFiles, writers)
        : firstView;
    let nginx: NginxService | undefined;
    if (nginxImage !== undefined) {
      const paths = nginxPaths(command, nginxImage.kind);
      const mainPath = paths.mainConfigurationPath;
      const loadable = nginxImage.kind !== 'manages-certificates' && mainPath !== undefined && view.firstBootState(mainPath).state === 'present';
      nginx = {
        imageKind: nginxImage.kind,
        mainConfigurationPath: mainPath ?? openrestyMainConfigurationPath,
        prefix: paths.prefix,
        rendersTemplates,
        configuration: loadable ? loadNginxConfiguration(view, mainPath, { parsed: cache?.nginxFiles }) : undefined,
        ...(nginxImage.build === undefined ? {} : { build: nginxImage.build }),
      };
    }
    const isCertbot = certbots.some((certbot) => certbot.name === service.name);
    const copied = copiedIntoImage(inventory, service);
    return {
      name: service.name,
      compose: service,
      projectDirectory: compose.directory,
      view,
      command,
      nginx,
      certbot: isCertbot ? { invocations: certbotInvocationsOf(service, command) } : undefined,
      ...(copied.length > 0 ? { copiedIntoImage: copied } : {}),
      ...(startScripts.length > 0 ? { startScripts } : {}),
    };
  });
  return { compose, services };
}

function syntheticMount(source: string, target: string, location: SourceLocation): VolumeMount {
  return { type: 'bind', source, target, readOnly: true, unknown: false, location };
}

/**
 * An nginx.conf that no compose service loads is the configuration of nginx on a host: its
 * directory stands for /etc/nginx, and /etc/letsencrypt is the host's own, which certboot cannot
 * read (unknown, so the first-boot rules stay silent while the path rules still apply).
 */
function standaloneProject(fileSystem: FileSystem, path: string, hostPathState: HostPathState, cache: AnalysisCache | undefined): DeployedProject {
  const directory = posix.dirname(path);
  const location: SourceLocation = { file: path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  const mounts = [syntheticMount(directory, '/etc/nginx', location), syntheticMount(certbotConfigDirectory, certbotConfigDirectory, location)];
  const compose: ComposeService = {
    name: posix.basename(directory),
    nameLocation: location,
    ports: [],
    volumes: mounts,
    profiles: [],
    environment: {},
    dependsOn: [],
  };
  const view = new ContainerView(mounts, fileSystem, hostPathState, hostNginxPackageFiles());
  const mainPath = posix.join('/etc/nginx', posix.basename(path));
  const service: DeployedService = {
    name: compose.name,
    compose,
    projectDirectory: directory,
    view,
    nginx: {
      imageKind: 'host',
      mainConfigurationPath: mainPath,
      prefix: defaultNginxPrefix,
      rendersTemplates: false,
      configuration: loadNginxConfiguration(view, mainPath, { parsed: cache?.nginxFiles }),
      build: hostNginxBuild(),
    },
  };
  const project: ComposeProject = {
    directory,
    name: compose.name,
    files: [],
    includedFiles: [],
    services: [compose],
    namedVolumes: [],
    documents: [],
    diagnostics: [],
  };
  return { compose: project, services: [service] };
}

/** The host files every compose nginx service loads, so a standalone pass does not read them twice. */
function filesLoadedByServices(projects: readonly DeployedProject[]): Set<string> {
  const loaded = new Set<string>();
  for (const service of projects.flatMap((project) => project.services)) {
    for (const file of service.nginx?.configuration?.files ?? []) {
      const origin = service.view.origin(file.path);
      if (origin.kind === 'bind') loaded.add(origin.hostPath);
    }
  }
  return loaded;
}

/** The disk does not change during one analysis: each host path is asked about once. */
function remembered(state: HostPathState): HostPathState {
  const answers = new Map<string, HostPathInfo>();
  return (hostPath) => {
    let answer = answers.get(hostPath);
    if (answer === undefined) {
      answer = state(hostPath);
      answers.set(hostPath, answer);
    }
    return answer;
  };
}

/** What a fresh clone of the repository that holds the compose project has at a host path. */
function freshCloneState(freshClone: FreshClone, projectDirectory: string): HostPathState {
  return (hostPath) => {
    const result = freshClone.state(hostPath, projectDirectory);
    const ignoredBy = result.state === 'absent' && result.reason !== 'missing' ? result.ignoredBy : undefined;
    if (ignoredBy?.rule === undefined) return { state: result.state };
    return { state: result.state, ignoredBy: describeIgnoreRule(ignoredBy.rule, freshClone.repositoryRootOf(projectDirectory) ?? projectDirectory) };
  };
}

/**
 * The compose project of a directory; with a cache, the last analysis's project while the file
 * system answers every question its loading asked as it did then.
 */
function loadProject(fileSystem: FileSystem, directory: string, options: DeploymentOptions): ComposeProject {
  const cache = options.cache;
  if (!cache) return loadComposeProject(fileSystem, directory, { environment: options.environment });
  const key = `${directory}\0${JSON.stringify(options.environment ?? {})}`;
  return cache.composeProjects.get(
    key,
    (kept) => kept.reads?.holdIn(fileSystem) === true,
    () => {
      const recording = new RecordingFileSystem(fileSystem);
      const project = loadComposeProject(recording, directory, { environment: options.environment });
      return { reads: recording.recorded(), project };
    },
  ).project;
}

/**
 * The compose projects found, less those whose compose file another one includes: its services
 * run as part of the including project, and linting it again would report each of its
 * findings twice and its names and ports as taken by itself. Projects that include each other
 * (a cycle, already reported) both stay.
 */
function withoutIncludedProjects(projects: readonly ComposeProject[]): ComposeProject[] {
  const includes = (including: ComposeProject, included: ComposeProject): boolean =>
    included.files.length > 0 && including.includedFiles.includes(included.files[0]);
  return projects.filter((project) => !projects.some((other) => other !== project && includes(other, project) && !includes(project, other)));
}

/** Looked for only where it matters: a project using a volume it does not declare. */
function withOverlay(fileSystem: FileSystem, project: DeployedProject, projects: readonly DeployedProject[], workspaceRoot: string): DeployedProject {
  const [file] = project.compose.files;
  if (file === undefined || !project.compose.diagnostics.some((diagnostic) => diagnostic.code === 'undefined-volume')) return project;
  const overlay = overlayIncluding(fileSystem, file, workspaceRoot);
  if (!overlay) return project;
  const base =
    projects.find((candidate) => candidate.compose.files[0] === overlay.base)?.compose ?? loadComposeProject(fileSystem, posix.dirname(overlay.base));
  return { ...project, overlay: { ...overlay, baseVolumes: base.namedVolumes } };
}

function readScript(text: string): ReadScript {
  const script = parseShell(text);
  return { script, certbotInvocations: findCertbotInvocations(script.commands), dummyCertificates: findDummyCertificates(script) };
}

/** How many nginx.conf files of the workspace are read as a host's configuration, at most. */
const maximumHostConfigurations = 200;

/**
 * The repository paths a Dockerfile copies into an image, in any of its stages: what each compose
 * service's build takes from its context, and what the other Dockerfiles take from any context
 * they may be built with (contextsOf). A file there configures that image, not a host.
 */
function copiedIntoImages(inventory: Inventory, projects: readonly DeployedProject[]): string[] {
  const builds = projects.flatMap((project) => project.services).flatMap((service) => buildOf(service.compose) ?? []);
  const built = new Set(builds.map((build) => build.dockerfile));
  return [
    ...builds.flatMap((build) => copiedFromContext(inventory, build.dockerfile, [build.context], 'every')),
    ...inventory
      .filesOf('dockerfile')
      .filter(({ path }) => !built.has(path))
      .flatMap(({ path }) => copiedFromContext(inventory, path, contextsOf(path, inventory.root), 'every')),
  ];
}

/**
 * The build contexts a Dockerfile no compose service builds may be built with: its own directory,
 * or one above it up to the workspace root (`docker build -f proxy/Dockerfile .` in a script).
 */
function contextsOf(dockerfile: string, root: string): string[] {
  const contexts: string[] = [];
  for (let directory = posix.dirname(dockerfile); isWithin(directory, root); directory = posix.dirname(directory)) {
    contexts.push(directory);
    if (directory === root || directory === '/') break;
  }
  return contexts;
}

/**
 * The repository paths a YAML file with a `services:` mapping bind-mounts into a container: the
 * compose projects' mounts, and those of compose files with other names (`docker-compose.test.yml`,
 * which `-f` or COMPOSE_FILE merges with a project's), read against their own directory and
 * against the project directory that holds them, the first merged file's.
 */
function mountedIntoContainers(inventory: Inventory, projects: readonly DeployedProject[]): string[] {
  const { fileSystem } = inventory;
  const projectFiles = new Set(projects.flatMap((project) => [...project.compose.files, ...project.compose.includedFiles]));
  const bindSources = (compose: ComposeProject): string[] =>
    compose.services.flatMap((service) => service.volumes.flatMap((mount) => (mount.type === 'bind' && mount.source !== undefined ? [mount.source] : [])));
  // the inventory lists every YAML file as a possible CloudFormation template
  const others = inventory
    .filesOf('cloudformation')
    .filter(({ path, kind }) => kind.format === 'yaml' && !projectFiles.has(path) && /^services:/m.test(inventory.text(path) ?? ''))
    .flatMap(({ path }) => {
      const directory = posix.dirname(path);
      // the deepest that holds it (sorted, so the last)
      const project = inventory.composeDirectories.filter((candidate) => isWithin(directory, candidate)).at(-1);
      return [
        loadComposeProject(fileSystem, directory, { files: [path] }),
        ...(project === undefined || project === directory ? [] : [loadComposeProject(fileSystem, project, { files: [path], projectDirectory: project })]),
      ];
    });
  return [...projects.map((project) => project.compose), ...others].flatMap(bindSources);
}

/**
 * An nginx.conf that no service loads, and whose directives are those of a whole configuration
 * (not a file of `server` blocks, not another tool's template), is read as a host's
 * configuration: the first 200 of the workspace, up to 1 MiB each. The bound counts the files
 * services load too; when it cannot be reached, those are not judged at all: judging one reads
 * it a second time, with no context, and the bound is what needs the judgement. One a Dockerfile
 * copies into an image is that image's (an image certboot does not know as nginx's, such as
 * certbot's with `apk add nginx`), not a host's; one a compose file bind-mounts is a container's
 * (a service certboot does not take for nginx, a test's compose file it does not load).
 */
function hostConfigurations(inventory: Inventory, projects: readonly DeployedProject[], loaded: ReadonlySet<string>): string[] {
  const candidates = inventory.filesOf('nginx').filter((file) => file.readable && file.kind.context === 'main' && file.size <= 1024 * 1024);
  const judged = candidates.length <= maximumHostConfigurations ? candidates.filter((file) => !loaded.has(file.path)) : candidates;
  const whole = judged.filter((file) => inventory.nginxContext(file) === 'main');
  // the Dockerfiles are read only when there is a configuration to judge
  const copied = whole.length === 0 ? [] : copiedIntoImages(inventory, projects);
  const kept = whole.filter((file) => !copied.some((source) => isWithin(file.path, source)));
  // and the compose files only when one is left
  const mounted = kept.length === 0 ? [] : mountedIntoContainers(inventory, projects);
  return kept
    .filter((file) => !mounted.some((source) => isWithin(file.path, source)))
    .slice(0, maximumHostConfigurations)
    .map((file) => file.path)
    .filter((path) => !loaded.has(path));
}

/**
 * Builds the model every rule reads from the inventory of the workspace: each compose project,
 * its services and their roles, what each container sees on first boot, the nginx configuration
 * each nginx service really loads, and the repository's shell scripts.
 */
export async function buildDeployment(inventory: Inventory, options: DeploymentOptions = {}): Promise<Deployment> {
  await initializeShellParser();
  const { fileSystem, root: workspaceRoot } = inventory;
  const freshClone = new FreshClone(fileSystem, [workspaceRoot]);
  const built = withoutIncludedProjects(inventory.composeDirectories.map((directory) => loadProject(fileSystem, directory, options))).map((compose) =>
    buildProject(inventory, compose, remembered(options.hostPathState ?? freshCloneState(freshClone, compose.directory)), options.cache),
  );
  const projects = built.map((project) => withOverlay(fileSystem, project, built, workspaceRoot));
  const loaded = filesLoadedByServices(projects);
  for (const path of hostConfigurations(inventory, projects, loaded)) {
    projects.push(standaloneProject(fileSystem, path, remembered(options.hostPathState ?? freshCloneState(freshClone, posix.dirname(path))), options.cache));
  }
  const scripts = inventory.filesOf('shell').flatMap(({ path }): RepositoryScript[] => {
    const text = inventory.text(path);
    if (text === undefined) return [];
    const read = options.cache
      ? options.cache.scripts.get(
          path,
          (kept) => kept.text === text,
          () => ({ text, read: readScript(text) }),
        ).read
      : readScript(text);
    return [{ path, repositoryRoot: freshClone.repositoryRootOf(posix.dirname(path)) ?? workspaceRoot, text, ...read }];
  });
  return {
    workspaceRoot,
    ...(options.sharedHosts ? { sharedHosts: options.sharedHosts } : {}),
    projects,
    scripts,
    infrastructure: await loadInfrastructure(inventory),
  };
}
