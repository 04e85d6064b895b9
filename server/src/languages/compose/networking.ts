import { type ComposeMapping, type ComposeNode, childOf, isMapping, mappingChild, scalarText } from './compose-node';
import { isUnknownText } from './interpolation';
import type { Located, SourceLocation } from './source-location';

/**
 * What a service's containers are called on the networks they join, as compose and docker's
 * embedded DNS answer other containers. From compose's spec (compose-spec.io, "networks": a
 * service joins `default` when it lists no network; "aliases" are "alternative hostnames for the
 * service on the network") and compose's source (docker/compose pkg/compose/create.go,
 * getAliases(): on each network the container is registered under its container name, its
 * service name and that network's aliases). `hostname` is not registered by compose; it is kept
 * as a name here all the same, since a false alarm costs more than a miss.
 */
export interface ServiceNetworking {
  /**
   * The network keys of the project the service joins (`default` when it lists none); undefined
   * when `network_mode` takes it out of them or a part is unknown.
   */
  readonly networks: ReadonlyMap<string, NetworkAttachment> | undefined;
  /** `network_mode` as written; undefined when absent or unknown. */
  readonly networkMode?: Located<string>;
  /** `hostname`, when set and known. */
  readonly hostname?: string;
  /** Names `links` and `external_links` give this service's own containers (`db:database` gives `db` and `database`). */
  readonly linkNames: readonly string[];
  /** Names `extra_hosts` writes into this service's /etc/hosts. */
  readonly extraHosts: readonly string[];
  /** Some part of it holds a variable without a value: any name may be provided. */
  readonly unknown: boolean;
}

export interface NetworkAttachment {
  /** The aliases on this network, as written (known ones only). */
  readonly aliases: readonly string[];
}

/** A network of the top-level `networks`: whether containers of other projects may join it too. */
export interface DeclaredNetwork {
  readonly key: string;
  /** `external: true`, or a fixed `name:` another project may also use. */
  readonly shared: boolean;
  readonly location: SourceLocation;
}

function knownText(node: ComposeNode | undefined): { text?: string; unknown: boolean } {
  const text = scalarText(node);
  if (text === undefined) return { unknown: false };
  return isUnknownText(text) ? { unknown: true } : { text, unknown: false };
}

/** The items of a sequence, or the keys of a mapping (`extra_hosts` and `networks` take both forms). */
function itemsOf(node: ComposeNode | undefined): { texts: string[]; unknown: boolean } {
  const texts: string[] = [];
  let unknown = false;
  if (node?.kind === 'sequence') {
    for (const item of node.items) {
      const read = knownText(item);
      unknown ||= read.unknown;
      if (read.text !== undefined) texts.push(read.text);
    }
  } else if (isMapping(node)) {
    texts.push(...node.entries.keys());
  } else if (node !== undefined) unknown = true;
  return { texts, unknown };
}

/** `extra_hosts`: `name:address`, `name=address` or a mapping of name to address. */
function extraHostNames(node: ComposeNode | undefined): { texts: string[]; unknown: boolean } {
  const { texts, unknown } = itemsOf(node);
  if (isMapping(node)) return { texts, unknown };
  return { texts: texts.map((entry) => entry.split(/[=:]/, 1)[0] ?? entry), unknown };
}

/** `links` and `external_links`: `service`, or `service:alias`; both names resolve. */
function linkNames(node: ComposeNode | undefined): { texts: string[]; unknown: boolean } {
  const { texts, unknown } = itemsOf(node);
  return { texts: texts.flatMap((entry) => entry.split(':')), unknown };
}

function networksOf(service: ComposeMapping): { networks: Map<string, NetworkAttachment>; unknown: boolean } {
  const node = childOf(service, 'networks');
  const networks = new Map<string, NetworkAttachment>();
  if (node === undefined) {
    networks.set('default', { aliases: [] });
    return { networks, unknown: false };
  }
  if (node.kind === 'sequence') {
    const { texts, unknown } = itemsOf(node);
    for (const key of texts) networks.set(key, { aliases: [] });
    return { networks, unknown };
  }
  if (!isMapping(node)) return { networks, unknown: true };
  let unknown = false;
  for (const [key, entry] of node.entries) {
    const aliases = itemsOf(childOf(isMapping(entry.value) ? entry.value : undefined, 'aliases'));
    unknown ||= aliases.unknown;
    networks.set(key, { aliases: aliases.texts });
  }
  return { networks, unknown };
}

/** A service's networking, from its merged and interpolated mapping. */
export function serviceNetworking(service: ComposeMapping | undefined): ServiceNetworking {
  if (service === undefined) return { networks: undefined, linkNames: [], extraHosts: [], unknown: true };
  const modeNode = childOf(service, 'network_mode');
  const mode = knownText(modeNode);
  const hostname = knownText(childOf(service, 'hostname'));
  const links = linkNames(childOf(service, 'links'));
  const externalLinks = linkNames(childOf(service, 'external_links'));
  const extraHosts = extraHostNames(childOf(service, 'extra_hosts'));
  const attached = modeNode === undefined ? networksOf(service) : undefined;
  return {
    networks: attached?.networks,
    ...(modeNode !== undefined && mode.text !== undefined ? { networkMode: { value: mode.text, location: modeNode.location } } : {}),
    ...(hostname.text === undefined ? {} : { hostname: hostname.text }),
    linkNames: [...links.texts, ...externalLinks.texts],
    extraHosts: extraHosts.texts,
    unknown: mode.unknown || hostname.unknown || links.unknown || externalLinks.unknown || extraHosts.unknown || attached?.unknown === true,
  };
}

/**
 * The top-level `networks`. compose creates each one as `<project>_<key>` unless it is
 * `external` (made by someone else) or has a `name:` of its own, which other projects may join
 * by that name: containers outside the project may then answer names on it.
 */
export function declaredNetworks(root: ComposeMapping | undefined): DeclaredNetwork[] {
  const networks = mappingChild(root, 'networks');
  if (!networks) return [];
  return [...networks.entries.values()].map((entry) => {
    const network = isMapping(entry.value) ? entry.value : undefined;
    const external = childOf(network, 'external');
    const externalValue = external?.kind === 'scalar' ? external.value : external !== undefined;
    const shared = (externalValue !== false && externalValue !== 'false') || childOf(network, 'name') !== undefined;
    return { key: entry.key, shared, location: entry.keyLocation };
  });
}
