import type { ConfigurationFile, NginxConfiguration } from '../nginx/configuration';
import type { NginxArgument, NginxDirective } from '../nginx/syntax-tree';
import type { SourceLocation } from '../source-location';
import type { ContainerView } from './container-view';
import { hostLocation } from './locations';

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

/**
 * The configuration as one tree, includes expanded where they stand, so that a block's
 * directives and what it inherits can be read across files. An include cycle stops at the file
 * already open.
 */
export function expandedConfiguration(configuration: NginxConfiguration): NginxBlock {
  const open = new Set<number>();
  const entriesOf = (file: ConfigurationFile, directives: readonly NginxDirective[]): PlacedDirective[] => {
    const entries: PlacedDirective[] = [];
    for (const directive of directives) {
      const included = configuration.includes.get(directive);
      if (included) {
        for (const index of included) {
          const child = configuration.files[index];
          if (!child || open.has(index)) continue;
          open.add(index);
          entries.push(...entriesOf(child, child.syntax.directives));
          open.delete(index);
        }
        entries.push({ file, directive });
        continue;
      }
      if (directive.block) {
        const placed: { file: ConfigurationFile; directive: NginxDirective; block?: NginxBlock } = { file, directive };
        placed.block = { opener: placed, entries: entriesOf(file, directive.block) };
        entries.push(placed);
      } else entries.push({ file, directive });
    }
    return entries;
  };
  const main = configuration.files[0];
  if (!main) return { entries: [] };
  open.add(0);
  return { entries: entriesOf(main, main.syntax.directives) };
}

/** Every directive of the tree, depth first, with its enclosing blocks (outermost first). */
export function* walkDirectives(block: NginxBlock, ancestors: readonly NginxBlock[] = []): Generator<{ entry: PlacedDirective; ancestors: readonly NginxBlock[] }> {
  // one chain per block, shared by its entries: a big configuration has many entries per block
  const chain = [...ancestors, block];
  for (const entry of block.entries) {
    yield { entry, ancestors: chain };
    if (entry.block) yield* walkDirectives(entry.block, chain);
  }
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

/** nginx resolves relative file paths against its prefix, /etc/nginx/ in every nginx image. */
export function resolveNginxPath(path: string): string {
  return path.startsWith('/') ? path : `/etc/nginx/${path}`;
}
