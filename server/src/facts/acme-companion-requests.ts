/**
 * What the containers proxied by nginx-proxy ask acme-companion for, and what nginx-proxy serves
 * them with, from the two projects' sources:
 *
 * - acme-companion app/letsencrypt_service_data.tmpl (github.com/nginx-proxy/acme-companion): every
 *   container whose `ACME_HOST` (else `LETSENCRYPT_HOST`, `coalesce`) is set gets a certificate for
 *   those names, split on commas, trimmed, a trailing dot dropped; one certificate for all of
 *   them unless `ACME_SINGLE_DOMAIN_CERTS` (or `LETSENCRYPT_SINGLE_DOMAIN_CERTS`) is true. Whether
 *   the container has a `VIRTUAL_HOST` is not asked (the template has done so since v1).
 * - acme-companion app/letsencrypt_service.sh update_cert: the challenge is the container's
 *   `ACME_CHALLENGE`, else the companion's, else `HTTP-01`.
 * - nginx-proxy nginx.tmpl (github.com/nginx-proxy/nginx-proxy): a server per name of the
 *   containers' `VIRTUAL_HOST` (comma-separated, trimmed; a name starting with `~` is a regular
 *   expression) and of the keys of `VIRTUAL_HOST_MULTIPORTS` (a YAML mapping, 1.6 on); a request for
 *   any other name goes to the catch-all `server_name _` server, which answers 503, unless
 *   `DEFAULT_HOST` makes one host's servers the default ones or `ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST`
 *   (1.8 on) makes the catch-all server answer the challenge. `HTTPS_METHOD` is the first set on the
 *   host's containers, else the proxy's, else `redirect`.
 */
import { isMap, isScalar, isSeq, parse, type Node } from 'yaml';
import { yamlPositionAt } from '../languages/compose/yaml-reader';
import type { SourceTexts } from '../inventory/inventory';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import { isWithin } from '../model/container-view';
import type { SourceLocation } from '../text/source-location';
import { type Issuer, mountedTexts, nginxProxyServices, type ServiceIssuer, serviceKey } from './certificate-issuers';

/** A container that asks acme-companion for a certificate. */
export interface CompanionRequest {
  readonly project: DeployedProject;
  readonly companion: ServiceIssuer;
  /** The one nginx-proxy of the project, which answers the challenge. */
  readonly proxy: DeployedService;
  readonly service: DeployedService;
  readonly variable: 'ACME_HOST' | 'LETSENCRYPT_HOST';
  readonly names: readonly string[];
  /** One certificate per name instead of one for all. */
  readonly singleDomain: boolean;
  /** `other`: a challenge certboot does not judge (DNS-01); `unknown`: an `env_file` may choose it. */
  readonly challenge: 'http-01' | 'other' | 'unknown';
  /** The variable's value (or its entry of a list). */
  readonly location: SourceLocation;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|t|true)$/i.test(value.trim());
}

function hasEnvFile(project: DeployedProject, service: DeployedService): boolean {
  return serviceKey(project.compose, service.name, 'env_file') !== undefined;
}

/** `a.org, b.org.` → `a.org`, `b.org`, as both templates split a list of names. */
export function namesOf(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim().replace(/\.$/, '').toLowerCase())
    .filter((name) => name !== '');
}

/**
 * Where the compose files set an environment variable of a service: its value in the mapping form,
 * its `NAME=value` entry in the list form, from the last file that sets it.
 */
export function environmentLocation(project: DeployedProject, service: DeployedService, variable: string): SourceLocation | undefined {
  let found: SourceLocation | undefined;
  for (const { file, document, lineCounter } of project.compose.documents) {
    const services = document.get('services', true);
    const definition = isMap(services) ? services.get(service.name, true) : undefined;
    const environment = isMap(definition) ? definition.get('environment', true) : undefined;
    let node: Node | undefined;
    if (isMap(environment)) {
      const pair = environment.items.find((item) => isScalar(item.key) && item.key.value === variable);
      node = (pair?.value ?? pair?.key) as Node | undefined;
    } else if (isSeq(environment)) {
      node = environment.items.find(
        (item): item is Node => isScalar(item) && (String(item.value) === variable || String(item.value).startsWith(`${variable}=`)),
      );
    }
    if (node?.range) found = { file, range: { start: yamlPositionAt(lineCounter, node.range[0]), end: yamlPositionAt(lineCounter, node.range[1]) } };
  }
  return found;
}

