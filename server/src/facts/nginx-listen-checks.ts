import { implicitListen, isSocketOption, type ListenParameters, type ListenSocket, readListen } from '../languages/nginx/listen';
import { buildServerNames, cacheLineSize, type HashSettings, serverNamesFit } from '../languages/nginx/server-names-hash';
import { argumentValues } from '../languages/nginx/argument-values';
import type { NginxArgument, NginxDirective } from '../languages/nginx/syntax-tree';
import type { DeployedService } from '../model/deployment';
import { directivesNamed, type NginxBlock, type PlacedDirective } from '../model/nginx-blocks';
import { compareVersions } from '../languages/nginx/directive-tables/versions';
import { type LoadCheckInput, type LoadFailure, type LoadRemedy, containerPlace, nginxPosition, repositoryLocation, topBlock } from './nginx-load-failure';
import { serviceNginxBuild } from './nginx-build-of-service';
import { blockIsSeenWhole } from './unseen-includes';

/**
 * What nginx checks of the http servers' `listen`, `server_name` and certificates while it
 * starts (src/http/ngx_http.c, src/http/ngx_http_core_module.c, src/http/modules/ngx_http_ssl_module.c):
 *
 * - while parsing, each listen joins its address and port (ngx_http_add_listen(),
 *   ngx_http_add_addresses(), ngx_http_add_server()): `a duplicate listen 0.0.0.0:80` when one
 *   server names the socket twice, `duplicate listen options for 0.0.0.0:80` when two listens of
 *   it carry socket options (`bind`, `backlog=`, `reuseport`…), `a duplicate default server for
 *   0.0.0.0:80` when two are `default_server`;
 * - in ngx_http_ssl_init(), each socket any of whose listens has `ssl` (or `quic`) needs a
 *   certificate in its default server — the first server on it, or the `default_server` one —
 *   unless that server has `ssl_reject_handshake on`, and then in every server on it;
 * - in ngx_http_optimize_servers(), an address with more than one server gets a hash of their
 *   names (ngx_http_server_names()), which fails when a name does not fit a bucket.
 */

interface ServerInfo {
  readonly entry: PlacedDirective & { readonly block: NginxBlock };
  /** Every include inside it is seen. */
  readonly seenWhole: boolean;
  /** Its own `ssl_certificate`, or the http block's it inherits. */
  readonly hasCertificate: boolean;
  readonly rejectsHandshake: boolean;
  /** `server_name` arguments, in order. */
  readonly names: readonly string[];
  /** Its own `listen` directives, in order. */
  readonly listens: readonly PlacedDirective[];
}

interface PlacedListen {
  readonly entry: PlacedDirective;
  /** Its argument values: the address, then the parameters. */
  readonly values: readonly string[];
  readonly server: ServerInfo;
  readonly parameters: ListenParameters;
}

interface AddressState {
  readonly socket: ListenSocket;
  socketOptions: boolean;
  /** The listen that carries the socket options now (lsopt.set). */
  optionsListen: PlacedListen | undefined;
  defaultFlag: boolean;
  defaultListen: PlacedListen | undefined;
  defaultServer: ServerInfo;
  readonly servers: ServerInfo[];
  /** The same servers, to ask whether one is among them: a socket may have hundreds. */
  readonly serverSet: Set<ServerInfo>;
  /** The listens of the socket, in order. */
  readonly listens: PlacedListen[];
  ssl: boolean;
  quic: boolean;
}

interface PortState {
  readonly key: string;
  readonly addresses: AddressState[];
}

/** The index of the first parameter (after the address) that passes `test`, else the address's. */
function parameterIndex(values: readonly string[], test: (value: string) => boolean): number {
  const index = values.findIndex((value, position) => position > 0 && test(value));
  return Math.max(index, 0);
}

/** The argument a finding points at: its span is read only then. */
function argumentAt(entry: PlacedDirective, index: number): NginxArgument | undefined {
  return entry.directive.args[index];
}

function flagOn(block: NginxBlock, name: string): boolean | undefined {
  const entries = directivesNamed(block, name);
  const last = entries[entries.length - 1];
  return last === undefined ? undefined : argumentValues(last.directive)[0]?.toLowerCase() === 'on';
}

