import { unseenIncludes } from './unseen-includes';
import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import type { NginxConfiguration } from '../languages/nginx/configuration';
import { hasGlobMagic } from '../languages/nginx/glob';
import type { NginxArgument } from '../languages/nginx/syntax-tree';
import type { CertbotInvocation } from '../languages/shell/certbot-invocation';
import { type AcmeShInvocation, isAcmeShImage } from '../languages/shell/acme-sh-invocation';
import type { AcmeShRun } from './acme-sh-runs';
import { type AcmeShIssuer, type Issuer, projectsAroundScript } from './certificate-issuers';
import { placeOfScript } from './script-place';
import type { ShellWord } from '../languages/shell/shell-script';
import type { SourceLocation } from '../text/source-location';
import type { SourceTexts } from '../inventory/inventory';
import { runWordLocation, type CertbotRun } from './certbot-runs';
import { commandLocation, placeOfWord } from './command-locations';
import { isWithin } from '../model/container-view';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import { certbotInstallerFiles, type FirstBootFailure } from './first-boot-failures';
import { pcreExpression, selectLocation, locationTree } from './location-matching';
import { configurationPrefixOf, expandedConfiguration, type NginxBlock, nginxPrefixOf, type PlacedDirective } from '../model/nginx-blocks';
import { resolveNginxPath } from '../model/nginx-paths';

/** Where Let's Encrypt fetches an HTTP-01 token, and where certbot's webroot plugin writes it. */
export const challengePrefix = '/.well-known/acme-challenge/';
/** Tokens are base64url; any such name stands for them. */
const sampleToken = 'Xz8-kP_3vQ';
export const challengeUri = `${challengePrefix}${sampleToken}`;

/** Where a job's webroot paths are: a compose service's container, the host, or unknown (`docker run -v …`). */
export type JobPlace = { readonly kind: 'service'; readonly service: DeployedService } | { readonly kind: 'host' } | { readonly kind: 'unknown' };

/** A run of an issuer that answers HTTP-01 by writing the token into a webroot nginx serves, with the container it runs in. */
export type WebrootJob =
  | {
      readonly program: 'certbot';
      readonly run: CertbotRun;
      readonly invocation: CertbotInvocation;
      readonly project: DeployedProject;
      readonly runsIn: JobPlace;
    }
  | {
      readonly program: 'acme.sh';
      readonly run: AcmeShRun;
      readonly invocation: AcmeShInvocation;
      readonly project: DeployedProject;
      readonly runsIn: JobPlace;
    };

function isWebrootRun(invocation: CertbotInvocation): boolean {
  return invocation.authenticator?.name === 'webroot' && ['certonly', 'run', 'renew'].includes(invocation.subcommand);
}

/** A webroot job of certbot, in a compose service or a repository script (certbot in a cron line is not read here). */
function certbotWebrootJob(deployment: Deployment, run: CertbotRun): WebrootJob | undefined {
  const { invocation, origin } = run;
  if (!isWebrootRun(invocation)) return undefined;
  if (origin.kind === 'service') {
    const runsIn = invocation.launcher === 'direct' ? ({ kind: 'service', service: origin.service } as const) : ({ kind: 'unknown' } as const);
    return { program: 'certbot', run, invocation, project: origin.project, runsIn };
  }
  if (origin.kind !== 'script') return undefined;
  const launched = invocation.launcher === 'docker-compose-run' || invocation.launcher === 'docker-compose-exec';
  if (launched) {
    const target = invocation.target?.literal ? invocation.target.value : undefined;
    const candidates = projectsAroundScript(deployment, origin.script.path).filter((project) => project.services.some((service) => service.name === target));
    const project = candidates.length === 1 ? candidates[0] : undefined;
    const service = project?.services.find((candidate) => candidate.name === target);
    return project && service ? { program: 'certbot', run, invocation, project, runsIn: { kind: 'service', service } } : undefined;
  }
  // a script the Dockerfile of a service copies into its image (or the service bind-mounts) runs in that container
  const place = invocation.launcher === 'direct' ? placeOfScript(deployment, origin.script.path) : undefined;
  if (place?.kind === 'service') return { program: 'certbot', run, invocation, project: place.project, runsIn: { kind: 'service', service: place.service } };
  const projects = projectsAroundScript(deployment, origin.script.path);
  if (projects.length !== 1) return undefined;
  const runsIn = place?.kind === 'host' ? ({ kind: 'host' } as const) : ({ kind: 'unknown' } as const);
  return { program: 'certbot', run, invocation, project: projects[0] as DeployedProject, runsIn };
}

