import { posix } from 'node:path';
import { type ComposeNode, childOf, scalarText } from './compose-node';
import { isUnknownText, unknownMarker } from './interpolation';
import type { VolumeMount, VolumeType } from './model';

/** `skipped`: a mount type certboot does not model (npipe, image, cluster). */
export type VolumeParse = { readonly mount: VolumeMount } | { readonly error: string } | { readonly skipped: true };

const volumeTypes: readonly string[] = ['bind', 'volume', 'tmpfs'];
const otherVolumeTypes: readonly string[] = ['npipe', 'image', 'cluster'];

/**
 * One `volumes` entry of a service. Short syntax `SOURCE:TARGET[:MODE]` (a source starting
 * with `/`, `.` or `~` is a host path, anything else a named volume) or a lone `TARGET`
 * (an anonymous volume); long syntax with `type`, `source`, `target`, `read_only`.
 */
export function parseVolume(node: ComposeNode): VolumeParse {
  if (node.kind === 'mapping') return parseLongVolume(node);
  const text = scalarText(node);
  if (text === undefined) return { error: 'a volume must be a string or a mapping' };
  const parts = text.split(':');
  if (parts.length > 3) return { error: `"${text}" has too many ":"-separated parts (SOURCE:TARGET:MODE)` };
  if (parts.length === 1) return { mount: buildMount(node, 'volume', undefined, parts[0], '') };
  const [source, target, mode = ''] = parts;
  if (source === '') return { error: `"${text}" has an empty source` };
  return { mount: buildMount(node, typeOfSource(source), source, target, mode) };
}

function parseLongVolume(node: ComposeNode & { kind: 'mapping' }): VolumeParse {
  const typeText = scalarText(childOf(node, 'type'));
  const source = scalarText(childOf(node, 'source'));
  const target = scalarText(childOf(node, 'target'));
  if (typeText !== undefined && otherVolumeTypes.includes(typeText)) return { skipped: true };
  if (typeText !== undefined && !isUnknownText(typeText) && !volumeTypes.includes(typeText)) {
    return { error: `"${typeText}" is not a volume type (bind, volume, tmpfs, npipe, image, cluster)` };
  }
  if (target === undefined) return { error: 'the long syntax needs a `target`' };
  const type: VolumeType | undefined =
    typeText === undefined ? (source === undefined ? 'volume' : typeOfSource(source)) : isUnknownText(typeText) ? undefined : (typeText as VolumeType);
  const readOnlyNode = childOf(node, 'read_only');
  const readOnlyText = scalarText(readOnlyNode);
  return { mount: buildMount(node, type, type === 'tmpfs' ? undefined : source, target, readOnlyText === 'true' ? 'ro' : (readOnlyText ?? '')) };
}

function typeOfSource(source: string): VolumeType | undefined {
  if (source.startsWith(unknownMarker)) return undefined;
  return /^[/.~]/.test(source) ? 'bind' : 'volume';
}

function buildMount(node: ComposeNode, type: VolumeType | undefined, rawSource: string | undefined, rawTarget: string, mode: string): VolumeMount {
  // The home directory is the server's, which the lint cannot know.
  const source = rawSource === undefined || isUnknownText(rawSource) || (type === 'bind' && rawSource.startsWith('~')) ? undefined : rawSource;
  const sourceUnknown = rawSource !== undefined && source === undefined;
  // `/etc/nginx/conf.d/` is the directory `/etc/nginx/conf.d`: the mount lies over the same path
  const target = isUnknownText(rawTarget) ? undefined : rawTarget.length > 1 ? rawTarget.replace(/(.)\/+$/, '$1') : rawTarget;
  const options = mode.split(',');
  const resolvedSource = type === 'bind' && source !== undefined ? posix.resolve(node.baseDirectory, source) : source;
  return {
    ...(type === undefined ? {} : { type }),
    ...(resolvedSource === undefined ? {} : { source: resolvedSource }),
    ...(target === undefined ? {} : { target }),
    readOnly: options.includes('ro'),
    unknown: type === undefined || sourceUnknown || target === undefined || isUnknownText(mode),
    location: node.location,
  };
}

/** compose merges `volumes` entries by target; undefined when the target is not known. */
export function volumeMergeKey(node: ComposeNode): string | undefined {
  const parsed = parseVolume(node);
  return 'mount' in parsed ? parsed.mount.target : undefined;
}