/** What a server inherits from the http block. */
interface HttpDefaults {
  readonly hasCertificate: boolean;
  readonly rejectsHandshake: boolean | undefined;
}

function httpDefaults(http: NginxBlock): HttpDefaults {
  return { hasCertificate: directivesNamed(http, 'ssl_certificate').length > 0, rejectsHandshake: flagOn(http, 'ssl_reject_handshake') };
}

/** A server's settings, read in one pass over its block: a big configuration has hundreds of servers. */
function serverInfo(unseen: ReadonlySet<NginxDirective>, defaults: HttpDefaults, entry: PlacedDirective & { readonly block: NginxBlock }): ServerInfo {
  const block = entry.block;
  let hasCertificate = defaults.hasCertificate;
  let rejectHandshake: PlacedDirective | undefined;
  const names: string[] = [];
  const listens: PlacedDirective[] = [];
  for (const inner of block.entries) {
    const name = inner.directive.name;
    if (name === 'listen') listens.push(inner);
    else if (name === 'server_name') for (const value of argumentValues(inner.directive)) names.push(value);
    else if (name === 'ssl_certificate') hasCertificate = true;
    else if (name === 'ssl_reject_handshake') rejectHandshake = inner;
  }
  // the last ssl_reject_handshake of the block counts (flagOn)
  const rejects = rejectHandshake === undefined ? undefined : argumentValues(rejectHandshake.directive)[0]?.toLowerCase() === 'on';
  return {
    entry,
    seenWhole: blockIsSeenWhole(unseen, block),
    hasCertificate,
    rejectsHandshake: rejects ?? defaults.rejectsHandshake ?? false,
    names,
    listens,
  };
}

/** The listen nginx gives a server without one: `*:80` as root, `*:8000` otherwise (nginx-unprivileged). */
function implicitSocket(service: DeployedService): ListenSocket {
  const image = service.compose.image?.value ?? '';
  if (/(^|\/)nginx-unprivileged(:|@|$)/.test(image)) return { ...implicitListen, port: 8000, text: '0.0.0.0:8000' };
  return implicitListen;
}

const noParameters: ListenParameters = { defaultServer: false, socketOptions: false, ssl: false, quic: false, http2: false, proxyProtocol: false };

interface ListenSimulation {
  readonly ports: readonly PortState[];
  readonly failures: LoadFailure[];
  /** Ports a listen certboot cannot read (a host name) may join: nothing is said about them. */
  readonly uncertainPorts: ReadonlySet<number>;
  /** A listen whose port cannot be read at all: nothing is said about any socket. */
  readonly uncertain: boolean;
}

function portOfUnreadable(url: string | undefined): number | undefined {
  const match = /:(\d+)$/.exec(url ?? '') ?? /^(\d+)$/.exec(url ?? '');
  return match ? Number(match[1]) : undefined;
}