function requestOf(project: DeployedProject, companion: ServiceIssuer, proxy: DeployedService, service: DeployedService): CompanionRequest | undefined {
  const environment = service.compose.environment;
  const acmeHost = environment.ACME_HOST;
  // `coalesce`: ACME_HOST when it is set and not blank
  const variable = 'ACME_HOST' in environment && (acmeHost === undefined || acmeHost.trim() !== '') ? 'ACME_HOST' : 'LETSENCRYPT_HOST';
  if (!(variable in environment)) return undefined;
  const value = environment[variable];
  const location = environmentLocation(project, service, variable);
  if (value === undefined || location === undefined) return undefined;
  const names = namesOf(value);
  if (names.length === 0) return undefined;
  const chosen = [environment.ACME_CHALLENGE, companion.service.compose.environment.ACME_CHALLENGE].find(
    (candidate) => candidate !== undefined && candidate.trim() !== '',
  );
  const unknownChallenge =
    hasEnvFile(project, service) ||
    hasEnvFile(project, companion.service) ||
    ('ACME_CHALLENGE' in environment && environment.ACME_CHALLENGE === undefined) ||
    ('ACME_CHALLENGE' in companion.service.compose.environment && companion.service.compose.environment.ACME_CHALLENGE === undefined);
  const challenge = unknownChallenge ? 'unknown' : chosen === undefined || chosen.trim() === 'HTTP-01' ? 'http-01' : 'other';
  const singleDomain = isTrue(environment.ACME_SINGLE_DOMAIN_CERTS ?? environment.LETSENCRYPT_SINGLE_DOMAIN_CERTS);
  return { project, companion, proxy, service, variable, names, singleDomain, challenge, location };
}

/**
 * The containers of the projects that run acme-companion beside one nginx-proxy (the proxy it
 * serves is then known) that ask it for certificates, in the order of the issuers.
 */
export function companionRequests(issuers: readonly Issuer[]): CompanionRequest[] {
  const requests: CompanionRequest[] = [];
  const projects = new Set<DeployedProject>();
  for (const companion of issuers) {
    // a second companion of a project asks for the same names
    if (companion.kind !== 'acme-companion' || projects.has(companion.project)) continue;
    projects.add(companion.project);
    const proxies = nginxProxyServices(companion.project);
    const proxy = proxies[0];
    if (proxies.length !== 1 || !proxy) continue;
    for (const service of companion.project.services) {
      const request = requestOf(companion.project, companion, proxy, service);
      if (request) requests.push(request);
    }
  }
  return requests;
}

/** The names nginx-proxy serves for one container; undefined when certboot cannot read them. */
export function virtualHostsOf(project: DeployedProject, service: DeployedService): { names: string[]; patterns: string[] } | undefined {
  const environment = service.compose.environment;
  if (hasEnvFile(project, service)) return undefined;
  const names: string[] = [];
  if ('VIRTUAL_HOST_MULTIPORTS' in environment) {
    const text = environment.VIRTUAL_HOST_MULTIPORTS;
    if (text === undefined) return undefined;
    let hosts: unknown;
    try {
      hosts = parse(text);
    } catch {
      return undefined;
    }
    if (hosts === null || typeof hosts !== 'object' || Array.isArray(hosts)) return undefined;
    names.push(...Object.keys(hosts).map((name) => name.trim().toLowerCase()));
  }
  if ('VIRTUAL_HOST' in environment) {
    const text = environment.VIRTUAL_HOST;
    if (text === undefined) return undefined;
    names.push(...namesOf(text));
  }
  return { names: names.filter((name) => !name.startsWith('~')), patterns: names.filter((name) => name.startsWith('~')) };
}

