import type { NginxArgument } from '../languages/nginx/syntax-tree';
import type { PlacedDirective } from '../model/nginx-blocks';
import { type LoadCheckInput, type LoadFailure, containerPlace, nginxPosition, repositoryLocation, topBlock, visitDirectives } from './nginx-load-failure';
import { parseNginxSize } from './nginx-listen-checks';

/**
 * Shared memory zones as nginx creates them (src/core/ngx_cycle.c, ngx_shared_memory_add()):
 * every directive that names a zone adds it, with its size — 0 for a directive that only uses
 * one — and a tag, the module it belongs to. A name met again with another tag is "already
 * declared for a different use", with another size "conflicts with already declared size"; a
 * zone still of size 0 once the configuration is read is "zero size shared memory zone" when
 * ngx_init_cycle() creates the zones; a cache zone with no `*_cache_path` is already "unknown"
 * when the locations are merged (ngx_http_proxy_merge_loc_conf() and the fastcgi, scgi and uwsgi
 * ones). Which directives add zones, with which tag, is read from each module's handler in
 * nginx 1.18.0–1.31.4 (and njs's js_shared_dict_zone, OpenResty's lua_shared_dict).
 */

type BlockType = 'http' | 'stream' | 'mail';

interface ZoneDirective {
  /** The ngx_module_t whose address is the tag. */
  readonly tag: string;
  /** Reads the zone's name and size (0: a use) and the argument that names it. */
  read(args: readonly NginxArgument[]): { readonly name: string; readonly size: number; readonly argument: NginxArgument }[] | undefined;
  /** What a second definition of the same name prints, when it is refused. */
  readonly redefinition?: 'bound' | 'duplicate';
  /** For a cache: the directive that uses it, which the merge refuses when nothing defines the zone. */
  readonly cache?: string;
  /** Only inside an upstream block. */
  readonly inUpstream?: boolean;
}

/** `zone=name:size` (a definition) or `zone=name` (a use) among the arguments. */
function zoneParameter(prefix: string, defines: boolean) {
  return (args: readonly NginxArgument[]) => {
    const argument = args.find((candidate) => candidate.value.startsWith(prefix));
    if (argument === undefined) return undefined;
    const rest = argument.value.slice(prefix.length);
    if (!defines) return rest === '' || rest.includes('$') ? undefined : [{ name: rest, size: 0, argument }];
    const colon = rest.indexOf(':');
    const size = colon < 0 ? undefined : parseNginxSize(rest.slice(colon + 1));
    return colon <= 0 || size === undefined ? undefined : [{ name: rest.slice(0, colon), size, argument }];
  };
}

/** The first argument names a zone it uses: `limit_conn addr 10`, `proxy_cache one`. */
function firstArgumentUse(args: readonly NginxArgument[]) {
  const argument = args[0];
  if (argument === undefined || argument.value === 'off' || argument.value.includes('$')) return undefined;
  return [{ name: argument.value, size: 0, argument }];
}

/** `zone name [size]` in an upstream block. */
function upstreamZone(args: readonly NginxArgument[]) {
  const [argument, sizeArgument] = args;
  if (argument === undefined) return undefined;
  const size = sizeArgument === undefined ? 0 : parseNginxSize(sizeArgument.value);
  return size === undefined ? undefined : [{ name: argument.value, size, argument }];
}

/** `shared:name:size` arguments (ssl_session_cache, ssl_ocsp_cache). */
function sharedCaches(args: readonly NginxArgument[]) {
  const zones = [];
  for (const argument of args) {
    const match = /^shared:([^:]+):(.*)$/.exec(argument.value);
    if (!match) continue;
    const size = parseNginxSize(match[2]);
    if (size === undefined) return undefined;
    zones.push({ name: match[1], size, argument });
  }
  return zones;
}

/** `lua_shared_dict name size` */
function luaDictionary(args: readonly NginxArgument[]) {
  const [argument, sizeArgument] = args;
  const size = sizeArgument === undefined ? undefined : parseNginxSize(sizeArgument.value);
  return argument === undefined || size === undefined ? undefined : [{ name: argument.value, size, argument }];
}

const cacheModules = ['proxy', 'fastcgi', 'scgi', 'uwsgi'] as const;