/** A webroot job of acme.sh: `--issue` with `-w` for some domain, for a project certboot can tell. */
function acmeShWebrootJob(issuer: AcmeShIssuer): WebrootJob | undefined {
  const { invocation, project } = issuer;
  if (issuer.action !== '--issue' || !project || !invocation.validations.some((validation) => validation.kind === 'webroot')) return undefined;
  const runsIn: JobPlace = issuer.runsIn.kind === 'service' ? { kind: 'service', service: issuer.runsIn.service } : issuer.runsIn;
  return { program: 'acme.sh', run: issuer.run, invocation, project, runsIn };
}

/** Every webroot job among the issuers: certbot's in compose services and repository scripts, then acme.sh's. */
export function webrootJobs(deployment: Deployment, issuers: readonly Issuer[]): WebrootJob[] {
  return issuers.flatMap((issuer) => {
    const job = issuer.kind === 'certbot' ? certbotWebrootJob(deployment, issuer.run) : issuer.kind === 'acme.sh' ? acmeShWebrootJob(issuer) : undefined;
    return job ? [job] : [];
  });
}

/** The domains of a job with the webroot each is validated through (undefined: another mode, or none). */
export function jobDomains(job: WebrootJob): { readonly name: ShellWord; readonly webrootPath?: ShellWord }[] {
  if (job.program === 'certbot') return [...job.invocation.domains];
  return job.invocation.domains.map((domain) =>
    domain.validation?.kind === 'webroot' ? { name: domain.name, webrootPath: domain.validation.path } : { name: domain.name },
  );
}

/** The one nginx service of a project that answers on port 80; undefined when that cannot be told. */
export function frontNginx(project: DeployedProject): DeployedService | undefined {
  const nginx = project.services.filter((service) => service.nginx !== undefined);
  if (nginx.length === 1) return nginx[0];
  const publishing = nginx.filter((service) => service.compose.ports.some((port) => port.containerPort === '80'));
  return publishing.length === 1 ? publishing[0] : undefined;
}

/**
 * Whether certboot sees the whole configuration nginx will load: no include reads a file or lists
 * a directory whose content is unknown (baked into an image, behind a variable), and no file
 * failed to parse. A server block hidden there could answer the challenge.
 */
export function configurationFullyKnown(service: DeployedService, scriptWrites: readonly string[] = []): boolean {
  const configuration = service.nginx?.configuration;
  if (!configuration) return false;
  // a glob whose directory listing, or one of whose files, only the image's build knows
  const unseen = unseenIncludes(service, configuration);
  for (const file of configuration.files) {
    if (file.errors.some((error) => error.kind === 'syntax' || error.kind === 'file')) return false;
    const stack = [...file.syntax.directives];
    while (stack.length > 0) {
      const directive = stack.pop();
      if (!directive) break;
      if (directive.block) for (const inner of directive.block) stack.push(inner);
      if (directive.name !== 'include' || directive.args.length !== 1) continue;
      if (unseen.has(directive) && hasGlobMagic((directive.args[0] as NginxArgument).value)) return false;
      const pattern = resolveNginxPath((directive.args[0] as NginxArgument).value, configurationPrefixOf(service));
      const segments = pattern.split('/');
      const firstMagic = segments.findIndex((segment) => hasGlobMagic(segment));
      const checked = firstMagic < 0 ? pattern : segments.slice(0, firstMagic).join('/') || '/';
      const state = service.view.firstBootState(checked);
      if (state.state === 'unknown') return false;
      // a glob over a host directory a repository script writes into (`cp template "./conf.d/$site.conf"`)
      const origin = state.origin;
      if (firstMagic >= 0 && origin.kind === 'bind' && scriptWrites.some((written) => isWithin(written, origin.hostPath))) return false;
    }
  }
  return true;
}

