import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import { stronglyConnectedComponents } from '../languages/nginx/include-graph';
import { defaultMaximumDepth } from '../languages/nginx/parser';
import type { NginxArgument, NginxDirective } from '../languages/nginx/syntax-tree';
import type { SourceLocation } from '../text/source-location';
import { posix } from 'node:path';
import type { ContainerView } from './container-view';
import type { DeployedService } from './deployment';
import { hostLocation } from './locations';
import { defaultNginxPrefix } from './nginx-paths';

/** A directive where nginx meets it, with the file it is written in. */
export interface PlacedDirective {
  readonly file: ConfigurationFile;
  readonly directive: NginxDirective;
  /** The block it opens, with included files expanded. */
  readonly block?: NginxBlock;
}

/** A block as nginx sees it: its own directives in order, those of included files in place. */
export interface NginxBlock {
  /** undefined for the main context. */
  readonly opener?: PlacedDirective;
  readonly entries: readonly PlacedDirective[];
}

/** A directive of the tree with its enclosing blocks, outermost first. */
export interface WalkedDirective {
  readonly entry: PlacedDirective;
  readonly ancestors: readonly NginxBlock[];
}

// A configuration and the trees built from it do not change once loaded, and several rules read
// them in one analysis: the tree is built once per configuration, not once per rule.
const expandedTrees = new WeakMap<NginxConfiguration, NginxBlock>();
const walks = new WeakMap<NginxBlock, readonly WalkedDirective[]>();

/** For each file, its component of the include graph: files of one component include each other. */
function includeComponents(configuration: NginxConfiguration): Int32Array {
  return stronglyConnectedComponents(configuration.files.map((file) => includeTargets(configuration, file.syntax.directives)));
}

/** The files the `include` directives of a file's tree name, blocks included, without recursion. */
function includeTargets(configuration: NginxConfiguration, directives: readonly NginxDirective[]): number[] {
  const targets: number[] = [];
  // a configuration without includes needs no walk of its trees
  if (configuration.includes.size === 0) return targets;
  const pending: (readonly NginxDirective[])[] = [directives];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const directive of next) {
      if (directive.name === 'include') for (const target of configuration.includes.get(directive) ?? []) targets.push(target);
      if (directive.block) pending.push(directive.block);
    }
  }
  return targets;
}

/**
 * How many directives the expanded tree may hold beyond each file's own once: files included
 * again and again (a snippet in every server) are inlined each time up to this many, then each
 * further include of a file already inlined stands alone. Diamonds of includes nested ten deep
 * would otherwise inline a file a thousand times over, and exhaust memory long before rules ran.
 */
export const maximumRepeatedDirectives = 500_000;

/** A block's entries while expand() fills them. */
interface BlockBeingFilled {
  opener: PlacedDirective;
  entries: readonly PlacedDirective[];
}

/**
 * A step of expand(): the directives of one list (a file, or a block) still to place, or the
 * entry of an include to add once its files are placed. Frames are reused as the walk leaves
 * them: a big configuration has thousands of blocks.
 */
class ExpandFrame {
  kind: 'directives' | 'entry' = 'directives';
  file!: ConfigurationFile;
  fileIndex = 0;
  directives: readonly NginxDirective[] = [];
  next = 0;
  entries: PlacedDirective[] = [];
  /** Where the next entry goes in `entries` when it was made at its final length; -1 when entries are pushed. */
  filled = -1;
  depth = 0;
  repeat = false;
  /** The block whose own directives these are: its entries are complete when the frame ends. */
  block: BlockBeingFilled | undefined;
  /** For an `entry` frame: the include's own entry. */
  entry: PlacedDirective | undefined;
}

/** Whether a list of directives names files to include, which adds entries to its block. */
function includesFiles(configuration: NginxConfiguration, directives: readonly NginxDirective[]): boolean {
  if (configuration.includes.size === 0) return false;
  for (const directive of directives) if (directive.name === 'include' && configuration.includes.has(directive)) return true;
  return false;
}

