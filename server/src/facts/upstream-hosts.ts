import { isIPv4 } from 'node:net';
import { posix } from 'node:path';
import type { ComposeService } from '../languages/compose/model';
import type { NginxArgument } from '../languages/nginx/syntax-tree';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../model/deployment';
import { composeStart } from '../languages/shell/container-launch';
import { startedWith } from './coexistence';
import type { ShellCommand } from '../languages/shell/shell-script';
import { type NginxBlock, type PlacedDirective, expandedConfiguration } from '../model/nginx-blocks';

/**
 * A host name nginx resolves while it starts, with the system resolver (getaddrinfo: the
 * container's /etc/hosts, then docker's embedded DNS): a name that does not resolve stops nginx.
 * From nginx's source (src/http/ngx_http_upstream.c, ngx_http_upstream_server() and
 * ngx_http_upstream_add(); src/http/ngx_http_upstream_round_robin.c,
 * ngx_http_upstream_init_round_robin(); the stream module's twins): a `server` of an `upstream`
 * block is resolved as it is parsed, `"%s in upstream \"%V\""` with the address as written and
 * the position of the directive; the `*_pass` directives make an implicit upstream resolved once
 * the http (or stream) block is read, `"%s in upstream \"%V\" in %s:%ui"` with the host alone.
 * A pass whose address holds a variable is resolved per request through `resolver`, an upstream
 * `server … resolve` likewise, and a name an `upstream` block declares is no host at all.
 */
export interface UpstreamHost {
  readonly service: DeployedService;
  readonly entry: PlacedDirective;
  readonly argument: NginxArgument;
  /** The host name, lower-cased as DNS compares it. */
  readonly host: string;
  /** What nginx prints after `[emerg] ` when the name does not resolve. */
  readonly nginxMessage: string;
  /** `parse`: an upstream block's server, resolved while nginx reads it; `init`: an implicit upstream, resolved after its block. */
  readonly stage: 'parse' | 'init';
}

/** The pass directives and the URL schemes their handlers strip (ngx_http_*_pass()); proxy_pass needs one of its own. */
const passSchemes: Readonly<Record<string, readonly string[]>> = {
  proxy_pass: ['http://', 'https://'],
  grpc_pass: ['grpc://', 'grpcs://', ''],
  uwsgi_pass: ['uwsgi://', 'suwsgi://', ''],
  fastcgi_pass: [''],
  scgi_pass: [''],
  memcached_pass: [''],
};
const resolvedNames = new Set([...Object.keys(passSchemes), 'server', 'upstream']);

