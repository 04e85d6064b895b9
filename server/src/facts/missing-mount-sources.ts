import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import { hasGlobMagic } from '../languages/nginx/glob';
import { isWithin } from '../model/container-view';
import type { DeployedService, Deployment } from '../model/deployment';
import { configurationPrefixOf, expandedConfiguration, placedDirectivesNamed, type PlacedDirective } from '../model/nginx-blocks';
import { resolveNginxPath } from '../model/nginx-paths';
import { officialNginxFiles } from '../model/official-nginx-image';
import { openrestyFiles } from '../model/openresty-image';
import type { Inventory } from '../inventory/inventory';

/**
 * A bind mount of an nginx service whose source a fresh clone lacks, over a path that must be a
 * file. For the short syntax compose asks docker to create a missing source (compose-go's loader
 * sets `bind.create_host_path: true` for `SOURCE:TARGET`; the long syntax leaves it false and
 * docker refuses the mount instead), and docker creates it as an empty directory (docker's
 * bind-mount docs: the endpoint "is always created as a directory"). Then:
 * - over a file of the image, the OCI runtime refuses the mount and the container never starts
 *   (runc: `not a directory`; dockerd adds "Are you trying to mount a directory onto a file (or
 *   vice-versa)? Check if the specified host path exists and is the expected type");
 * - where nginx reads a file (an include), nginx meets a directory and stops:
 *   `[crit] pread() "…" failed (21: Is a directory)` (src/core/ngx_conf_file.c reads it with
 *   ngx_read_file(); checked with Debian's nginx 1.22).
 */
export interface MissingMountSource {
  readonly service: DeployedService;
  readonly mount: VolumeMount & { readonly source: string; readonly target: string };
  /** The ignore rule that keeps it out of a clone (".gitignore:3"); undefined when it is simply not there. */
  readonly ignoredBy?: string;
  readonly outcome: { readonly kind: 'image-file' } | { readonly kind: 'included'; readonly include: PlacedDirective };
}

/** The files of the image the service runs, by container path. */
function imageFiles(service: DeployedService): ReadonlyMap<string, string> | undefined {
  const kind = service.nginx?.imageKind;
  if (kind === 'official' || kind === 'derived') return officialNginxFiles;
  if (kind === 'openresty') return openrestyFiles;
  return undefined;
}

/** nginx's glob as a regular expression over one path (glob(3): `*`, `?`, `[…]` within a segment). */
function globPattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index] as string;
    if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else if (character === '[') {
      const close = pattern.indexOf(']', index + 2);
      if (close < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(index + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        index = close;
      }
    } else source += character.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function includeReading(service: DeployedService, target: string): PlacedDirective | undefined {
  const configuration = service.nginx?.configuration;
  if (configuration === undefined) return undefined;
  for (const entry of placedDirectivesNamed(expandedConfiguration(configuration), new Set(['include']))) {
    const written = entry.directive.args[0]?.value;
    if (written === undefined || entry.directive.args.length !== 1 || written.includes('$')) continue;
    const path = resolveNginxPath(written, configurationPrefixOf(service));
    if (hasGlobMagic(path) ? globPattern(path).test(target) : path === target) return entry;
  }
  return undefined;
}

/** A `volumes` entry written as a mapping (`type: bind`, `source:`): compose does not create its source. */
function longSyntax(inventory: Inventory, mount: VolumeMount): boolean {
  const written = inventory.textAt(mount.location);
  return written === undefined || /(^|[\s{,])(source|type|target)\s*:(\s|$)/m.test(written);
}

/** Whether a repository script names the path: it may create it before `docker compose up`. */
function scriptMentions(deployment: Deployment, source: string): boolean {
  const name = posix.basename(source);
  return deployment.scripts.some((script) => script.text.includes(name));
}

/** A file shipped next to it to copy from (`nginx.conf.example`, `site.conf.sample`, `example.env`): the README's manual step. */
function hasExampleBeside(inventory: Inventory, source: string): boolean {
  const name = posix.basename(source);
  let names: string[];
  try {
    names = inventory.fileSystem.readDirectory(posix.dirname(source));
  } catch {
    return false;
  }
  return names.some((other) => other !== name && other.includes(name.replace(/\.[^.]*$/, '')) && /(example|sample|dist|template|default|tmpl)/i.test(other));
}

/**
 * A template of the same name anywhere in the workspace (`templates/nginx.conf.j2` for
 * `nginx.conf`): a provisioning tool (an Ansible `template:` task) may render the file before
 * `docker compose up`, which certboot cannot follow.
 */
function hasTemplateNamedLike(inventory: Inventory, source: string): boolean {
  const name = posix.basename(source);
  for (const template of inventory.templateNames) if (template.startsWith(`${name}.`) && !template.slice(name.length + 1).includes('.')) return true;
  return false;
}

/** The missing sources of a service's bind mounts that docker turns into directories where a file must be. */
export function missingMountSources(deployment: Deployment, inventory: Inventory, service: DeployedService): MissingMountSource[] {
  const files = imageFiles(service);
  if (files === undefined || service.nginx === undefined) return [];
  const found: MissingMountSource[] = [];
  for (const mount of service.compose.volumes) {
    const { source, target } = mount;
    if (mount.type !== 'bind' || mount.unknown || source === undefined || target === undefined || !isWithin(source, deployment.workspaceRoot)) continue;
    const state = service.view.firstBootState(target);
    if (state.state !== 'absent' || state.origin.kind !== 'bind' || state.origin.mount !== mount || state.origin.hostPath !== source) continue;
    if (longSyntax(inventory, mount) || scriptMentions(deployment, source) || hasExampleBeside(inventory, source) || hasTemplateNamedLike(inventory, source))
      continue;
    const located = { ...mount, source, target };
    const ignored = state.ignoredBy === undefined ? {} : { ignoredBy: state.ignoredBy };
    if (files.has(target)) {
      found.push({ service, mount: located, ...ignored, outcome: { kind: 'image-file' } });
      continue;
    }
    const include = includeReading(service, target);
    if (include !== undefined) found.push({ service, mount: located, ...ignored, outcome: { kind: 'included', include } });
  }
  return found;
}