/** Whether an nginx `server_name` that is no regular expression matches a host name (exact, `*.a.org`, `.a.org`, `a.*`). */
export function serverNameMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  if (pattern.startsWith('.')) return host === pattern.slice(1) || host.endsWith(pattern);
  if (pattern.endsWith('.*')) return host.startsWith(pattern.slice(0, -1));
  return false;
}

/** The services of the deployment whose VIRTUAL_HOST serves `name`; undefined when one may and certboot cannot tell. */
export function virtualHostContainers(deployment: Deployment, name: string): DeployedService[] | undefined {
  const serving: DeployedService[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const hosts = virtualHostsOf(project, service);
      if (!hosts || hosts.patterns.length > 0) return undefined;
      if (hosts.names.some((pattern) => serverNameMatches(pattern, name))) serving.push(service);
    }
  }
  return serving;
}

/**
 * Whether nginx-proxy may answer a challenge for a name it has no server for: `DEFAULT_HOST` sends
 * such requests to one host's servers, `ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST` makes the
 * catch-all server answer them; an `env_file` of the proxy may set either.
 */
export function proxyAnswersUnknownHosts(project: DeployedProject, proxy: DeployedService): boolean {
  const environment = proxy.compose.environment;
  const accepts =
    'ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST' in environment &&
    (environment.ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST === undefined || isTrue(environment.ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST));
  return hasEnvFile(project, proxy) || accepts || ('DEFAULT_HOST' in environment && environment.DEFAULT_HOST?.trim() !== '');
}

/**
 * Whether a configuration of the user's own, bind-mounted into the proxy's /etc/nginx/conf.d, may
 * serve the name: one of its files names it, or certboot cannot read them.
 */
export function ownConfigurationMayServe(texts: SourceTexts, proxy: DeployedService, name: string): boolean {
  const configurations = mountedTexts(texts, proxy, (target) => isWithin(target, '/etc/nginx/conf.d'));
  return configurations === undefined || configurations.some((text) => text.toLowerCase().includes(name));
}

/** How nginx-proxy serves a host: `HTTPS_METHOD` and the service that sets it (none: the default, `redirect`). */
export interface HttpsMethod {
  readonly method: string;
  readonly setBy?: { readonly project: DeployedProject; readonly service: DeployedService };
}

/**
 * The `HTTPS_METHOD` nginx-proxy applies to a host: the one its containers set (`first` of
 * nginx.tmpl, so only when they agree), else the proxy's, else `redirect`; undefined when the
 * host is not served or certboot cannot tell.
 */
export function httpsMethodOf(deployment: Deployment, request: CompanionRequest, name: string): HttpsMethod | undefined {
  const containers = virtualHostContainers(deployment, name);
  if (!containers || containers.length === 0) return undefined;
  const setting: HttpsMethod[] = [];
  for (const service of containers) {
    const environment = service.compose.environment;
    if (!('HTTPS_METHOD' in environment)) continue;
    const value = environment.HTTPS_METHOD?.trim();
    if (value === undefined) return undefined;
    const project = deployment.projects.find((candidate) => candidate.services.includes(service));
    if (value !== '' && project) setting.push({ method: value, setBy: { project, service } });
  }
  if (new Set(setting.map((entry) => entry.method)).size > 1) return undefined;
  if (setting[0]) return setting[0];
  const { project, proxy } = request;
  if (hasEnvFile(project, proxy)) return undefined;
  if (!('HTTPS_METHOD' in proxy.compose.environment)) return { method: 'redirect' };
  const global = proxy.compose.environment.HTTPS_METHOD?.trim();
  if (global === undefined) return undefined;
  return global === '' ? { method: 'redirect' } : { method: global, setBy: { project, service: proxy } };
}

/** `ENABLE_HTTP_ON_MISSING_CERT=false` on the proxy or a container of the host: nginx-proxy 1.6 on then applies `nohttp` before the first certificate too. */
export function httpOnMissingCertificateDisabled(containers: readonly DeployedService[], proxy: DeployedService): boolean {
  return [...containers, proxy].some((service) => /^(0|f|false)$/i.test(service.compose.environment.ENABLE_HTTP_ON_MISSING_CERT?.trim() ?? ''));
}