/** The host of `host[:port][/uri]`, as ngx_parse_inet_url() cuts it; undefined for a unix socket or an address. */
function hostOf(address: string): { host: string; port: string } | undefined {
  if (address.startsWith('unix:') || address.startsWith('[')) return undefined;
  const match = /^([^:/?#]+)(?::(\d+))?(?:[/?#]|$)/.exec(address);
  if (!match) return undefined;
  const host = match[1];
  // the host holds no `:`, so it is no IPv6 address: Node's IPv6 pattern is long to run
  if (isIPv4(host)) return undefined;
  return { host, port: match[2] ?? '' };
}

/** A directive nginx resolves names of, with the outermost `http` or `stream` block around it and the name of the block it stands in. */
interface ResolvingDirective {
  readonly entry: PlacedDirective;
  readonly top: 'http' | 'stream' | undefined;
  readonly parent: string | undefined;
}

function resolvingDirectives(tree: NginxBlock): ResolvingDirective[] {
  const found: ResolvingDirective[] = [];
  const visit = (block: NginxBlock, top: ResolvingDirective['top'], parent: string | undefined): void => {
    for (const entry of block.entries) {
      const name = entry.directive.name;
      if (resolvedNames.has(name)) found.push({ entry, top, parent });
      if (entry.block) visit(entry.block, top ?? (name === 'http' || name === 'stream' ? name : undefined), name);
    }
  };
  visit(tree, undefined, undefined);
  return found;
}

/** Where nginx says it was: the file as it names it and the line of the statement's `;`. */
function position(entry: PlacedDirective): string {
  return `${entry.file.displayPath}:${entry.directive.span.toRange().end.line + 1}`;
}

/** The names a service's nginx resolves at start, in the order nginx fails on them. */
export function upstreamHosts(service: DeployedService): UpstreamHost[] {
  const configuration = service.nginx?.configuration;
  if (configuration === undefined) return [];
  const walked = resolvingDirectives(expandedConfiguration(configuration));
  const upstreamNames = new Set<string>();
  for (const { entry, top } of walked) {
    const name = entry.directive.name === 'upstream' ? entry.directive.args[0]?.value : undefined;
    if (name !== undefined) upstreamNames.add(`${top} ${name.toLowerCase()}`);
  }
  const parsed: UpstreamHost[] = [];
  const implicit = new Map<string, UpstreamHost>();
  for (const { entry, top, parent } of walked) {
    const { directive } = entry;
    // the servers of http and stream blocks have no arguments: only an upstream's servers are read
    if (top === undefined || (directive.name === 'server' && parent !== 'upstream')) continue;
    const argument = directive.args[0];
    if (argument === undefined || argument.value.includes('$')) continue;
    if (directive.name === 'server') {
      if (directive.args.some((other) => other.value === 'resolve')) continue;
      const address = hostOf(argument.value);
      if (address === undefined || address.host.toLowerCase() === 'localhost') continue;
      const nginxMessage = `host not found in upstream "${argument.value}" in ${position(entry)}`;
      parsed.push({ service, entry, argument, host: address.host.toLowerCase(), nginxMessage, stage: 'parse' });
      continue;
    }
    const schemes = passSchemes[directive.name];
    if (schemes === undefined || directive.args.length !== 1) continue;
    // the stream module has only proxy_pass, written without a scheme
    const scheme = top === 'stream' ? (directive.name === 'proxy_pass' ? '' : undefined) : schemes.find((prefix) => argument.value.startsWith(prefix));
    if (scheme === undefined) continue;
    const address = hostOf(argument.value.slice(scheme.length));
    if (address === undefined || upstreamNames.has(`${top} ${address.host.toLowerCase()}`) || address.host.toLowerCase() === 'localhost') continue;
    // one implicit upstream per host and port (ngx_http_upstream_add() finds the earlier one)
    const key = `${top} ${address.host.toLowerCase()}:${address.port}`;
    if (implicit.has(key)) continue;
    const nginxMessage = `host not found in upstream "${address.host}" in ${position(entry)}`;
    implicit.set(key, { service, entry, argument, host: address.host.toLowerCase(), nginxMessage, stage: 'init' });
  }
  return [...parsed, ...implicit.values()];
}

/** Whether the containers of a service's network answer a name. */
export type HostResolution =
  /** `provider`: the service of the project called so, when one is (not an `extra_hosts` entry, a link, nginx's own hostname). */
  | { readonly kind: 'resolves'; readonly provider?: ComposeService }
  /** certboot cannot tell: a network other projects may join, a variable, a host network, a dotted name outside the project. */
  | { readonly kind: 'unknown' }
  /** No container nginx shares a network with is called so. */
  | { readonly kind: 'not-found' }
  /**
   * Only services that `docker compose up` leaves stopped provide it (their `profiles` are not
   * nginx's): docker's DNS answers running containers only, so nginx fails unless the profile is enabled.
   */
  | { readonly kind: 'profile-stopped'; readonly providers: readonly ComposeService[] }
  /** These services are called so, on networks nginx does not join. */
  | { readonly kind: 'other-network'; readonly providers: readonly ComposeService[] };

/**
 * Whether a service answers `name` (lower case) on a network it joins (compose's getAliases(),
 * docker/compose pkg/compose/create.go): its name, its aliases on that network, its container
 * name, its hostname, or its numbered container name `<project>[-_]<service>[-_]<n>`.
 */
function answersOn(service: ComposeService, network: string, projectName: string, name: string): boolean {
  const networking = service.networking;
  const aliases = networking?.networks?.get(network)?.aliases ?? [];
  if (service.name.toLowerCase() === name || aliases.some((alias) => alias.toLowerCase() === name)) return true;
  if (service.containerName?.value?.toLowerCase() === name || networking?.hostname?.toLowerCase() === name) return true;
  return numberedContainerName(name, projectName.toLowerCase(), service.name.toLowerCase());
}

function numberedContainerName(name: string, project: string, service: string): boolean {
  const separator = (at: number): boolean => name[at] === '-' || name[at] === '_';
  const serviceAt = project.length + 1;
  const numberAt = serviceAt + service.length + 1;
  return (
    name.startsWith(project) &&
    separator(project.length) &&
    name.startsWith(service, serviceAt) &&
    separator(numberAt - 1) &&
    /^\d+$/.test(name.slice(numberAt))
  );
}

/** Whether some part of a service's naming cannot be read: its names may be any. */
function namesUnknown(service: ComposeService): boolean {
  return service.networking === undefined || service.networking.unknown || (service.containerName !== undefined && service.containerName.value === undefined);
}

/**
 * Whether the network nginx's container is on answers `host` at start. Compose's spec: a service
 * without `networks` joins the project's `default` network; `network_mode` takes it out of the
 * project's networks (`host`: the host's resolver; `service:`/`container:`: another container's).
 */
export function resolveUpstreamHost(project: DeployedProject, nginx: DeployedService, host: string): HostResolution {
  const own = nginx.compose.networking;
  const networks = own?.networks;
  if (own === undefined || own.unknown || networks === undefined || namesUnknown(nginx.compose)) return { kind: 'unknown' };
  if (own.extraHosts.some((name) => name.toLowerCase() === host) || own.linkNames.some((name) => name.toLowerCase() === host)) return { kind: 'resolves' };
  if (own.hostname?.toLowerCase() === host) return { kind: 'resolves' };
  const declared = new Map((project.compose.networks ?? []).map((network) => [network.key, network]));
  for (const key of networks.keys()) {
    const network = declared.get(key);
    // an undeclared network other than default is compose's own error; a shared one has containers certboot cannot see
    if ((network === undefined && key !== 'default') || network?.shared === true) return { kind: 'unknown' };
  }
  const projectName = project.compose.name;
  let unknown = false;
  const providers: ComposeService[] = [];
  const stopped: ComposeService[] = [];
  for (const other of project.compose.services) {
    if (namesUnknown(other)) {
      unknown = true;
      continue;
    }
    const otherNetworks = other.networking?.networks;
    if (otherNetworks === undefined) {
      // network_mode: its container answers on no network of the project, or on another container's
      if (answersOn(other, '', projectName, host)) unknown = true;
      continue;
    }
    if ([...networks.keys()].some((key) => otherNetworks.has(key) && answersOn(other, key, projectName, host))) {
      // a service with profiles nginx does not share is not started by a plain `docker compose up`
      const active = project.compose.activeProfiles;
      const startsWithNginx =
        other.profiles.length === 0 ||
        active === 'unknown' ||
        other.profiles.some((profile) => nginx.compose.profiles.includes(profile) || active?.includes(profile));
      if (startsWithNginx) return { kind: 'resolves', provider: other };
      stopped.push(other);
      continue;
    }
    if ([...otherNetworks.keys()].some((key) => answersOn(other, key, projectName, host))) providers.push(other);
  }
  if (unknown) return { kind: 'unknown' };
  if (stopped.length > 0) return { kind: 'profile-stopped', providers: stopped };
  if (providers.length > 0) return { kind: 'other-network', providers };
  // a dotted name may be a public one the host's DNS answers
  return host.includes('.') ? { kind: 'unknown' } : { kind: 'not-found' };
}

/** A command of a repository script that starts nginx while a service it resolves is not started. */
export interface StartWithout {
  readonly script: RepositoryScript;
  readonly command: ShellCommand;
}

const defaultComposeFiles = new Set(['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']);

/**
 * The first command of a repository script that starts nginx with `docker compose up … NGINX`
 * while `provider` is not started: not named there, not in nginx's `depends_on` chain (compose
 * starts it; `--no-deps` does not), and not started by an earlier command of the script (a plain
 * `up` starts all). Only a script that runs compose's default file of the project's directory
 * (from the script's directory or the repository's root) with no `-f`, `-p` or `--profile` is
 * read, and only commands it surely runs (not in a function or a substitution); an earlier start
 * certboot cannot read counts as starting everything.
 */
export function startWithout(deployment: Deployment, project: DeployedProject, nginx: DeployedService, provider: string): StartWithout | undefined {
  const directory = project.compose.directory;
  const main = project.compose.files[0];
  if (main === undefined || posix.dirname(main) !== directory || !defaultComposeFiles.has(posix.basename(main))) return undefined;
  scripts: for (const script of deployment.scripts) {
    if (script.repositoryRoot !== directory && posix.dirname(script.path) !== directory) continue;
    const started = new Set<string>();
    for (const command of script.script.commands) {
      if (command.name === undefined || command.substitution) continue;
      const start = composeStart([command.name, ...command.arguments]);
      if (start === undefined || start.subcommand !== 'up') continue;
      const readable = start.globalOptions.length === 0 && start.services.every((word) => word.literal);
      // what it starts is unknown, or it is everything
      if (!readable || start.services.length === 0) continue scripts;
      const names = start.services.map((word) => word.value);
      const now = names.flatMap((name) => (start.noDependencies ? [name] : [...startedWith(project, name)]));
      if (names.includes(nginx.name) && command.functionName === undefined && !now.includes(provider) && !started.has(provider)) return { script, command };
      for (const name of now) started.add(name);
    }
  }
  return undefined;
}
