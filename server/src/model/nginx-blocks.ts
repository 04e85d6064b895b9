import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
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

function expand(configuration: NginxConfiguration): NginxBlock {
  const open = new Set<number>();
  const addEntries = (file: ConfigurationFile, directives: readonly NginxDirective[], entries: PlacedDirective[]): PlacedDirective[] => {
    for (const directive of directives) {
      // only `include` directives are resolved: other names need no lookup
      const included = directive.name === 'include' ? configuration.includes.get(directive) : undefined;
      if (included) {
        for (const index of included) {
          const child = configuration.files[index];
          if (!child || open.has(index)) continue;
          open.add(index);
          addEntries(child, child.syntax.directives, entries);
          open.delete(index);
        }
        entries.push({ file, directive });
        continue;
      }
      if (directive.block) {
        const placed: { file: ConfigurationFile; directive: NginxDirective; block?: NginxBlock } = { file, directive };
        placed.block = { opener: placed, entries: addEntries(file, directive.block, []) };
        entries.push(placed);
      } else entries.push({ file, directive });
    }
    return entries;
  };
  const main = configuration.files[0];
  if (!main) return { entries: [] };
  open.add(0);
  return { entries: addEntries(main, main.syntax.directives, []) };
}

/**
 * The configuration as one tree, includes expanded where they stand, so that a block's
 * directives and what it inherits can be read across files. An include cycle stops at the file
 * already open.
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