/** ngx_http_add_listen() over every listen of every server, in the order nginx parses them. */
function simulateListens(input: LoadCheckInput, servers: readonly ServerInfo[]): ListenSimulation {
  const service = input.service;
  const ports: PortState[] = [];
  const failures: LoadFailure[] = [];
  const uncertainPorts = new Set<number>();
  let uncertain = false;
  const fail = (listen: PlacedListen, argumentIndex: number, message: string, explanation: string, other: PlacedListen | undefined, remedy?: LoadRemedy) => {
    const argument = argumentAt(listen.entry, argumentIndex);
    const location = argument === undefined ? undefined : repositoryLocation(service, listen.entry, argument.span);
    if (location === undefined) return;
    const otherLocation = other === undefined ? undefined : repositoryLocation(service, other.entry, other.entry.directive.span);
    failures.push({
      check: 'listen-conflict',
      service,
      nginxMessage: `${message}${nginxPosition(listen.entry.file, listen.entry.directive)}`,
      location,
      explanation,
      related: otherLocation === undefined || other === undefined ? [] : [{ ...otherLocation, message: `the earlier \`${written(other.entry)}\`` }],
      ...(remedy === undefined ? {} : { remedy }),
      stage: 'parse',
      directive: listen.entry.directive,
    });
  };
  /** Adds a listen as ngx_http_add_listen() does; 'stop' when nginx refuses it. */
  const add = (socket: ListenSocket, listen: PlacedListen): 'stop' | undefined => {
    const key = `${socket.port} ${socket.type} ${socket.family}`;
    let port = ports.find((candidate) => candidate.key === key);
    if (port === undefined) {
      port = { key, addresses: [] };
      ports.push(port);
    }
    const address = port.addresses.find((candidate) => candidate.socket.address === socket.address);
    const parameters = listen.parameters;
    if (address === undefined) {
      port.addresses.push({
        socket,
        socketOptions: parameters.socketOptions,
        optionsListen: parameters.socketOptions ? listen : undefined,
        defaultFlag: parameters.defaultServer,
        defaultListen: parameters.defaultServer ? listen : undefined,
        defaultServer: listen.server,
        servers: [listen.server],
        serverSet: new Set([listen.server]),
        listens: [listen],
        ssl: parameters.ssl,
        quic: parameters.quic,
      });
      return undefined;
    }
    if (address.serverSet.has(listen.server)) {
      const earlier = address.listens.find((candidate) => candidate.server === listen.server);
      const sameWords = earlier !== undefined && JSON.stringify(earlier.values.slice(1)) === JSON.stringify(listen.values.slice(1));
      const removal = sameWords ? removalOf(service, listen.entry) : undefined;
      fail(
        listen,
        0,
        `a duplicate listen ${socket.text}`,
        `this server already listens on ${socket.text} at ${earlier ? containerPlace(earlier.entry) : 'an earlier listen'}`,
        earlier,
        removal,
      );
      return 'stop';
    }
    address.servers.push(listen.server);
    address.serverSet.add(listen.server);
    address.listens.push(listen);
    const defaultBefore = address.defaultFlag;
    if (parameters.socketOptions) {
      if (address.socketOptions) {
        fail(
          listen,
          parameterIndex(listen.values, isSocketOption),
          `duplicate listen options for ${socket.text}`,
          `only one listen on ${socket.text} may set socket options (\`bind\`, \`backlog=\`, \`reuseport\`…), and ${address.optionsListen ? containerPlace(address.optionsListen.entry) : 'an earlier one'} already does`,
          address.optionsListen,
        );
        return 'stop';
      }
      address.socketOptions = true;
      address.optionsListen = listen;
    }
    if (parameters.defaultServer) {
      if (defaultBefore) {
        fail(
          listen,
          parameterIndex(listen.values, (value) => value === 'default_server' || value === 'default'),
          `a duplicate default server for ${socket.text}`,
          `${address.defaultListen ? containerPlace(address.defaultListen.entry) : 'an earlier listen'} already makes its server the default for ${socket.text}`,
          address.defaultListen,
        );
        return 'stop';
      }
      address.defaultFlag = true;
      address.defaultListen = listen;
      address.defaultServer = listen.server;
    }
    address.ssl ||= parameters.ssl;
    address.quic ||= parameters.quic;
    return undefined;
  };
  for (const server of servers) {
    const listens = server.listens;
    for (const entry of listens) {
      const values = argumentValues(entry.directive);
      const reading = readListen(values);
      if (reading.kind === 'unknown') {
        const port = portOfUnreadable(values[0]);
        if (port === undefined) uncertain = true;
        else uncertainPorts.add(port);
        continue;
      }
      if (add(reading.socket, { entry, values, server, parameters: reading }) === 'stop') return { ports, failures, uncertainPorts, uncertain };
    }
    // a server without listen gets `*:80` once its block is parsed; one that may hold an unseen listen is unknown
    if (listens.length === 0) {
      if (!server.seenWhole) uncertain = true;
      else add(implicitSocket(service), { entry: server.entry, values: [], server, parameters: noParameters });
    }
  }
  return { ports, failures, uncertainPorts, uncertain };
}

