import { isUnknownText } from './interpolation';
import type { Located, SourceLocation } from './source-location';

/**
 * A compose file after YAML parsing and interpolation, before merging: aliases and `<<` merge
 * keys are expanded, and every node remembers the YAML node it came from, so a merged model can
 * still point into the override file that set a value.
 */
export type ComposeNode = ComposeScalar | ComposeSequence | ComposeMapping;

/** compose's YAML tags for overriding files: `!reset` removes a value, `!override` replaces it whole. */
export type MergeTag = 'reset' | 'override';

interface NodeBase {
  readonly location: SourceLocation;
  /** The directory relative paths in this node resolve against (the project or included project). */
  readonly baseDirectory: string;
  readonly tag?: MergeTag;
}

export interface ComposeScalar extends NodeBase {
  readonly kind: 'scalar';
  /** Strings are interpolated; unknown parts hold `unknownMarker`. */
  readonly value: string | number | boolean | null;
  readonly unknown: boolean;
}

export interface ComposeSequence extends NodeBase {
  readonly kind: 'sequence';
  readonly items: readonly ComposeNode[];
}

export interface ComposeEntry {
  readonly key: string;
  readonly keyLocation: SourceLocation;
  readonly value: ComposeNode;
}

export interface ComposeMapping extends NodeBase {
  readonly kind: 'mapping';
  readonly entries: ReadonlyMap<string, ComposeEntry>;
}

export function isMapping(node: ComposeNode | undefined): node is ComposeMapping {
  return node?.kind === 'mapping';
}

/** An entry that a `!reset` left in a file without anything to reset counts as absent. */
export function entryOf(mapping: ComposeMapping | undefined, key: string): ComposeEntry | undefined {
  const entry = mapping?.entries.get(key);
  return entry?.value.tag === 'reset' ? undefined : entry;
}

export function childOf(mapping: ComposeMapping | undefined, key: string): ComposeNode | undefined {
  return entryOf(mapping, key)?.value;
}

export function mappingChild(mapping: ComposeMapping | undefined, key: string): ComposeMapping | undefined {
  const child = childOf(mapping, key);
  return isMapping(child) ? child : undefined;
}

/** The text of a non-null scalar, unknown markers included. */
export function scalarText(node: ComposeNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** A scalar as a located string; absent for null or a collection. */
export function locatedText(node: ComposeNode | undefined): Located<string> | undefined {
  const text = scalarText(node);
  if (text === undefined || node === undefined) return undefined;
  return { value: isUnknownText(text) ? undefined : text, location: node.location };
}