export interface ListenSocket {
  readonly entry?: PlacedDirective;
  readonly argument?: NginxArgument;
  readonly family: 'ipv4' | 'ipv6';
  /** undefined for a wildcard address. */
  readonly address?: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly defaultServer: boolean;
}

export interface HttpServer {
  readonly entry: PlacedDirective;
  readonly block: NginxBlock;
  readonly http: NginxBlock;
  readonly listens: readonly ListenSocket[];
  /** `server_name` values in order, lower-cased. */
  readonly names: readonly string[];
}

const loopback = /^(127\.|localhost$|\[::1\]$|::1$)/;

function readListen(entry: PlacedDirective, sslOn: boolean): ListenSocket | undefined {
  const [argument, ...parameters] = entry.directive.args;
  if (!argument || argument.value.startsWith('unix:') || argument.value.includes('$')) return undefined;
  const value = argument.value;
  let address: string | undefined;
  let port = 80;
  let family: 'ipv4' | 'ipv6' = 'ipv4';
  const ipv6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(value);
  if (ipv6) {
    family = 'ipv6';
    address = ipv6[1] === '::' ? undefined : `[${ipv6[1]}]`;
    if (ipv6[2]) port = Number(ipv6[2]);
  } else if (/^\d+$/.test(value)) port = Number(value);
  else {
    const colon = value.lastIndexOf(':');
    const host = colon < 0 ? value : value.slice(0, colon);
    if (colon >= 0) port = Number(value.slice(colon + 1));
    address = host === '*' || host === '0.0.0.0' ? undefined : host;
  }
  if (!Number.isInteger(port)) return undefined;
  const names = parameters.map((parameter) => parameter.value);
  return {
    entry,
    argument,
    family,
    ...(address ? { address } : {}),
    port,
    ssl: sslOn || names.includes('ssl') || names.includes('quic'),
    defaultServer: names.includes('default_server') || names.includes('default'),
  };
}

/** The `server` blocks of the http context, with what they listen on and the names they answer. */
export function httpServers(configuration: NginxConfiguration): HttpServer[] {
  const servers: HttpServer[] = [];
  for (const http of expandedConfiguration(configuration).entries) {
    if (http.directive.name !== 'http' || !http.block) continue;
    for (const entry of http.block.entries) {
      if (entry.directive.name !== 'server' || !entry.block) continue;
      const block = entry.block;
      const sslOn = block.entries.some((child) => child.directive.name === 'ssl' && child.directive.args[0]?.value === 'on');
      const listenEntries = block.entries.filter((child) => child.directive.name === 'listen');
      const listens =
        listenEntries.length === 0
          ? [{ family: 'ipv4', port: 80, ssl: sslOn, defaultServer: false } as const]
          : listenEntries.flatMap((child) => {
              const socket = readListen(child, sslOn);
              return socket ? [socket] : [];
            });
      const names = block.entries
        .filter((child) => child.directive.name === 'server_name')
        .flatMap((child) => child.directive.args.map((argument) => argument.value.toLowerCase()));
      servers.push({ entry, block, http: http.block, listens, names });
    }
  }
  return servers;
}

function reachable(socket: ListenSocket): boolean {
  return socket.address === undefined || !loopback.test(socket.address);
}

/** The servers that listen for plain HTTP (or TLS) on a port from outside, in the family Let's Encrypt would reach. */
export function serversOn(servers: readonly HttpServer[], port: number, ssl: boolean): { servers: HttpServer[]; specificAddress: boolean } {
  const listening = (family: 'ipv4' | 'ipv6'): HttpServer[] =>
    servers.filter((server) => server.listens.some((socket) => socket.family === family && socket.port === port && socket.ssl === ssl && reachable(socket)));
  const ipv4 = listening('ipv4');
  const family = ipv4.length > 0 ? 'ipv4' : 'ipv6';
  const chosen = ipv4.length > 0 ? ipv4 : listening('ipv6');
  const specificAddress = chosen.some((server) =>
    server.listens.some((socket) => socket.family === family && socket.port === port && socket.address !== undefined && reachable(socket)),
  );
  return { servers: chosen, specificAddress };
}

