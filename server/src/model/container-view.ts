import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import { type FileStat, type FileSystem, FileSystemError } from '../workspace/file-system';
import type { RenderedTemplate } from './rendered-template';

/** Where a container path comes from on a fresh server. */
export type PathOrigin =
  | { readonly kind: 'bind'; readonly mount: VolumeMount; readonly hostPath: string }
  | { readonly kind: 'volume'; readonly mount: VolumeMount; readonly volumeName?: string; readonly relativePath: string }
  | { readonly kind: 'tmpfs'; readonly mount: VolumeMount }
  | { readonly kind: 'image'; readonly content?: string; readonly directory?: boolean; readonly template?: RenderedTemplate }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Another service that creates the path once it has run, through a mount both share. */
export interface LaterWriter {
  readonly service: string;
  readonly mount: VolumeMount;
  /** The path as that service sees it. */
  readonly pathInWriter: string;
}

export type FirstBootState =
  | { readonly state: 'present'; readonly origin: PathOrigin }
  | { readonly state: 'absent'; readonly origin: PathOrigin; readonly ignoredBy?: string }
  | { readonly state: 'created-later'; readonly origin: PathOrigin; readonly writer: LaterWriter }
  | { readonly state: 'unknown'; readonly origin: PathOrigin };

export interface HostPathInfo {
  readonly state: 'present' | 'absent' | 'unknown';
  /** For an absent path: the ignore rule that keeps it out of a clone (".gitignore:3"). */
  readonly ignoredBy?: string;
}

/** Whether a host path of the repository exists on a fresh server (see DESIGN.md, first boot). */
export type HostPathState = (hostPath: string) => HostPathInfo;

export interface ImageFiles {
  /** Files the image is known to hold, by container path, and files its entrypoint writes at start. */
  readonly files: ReadonlyMap<string, string>;
  /** Paths a derived image's Dockerfile writes, and those the image's variants differ in: unknown here. */
  readonly unknownBelow: readonly string[];
  /** Directories whose whole content is known (a listing is exact). */
  readonly knownDirectories: ReadonlySet<string>;
  /** Prefixes under which a path missing from `files` is known to be absent. */
  readonly absentBelow: readonly string[];
  /** Files of `files` the entrypoint writes at start, over whatever is mounted there. */
  readonly writtenAtStart: ReadonlySet<string>;
  /** Of `writtenAtStart`, the files rendered from the repository's templates. */
  readonly renderedTemplates?: ReadonlyMap<string, RenderedTemplate>;
  /**
   * The "mounts" are copies over these files (nginx on a host, its configuration copied from
   * the repository): a file the repository lacks is still there when `files` holds it.
   */
  readonly underCopies?: boolean;
  /**
   * What a Dockerfile's COPY/ADD put into the image from the build context, as read-only binds of
   * the repository's files (the last one wins). A path below a copied directory that the
   * directory lacks is not known to be absent: the image or a RUN step may hold it.
   */
  readonly copies?: readonly ImageCopy[];
  /** Paths the container's start script may write before nginx starts, through mounts too: unknown. */
  readonly writtenByStartScript?: readonly string[];
}

/** A file or directory of the repository a Dockerfile copies into the image. */
export interface ImageCopy {
  /** A bind of the source at the destination, located at the COPY line. */
  readonly mount: VolumeMount & { readonly source: string; readonly target: string };
  readonly directory: boolean;
  /** Paths a later RUN step names: what it does there is unknown, so the copy no longer tells. */
  readonly changedBelow: readonly string[];
}

/** Answers, for one path as another service sees it, who writes it there later. */
export type LaterWriterLookup = (origin: PathOrigin) => LaterWriter | undefined;

export function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory.endsWith('/') ? directory : `${directory}/`);
}

/**
 * A service's file system as the container sees it on the first `docker compose up` of a fresh
 * clone: bind mounts show the repository, named volumes and tmpfs start empty, the image shows
 * the files certboot knows it holds, and everything else is unknown. It is a FileSystem, so the
 * nginx loader reads a container's configuration exactly as nginx will.
 */
export class ContainerView implements FileSystem {
  private readonly mounts: readonly VolumeMount[];