/** The directive as written, for messages: `listen 80 default_server`. */
function written(entry: PlacedDirective): string {
  return [entry.directive.name, ...argumentValues(entry.directive)].join(' ');
}

/** Removing a listen that repeats another of its server word for word changes nothing else. */
function removalOf(service: DeployedService, entry: PlacedDirective): LoadRemedy | undefined {
  const location = repositoryLocation(service, entry, entry.directive.span);
  return location === undefined ? undefined : { kind: 'remove-directive', location, written: written(entry) };
}

/** ngx_http_ssl_init(): a socket with `ssl` or `quic` needs a certificate in its default server (in every server when that one rejects handshakes). */
function sslFailures(input: LoadCheckInput, simulation: ListenSimulation): LoadFailure[] {
  const service = input.service;
  for (const port of simulation.ports) {
    for (const address of port.addresses) {
      if (!address.ssl && !address.quic) continue;
      if (simulation.uncertainPorts.has(address.socket.port)) continue;
      const kind = address.quic ? 'quic' : 'ssl';
      const candidates = address.defaultServer.rejectsHandshake ? address.servers : [address.defaultServer];
      for (const server of candidates) {
        if (!server.seenWhole) return [];
        if (server.hasCertificate || server.rejectsHandshake) continue;
        const own = address.listens.find((listen) => listen.server === server);
        const sslListen = address.listens.find((listen) => listen.parameters[kind]);
        const pointAt = own ?? sslListen;
        if (pointAt === undefined) return [];
        // the server's own `ssl` (or its address, when another server's listen makes the socket TLS)
        const argument =
          pointAt.values.length === 0
            ? undefined
            : argumentAt(pointAt.entry, pointAt.server === server ? parameterIndex(pointAt.values, (value) => value === kind) : 0);
        const location =
          argument === undefined
            ? repositoryLocation(service, server.entry, server.entry.directive.nameSpan)
            : repositoryLocation(service, pointAt.entry, argument.span);
        if (location === undefined) return [];
        const related = [];
        if (sslListen !== undefined && sslListen.server !== server) {
          const sslLocation = repositoryLocation(service, sslListen.entry, sslListen.entry.directive.span);
          if (sslLocation)
            related.push({ ...sslLocation, message: `this \`listen … ${kind}\` makes every server on ${address.socket.text} need a certificate` });
        }
        const defaultWhy =
          server === address.defaultServer
            ? `the default server of ${address.socket.text} (${address.defaultFlag ? 'its `default_server`' : 'the first server listening there'})`
            : `a server of ${address.socket.text}, whose default server rejects handshakes`;
        return [
          {
            check: 'ssl-listen-without-certificate',
            service,
            nginxMessage: `no "ssl_certificate" is defined for the "listen ... ${kind}" directive${nginxPosition(server.entry.file, server.entry.directive)}`,
            location,
            explanation: `the server at ${containerPlace(server.entry)} is ${defaultWhy}, and neither it nor the http block names an \`ssl_certificate\``,
            related,
            stage: 'postconfiguration',
            directive: server.entry.directive,
          },
        ];
      }
    }
  }
  return [];
}

/** `ssl on;` (up to 1.25.0) in a server without a certificate: ngx_http_ssl_merge_srv_conf() refuses it. */
function sslDirectiveFailures(input: LoadCheckInput, http: NginxBlock, servers: readonly ServerInfo[]): LoadFailure[] {
  // a release that is a guess may be one without `ssl`: nginx then stops at the directive itself
  const build = serviceNginxBuild(input.service);
  if (build === undefined || build.versionIsGuess || compareVersions(build.version, '1.25.1') >= 0) return [];
  const inherited = flagOn(http, 'ssl');
  for (const server of servers) {
    if (!server.seenWhole) continue;
    const own = directivesNamed(server.entry.block, 'ssl');
    const entry = own[own.length - 1] ?? directivesNamed(http, 'ssl').slice(-1)[0];
    if (entry === undefined || !(flagOn(server.entry.block, 'ssl') ?? inherited)) continue;
    if (server.hasCertificate || server.rejectsHandshake) continue;
    const location = repositoryLocation(input.service, entry, entry.directive.span);
    if (location === undefined) continue;
    return [
      {
        check: 'ssl-listen-without-certificate',
        service: input.service,
        nginxMessage: `no "ssl_certificate" is defined for the "ssl" directive${nginxPosition(entry.file, entry.directive)}`,
        location,
        explanation: `the server at ${containerPlace(server.entry)} turns TLS on but neither it nor the http block names an \`ssl_certificate\``,
        related: [],
        stage: 'merge',
        directive: entry.directive,
      },
    ];
  }
  return [];
}

