import type { NginxBlock, PlacedDirective } from '../model/nginx-blocks';

/**
 * How a `location` compares its argument with the request URI (nginx's ngx_http_core_location):
 * `=` exact, a plain prefix, `^~` a prefix that stops the regex search, `~` / `~*` regular
 * expressions checked in order, `@name` reachable only by internal redirects.
 */
export type LocationMatcher =
  | { readonly kind: 'exact' | 'prefix' | 'prefix-no-regex'; readonly pattern: string }
  | { readonly kind: 'regex'; readonly pattern: string; readonly caseless: boolean; readonly expression?: RegExp }
  | { readonly kind: 'named'; readonly pattern: string };

export interface LocationNode<Value> {
  readonly matcher: LocationMatcher;
  readonly value: Value;
  /** Locations nested inside this one, in order. */
  readonly children: readonly LocationNode<Value>[];
}

export type LocationSelection<Value> =
  /** `location` is the one that handles the URI; undefined when none matches (the server itself does). */
  | { readonly known: true; readonly location?: LocationNode<Value>; readonly enclosing: readonly LocationNode<Value>[] }
  /** A regular expression nginx would test could not be read here (PCRE syntax JavaScript lacks). */
  | { readonly known: false; readonly pattern: string };

/**
 * A PCRE pattern as a JavaScript expression, for the syntax both share; undefined for what
 * JavaScript reads differently or not at all (inline flags, possessive quantifiers, atomic
 * groups, `\A` `\Z`), so that an unreadable regex leaves the answer unknown.
 */
export function pcreExpression(pattern: string, caseless: boolean): RegExp | undefined {
  const source = pattern.replace(/\(\?P<(?=[A-Za-z_])/g, '(?<');
  if (/\(\?(?![:=!]|<[=!]|<[A-Za-z_])/.test(source)) return undefined;
  if (/[*+?}][+]/.test(source.replace(/\\./g, '')) || /\\[AZzGKQE]/.test(source)) return undefined;
  try {
    return new RegExp(source, caseless ? 'i' : '');
  } catch {
    return undefined;
  }
}

/** Reads a location's arguments as nginx does, the modifier apart (`= /x`) or attached (`=/x`, `~*\.php$`). */
export function parseLocationArguments(args: readonly string[]): LocationMatcher | undefined {
  let modifier: string;
  let pattern: string;
  if (args.length === 2) {
    [modifier, pattern] = args as [string, string];
    if (!['=', '^~', '~', '~*'].includes(modifier)) return undefined;
  } else if (args.length === 1) {
    const [argument] = args as [string];
    const attached = /^(=|\^~|~\*|~)?(.*)$/s.exec(argument) as RegExpExecArray;
    modifier = attached[1] ?? '';
    pattern = attached[2] as string;
  } else return undefined;
  switch (modifier) {
    case '=':
      return { kind: 'exact', pattern };
    case '^~':
      return { kind: 'prefix-no-regex', pattern };
    case '~':
    case '~*': {
      const caseless = modifier === '~*';
      const expression = pcreExpression(pattern, caseless);
      return expression ? { kind: 'regex', pattern, caseless, expression } : { kind: 'regex', pattern, caseless };
    }
    default:
      return pattern.startsWith('@') ? { kind: 'named', pattern } : { kind: 'prefix', pattern };
  }
}

type Search<Value> =
  | { readonly status: 'final' | 'prefix'; readonly path: readonly LocationNode<Value>[] }
  | { readonly status: 'none' }
  | { readonly status: 'unknown'; readonly pattern: string };

/**
 * One level of ngx_http_core_find_location: an exact match ends the search; else the longest
 * prefix is taken and its nested locations searched; unless that prefix is `^~` (or a nested
 * search ended it), the regexes of this level are tried in order and the first match wins,
 * its own nested locations searched in turn.
 */
function searchLevel<Value>(level: readonly LocationNode<Value>[], uri: string): Search<Value> {
  const exact = level.find((node) => node.matcher.kind === 'exact' && node.matcher.pattern === uri);
  if (exact) return { status: 'final', path: [exact] };
  let prefix: LocationNode<Value> | undefined;
  for (const node of level) {
    const { kind, pattern } = node.matcher;
    if ((kind === 'prefix' || kind === 'prefix-no-regex') && uri.startsWith(pattern) && (!prefix || pattern.length > prefix.matcher.pattern.length))
      prefix = node;
  }
  let found: Search<Value> = { status: 'none' };
  if (prefix) {
    found = { status: 'prefix', path: [prefix] };
    const nested = searchLevel(prefix.children, uri);
    if (nested.status === 'unknown') return nested;
    if (nested.status === 'final') return { status: 'final', path: [prefix, ...nested.path] };
    if (nested.status === 'prefix') found = { status: 'prefix', path: [prefix, ...nested.path] };
    if (prefix.matcher.kind === 'prefix-no-regex') return found;
  }
  for (const node of level) {
    const matcher = node.matcher;
    if (matcher.kind !== 'regex') continue;
    if (!matcher.expression) return { status: 'unknown', pattern: matcher.pattern };
    if (!matcher.expression.test(uri)) continue;
    const nested = searchLevel(node.children, uri);
    if (nested.status === 'unknown') return nested;
    return { status: 'final', path: nested.status === 'none' ? [node] : [node, ...nested.path] };
  }
  return found;
}

/** The location nginx picks for a URI among a server's locations (nginx matches prefixes case-sensitively on Linux). */
export function selectLocation<Value>(locations: readonly LocationNode<Value>[], uri: string): LocationSelection<Value> {
  const search = searchLevel(locations, uri);
  if (search.status === 'unknown') return { known: false, pattern: search.pattern };
  if (search.status === 'none') return { known: true, enclosing: [] };
  const path = search.path;
  return { known: true, location: path[path.length - 1], enclosing: path.slice(0, -1) };
}

/** The locations of a block (a server or a location), includes expanded, as a tree to select from. */
export function locationTree(block: NginxBlock): LocationNode<PlacedDirective>[] {
  const nodes: LocationNode<PlacedDirective>[] = [];
  for (const entry of block.entries) {
    if (entry.directive.name !== 'location' || !entry.block) continue;
    const matcher = parseLocationArguments(entry.directive.args.map((argument) => argument.value));
    if (matcher) nodes.push({ matcher, value: entry, children: locationTree(entry.block) });
  }
  return nodes;
}
