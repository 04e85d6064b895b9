import { type BlockContext, directiveContextOf } from '../languages/nginx/analyzer';
import { BlockContexts } from '../languages/nginx/block-contexts';
import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import type { DirectiveContext } from '../languages/nginx/directives';
import { defaultMaximumDepth } from '../languages/nginx/parser';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import { maximumRepeatedDirectives } from '../model/nginx-blocks';

/** One directive of a loaded configuration, where nginx meets it. */
export interface LoadedDirective {
  readonly directive: NginxDirective;
  /** The file it is written in. */
  readonly file: ConfigurationFile;
  /** The block it stands in, as nginx's command table names it (`server`, `location-if`…). */
  readonly context: DirectiveContext;
  /** The block directives around it, outermost first, across includes: `http`, `server`, `location`… */
  readonly enclosing: readonly NginxDirective[];
}

/** How deep includes may nest before the walk stops (nginx itself has no limit but its stack). */
const maximumIncludeDepth = 64;

/**
 * Every directive of a loaded configuration in the order nginx reads them: each `include` is
 * followed where it stands, with the context of that place, so a file included twice is met
 * twice (once per context). Directives in blocks whose bodies are not directives (`map`, `types`,
 * `geo`, `*_by_lua_block`…) or in a context certboot cannot tell (a block of an unknown
 * directive, a snippet whose includer is unknown) are left out: nginx does not look them up in
 * its command table, or certboot cannot say where they stand. Like the expanded configuration,
 * the walk is bounded: files met again (diamonds of includes) are walked again up to
 * `maximumRepeatedDirectives` directives, and blocks nest at most as deep as the parser reads.
 */
export function loadedDirectives(configuration: NginxConfiguration): LoadedDirective[] {
  const found: LoadedDirective[] = [];
  visitLoadedDirectives(configuration, (directive, file, context, enclosing) => {
    found.push({ directive, file, context, enclosing });
  });
  return found;
}

/**
 * Calls `visit` for each directive loadedDirectives() lists, in its order, without making a
 * LoadedDirective of each: a check of thousands of statements makes one only for those it keeps.
 * `enclosing` is shared by the directives of a block.
 */
export function visitLoadedDirectives(
  configuration: NginxConfiguration,
  visit: (directive: NginxDirective, file: ConfigurationFile, context: DirectiveContext, enclosing: readonly NginxDirective[]) => void,
): void {
  const contexts = new BlockContexts();
  const main = configuration.files[0];
  // a snippet read on its own: where it stands is unknown
  if (main?.context === undefined) return;
  // the files being walked, innermost last: an include cycle (reported by the loader) stops here
  const walking: ConfigurationFile[] = [];
  const walked = new Set<ConfigurationFile>();
  let repeated = 0;
  const walkFile = (file: ConfigurationFile, context: BlockContext, enclosing: readonly NginxDirective[], repeat: boolean): void => {
    if (walking.includes(file) || walking.length >= maximumIncludeDepth) return;
    const again = repeat || walked.has(file);
    // a file included over and over (ten levels of files that include the next twice) is met
    // again only up to a bound, as the expanded configuration inlines it
    if (again && repeated >= maximumRepeatedDirectives) return;
    walked.add(file);
    walking.push(file);
    walk(file, file.syntax.directives, context, enclosing, again);
    walking.pop();
  };
  const walk = (
    file: ConfigurationFile,
    directives: readonly NginxDirective[],
    context: BlockContext,
    enclosing: readonly NginxDirective[],
    repeat: boolean,
  ): void => {
    const contextName = directiveContextOf(context);
    if (contextName === undefined) return;
    // only `include` directives are resolved: other names need no look-up
    const includes = configuration.includes.size > 0 ? configuration.includes : undefined;
    for (const directive of directives) {
      if (repeat) repeated++;
      visit(directive, file, contextName, enclosing);
      const included = includes?.get(directive);
      if (included !== undefined) {
        for (const index of included) {
          const target = configuration.files[index];
          if (target !== undefined) walkFile(target, context, enclosing, repeat);
        }
      }
      const block = directive.block;
      // blocks nested deeper than the parser reads in one file are not read through includes either
      if (block !== undefined && block.length > 0 && enclosing.length < defaultMaximumDepth) {
        walk(file, block, contexts.enter(context, directive.name), withLast(enclosing, directive), repeat);
      }
    }
  };
  walkFile(main, main.context, [], false);
}

/** `[...list, last]`, copied by hand: the walk makes one per block, and a spread is several times slower. */
function withLast<Item>(list: readonly Item[], last: Item): Item[] {
  const copy = new Array<Item>(list.length + 1);
  for (let index = 0; index < list.length; index++) copy[index] = list[index];
  copy[list.length] = last;
  return copy;
}