function socketOf(server: HttpServer, port: number, ssl: boolean): ListenSocket | undefined {
  return server.listens.find((socket) => socket.port === port && socket.ssl === ssl && reachable(socket));
}

/**
 * The server nginx picks for a Host among the servers of one address and port: the exact name,
 * then the longest leading wildcard (`*.example.org`, `.example.org`), the longest trailing one
 * (`www.example.*`), the first matching regex, and else the default server of the port.
 */
export function serverForHost(servers: readonly HttpServer[], host: string, port: number, ssl: boolean): HttpServer | undefined {
  const name = host.toLowerCase();
  const exact = servers.find((server) => server.names.includes(name));
  if (exact) return exact;
  let best: { server: HttpServer; length: number } | undefined;
  for (const server of servers) {
    for (const pattern of server.names) {
      const suffix = pattern.startsWith('*.') ? pattern.slice(1) : pattern.startsWith('.') ? pattern : undefined;
      const matches = suffix !== undefined && (name.endsWith(suffix) || (pattern.startsWith('.') && name === pattern.slice(1)));
      if (matches && (!best || pattern.length > best.length)) best = { server, length: pattern.length };
    }
  }
  if (best) return best.server;
  for (const server of servers) {
    for (const pattern of server.names) {
      const prefix = pattern.endsWith('.*') ? pattern.slice(0, -1) : undefined;
      if (prefix !== undefined && name.startsWith(prefix) && (!best || pattern.length > best.length)) best = { server, length: pattern.length };
    }
  }
  if (best) return best.server;
  for (const server of servers) {
    for (const pattern of server.names) {
      if (!pattern.startsWith('~')) continue;
      const expression = pcreExpression(pattern.slice(1), false);
      if (!expression) return undefined;
      if (expression.test(name)) return server;
    }
  }
  return servers.find((server) => socketOf(server, port, ssl)?.defaultServer) ?? servers[0];
}

export type ChallengeAnswer =
  /** nginx sends files from `directory` (a container path): `root` + URI, or `alias`. */
  | {
      readonly kind: 'served';
      readonly server: HttpServer;
      readonly location?: PlacedDirective;
      readonly directory: string;
      /** The `root` or `alias` that decides it; undefined for nginx's default `root html`. */
      readonly source?: PlacedDirective;
    }
  | {
      readonly kind: 'redirected';
      readonly server: HttpServer;
      readonly location?: PlacedDirective;
      readonly directive: PlacedDirective;
      readonly target: string;
      /** The redirect runs in the server's rewrite phase, before any location is chosen. */
      readonly serverLevel: boolean;
    }
  | { readonly kind: 'refused'; readonly server: HttpServer; readonly location?: PlacedDirective; readonly directive: PlacedDirective; readonly status: string }
  | { readonly kind: 'unknown' };

const redirectCodes = new Set(['301', '302', '303', '307', '308']);
const statusTexts: Readonly<Record<string, string>> = {
  '400': '400 Bad Request',
  '401': '401 Unauthorized',
  '403': '403 Forbidden',
  '404': '404 Not Found',
  '410': '410 Gone',
  '444': 'by closing the connection (444)',
  '500': '500 Internal Server Error',
  '503': '503 Service Temporarily Unavailable',
};

type RewriteStep =
  | { readonly kind: 'continue' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'answer'; readonly answer: (server: HttpServer, location: PlacedDirective | undefined, serverLevel: boolean) => ChallengeAnswer };

function isAbsoluteUrl(text: string): boolean {
  return /^(https?:\/\/|\$scheme)/.test(text);
}