  constructor(
    mounts: readonly VolumeMount[],
    private readonly workspace: FileSystem,
    private readonly hostPathState: HostPathState,
    private readonly image: ImageFiles | undefined,
    private readonly laterWriter: LaterWriterLookup = () => undefined,
  ) {
    // the longest target wins, as in the kernel's mount table
    this.mounts = mounts.filter((mount) => mount.target !== undefined).sort((left, right) => (right.target ?? '').length - (left.target ?? '').length);
  }

  /** Rules ask about the same paths again and again; a view lives for one analysis. */
  private readonly origins = new Map<string, PathOrigin>();

  origin(containerPath: string): PathOrigin {
    let origin = this.origins.get(containerPath);
    if (origin === undefined) {
      origin = this.computeOrigin(containerPath);
      this.origins.set(containerPath, origin);
    }
    return origin;
  }

  private computeOrigin(containerPath: string): PathOrigin {
    const path = posix.resolve('/', containerPath);
    if (this.image?.writtenByStartScript?.some((written) => isWithin(path, written))) {
      return { kind: 'unknown', reason: "the container's start script may write it before nginx starts" };
    }
    // what the entrypoint writes at start (rendered templates) lies over the mounts
    const written = this.image?.files.get(path);
    if (written !== undefined && this.image?.writtenAtStart.has(path))
      return { kind: 'image', content: written, template: this.image.renderedTemplates?.get(path) };
    for (const mount of this.mounts) {
      const target = mount.target ?? '';
      if (!isWithin(path, target)) continue;
      if (mount.unknown && mount.source === undefined) return { kind: 'unknown', reason: 'the mount depends on a variable with no value' };
      if (mount.type === 'bind' && mount.source !== undefined) {
        const hostPath = posix.join(mount.source, posix.relative(target, path));
        const beneath = this.image?.underCopies ? this.image.files.get(path) : undefined;
        if (beneath !== undefined && this.hostPathState(hostPath).state === 'absent') return { kind: 'image', content: beneath };
        return { kind: 'bind', mount, hostPath };
      }
      if (mount.type === 'volume' && mount.madeOutside)
        return { kind: 'unknown', reason: 'the named volume is made outside the project (external, or bound by its driver options)' };
      if (mount.type === 'volume') return { kind: 'volume', mount, volumeName: mount.source, relativePath: posix.relative(target, path) };
      if (mount.type === 'tmpfs') return { kind: 'tmpfs', mount };
      return { kind: 'unknown', reason: 'a mount of an unknown kind' };
    }
    const copied = this.copiedOrigin(path);
    if (copied) return copied;
    if (this.image) {
      if (this.image.unknownBelow.some((prefix) => isWithin(path, prefix))) return { kind: 'unknown', reason: "written by the image's build" };
      const content = this.image.files.get(path);
      if (content !== undefined) return { kind: 'image', content };
      if (this.image.knownDirectories.has(path) || [...this.image.files.keys()].some((file) => isWithin(file, path))) {
        return { kind: 'image', directory: true };
      }
      // the runtime makes the directories a mount point lies in (runc, libcontainer/rootfs_linux.go:
      // createIfNotExists makes the mount's destination with MkdirAll), so they exist, holding the mounts
      if (this.mounts.some((mount) => mount.target !== undefined && mount.target !== path && isWithin(mount.target, path))) {
        return { kind: 'image', directory: true };
      }
      if (this.image.absentBelow.some((prefix) => isWithin(path, prefix))) return { kind: 'image' };
    }
    return { kind: 'unknown', reason: 'not mounted, and not a file the image is known to hold' };
  }

  /** The repository file a COPY put at a path; undefined when no copy tells (see ImageFiles.copies). */
  private copiedOrigin(path: string): PathOrigin | undefined {
    const copies = this.image?.copies ?? [];
    for (let index = copies.length - 1; index >= 0; index--) {
      const { mount, directory, changedBelow } = copies[index];
      if (!(directory ? isWithin(path, mount.target) && path !== mount.target : path === mount.target)) continue;
      if (changedBelow.some((changed) => isWithin(path, changed) || isWithin(changed, path))) return undefined;
      const hostPath = posix.join(mount.source, posix.relative(mount.target, path));
      if (!directory || this.hostPathState(hostPath).state === 'present') return { kind: 'bind', mount, hostPath };
    }
    return undefined;
  }

