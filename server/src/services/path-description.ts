import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import type { ConfigurationFile } from '../languages/nginx/configuration';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { Position, Range } from '../text/source-location';
import type { FirstBootState, PathOrigin } from '../model/container-view';
import type { DeployedService, Deployment } from '../model/deployment';
import { describeMount } from '../model/locations';
import { configurationPrefixOf, nginxPrefixOf } from '../model/nginx-blocks';
import { projectRelativePath } from '../text/paths';
import type { FileSystem } from '../workspace/file-system';

/** Directives whose first argument names a file or directory nginx reads. */
const pathDirectives = new Set([
  'ssl_certificate',
  'ssl_certificate_key',
  'ssl_trusted_certificate',
  'ssl_client_certificate',
  'ssl_dhparam',
  'ssl_crl',
  'ssl_password_file',
  'ssl_stapling_file',
  'include',
  'root',
  'alias',
]);

export interface PathDescription {
  readonly range: Range;
  /** Markdown. */
  readonly text: string;
}

function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function describeOrigin(origin: PathOrigin, service: DeployedService): string {
  switch (origin.kind) {
    case 'bind':
      return `bind mount ${describeMount(origin.mount.source, origin.mount.target, service.projectDirectory)} → host \`${projectRelativePath(service.projectDirectory, origin.hostPath)}\``;
    case 'volume':
      return `named volume \`${origin.volumeName ?? '(anonymous)'}\` at \`${origin.mount.target ?? ''}\``;
    case 'tmpfs':
      return `tmpfs at \`${origin.mount.target ?? ''}\``;
    case 'image':
      return service.nginx?.imageKind === 'host' ? "the nginx package's own file" : 'the image itself';
    case 'unknown':
      return `unknown (${origin.reason})`;
  }
}

function describeState(state: FirstBootState, service: DeployedService, containerPath: string): string {
  // the directory a bind mount names: missing from a fresh clone, docker creates it empty
  const origin = state.origin;
  const created =
    origin.kind === 'bind' && origin.mount.target === containerPath
      ? `an empty directory (docker creates \`${projectRelativePath(service.projectDirectory, origin.hostPath)}\` on the host when it starts the container)`
      : undefined;
  switch (state.state) {
    case 'present':
      return 'present';
    case 'absent':
      if (created) return created;
      return state.ignoredBy ? `absent: ignored by ${state.ignoredBy}, so a fresh clone does not have it` : 'absent';
    case 'created-later': {
      const writes = `service \`${state.writer.service}\` writes it (through ${describeMount(state.writer.mount.source, state.writer.mount.target, service.projectDirectory)})`;
      return created ? `${created}; ${writes.replace('writes it', 'writes into it')} later` : `absent until ${writes}`;
    }
    case 'unknown':
      return 'unknown until the container runs';
  }
}

function describeContainerPath(service: DeployedService, containerPath: string): string {
  const origin = service.view.origin(containerPath);
  const state = service.view.firstBootState(containerPath);
  return [
    `**\`${containerPath}\`** in service \`${service.name}\``,
    '',
    `- comes from: ${describeOrigin(origin, service)}`,
    `- on first boot: ${describeState(state, service, containerPath)}`,
  ].join('\n');
}

function findDirectiveArgument(directives: readonly NginxDirective[], position: Position): NginxDirective | undefined {
  for (const directive of directives) {
    const argument = pathDirectives.has(directive.name) ? directive.args[0] : undefined;
    if (argument && contains(argument.span.toRange(), position)) return directive;
    if (directive.block) {
      const inner = findDirectiveArgument(directive.block, position);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The loaded configuration files whose host file is `file`, with the service that loads them. */
function configurationFilesAt(deployment: Deployment, file: string): { service: DeployedService; configurationFile: ConfigurationFile }[] {
  const found: { service: DeployedService; configurationFile: ConfigurationFile }[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      for (const configurationFile of service.nginx?.configuration?.files ?? []) {
        const origin = service.view.origin(configurationFile.path);
        if (origin.kind === 'bind' && origin.hostPath === file) found.push({ service, configurationFile });
      }
    }
  }
  return found;
}

function volumeAt(deployment: Deployment, file: string, position: Position): { service: DeployedService; mount: VolumeMount } | undefined {
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const mount = service.compose.volumes.find((candidate) => candidate.location.file === file && contains(candidate.location.range, position));
      if (mount) return { service, mount };
    }
  }
  return undefined;
}

/**
 * What a path in a configuration means in the container that reads it: the container path, the
 * host path it maps to through which mount of which service, and its state on first boot.
 */
export function describePathAt(deployment: Deployment, file: string, position: Position): PathDescription | undefined {
  for (const { service, configurationFile } of configurationFilesAt(deployment, file)) {
    const directive = findDirectiveArgument(configurationFile.syntax.directives, position);
    if (!directive) continue;
    const argument = directive.args[0];
    const prefix = directive.name === 'root' || directive.name === 'alias' ? nginxPrefixOf(service) : configurationPrefixOf(service);
    const containerPath = argument.value.startsWith('/') ? argument.value : posix.join(prefix, argument.value);
    return { range: argument.span.toRange(), text: describeContainerPath(service, containerPath) };
  }
  const volume = volumeAt(deployment, file, position);
  if (volume?.mount.target !== undefined) {
    return { range: volume.mount.location.range, text: describeContainerPath(volume.service, volume.mount.target) };
  }
  return undefined;
}

export interface IncludeLink {
  readonly range: Range;
  /** Host path of the included or mounted file. */
  readonly target: string;
}

/** Links from each `include` of a file to the repository files it loads in its container. */
function includeLinks(deployment: Deployment, file: string): IncludeLink[] {
  const links: IncludeLink[] = [];
  const seen = new Set<string>();
  for (const { service, configurationFile } of configurationFilesAt(deployment, file)) {
    const configuration = service.nginx?.configuration;
    if (!configuration) continue;
    const visit = (directives: readonly NginxDirective[]): void => {
      for (const directive of directives) {
        for (const index of configuration.includes.get(directive) ?? []) {
          const origin = service.view.origin(configuration.files[index].path);
          const range = directive.args[0].span.toRange();
          const key = `${range.start.line}:${range.start.character}:${origin.kind === 'bind' ? origin.hostPath : ''}`;
          if (origin.kind === 'bind' && !seen.has(key)) {
            seen.add(key);
            links.push({ range, target: origin.hostPath });
          }
        }
        if (directive.block) visit(directive.block);
      }
    };
    visit(configurationFile.syntax.directives);
  }
  return links;
}

/** Links from each bind mount of a compose file to the repository file it mounts. */
function mountLinks(deployment: Deployment, file: string, isFile: (path: string) => boolean): IncludeLink[] {
  const links: IncludeLink[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      for (const mount of service.compose.volumes) {
        if (mount.location.file !== file || mount.type !== 'bind' || mount.source === undefined || !isFile(mount.source)) continue;
        links.push({ range: mount.location.range, target: mount.source });
      }
    }
  }
  return links;
}

/** The links of a file: its includes to the files they load, its bind mounts to the files they mount. */
export function documentLinks(deployment: Deployment, file: string, fileSystem: FileSystem): IncludeLink[] {
  const isFile = (candidate: string): boolean => fileSystem.stat(candidate)?.kind === 'file';
  return [...includeLinks(deployment, file), ...mountLinks(deployment, file, isFile)];
}
