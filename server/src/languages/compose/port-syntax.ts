import { type ComposeNode, childOf, scalarText } from './compose-node';
import { isUnknownText } from './interpolation';
import type { PortBinding, PortProtocol } from './model';

export type PortParse = { readonly binding: PortBinding } | { readonly error: string };

const portPattern = /^\d+(-\d+)?$/;
const protocols: readonly string[] = ['tcp', 'udp', 'sctp'];

/**
 * One `ports` entry, short syntax (`80`, `"80:80"`, `"127.0.0.1:80:80/tcp"`, `"[::1]:80:80"`,
 * ranges) or long syntax (`target`, `published`, `host_ip`, `protocol`).
 */
export function parsePort(node: ComposeNode): PortParse {
  if (node.kind === 'mapping') {
    return checkedBinding(
      {
        hostIp: scalarText(childOf(node, 'host_ip')),
        hostPort: scalarText(childOf(node, 'published')),
        containerPort: scalarText(childOf(node, 'target')),
        protocol: scalarText(childOf(node, 'protocol')) ?? 'tcp',
      },
      node,
      'the long syntax needs a `target`',
    );
  }
  const text = scalarText(node);
  if (text === undefined) return { error: 'a port must be a number, a string or a mapping' };
  const slash = text.lastIndexOf('/');
  const protocol = slash >= 0 ? text.slice(slash + 1) : 'tcp';
  const addressAndPorts = slash >= 0 ? text.slice(0, slash) : text;
  let hostIp: string | undefined;
  let ports: string[];
  if (addressAndPorts.startsWith('[')) {
    const close = addressAndPorts.indexOf(']');
    if (close < 0 || addressAndPorts[close + 1] !== ':') return { error: `"${text}" has an unterminated IPv6 address` };
    hostIp = addressAndPorts.slice(1, close);
    ports = addressAndPorts.slice(close + 2).split(':');
    if (ports.length !== 2) return { error: `"${text}" needs HOST_PORT:CONTAINER_PORT after the IPv6 address` };
  } else {
    const parts = addressAndPorts.split(':');
    // More than three parts can only be an IPv6 address written without brackets.
    if (parts.length >= 3) hostIp = parts.slice(0, -2).join(':');
    ports = parts.slice(-2);
  }
  const containerPort = ports[ports.length - 1];
  const hostPort = ports.length === 2 ? ports[0] : undefined;
  return checkedBinding({ hostIp, hostPort, containerPort, protocol }, node, `"${text}" has no container port`);
}

interface RawPort {
  readonly hostIp: string | undefined;
  readonly hostPort: string | undefined;
  readonly containerPort: string | undefined;
  readonly protocol: string;
}

function checkedBinding(raw: RawPort, node: ComposeNode, missingTarget: string): PortParse {
  if (raw.containerPort === undefined || raw.containerPort === '') return { error: missingTarget };
  const known = (text: string | undefined): string | undefined => (text === undefined || text === '' || isUnknownText(text) ? undefined : text);
  const unknown = [raw.hostIp, raw.hostPort, raw.containerPort, raw.protocol].some((part) => part !== undefined && isUnknownText(part));
  const hostPort = known(raw.hostPort);
  const containerPort = known(raw.containerPort);
  const protocol = known(raw.protocol.toLowerCase());
  for (const port of [hostPort, containerPort]) {
    if (port !== undefined && !isValidPort(port)) return { error: `"${port}" is not a port number or range` };
  }
  if (protocol !== undefined && !protocols.includes(protocol)) return { error: `"${raw.protocol}" is not a protocol (tcp, udp or sctp)` };
  const binding: PortBinding = {
    ...(known(raw.hostIp) === undefined ? {} : { hostIp: known(raw.hostIp) }),
    ...(hostPort === undefined ? {} : { hostPort }),
    ...(containerPort === undefined ? {} : { containerPort }),
    protocol: (protocol ?? 'tcp') as PortProtocol,
    unknown,
    location: node.location,
  };
  return { binding };
}

function isValidPort(text: string): boolean {
  if (!portPattern.test(text)) return false;
  const [low, high = low] = text.split('-').map(Number);
  return low >= 0 && high <= 65535 && low <= high;
}

/** compose's merge key for ports: {ip, target, published, protocol}; undefined when not fully known. */
export function portMergeKey(node: ComposeNode): string | undefined {
  const parsed = parsePort(node);
  if (!('binding' in parsed) || parsed.binding.unknown) return undefined;
  const { hostIp, hostPort, containerPort, protocol } = parsed.binding;
  return JSON.stringify([hostIp ?? '', containerPort, hostPort ?? '', protocol]);
}