  private readonly states = new Map<string, FirstBootState>();

  firstBootState(containerPath: string): FirstBootState {
    let state = this.states.get(containerPath);
    if (state === undefined) {
      state = this.computeFirstBootState(containerPath);
      this.states.set(containerPath, state);
    }
    return state;
  }

  private computeFirstBootState(containerPath: string): FirstBootState {
    const origin = this.origin(containerPath);
    switch (origin.kind) {
      case 'unknown':
        return { state: 'unknown', origin };
      case 'image':
        return origin.content !== undefined || origin.directory ? { state: 'present', origin } : this.absentOrLater(origin);
      case 'tmpfs':
        return { state: 'absent', origin };
      case 'volume':
        return this.absentOrLater(origin);
      case 'bind': {
        const host = this.hostPathState(origin.hostPath);
        if (host.state === 'absent') return this.absentOrLater(origin, host.ignoredBy);
        return { state: host.state, origin };
      }
    }
  }

  private absentOrLater(origin: PathOrigin, ignoredBy?: string): FirstBootState {
    const writer = this.laterWriter(origin);
    if (writer) return { state: 'created-later', origin, writer };
    return ignoredBy === undefined ? { state: 'absent', origin } : { state: 'absent', origin, ignoredBy };
  }

  stat(path: string): FileStat | undefined {
    const state = this.firstBootState(path);
    if (state.state !== 'present') return undefined;
    const origin = state.origin;
    if (origin.kind === 'bind') return this.workspace.stat(origin.hostPath);
    if (origin.kind === 'image') return origin.content !== undefined ? { kind: 'file', size: origin.content.length } : { kind: 'directory', size: 0 };
    return undefined;
  }

  readFile(path: string): Uint8Array {
    const state = this.firstBootState(path);
    if (state.state === 'unknown') throw new FileSystemError('UNKNOWN', path, `${path}: unknown before the container runs`);
    if (state.state !== 'present') throw new FileSystemError('ENOENT', path, `No such file or directory: ${path}`);
    const origin = state.origin;
    if (origin.kind === 'bind') return this.workspace.readFile(origin.hostPath);
    if (origin.kind === 'image' && origin.content !== undefined) return new TextEncoder().encode(origin.content);
    throw new FileSystemError('EISDIR', path, `${path} is a directory`);
  }

  readDirectory(path: string): string[] {
    const normalized = posix.resolve('/', path);
    const state = this.firstBootState(normalized);
    if (state.state === 'unknown') throw new FileSystemError('UNKNOWN', path, `${path}: unknown before the container runs`);
    if (state.state !== 'present') throw new FileSystemError('ENOENT', path, `No such file or directory: ${path}`);
    const names = new Set<string>();
    const origin = state.origin;
    if (origin.kind === 'bind') {
      for (const name of this.workspace.readDirectory(origin.hostPath)) {
        if (this.hostPathState(posix.join(origin.hostPath, name)).state !== 'absent') names.add(name);
      }
    }
    for (const file of this.image?.writtenAtStart ?? []) {
      if (posix.dirname(file) === normalized) names.add(posix.basename(file));
    }
    if (origin.kind === 'image' && this.image) {
      const listed = this.image.knownDirectories.has(normalized) || this.image.absentBelow.some((prefix) => isWithin(normalized, prefix));
      if (!listed) throw new FileSystemError('UNKNOWN', path, `${path}: the image's listing is unknown`);
      for (const file of this.image.files.keys()) {
        if (posix.dirname(file) === normalized) names.add(posix.basename(file));
      }
      for (const { mount, directory } of this.image.copies ?? []) {
        if (posix.dirname(mount.target) === normalized) names.add(posix.basename(mount.target));
        if (!directory || mount.target !== normalized) continue;
        for (const name of this.workspace.readDirectory(mount.source)) {
          if (this.hostPathState(posix.join(mount.source, name)).state === 'present') names.add(name);
        }
      }
    }
    // mounts below this directory appear in it too
    for (const mount of this.mounts) {
      if (mount.target !== undefined && posix.dirname(mount.target) === normalized) names.add(posix.basename(mount.target));
    }
    return [...names].sort();
  }
}