/*
 * The directives that add zones, per block. http: ngx_http_limit_req_module.c (limit_req_zone,
 * limit_req), ngx_http_limit_conn_module.c, ngx_http_file_cache.c (the *_cache_path commands pass
 * their module as cmd->post) and the proxy, fastcgi, scgi and uwsgi modules' *_cache handlers,
 * ngx_http_upstream_zone_module.c (tag ngx_http_upstream_module), ngx_http_ssl_module.c
 * (ssl_session_cache with ngx_http_ssl_module, ssl_ocsp_cache with ngx_http_ssl_module_ctx);
 * stream and mail likewise with their own modules.
 */
const zoneDirectives: Readonly<Record<BlockType, Readonly<Record<string, ZoneDirective>>>> = {
  http: {
    limit_req_zone: { tag: 'ngx_http_limit_req_module', read: zoneParameter('zone=', true), redefinition: 'bound' },
    limit_req: { tag: 'ngx_http_limit_req_module', read: zoneParameter('zone=', false) },
    limit_conn_zone: { tag: 'ngx_http_limit_conn_module', read: zoneParameter('zone=', true), redefinition: 'bound' },
    limit_conn: { tag: 'ngx_http_limit_conn_module', read: firstArgumentUse },
    ...Object.fromEntries(
      cacheModules.flatMap((module) => [
        [`${module}_cache_path`, { tag: `ngx_http_${module}_module`, read: zoneParameter('keys_zone=', true), redefinition: 'duplicate' as const }],
        [`${module}_cache`, { tag: `ngx_http_${module}_module`, read: firstArgumentUse, cache: `${module}_cache` }],
      ]),
    ),
    zone: { tag: 'ngx_http_upstream_module', read: upstreamZone, inUpstream: true },
    ssl_session_cache: { tag: 'ngx_http_ssl_module', read: sharedCaches },
    ssl_ocsp_cache: { tag: 'ngx_http_ssl_module_ctx', read: sharedCaches },
    js_shared_dict_zone: { tag: 'ngx_http_js_module', read: zoneParameter('zone=', true) },
    lua_shared_dict: { tag: 'ngx_http_lua_module', read: luaDictionary },
  },
  stream: {
    limit_conn_zone: { tag: 'ngx_stream_limit_conn_module', read: zoneParameter('zone=', true), redefinition: 'bound' },
    limit_conn: { tag: 'ngx_stream_limit_conn_module', read: firstArgumentUse },
    zone: { tag: 'ngx_stream_upstream_module', read: upstreamZone, inUpstream: true },
    ssl_session_cache: { tag: 'ngx_stream_ssl_module', read: sharedCaches },
    ssl_ocsp_cache: { tag: 'ngx_stream_ssl_module_ctx', read: sharedCaches },
    js_shared_dict_zone: { tag: 'ngx_stream_js_module', read: zoneParameter('zone=', true) },
    lua_shared_dict: { tag: 'ngx_stream_lua_module', read: luaDictionary },
  },
  mail: {
    ssl_session_cache: { tag: 'ngx_mail_ssl_module', read: sharedCaches },
  },
};

/** What defines a zone a directive of this tag uses, for messages. */
const definitionOf: Readonly<Record<string, string>> = {
  ngx_http_limit_req_module: '`limit_req_zone … zone=NAME:SIZE`',
  ngx_http_limit_conn_module: '`limit_conn_zone … zone=NAME:SIZE`',
  ngx_stream_limit_conn_module: '`limit_conn_zone … zone=NAME:SIZE` in the stream block',
  ngx_http_upstream_module: '`zone NAME SIZE` in an upstream block',
  ngx_stream_upstream_module: '`zone NAME SIZE` in a stream upstream block',
  ...Object.fromEntries(cacheModules.map((module) => [`ngx_http_${module}_module`, `\`${module}_cache_path … keys_zone=NAME:SIZE\``])),
};

interface ZoneClaim {
  readonly entry: PlacedDirective;
  readonly directive: ZoneDirective;
  readonly name: string;
  readonly size: number;
  readonly argument: NginxArgument;
  /** The order nginx parses it in. */
  readonly order: number;
}

interface ZoneState {
  readonly first: ZoneClaim;
  size: number;
  definition: ZoneClaim | undefined;
}