function expand(configuration: NginxConfiguration): NginxBlock {
  const files = configuration.files;
  const main = files[0];
  if (!main) return { entries: [] };
  const component = includeComponents(configuration);
  const inlined = new Uint8Array(files.length);
  inlined[0] = 1;
  let repeated = 0;
  const spare: ExpandFrame[] = [];
  const frames: ExpandFrame[] = [];
  const push = (kind: ExpandFrame['kind'], entries: PlacedDirective[]): ExpandFrame => {
    const frame = spare.pop() ?? new ExpandFrame();
    frame.kind = kind;
    frame.entries = entries;
    frame.filled = -1;
    frame.block = undefined;
    frame.entry = undefined;
    frames.push(frame);
    return frame;
  };
  const add = (frame: ExpandFrame, entry: PlacedDirective): void => {
    if (frame.filled < 0) frame.entries.push(entry);
    else frame.entries[frame.filled++] = entry;
  };
  const entries: PlacedDirective[] = [];
  // iterative: an include chain of thousands of files is as deep as the stack of this loop, not of JavaScript
  const first = push('directives', entries);
  first.file = main;
  first.fileIndex = 0;
  first.directives = main.syntax.directives;
  first.next = 0;
  first.depth = 0;
  first.repeat = false;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1];
    if (frame.kind === 'entry') {
      frames.pop();
      frame.entries.push(frame.entry as PlacedDirective);
      spare.push(frame);
      continue;
    }
    const directive = frame.directives[frame.next++];
    if (directive === undefined) {
      frames.pop();
      // the tree outlives the analysis: each block keeps an array of its length, not one grown by push
      if (frame.block !== undefined && frame.filled < 0) frame.block.entries = frame.entries.slice();
      spare.push(frame);
      continue;
    }
    if (frame.repeat) repeated++;
    const { file } = frame;
    // only `include` directives are resolved: other names need no lookup
    const included = directive.name === 'include' ? configuration.includes.get(directive) : undefined;
    if (included) {
      // the included files' directives stand where the include does, then the include itself
      const entryFrame = push('entry', frame.entries);
      entryFrame.entry = { file, directive };
      for (let position = included.length - 1; position >= 0; position--) {
        const index = included[position];
        const child = files[index];
        if (!child) continue;
        const repeat = inlined[index] === 1;
        // inside an include cycle (the loader reports it; nginx never gets past one) each file
        // is inlined once, where the walk first meets it
        if (repeat && (component[index] === component[frame.fileIndex] || repeated >= maximumRepeatedDirectives)) continue;
        inlined[index] = 1;
        const childFrame = push('directives', frame.entries);
        childFrame.file = child;
        childFrame.fileIndex = index;
        childFrame.directives = child.syntax.directives;
        childFrame.next = 0;
        childFrame.depth = frame.depth;
        childFrame.repeat = repeat || frame.repeat;
      }
      continue;
    }
    if (!directive.block) {
      add(frame, { file, directive });
      continue;
    }
    // made with its three fields at once, so that adding the block does not give it a second shape
    const placed: { file: ConfigurationFile; directive: NginxDirective; block: BlockBeingFilled | undefined } = { file, directive, block: undefined };
    const block: BlockBeingFilled = { opener: placed as PlacedDirective, entries: [] };
    placed.block = block;
    add(frame, placed as PlacedDirective);
    // blocks nested deeper than the parser reads in one file are not read through includes either
    if (frame.depth < defaultMaximumDepth) {
      // a block without includes has one entry per directive: its array is made at that length
      const exact = !includesFiles(configuration, directive.block);
      const blockEntries: PlacedDirective[] = exact ? new Array<PlacedDirective>(directive.block.length) : [];
      block.entries = blockEntries;
      const blockFrame = push('directives', blockEntries);
      blockFrame.file = file;
      blockFrame.fileIndex = frame.fileIndex;
      blockFrame.directives = directive.block;
      blockFrame.next = 0;
      blockFrame.filled = exact ? 0 : -1;
      blockFrame.depth = frame.depth + 1;
      blockFrame.repeat = frame.repeat;
      blockFrame.block = block;
    }
  }
  return { entries };
}

