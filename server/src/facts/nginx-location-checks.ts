import { argumentValues } from '../languages/nginx/argument-values';
import { directivesNamed, type NginxBlock, type PlacedDirective } from '../model/nginx-blocks';
import { type LoadCheckInput, type LoadFailure, containerPlace, nginxLine, repositoryLocation, topBlock } from './nginx-load-failure';

/**
 * `duplicate location "/x" in FILE:LINE`: two prefix locations, or two exact (`=`) locations, of
 * one name in one block (src/http/ngx_http.c). After the servers are merged, nginx builds each
 * server's location tree (ngx_http_init_static_location_trees()): the prefix and exact locations
 * of a block sorted by name (ngx_http_cmp_locations(): byte order, an exact location before a
 * prefix one of the same name, a stable sort), the blocks inside each first, then
 * ngx_http_join_exact_locations() joins an exact and a prefix location of one name and refuses
 * two of the same kind, naming the later one. Regular-expression and named locations are kept
 * apart and never compared.
 */

type LocationKind = 'exact' | 'prefix' | 'regex' | 'named';

interface LocationInfo {
  readonly entry: PlacedDirective & { readonly block: NginxBlock };
  readonly kind: LocationKind;
  readonly name: string;
  /** Which argument holds the name: the span a finding points at is read only then. */
  readonly nameIndex: number;
}

const modifiers: ReadonlyMap<string, LocationKind> = new Map([
  ['=', 'exact'],
  ['^~', 'prefix'],
  ['~', 'regex'],
  ['~*', 'regex'],
]);

/** ngx_http_core_location()'s reading of the modifier and the name. */
function readLocation(entry: PlacedDirective & { readonly block: NginxBlock }): LocationInfo | undefined {
  const values = argumentValues(entry.directive);
  if (values.length === 2) {
    const kind = modifiers.get(values[0]);
    return kind === undefined ? undefined : { entry, kind, name: values[1], nameIndex: 1 };
  }
  if (values.length !== 1) return undefined;
  const value = values[0];
  if (value.startsWith('=')) return { entry, kind: 'exact', name: value.slice(1), nameIndex: 0 };
  if (value.startsWith('^~')) return { entry, kind: 'prefix', name: value.slice(2), nameIndex: 0 };
  if (value.startsWith('~')) return { entry, kind: 'regex', name: value, nameIndex: 0 };
  if (value.startsWith('@')) return { entry, kind: 'named', name: value, nameIndex: 0 };
  return { entry, kind: 'prefix', name: value, nameIndex: 0 };
}

/** Where a location's name stands in the repository. */
function nameLocation(input: LoadCheckInput, location: LocationInfo) {
  const argument = location.entry.directive.args[location.nameIndex];
  return argument === undefined ? undefined : repositoryLocation(input.service, location.entry, argument.span);
}

/**
 * strcmp() of the names' UTF-8 bytes: the order of their code points, which JavaScript's string
 * order (by UTF-16 units) matches but between a character above U+FFFF and one of U+E000–U+FFFF,
 * never met in a location name; it only decides which of two duplicates nginx names first.
 */
function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** ngx_http_cmp_locations() for exact and prefix locations: by name, an exact one before a prefix one of the same name. */
function compareLocations(left: LocationInfo, right: LocationInfo): number {
  const byName = compareNames(left.name, right.name);
  if (byName !== 0) return byName;
  if (left.kind !== right.kind) return left.kind === 'exact' ? -1 : 1;
  return 0;
}

/**
 * The list sorted in place, equal items in their order: by insertion for the few locations of
 * most blocks (Array.prototype.sort costs more to set up than to run on two items).
 */
function sortedStably<Item>(items: Item[], compare: (left: Item, right: Item) => number): Item[] {
  if (items.length > 16) return items.sort(compare);
  for (let index = 1; index < items.length; index++) {
    const item = items[index];
    let at = index;
    while (at > 0 && compare(items[at - 1], item) > 0) {
      items[at] = items[at - 1];
      at--;
    }
    items[at] = item;
  }
  return items;
}

/** The first duplicate of a block's tree, in the order nginx meets it. */
function firstDuplicate(block: NginxBlock): { duplicate: LocationInfo; first: LocationInfo } | undefined {
  // the exact and prefix locations, in the block's order (a stable sort keeps it among equals)
  let found: LocationInfo[] | undefined;
  for (const entry of block.entries) {
    if (entry.directive.name !== 'location' || entry.block === undefined) continue;
    const location = readLocation(entry as PlacedDirective & { readonly block: NginxBlock });
    if (location !== undefined && (location.kind === 'exact' || location.kind === 'prefix')) (found ??= []).push(location);
  }
  // most blocks (a location's, most servers' inner ones) hold none
  if (found === undefined) return undefined;
  const sorted = sortedStably(found, compareLocations);
  for (const location of sorted) {
    const inner = firstDuplicate(location.entry.block);
    if (inner !== undefined) return inner;
  }
  // ngx_http_join_exact_locations(): an exact and a prefix location of one name join
  let index = 0;
  while (index < sorted.length - 1) {
    const current = sorted[index];
    const next = sorted[index + 1];
    if (current.name !== next.name) {
      index++;
      continue;
    }
    if (current.kind === next.kind) return { duplicate: next, first: current };
    // the exact one first, then its prefix namesake: joined, the next prefix of the name meets that one
    sorted.splice(index, 2, next);
  }
  return undefined;
}

/** The first duplicate location of the service's http servers, as nginx reports it. */
export function locationCheckFailures(input: LoadCheckInput): LoadFailure[] {
  const http = topBlock(input.tree, 'http');
  if (http === undefined) return [];
  for (const server of directivesNamed(http.block, 'server')) {
    if (server.block === undefined) continue;
    const found = firstDuplicate(server.block);
    if (found === undefined) continue;
    const { duplicate, first } = found;
    const location = nameLocation(input, duplicate);
    if (location === undefined) return [];
    const firstLocation = nameLocation(input, first);
    const exact = duplicate.kind === 'exact' ? 'exact ' : '';
    return [
      {
        check: 'duplicate-location',
        service: input.service,
        nginxMessage: `duplicate location "${duplicate.name}" in ${duplicate.entry.file.displayPath}:${nginxLine(duplicate.entry.directive)}`,
        location,
        explanation: `the same block already has the ${exact}location "${first.name}" at ${containerPlace(first.entry)}`,
        related: firstLocation === undefined ? [] : [{ ...firstLocation, message: `the first ${exact}location "${first.name}"` }],
        stage: 'locations',
        directive: duplicate.entry.directive,
      },
    ];
  }
  return [];
}