/** What one directive of the rewrite module does to the challenge request. */
function rewriteStep(entry: PlacedDirective, uri: string): RewriteStep {
  const { name, args } = entry.directive;
  const values = args.map((argument) => argument.value);
  const unknown: RewriteStep = { kind: 'answer', answer: () => ({ kind: 'unknown' }) };
  if (name === 'break') return { kind: 'stop' };
  if (name === 'if')
    return entry.block?.entries.some((child) => child.directive.name === 'return' || child.directive.name === 'rewrite') ? unknown : { kind: 'continue' };
  if (name === 'return') {
    const [first, second] = values;
    if (first === undefined) return unknown;
    if (isAbsoluteUrl(first))
      return {
        kind: 'answer',
        answer: (server, location, serverLevel) => ({
          kind: 'redirected',
          server,
          ...(location ? { location } : {}),
          directive: entry,
          target: first,
          serverLevel,
        }),
      };
    if (redirectCodes.has(first) && second !== undefined) {
      return {
        kind: 'answer',
        answer: (server, location, serverLevel) => ({
          kind: 'redirected',
          server,
          ...(location ? { location } : {}),
          directive: entry,
          target: second,
          serverLevel,
        }),
      };
    }
    if (/^[45]\d\d$/.test(first)) {
      const status = statusTexts[first] ?? first;
      return { kind: 'answer', answer: (server, location) => ({ kind: 'refused', server, ...(location ? { location } : {}), directive: entry, status }) };
    }
    return unknown;
  }
  if (name === 'rewrite') {
    const [pattern, replacement, flag] = values;
    if (pattern === undefined || replacement === undefined) return unknown;
    const expression = pcreExpression(pattern, false);
    if (!expression) return unknown;
    if (!expression.test(uri)) return { kind: 'continue' };
    if (isAbsoluteUrl(replacement) || flag === 'redirect' || flag === 'permanent') {
      return {
        kind: 'answer',
        answer: (server, location, serverLevel) => ({
          kind: 'redirected',
          server,
          ...(location ? { location } : {}),
          directive: entry,
          target: replacement,
          serverLevel,
        }),
      };
    }
    return unknown;
  }
  return { kind: 'continue' };
}

function runRewrites(block: NginxBlock, uri: string, server: HttpServer, location: PlacedDirective | undefined): ChallengeAnswer | undefined {
  for (const entry of block.entries) {
    const step = rewriteStep(entry, uri);
    if (step.kind === 'stop') return undefined;
    if (step.kind === 'answer') return step.answer(server, location, location === undefined);
  }
  return undefined;
}

const contentHandlers = new Set([
  'proxy_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'grpc_pass',
  'memcached_pass',
  'empty_gif',
  'stub_status',
  'js_content',
  'perl',
  'content_by_lua',
  'content_by_lua_block',
  'content_by_lua_file',
  'flv',
  'mp4',
  'dav_methods',
]);

/** The access rule that applies to a client nobody can name (Let's Encrypt's validation addresses are not published). */
function accessDenial(blocks: readonly NginxBlock[]): PlacedDirective | undefined {
  for (const block of blocks) {
    const rules = block.entries.filter((entry) => entry.directive.name === 'allow' || entry.directive.name === 'deny');
    if (rules.length === 0) continue;
    for (const rule of rules) {
      const address = rule.directive.args[0]?.value;
      if (address === 'all' || address === '0.0.0.0/0' || address === '::/0') return rule.directive.name === 'deny' ? rule : undefined;
    }
    return undefined;
  }
  return undefined;
}

function lastNamed(block: NginxBlock, name: string): PlacedDirective | undefined {
  return block.entries.filter((entry) => entry.directive.name === name).at(-1);
}

