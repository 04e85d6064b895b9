// The file system an nginx compose service sees on its first boot, laid out as container
// mounts for support/container.ts: the official image's /etc/nginx over Debian's (or the
// openresty image's prefix and /etc/nginx/conf.d), then the service's volumes as docker would find them on a fresh server from
// a fresh clone of the repository (DESIGN.md, "First-boot semantics").
//
// Every directory mounted here is a fresh temporary copy, never a repository path:
// a read-write bind would otherwise let nginx (or the harness creating mount points for
// nested volumes) write into the repository, and a copy made from git's view of the
// tree cannot carry gitignored content that a fresh clone would not have.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { VolumeMount } from '../../../server/src/languages/compose/model';
import { officialDefaultServer, officialNginxConfiguration } from '../../../server/src/model/official-nginx-image';
import { openrestyConfiguration, openrestyDefaultServer, openrestyPrefix } from '../../../server/src/model/openresty-image';
import type { Mount } from './container';
import { temporaryDirectory } from './temporary';

/** The official image's files that the engine does not model but nginx configurations include. */
const debianFilesTheOfficialImageAlsoShips = ['mime.types', 'fastcgi_params', 'scgi_params', 'uwsgi_params'];

/** Where a container path comes from, so that nginx's paths can be traced back to the repository. */
export type ContainerOrigin =
  | { kind: 'bind'; hostPath: string }
  | { kind: 'volume'; name: string | undefined; relativePath: string }
  | { kind: 'tmpfs' }
  | { kind: 'image' };

export interface FirstBootLayout {
  mounts: Mount[];
  /** The repository path docker would have bound at a container path, if any. */
  origin(containerPath: string): ContainerOrigin;
}

export interface FirstBootOptions {
  /** The directory whose fresh clone the server gets: bind sources outside it do not exist on a fresh server. */
  repositoryRoot: string;
  /** Named volumes already created for this compose project, shared by the services that mount them. */
  namedVolumes: Map<string, string>;
  /** Replacement contents for repository files, keyed by their repository path. */
  replacements?: ReadonlyMap<string, string>;
  /** Whose files lie under the mounts: the official nginx image's (the default) or openresty's. */
  image?: 'official' | 'openresty';
}

/** A directory of the image, laid out in a temporary copy. */
interface ImageDirectory {
  target: string;
  hostPath: string;
}

interface PlacedMount {
  target: string;
  origin: ContainerOrigin;
}

/**
 * The official image's /etc/nginx: its nginx.conf and conf.d/default.conf as the engine
 * knows them, and Debian's copies of the other files the image also ships.
 */
function officialEtcNginx(): string {
  const directory = temporaryDirectory('etc-nginx');
  writeFileSync(join(directory, 'nginx.conf'), officialNginxConfiguration);
  mkdirSync(join(directory, 'conf.d'));
  writeFileSync(join(directory, 'conf.d', 'default.conf'), officialDefaultServer);
  for (const name of debianFilesTheOfficialImageAlsoShips) copyFileSync(join('/etc/nginx', name), join(directory, name));
  // The official image links modules to its module directory, as Debian's package does.
  symlinkSync('/usr/lib/nginx/modules', join(directory, 'modules'));
  makeReadable(directory);
  return directory;
}

/**
 * The openresty image's directories as the engine knows them: its prefix with
 * conf/nginx.conf (Debian's mime.types standing in for its own) and /etc/nginx/conf.d with the
 * example server. Debian's nginx runs it with `-p` and `-c`, as openresty's build has them
 * compiled in.
 */
function openrestyDirectories(): ImageDirectory[] {
  const prefix = temporaryDirectory('openresty');
  mkdirSync(join(prefix, 'conf'));
  writeFileSync(join(prefix, 'conf', 'nginx.conf'), openrestyConfiguration);
  copyFileSync('/etc/nginx/mime.types', join(prefix, 'conf', 'mime.types'));
  mkdirSync(join(prefix, 'html'));
  mkdirSync(join(prefix, 'logs'));
  const etcNginx = temporaryDirectory('etc-nginx');
  mkdirSync(join(etcNginx, 'conf.d'));
  writeFileSync(join(etcNginx, 'conf.d', 'default.conf'), openrestyDefaultServer);
  makeReadable(prefix);
  makeReadable(etcNginx);
  return [
    { target: posix.normalize(openrestyPrefix).replace(/\/$/, ''), hostPath: prefix },
    { target: '/etc/nginx', hostPath: etcNginx },
  ];
}