/** ngx_conf_set_size_slot()'s reading of a size: bytes, or k/K and m/M (ngx_parse_size()). */
export function parseNginxSize(text: string): number | undefined {
  const match = /^(\d+)([kKmM]?)$/.exec(text);
  if (!match) return undefined;
  const scale = match[2] === '' ? 1 : match[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024;
  return Number(match[1]) * scale;
}

/** The hash settings of the http block; undefined when a value cannot be read. */
function hashSettings(http: NginxBlock): { settings: HashSettings; bucketEntry: PlacedDirective | undefined } | undefined {
  const bucketEntry = directivesNamed(http, 'server_names_hash_bucket_size').slice(-1)[0];
  const maxEntry = directivesNamed(http, 'server_names_hash_max_size').slice(-1)[0];
  const bucketValue = bucketEntry === undefined ? undefined : (argumentValues(bucketEntry.directive)[0] ?? '');
  const maxValue = maxEntry === undefined ? undefined : (argumentValues(maxEntry.directive)[0] ?? '');
  const bucket = bucketValue === undefined ? cacheLineSize : parseNginxSize(bucketValue);
  const max = maxValue === undefined ? 512 : /^\d+$/.test(maxValue) ? Number(maxValue) : undefined;
  if (bucket === undefined || max === undefined) return undefined;
  // ngx_http_core_init_main_conf(): the bucket size is rounded up to the cache line
  return { settings: { bucketSize: Math.ceil(bucket / cacheLineSize) * cacheLineSize, maxSize: max }, bucketEntry };
}

/** The smallest power of two (at least 128) whose buckets hold every name: NGX_HASH_ELT_SIZE() plus the bucket's end pointer. */
function bucketSizeFor(names: readonly string[]): number {
  const longest = Math.max(...names.map((name) => new TextEncoder().encode(name).length));
  const needed = 8 + Math.ceil((longest + 2) / 8) * 8 + 8;
  let size = 128;
  while (size < needed) size *= 2;
  return size;
}

function bucketSizeRemedy(
  input: LoadCheckInput,
  http: NginxBlock,
  server: ServerInfo,
  bucketEntry: PlacedDirective | undefined,
  allNames: readonly string[],
): LoadRemedy | undefined {
  const size = bucketSizeFor(allNames);
  if (bucketEntry !== undefined) {
    const argument = bucketEntry.directive.args[0];
    const value = argument === undefined ? undefined : repositoryLocation(input.service, bucketEntry, argument.span);
    return value === undefined ? undefined : { kind: 'bucket-size', size, value };
  }
  // a second server_names_hash_bucket_size, in a file certboot does not edit, would be "is duplicate"
  if (directivesNamed(http, 'server_names_hash_bucket_size').length > 0) return undefined;
  const beforeServer = repositoryLocation(input.service, server.entry, server.entry.directive.nameSpan);
  return beforeServer === undefined ? undefined : { kind: 'bucket-size', size, beforeServer };
}

/** ngx_http_optimize_servers(): the names hash of each address with more than one server, addresses sorted as ngx_http_cmp_conf_addrs() does. */
function serverNamesFailures(input: LoadCheckInput, http: NginxBlock, simulation: ListenSimulation, servers: readonly ServerInfo[]): LoadFailure[] {
  const read = hashSettings(http);
  if (read === undefined) return [];
  const allNames = servers.flatMap((server) => server.names).filter((name) => !name.startsWith('~') && name !== '$hostname');
  // the usual case, decided once for the whole http block: no name can fail a bucket, nor can all of them 64K
  if (serverNamesFit(allNames, read.settings)) return [];
  for (const port of simulation.ports) {
    const addresses = [...port.addresses].sort((left, right) => {
      const wildcard = (address: AddressState) => address.socket.address === '0.0.0.0' || address.socket.address === '[::]';
      if (wildcard(left) !== wildcard(right)) return wildcard(left) ? 1 : -1;
      if (left.socketOptions !== right.socketOptions) return left.socketOptions ? -1 : 1;
      return 0;
    });
    for (const address of addresses) {
      const captures = address.defaultServer.names.some((name) => name.startsWith('~') && /\((?!\?[^<P'])/.test(name));
      if (address.servers.length < 2 && !captures) continue;
      const names: { value: string; server: ServerInfo }[] = [];
      for (const server of address.servers) {
        if (server.names.length === 0) names.push({ value: '', server });
        // regular expressions are matched apart; $hostname is the container's, a dozen characters
        for (const value of server.names) if (!value.startsWith('~') && value !== '$hostname') names.push({ value, server });
      }
      const outcome = buildServerNames(
        names.map((name) => name.value),
        address.socket.text,
        read.settings,
      );
      if (outcome.kind === 'built') continue;
      // an invalid wildcard stops nginx first, with an error of its own
      if (outcome.message.startsWith('invalid server name')) return [];
      const failing = names.find((name) => name.value === outcome.name && name.value !== '');
      const placed = failing === undefined ? undefined : nameArgument(failing.server, failing.value);
      const location = placed === undefined ? undefined : repositoryLocation(input.service, placed.entry, placed.argument.span);
      if (failing === undefined || placed === undefined || location === undefined) return [];
      const bytes = new TextEncoder().encode(failing.value.toLowerCase()).length;
      return [
        {
          check: 'server-names-hash',
          service: input.service,
          nginxMessage: outcome.message,
          location,
          explanation: `${address.servers.length > 1 ? `${address.servers.length} servers listen on ${address.socket.text}, so nginx hashes their names` : `the default server of ${address.socket.text} has a regular expression with captures, so nginx hashes its names`}, and "${failing.value}" (${bytes} bytes) does not fit a bucket of ${read.settings.bucketSize} bytes (nginx's default is the CPU's cache line, 64 bytes on x86_64 and arm64)`,
          related: [],
          remedy: bucketSizeRemedy(input, http, failing.server, read.bucketEntry, allNames),
          stage: 'servers',
          directive: placed.entry.directive,
        },
      ];
    }
  }
  return [];
}

/** The `server_name` argument of a server that holds a name, for the finding's span. */
function nameArgument(server: ServerInfo, name: string): { entry: PlacedDirective; argument: NginxArgument } | undefined {
  for (const entry of directivesNamed(server.entry.block, 'server_name')) {
    const index = argumentValues(entry.directive).indexOf(name);
    const argument = index < 0 ? undefined : argumentAt(entry, index);
    if (argument !== undefined) return { entry, argument };
  }
  return undefined;
}

/** The listen, certificate and server-name failures of one service's http block, in nginx's order. */
export function listenCheckFailures(input: LoadCheckInput): LoadFailure[] {
  const http = topBlock(input.tree, 'http');
  if (http === undefined) return [];
  const defaults = httpDefaults(http.block);
  const servers = http.block.entries
    .filter((entry): entry is PlacedDirective & { readonly block: NginxBlock } => entry.directive.name === 'server' && entry.block !== undefined)
    .map((entry) => serverInfo(input.unseenIncludes, defaults, entry));
  const simulation = simulateListens(input, servers);
  if (simulation.failures.length > 0) return simulation.failures;
  // the other checks need every server and the http block's settings: a host's nginx, or an unseen include, may hold more
  if (simulation.uncertain || input.service.nginx?.imageKind === 'host' || !blockIsSeenWhole(input.unseenIncludes, http.block)) return [];
  return [
    ...sslDirectiveFailures(input, http.block, servers),
    ...sslFailures(input, simulation),
    ...serverNamesFailures(input, http.block, simulation, servers),
  ];
}