/** How one server answers `GET /.well-known/acme-challenge/<token>`, phase by phase as nginx runs them. */
export function answerChallenge(server: HttpServer, prefix: string, uri: string = challengeUri): ChallengeAnswer {
  const serverRewrite = runRewrites(server.block, uri, server, undefined);
  if (serverRewrite) return serverRewrite;
  const selection = selectLocation(locationTree(server.block), uri);
  if (!selection.known) return { kind: 'unknown' };
  const locationNode = selection.location;
  const location = locationNode?.value;
  const innermost = [locationNode, ...[...selection.enclosing].reverse()].flatMap((node) => (node?.value.block ? [node.value.block] : []));
  const scopes = [...innermost, server.block, server.http];
  if (location?.block) {
    const rewritten = runRewrites(location.block, uri, server, location);
    if (rewritten) return rewritten;
    if (location.block.entries.some((entry) => entry.directive.name === 'internal')) {
      const internal = location.block.entries.find((entry) => entry.directive.name === 'internal') as PlacedDirective;
      return { kind: 'refused', server, location, directive: internal, status: '404 Not Found' };
    }
  }
  const denial = accessDenial(scopes);
  if (denial) return { kind: 'refused', server, ...(location ? { location } : {}), directive: denial, status: '403 Forbidden' };
  const contentBlock = location?.block ?? server.block;
  if (contentBlock.entries.some((entry) => contentHandlers.has(entry.directive.name))) return { kind: 'unknown' };
  const tryFiles = lastNamed(contentBlock, 'try_files');
  if (tryFiles && !tryFiles.directive.args.slice(0, -1).some((argument) => /\$uri\b/.test(argument.value))) return { kind: 'unknown' };
  const alias = location?.block ? lastNamed(location.block, 'alias') : undefined;
  if (alias && location && locationNode) {
    const value = alias.directive.args[0]?.value;
    const matcher = locationNode.matcher;
    if (value === undefined || value.includes('$') || matcher.kind === 'regex' || matcher.kind === 'named') return { kind: 'unknown' };
    const file = resolveNginxPath(value + uri.slice(matcher.pattern.length), prefix);
    // `alias /dir` without the slash glues the token to the name: nginx looks for `/dirTOKEN`
    if (!file.endsWith(`/${sampleToken}`)) return { kind: 'unknown' };
    return { kind: 'served', server, location, directory: posix.normalize(posix.dirname(file)), source: alias };
  }
  const root = scopes.map((scope) => lastNamed(scope, 'root')).find((entry) => entry !== undefined);
  const value = root ? root.directive.args[0]?.value : 'html';
  if (value === undefined || value.includes('$')) return { kind: 'unknown' };
  const directory = posix.join(resolveNginxPath(value, prefix), challengePrefix);
  return { kind: 'served', server, ...(location ? { location } : {}), directory: directory.replace(/\/+$/, ''), ...(root ? { source: root } : {}) };
}

/** The host a redirect sends Let's Encrypt to, when it keeps the request's own host and path. */
export function redirectKeepsRequest(target: string): { scheme: 'http' | 'https'; samePath: boolean; sameHost: boolean } | undefined {
  const match = /^(https?):\/\/(\$\w+|[^/$]+)(.*)$/.exec(target);
  if (!match) return undefined;
  const host = match[2] as string;
  const rest = match[3] as string;
  return {
    scheme: match[1] as 'http' | 'https',
    sameHost: host === '$host' || host === '$http_host' || host === '$server_name',
    samePath: rest === '$request_uri' || rest === '$uri' || rest === '$uri$is_args$args',
  };
}

/** Whether the shell cannot change a job's domain names: none comes from a variable. */
function literalDomains(job: WebrootJob, domains: readonly { readonly name: ShellWord }[]): boolean {
  return domains.length > 0 && job.invocation.dynamicArguments.length === 0 && domains.every((domain) => domain.name.literal);
}

/** How Let's Encrypt's request for one name reaches nginx, and what nginx answers. */
export interface ChallengeRoute {
  readonly project: DeployedProject;
  readonly nginx: DeployedService;
  readonly job?: WebrootJob;
  /** The name Let's Encrypt validates; undefined when a variable decides it. */
  readonly domain?: string;
  readonly domainWord?: ShellWord;
  /** certbot's `-w` for that name. */
  readonly webrootWord?: ShellWord;
  readonly servers: readonly HttpServer[];
  /** The plain-HTTP port-80 server that gets the request; undefined when none listens. */
  readonly port80?: HttpServer;
  readonly answer?: ChallengeAnswer;
  /** A redirect to HTTPS on the same host and path, followed once as Let's Encrypt does. */
  readonly followed?: { readonly server?: HttpServer; readonly answer?: ChallengeAnswer };
}

/**
 * The route of the challenge for a name through an nginx service; undefined when certboot cannot
 * tell which server gets it (servers bound to specific addresses, several servers and a name
 * only the shell knows).
 */
