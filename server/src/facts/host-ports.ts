import { isIPv4, isIPv6 } from 'node:net';
import { isMap, isScalar } from 'yaml';
import type { ComposeNode } from '../languages/compose/compose-node';
import type { ComposeProject, PortBinding, PortProtocol } from '../languages/compose/model';
import { parsePort } from '../languages/compose/port-syntax';
import type { Located, SourceLocation } from '../languages/compose/source-location';
import { rangeOf } from '../languages/compose/yaml-reader';

/**
 * The host sockets one published port claims. Without a host address docker binds both
 * wildcards, `0.0.0.0` and `::`, in that order.
 */
export interface HostClaim {
  readonly protocol: PortProtocol;
  /** Canonical addresses: `0.0.0.0` and `::` stand for every address of their family. */
  readonly addresses: readonly string[];
  readonly lowPort: number;
  readonly highPort: number;
  /**
   * A host range with a single container port (`8000-8010:80`): docker takes the first free port
   * of the range, so it only fails when every port of the range is taken.
   */
  readonly anyPortOfRange: boolean;
}

export interface ClaimConflict {
  readonly port: number;
  /** Set when both claim the very same address: docker's port allocator refuses the second. */
  readonly sameAddress?: string;
}

const wildcards = new Set(['0.0.0.0', '::']);

/** The address as docker prints it (`net.IP.String()`), or undefined when it is no IP address. */
function canonicalAddress(text: string): string | undefined {
  if (isIPv4(text)) return text.split('.').map(Number).join('.');
  if (!isIPv6(text)) return undefined;
  // the WHATWG URL parser writes IPv6 addresses in their shortest form
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

function familyOf(address: string): 4 | 6 {
  return isIPv4(address) ? 4 : 6;
}

function portRange(text: string): { low: number; high: number } {
  const [low = 0, high = low] = text.split('-').map(Number);
  return { low, high };
}

/** What a known `ports` entry claims on the host; undefined when docker picks the port or part of it is unknown. */
export function hostClaim(binding: PortBinding): HostClaim | undefined {
  if (binding.unknown || binding.hostPort === undefined || binding.containerPort === undefined) return undefined;
  let addresses: string[];
  if (binding.hostIp === undefined || binding.hostIp === '') {
    addresses = ['0.0.0.0', '::'];
  } else {
    const address = canonicalAddress(binding.hostIp);
    if (address === undefined) return undefined;
    addresses = [address];
  }
  const host = portRange(binding.hostPort);
  const container = portRange(binding.containerPort);
  if (host.low === 0) return undefined;
  return {
    protocol: binding.protocol,
    addresses,
    lowPort: host.low,
    highPort: host.high,
    anyPortOfRange: host.high > host.low && container.high === container.low,
  };
}

/** A claim on every address, as a process in the host's network binds it. */
export function everyAddressClaim(protocol: PortProtocol, port: number): HostClaim {
  return { protocol, addresses: ['0.0.0.0', '::'], lowPort: port, highPort: port, anyPortOfRange: false };
}

function addressesOverlap(first: string, second: string): boolean {
  if (familyOf(first) !== familyOf(second)) return false;
  return first === second || wildcards.has(first) || wildcards.has(second);
}

/** Whether `later` cannot get its socket once `earlier` holds its own, and on which port. */
export function claimConflict(earlier: HostClaim, later: HostClaim): ClaimConflict | undefined {
  if (earlier.protocol !== later.protocol) return undefined;
  if (earlier.anyPortOfRange && later.anyPortOfRange) return undefined;
  let port: number | undefined;
  if (later.anyPortOfRange) {
    if (earlier.lowPort <= later.lowPort && earlier.highPort >= later.highPort) port = later.lowPort;
  } else if (earlier.anyPortOfRange) {
    if (later.lowPort <= earlier.lowPort && later.highPort >= earlier.highPort) port = earlier.lowPort;
  } else {
    const low = Math.max(earlier.lowPort, later.lowPort);
    if (low <= Math.min(earlier.highPort, later.highPort)) port = low;
  }
  // the ports first: comparing addresses costs more, and most pairs of a host share no port
  if (port === undefined) return undefined;
  if (!earlier.addresses.some((first) => later.addresses.some((second) => addressesOverlap(first, second)))) return undefined;
  const sameAddress = later.addresses.find((address) => earlier.addresses.includes(address));
  return sameAddress === undefined ? { port } : { port, sameAddress };
}

/** The addresses of a claim for messages. */
export function describeAddresses(claim: HostClaim): string {
  if (claim.addresses.length === 2 && claim.addresses[0] === '0.0.0.0' && claim.addresses[1] === '::') return 'every address (`0.0.0.0` and `::`)';
  return claim.addresses.map((address) => `\`${address}\``).join(' and ');
}

/** One `-p` / `--publish` value of `docker run`, read like compose's short syntax. */
export function parsePublishText(text: string, location: SourceLocation): PortBinding | undefined {
  const node: ComposeNode = { kind: 'scalar', value: text, unknown: false, location, baseDirectory: '/' };
  const parsed = parsePort(node);
  return 'binding' in parsed ? parsed.binding : undefined;
}

/**
 * A service's `network_mode`, from the last compose file that sets it (override files come later
 * in `files`). The model does not carry it; it decides whether `ports` mean anything: compose
 * discards them for `host`, and the processes bind the host's own sockets. A value holding a
 * variable is unknown.
 */
export function networkModeOf(project: ComposeProject, serviceName: string): Located<string> | undefined {
  let found: Located<string> | undefined;
  for (const document of project.documents) {
    const services = document.document.get('services', true);
    if (!isMap(services)) continue;
    const service = services.get(serviceName, true);
    if (!isMap(service)) continue;
    const node = service.get('network_mode', true);
    if (!isScalar(node) || !node.range) continue;
    const text = String(node.value);
    found = {
      value: text.includes('$') ? undefined : text,
      location: { file: document.file, range: rangeOf(document.lineCounter, node.range[0], node.range[1]) },
    };
  }
  return found;
}