function claimsOf(input: LoadCheckInput): ZoneClaim[] {
  const claims: ZoneClaim[] = [];
  visitDirectives(input.tree, (entry, top, parent, order) => {
    if (top !== 'http' && top !== 'stream' && top !== 'mail') return true;
    const directive = zoneDirectives[top][entry.directive.name];
    if (directive === undefined || (parent === 'upstream') !== (directive.inUpstream === true)) return true;
    for (const zone of directive.read(entry.directive.args) ?? []) claims.push({ entry, directive, ...zone, order });
    return true;
  });
  return claims;
}

function what(claim: ZoneClaim): string {
  return `\`${claim.entry.directive.name}\` at ${containerPlace(claim.entry)}`;
}

/** The zone failures of one service, each at the stage nginx meets it. */
export function zoneCheckFailures(input: LoadCheckInput): LoadFailure[] {
  const service = input.service;
  const failures: LoadFailure[] = [];
  const fail = (claim: ZoneClaim, check: LoadFailure['check'], nginxMessage: string, explanation: string, stage: LoadFailure['stage'], other?: ZoneClaim) => {
    const location = repositoryLocation(service, claim.entry, claim.argument.span);
    if (location === undefined) return;
    const otherLocation = other === undefined ? undefined : repositoryLocation(service, other.entry, other.argument.span);
    failures.push({
      check,
      service,
      nginxMessage,
      location,
      explanation,
      related:
        otherLocation === undefined || other === undefined
          ? []
          : [{ ...otherLocation, message: `\`${other.entry.directive.name}\` declares the zone "${other.name}" here` }],
      stage,
      directive: claim.entry.directive,
    });
  };
  const zones = new Map<string, ZoneState>();
  for (const claim of claimsOf(input)) {
    const position = nginxPosition(claim.entry.file, claim.entry.directive);
    const zone = zones.get(claim.name);
    if (zone === undefined) {
      zones.set(claim.name, { first: claim, size: claim.size, definition: claim.directive.redefinition !== undefined || claim.size > 0 ? claim : undefined });
      continue;
    }
    if (zone.first.directive.tag !== claim.directive.tag) {
      fail(
        claim,
        'conflicting-shared-memory-zone',
        `the shared memory zone "${claim.name}" is already declared for a different use${position}`,
        `${what(zone.first)} already declares the zone "${claim.name}" for another module; every module needs a zone of its own name`,
        'parse',
        zone.first,
      );
      break;
    }
    if (zone.size === 0) zone.size = claim.size;
    if (claim.size !== 0 && claim.size !== zone.size) {
      fail(
        claim,
        'conflicting-shared-memory-zone',
        `the size ${claim.size} of shared memory zone "${claim.name}" conflicts with already declared size ${zone.size}${position}`,
        `${what(zone.definition ?? zone.first)} already gives the zone "${claim.name}" another size`,
        'parse',
        zone.definition ?? zone.first,
      );
      break;
    }
    const redefinition = claim.directive.redefinition;
    if (redefinition !== undefined && zone.definition?.directive.redefinition !== undefined) {
      const first = zone.definition;
      const message =
        redefinition === 'bound'
          ? `${claim.entry.directive.name} "${claim.name}" is already bound to key "${first.entry.directive.args[0]?.value ?? ''}"${position}`
          : `duplicate zone "${claim.name}"${position}`;
      fail(claim, 'conflicting-shared-memory-zone', message, `${what(first)} already defines the zone "${claim.name}"`, 'parse', first);
      break;
    }
    if (redefinition !== undefined || claim.size > 0) zone.definition ??= claim;
  }
  if (failures.length > 0) return failures;
  // a zone defined in a file certboot cannot see is not missing
  if (input.unseenIncludes.size > 0 || service.nginx?.imageKind === 'host') return failures;
  const http = topBlock(input.tree, 'http');
  for (const zone of zones.values()) {
    if (zone.definition !== undefined) continue;
    const use = zone.first;
    const defined = definitionOf[use.directive.tag]?.replaceAll('NAME', use.name);
    const cache = use.directive.cache;
    if (cache !== undefined && http !== undefined) {
      fail(
        use,
        'undefined-shared-memory-zone',
        `"${cache}" zone "${use.name}" is unknown in ${http.file.displayPath}:${http.directive.span.endLine + 1}`,
        `no ${defined ?? 'directive'} defines it`,
        'merge',
      );
      continue;
    }
    if (zone.size === 0)
      fail(use, 'undefined-shared-memory-zone', `zero size shared memory zone "${use.name}"`, `no ${defined ?? 'directive'} defines it`, 'shared-memory');
  }
  return failures;
}