export function routeFor(
  project: DeployedProject,
  nginx: DeployedService,
  domain: string | undefined,
  extra: Pick<ChallengeRoute, 'job' | 'domainWord' | 'webrootWord'> = {},
  scriptWrites: readonly string[] = [],
): ChallengeRoute | undefined {
  const configuration = nginx.nginx?.configuration;
  if (!configuration || !configurationFullyKnown(nginx, scriptWrites)) return undefined;
  const servers = httpServers(configuration);
  const plain = serversOn(servers, 80, false);
  if (plain.specificAddress) return undefined;
  const base = { project, nginx, ...extra, ...(domain !== undefined ? { domain } : {}), servers };
  if (plain.servers.length === 0) return base;
  const port80 = domain !== undefined ? serverForHost(plain.servers, domain, 80, false) : plain.servers.length === 1 ? plain.servers[0] : undefined;
  if (!port80) return undefined;
  const prefix = nginxPrefixOf(nginx);
  const answer = answerChallenge(port80, prefix);
  if (answer.kind !== 'redirected') return { ...base, port80, answer };
  const redirect = redirectKeepsRequest(answer.target);
  if (redirect?.scheme !== 'https' || !redirect.samePath || !redirect.sameHost) return { ...base, port80, answer };
  const secure = serversOn(servers, 443, true);
  if (secure.specificAddress) return undefined;
  const server = domain !== undefined ? serverForHost(secure.servers, domain, 443, true) : secure.servers.length === 1 ? secure.servers[0] : undefined;
  if (!server && domain === undefined && secure.servers.length > 1) return undefined;
  return { ...base, port80, answer, followed: server ? { server, answer: answerChallenge(server, prefix) } : {} };
}

/**
 * Whether a failure stops nginx on first boot, as missing-certificate-on-first-boot and
 * missing-include-on-first-boot report it as an error: no repository script puts a placeholder there first,
 * nor starts nginx from an HTTP-only compose file until certbot has created it. certbot's installer files have
 * a rule of their own.
 */
export function blocksFirstBoot(failure: FirstBootFailure): boolean {
  return !failure.placeholderScript && !failure.httpFirstScript && !certbotInstallerFiles.has(posix.basename(failure.path));
}

/**
 * How the HTTPS server a redirect leads to answers the first challenge. It answers only if nginx
 * starts (`blocking`: what stops it on first boot): while a certificate nginx loads does not
 * exist yet, nothing listens on port 443 either, so the redirect, not that server's `root`,
 * decides the first validation.
 */
export function followedOnFirstBoot(route: ChallengeRoute, blocking: readonly FirstBootFailure[]): ChallengeAnswer | undefined {
  const followed = route.followed;
  if (!followed?.server || !followed.answer) return undefined;
  return blocking.length === 0 ? followed.answer : undefined;
}

/** One route per name of every webroot job whose project has one nginx service in front. */
export function challengeRoutes(deployment: Deployment, issuers: readonly Issuer[], scriptWrites: readonly string[] = []): ChallengeRoute[] {
  const routes: ChallengeRoute[] = [];
  for (const job of webrootJobs(deployment, issuers)) {
    const nginx = frontNginx(job.project);
    if (!nginx) continue;
    const domains = jobDomains(job);
    if (literalDomains(job, domains)) {
      for (const domain of domains) {
        // acme.sh validates a name of another mode (`--dns`) without the webroot
        if (job.program === 'acme.sh' && !domain.webrootPath) continue;
        const route = routeFor(
          job.project,
          nginx,
          domain.name.value,
          { job, domainWord: domain.name, ...(domain.webrootPath ? { webrootWord: domain.webrootPath } : {}) },
          scriptWrites,
        );
        if (route) routes.push(route);
      }
      continue;
    }
    const webrootWord = job.program === 'certbot' ? job.invocation.webrootPaths.at(-1) : undefined;
    const route = routeFor(job.project, nginx, undefined, { job, ...(webrootWord ? { webrootWord } : {}) }, scriptWrites);
    if (route) routes.push(route);
  }
  return routes;
}