function makeReadable(root: string): void {
  const stats = lstatSync(root);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    chmodSync(root, 0o755);
    for (const name of readdirSync(root)) makeReadable(join(root, name));
  } else {
    chmodSync(root, (stats.mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

function isWithin(path: string, directory: string): boolean {
  const rest = relative(directory, path);
  return rest === '' || (!rest.startsWith('..') && !posix.isAbsolute(rest));
}

/** The files git would put in a fresh clone below a path: tracked, or untracked and not ignored. */
function freshCloneFiles(repositoryRoot: string, hostPath: string): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--full-name', '-z', '--', hostPath], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    // a bind source missing from the repository lists nothing; git's warning about it is no news
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const topLevel = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();
  // A tracked file deleted from the working tree is still listed; the engine analyzed the
  // working tree, where it is gone, so it is left out here too.
  return listed
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => join(topLevel, entry))
    .filter((path) => existsSync(path) || isDanglingLink(path));
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A temporary copy of a bind source as a fresh clone has it. A source absent from the
 * clone becomes an empty directory, as docker creates one for a missing bind source.
 */
function freshCloneCopy(hostPath: string, options: FirstBootOptions): string {
  const copy = temporaryDirectory('bind');
  const files = isWithin(hostPath, options.repositoryRoot) ? freshCloneFiles(options.repositoryRoot, hostPath) : [];
  const sourceIsFile = files.length === 1 && files[0] === hostPath;
  if (sourceIsFile) {
    // A single file: the copy is a file inside the temporary directory.
    const file = join(copy, posix.basename(hostPath));
    writeCopy(hostPath, file, options);
    return file;
  }
  for (const file of files) writeCopy(file, join(copy, relative(hostPath, file)), options);
  makeReadable(copy);
  return copy;
}

function writeCopy(source: string, destination: string, options: FirstBootOptions): void {
  mkdirSync(dirname(destination), { recursive: true });
  const replacement = options.replacements?.get(source);
  if (replacement !== undefined) writeFileSync(destination, replacement);
  else if (lstatSync(source).isSymbolicLink()) symlinkSync(readlinkSync(source), destination);
  else copyFileSync(source, destination);
  if (!lstatSync(destination).isSymbolicLink()) chmodSync(destination, (lstatSync(source).mode & 0o111) !== 0 ? 0o755 : 0o644);
}

/**
 * A new volume: docker copies the image's content at the mount point into an empty
 * volume. Only the official image's /etc/nginx is known here, so a volume elsewhere
 * starts empty (the paths these fixtures mount volumes at are empty in the image).
 */
function newVolume(target: string, image: readonly ImageDirectory[]): string {
  const directory = temporaryDirectory('volume');
  for (const { target: imageTarget, hostPath } of image) {
    if (!isWithin(target, imageTarget)) continue;
    const imagePath = join(hostPath, relative(imageTarget, target));
    if (existsSync(imagePath) && lstatSync(imagePath).isDirectory()) {
      execFileSync('cp', ['-a', `${imagePath}/.`, directory]);
    }
  }
  return directory;
}

/** Mounts for one nginx service's first boot, in the order docker applies them (parents first). */
export function firstBootLayout(volumes: readonly VolumeMount[], options: FirstBootOptions): FirstBootLayout {
  const image = options.image === 'openresty' ? openrestyDirectories() : [{ target: '/etc/nginx', hostPath: officialEtcNginx() }];
  const placed: PlacedMount[] = image.map(({ target }) => ({ target, origin: { kind: 'image' } }));
  // The official image also links /var/log/nginx/*.log to /dev/stdout and /dev/stderr, but
  // nginx cannot open those here: the harness's stdio are sockets, and opening a socket
  // through /proc/self/fd fails (ENXIO). Debian's own /var/log/nginx stays in its place.
  const mounts: Mount[] = image.map(({ target, hostPath }) => ({ hostPath, containerPath: target }));
  const serviceMounts: { mount: Mount; placed: PlacedMount }[] = [];
  for (const volume of volumes) {
    if (volume.unknown || volume.target === undefined) {
      throw new Error(`a volume of this service depends on an unset variable; its first-boot content is unknown (${JSON.stringify(volume.location)})`);
    }
    const target = volume.target;
    let hostPath: string;
    let origin: ContainerOrigin;
    if (volume.type === 'bind' && volume.source !== undefined) {
      hostPath = freshCloneCopy(volume.source, options);
      origin = { kind: 'bind', hostPath: volume.source };
    } else if (volume.type === 'tmpfs') {
      hostPath = temporaryDirectory('tmpfs');
      chmodSync(hostPath, 0o1777);
      origin = { kind: 'tmpfs' };
    } else if (volume.type === 'volume' || volume.type === undefined) {
      const name = volume.source;
      const existing = name === undefined ? undefined : options.namedVolumes.get(name);
      hostPath = existing ?? newVolume(target, image);
      if (name !== undefined && existing === undefined) options.namedVolumes.set(name, hostPath);
      origin = { kind: 'volume', name, relativePath: '' };
    } else {
      throw new Error(`volume type ${String(volume.type)} is not emulated`);
    }
    serviceMounts.push({
      mount: { hostPath, containerPath: target, readOnly: volume.readOnly },
      placed: { target, origin },
    });
  }
  // Docker mounts a parent before what lies inside it, whatever order compose lists them in.
  serviceMounts.sort((left, right) => depth(left.mount.containerPath) - depth(right.mount.containerPath));
  for (const { mount, placed: place } of serviceMounts) {
    mounts.push(mount);
    placed.push(place);
  }

  return {
    mounts,
    origin(containerPath: string): ContainerOrigin {
      // The last mount that covers a path is the one visible there.
      for (let index = placed.length - 1; index >= 0; index -= 1) {
        const place = placed[index];
        if (place === undefined || !isWithin(containerPath, place.target)) continue;
        const rest = relative(place.target, containerPath);
        if (place.origin.kind === 'bind') return { kind: 'bind', hostPath: rest === '' ? place.origin.hostPath : join(place.origin.hostPath, rest) };
        if (place.origin.kind === 'volume') return { ...place.origin, relativePath: rest };
        return place.origin;
      }
      return { kind: 'image' };
    },
  };
}

function depth(path: string): number {
  return path.split('/').filter((part) => part !== '').length;
}

/** The repository file's text with one range replaced, for probing which token nginx reads. */
export function replaceRange(
  text: string,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
  replacement: string,
): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; character: number }): number =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return text.slice(0, offset(range.start)) + replacement + text.slice(offset(range.end));
}
