import { isIPv4, isIPv6 } from 'node:net';
import type { PortBinding } from '../languages/compose/model';
import type { DeployedProject, DeployedService } from '../model/deployment';
import { networkModeOf } from './host-ports';

/**
 * Whether host port 80, where Let's Encrypt's HTTP-01 request always arrives (RFC 8555 §8.3:
 * port 80), reaches a container port of a service. compose publishes `HOST:CONTAINER` on every
 * address of the host unless `host_ip` (or `IP:` in the short syntax) binds one; `network_mode:
 * host` discards `ports` and the container binds the host's sockets itself.
 */
export type HostPortReach =
  | { readonly kind: 'published' }
  /** certboot cannot tell: a variable, a range docker picks from, another service that takes host port 80 (a proxy in front). */
  | { readonly kind: 'unknown' }
  /** The container port is published on other host ports only. */
  | { readonly kind: 'elsewhere'; readonly binding: PortBinding; readonly hostPort: string }
  /** Host port 80 reaches it on loopback addresses only. */
  | { readonly kind: 'loopback'; readonly binding: PortBinding }
  | { readonly kind: 'not-published' };

function isLoopback(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  return isIPv6(address) && /^(0*:)*:?0*1$/.test(address.replace(/^::ffff:127\..*$/, '::1'));
}

function range(text: string): { low: number; high: number } {
  const [low = 0, high = low] = text.split('-').map(Number);
  return { low, high };
}

/** The container port host port `hostPort` leads to; undefined when the binding does not publish it, 'unknown' when docker picks. */
function containerPortFor(binding: PortBinding, hostPort: number): number | 'unknown' | undefined {
  if (binding.hostPort === undefined || binding.containerPort === undefined) return undefined;
  const host = range(binding.hostPort);
  const container = range(binding.containerPort);
  if (hostPort < host.low || hostPort > host.high) return undefined;
  if (host.high > host.low && container.high === container.low) return 'unknown';
  return container.low + (hostPort - host.low);
}

/** Whether some part of the service's `ports` or network mode cannot be read. */
function portsUnknown(project: DeployedProject, service: DeployedService): boolean {
  const mode = networkModeOf(project.compose, service.name);
  return service.compose.ports.some((binding) => binding.unknown) || (mode !== undefined && mode.value !== 'host');
}

function publishesHostPort80(project: DeployedProject, service: DeployedService): boolean {
  if (networkModeOf(project.compose, service.name)?.value === 'host') return true;
  return service.compose.ports.some(
    (binding) => binding.protocol === 'tcp' && containerPortFor(binding, 80) !== undefined && (binding.hostIp === undefined || !isLoopback(binding.hostIp)),
  );
}

/** How host port 80 reaches `containerPort` of a compose service. */
export function hostPort80Reach(project: DeployedProject, service: DeployedService, containerPort: number): HostPortReach {
  if (service.nginx?.imageKind === 'host') return { kind: 'published' };
  if (networkModeOf(project.compose, service.name)?.value === 'host') return { kind: 'published' };
  if (portsUnknown(project, service)) return { kind: 'unknown' };
  let loopback: PortBinding | undefined;
  let elsewhere: { binding: PortBinding; hostPort: string } | undefined;
  for (const binding of service.compose.ports) {
    if (binding.protocol !== 'tcp') continue;
    const reached = containerPortFor(binding, 80);
    if (reached === 'unknown') return { kind: 'unknown' };
    if (reached === containerPort) {
      if (binding.hostIp === undefined || !isLoopback(binding.hostIp)) return { kind: 'published' };
      loopback ??= binding;
      continue;
    }
    if (binding.hostPort !== undefined && binding.containerPort !== undefined && elsewhere === undefined) {
      const container = range(binding.containerPort);
      if (containerPort >= container.low && containerPort <= container.high && range(binding.hostPort).low !== 0) {
        elsewhere = { binding, hostPort: binding.hostPort };
      }
    }
  }
  // another service that takes host port 80 (a proxy in front, a host-network container) may forward it
  const others = project.services.filter((other) => other !== service);
  if (others.some((other) => portsUnknown(project, other) || publishesHostPort80(project, other))) return { kind: 'unknown' };
  if (loopback) return { kind: 'loopback', binding: loopback };
  if (elsewhere) return { kind: 'elsewhere', ...elsewhere };
  return { kind: 'not-published' };
}