/** Where a directory lies outside any container: a host directory, or a path in a named volume. */
export type StorageOrigin =
  | { readonly kind: 'host'; readonly path: string; readonly mount?: VolumeMount }
  | { readonly kind: 'volume'; readonly name: string; readonly relativePath: string; readonly mount: VolumeMount }
  | { readonly kind: 'container-only'; readonly mount?: VolumeMount }
  | { readonly kind: 'unknown' };

/** Where a container path of a service is stored; 'container-only' for a path no mount covers in an image known not to hold it. */
export function storageOf(service: DeployedService, containerPath: string, imageKnown: boolean): StorageOrigin {
  const origin = service.view.origin(containerPath);
  switch (origin.kind) {
    case 'bind':
      return { kind: 'host', path: origin.hostPath, mount: origin.mount };
    case 'volume':
      return origin.volumeName === undefined
        ? { kind: 'container-only', mount: origin.mount }
        : { kind: 'volume', name: origin.volumeName, relativePath: origin.relativePath, mount: origin.mount };
    case 'tmpfs':
      return { kind: 'container-only', mount: origin.mount };
    case 'image':
      return { kind: 'container-only' };
    case 'unknown': {
      const mounted = service.compose.volumes.some((mount) => mount.target !== undefined && isWithin(containerPath, mount.target));
      return !mounted && imageKnown ? { kind: 'container-only' } : { kind: 'unknown' };
    }
  }
}

/** Where certbot's webroot directory is stored, for a job whose paths can be read. */
export function webrootStorage(job: WebrootJob, directory: string): StorageOrigin {
  if (job.runsIn.kind === 'host') return { kind: 'host', path: directory };
  if (job.runsIn.kind === 'unknown') return { kind: 'unknown' };
  const service = job.runsIn.service;
  const image = service.compose.image?.value ?? '';
  const knownImage =
    service.compose.build === undefined && (/^(docker\.io\/)?certbot\/certbot(:|@|$)/.test(image) || (job.program === 'acme.sh' && isAcmeShImage(image)));
  return storageOf(service, directory, knownImage);
}

/** The path under which a service sees a stored directory, through one of its mounts. */
export function containerPathOf(service: DeployedService, storage: StorageOrigin): string | undefined {
  for (const mount of service.compose.volumes) {
    if (mount.target === undefined || mount.source === undefined) continue;
    if (storage.kind === 'host' && mount.type === 'bind' && isWithin(storage.path, mount.source))
      return posix.join(mount.target, posix.relative(mount.source, storage.path));
    if (storage.kind === 'volume' && mount.type === 'volume' && mount.source === storage.name) return posix.join(mount.target, storage.relativePath);
  }
  return undefined;
}

export function sameStorage(left: StorageOrigin, right: StorageOrigin): boolean {
  if (left.kind === 'host' && right.kind === 'host') return posix.normalize(left.path) === posix.normalize(right.path);
  if (left.kind === 'volume' && right.kind === 'volume')
    return left.name === right.name && posix.normalize(left.relativePath || '.') === posix.normalize(right.relativePath || '.');
  return false;
}

/**
 * Where a word of a job stands in the repository. A domain of `-d a.org,b.org` is a slice of
 * the option's value, so the command string it lies in is the value's own.
 */
export function jobWordLocation(job: WebrootJob, word: ShellWord, texts: SourceTexts): SourceLocation | undefined {
  const origin = job.run.origin;
  if (origin.kind !== 'service' || !origin.service.command) return runWordLocation(job.run, word, texts);
  const command = origin.service.command;
  const parent = [word, ...job.invocation.options.flatMap((option) => (option.value ? [option.value] : []))].find(
    (candidate) =>
      (command.argv as readonly ShellWord[]).includes(candidate) &&
      candidate.span.start <= word.span.start &&
      word.span.end <= candidate.span.end &&
      candidate.value.includes(word.value),
  );
  const place = parent ? placeOfWord(command, parent) : undefined;
  return place ? commandLocation(texts, origin.project.compose, origin.service.compose, place, word.span) : runWordLocation(job.run, word, texts);
}