/**
 * The configuration as one tree, includes expanded where they stand, so that a block's
 * directives and what it inherits can be read across files. The includes of an include cycle
 * are not followed, and files included over and over are inlined up to a bound.
 */
export function expandedConfiguration(configuration: NginxConfiguration): NginxBlock {
  let tree = expandedTrees.get(configuration);
  if (tree === undefined) {
    tree = expand(configuration);
    expandedTrees.set(configuration, tree);
  }
  return tree;
}

function collectWalk(block: NginxBlock, chain: readonly NginxBlock[], walk: WalkedDirective[]): void {
  // one chain per block, shared by its entries: a big configuration has many entries per block
  for (const entry of block.entries) {
    walk.push({ entry, ancestors: chain });
    if (entry.block) collectWalk(entry.block, chain.concat(entry.block), walk);
  }
}

/** Every directive of the block, depth first, with its enclosing blocks (outermost first, the block itself included). */
export function walkDirectives(block: NginxBlock): readonly WalkedDirective[] {
  let walk = walks.get(block);
  if (walk === undefined) {
    const collected: WalkedDirective[] = [];
    collectWalk(block, [block], collected);
    walk = collected;
    walks.set(block, walk);
  }
  return walk;
}

/**
 * The walk's directives with one of `names`, in the same order: a rule that looks for a few
 * names does not wrap every directive of a big configuration.
 */
export function walkDirectivesNamed(block: NginxBlock, names: Pick<ReadonlySet<string>, 'has'>): WalkedDirective[] {
  const found: WalkedDirective[] = [];
  const chain: NginxBlock[] = [block];
  const visit = (current: NginxBlock): void => {
    for (const entry of current.entries) {
      if (names.has(entry.directive.name)) found.push({ entry, ancestors: chain.slice() });
      if (entry.block) {
        chain.push(entry.block);
        visit(entry.block);
        chain.pop();
      }
    }
  };
  visit(block);
  return found;
}

/** The directives of the block and all blocks inside it with one of `names`, depth first, without their enclosing blocks. */
export function placedDirectivesNamed(block: NginxBlock, names: Pick<ReadonlySet<string>, 'has'>): PlacedDirective[] {
  const found: PlacedDirective[] = [];
  const visit = (current: NginxBlock): void => {
    for (const entry of current.entries) {
      if (names.has(entry.directive.name)) found.push(entry);
      if (entry.block) visit(entry.block);
    }
  };
  visit(block);
  return found;
}

/** The directives of one name standing directly in a block. */
export function directivesNamed(block: NginxBlock, name: string): PlacedDirective[] {
  return block.entries.filter((entry) => entry.directive.name === name);
}

/** Where an argument of a loaded file stands in the repository (undefined for image files). */
export function argumentLocation(view: ContainerView, entry: PlacedDirective, argument: NginxArgument): SourceLocation | undefined {
  return hostLocation(view, entry.file, argument.span);
}

/** A file argument nginx reads as written: one argument, no variables. */
export function fixedPathArgument(entry: PlacedDirective): NginxArgument | undefined {
  const [argument] = entry.directive.args;
  if (!argument || entry.directive.args.length !== 1 || argument.value.includes('$') || argument.value.startsWith('data:')) return undefined;
  return argument;
}

/** The prefix relative `root` and `alias` paths of a service's nginx are read from. */
export function nginxPrefixOf(service: DeployedService): string {
  return service.nginx?.prefix ?? defaultNginxPrefix;
}

/** The directory relative `include` and certificate paths of a service's nginx are read from. */
export function configurationPrefixOf(service: DeployedService): string {
  return service.nginx ? `${posix.dirname(service.nginx.mainConfigurationPath)}/` : defaultNginxPrefix;
}
