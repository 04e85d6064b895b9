/**
 * An http `listen` directive as nginx reads it at start (src/http/ngx_http_core_module.c,
 * ngx_http_core_listen(); the address through ngx_parse_url() of src/core/ngx_inet.c): the
 * socket it names, as nginx prints it in messages (`0.0.0.0:80`, `[::]:443`), and the parameters
 * that decide how listens of several servers on one socket combine.
 */

/** The socket: nginx groups listens by port, socket type and family, then by address. */
export interface ListenSocket {
  readonly family: 'inet' | 'inet6' | 'unix';
  /** `tcp`, or `udp` for `quic` (lsopt.type = SOCK_DGRAM). */
  readonly type: 'tcp' | 'udp';
  /** 0 for a unix socket. */
  readonly port: number;
  /** The address alone, canonical: `0.0.0.0`, `[::1]`, `unix:/run/nginx.sock`. */
  readonly address: string;
  /** As nginx's messages print it (lsopt.addr_text): `0.0.0.0:80`, `[::]:443`, `unix:/run/nginx.sock`. */
  readonly text: string;
}

export interface ListenParameters {
  /** `default_server` or `default`. */
  readonly defaultServer: boolean;
  /** Socket options (`bind`, `backlog=`, `reuseport`…): lsopt.set, which one listen per socket may carry. */
  readonly socketOptions: boolean;
  readonly ssl: boolean;
  readonly quic: boolean;
  readonly http2: boolean;
  readonly proxyProtocol: boolean;
}

export type ListenReading =
  | ({ readonly kind: 'socket'; readonly socket: ListenSocket } & ListenParameters)
  /** A host name (resolved at start), a port range, a variable: certboot does not model it. */
  | { readonly kind: 'unknown' };

/*
 * The parameters that set lsopt.set in ngx_http_core_listen() on Linux (the same in every release
 * from 1.18.0 on, `multipath` from 1.29.7 on): the socket options. `setfib=` (FreeBSD) is an
 * invalid parameter there, and `accept_filter=` (FreeBSD) only prints that it is ignored.
 */
const socketOptionWords = new Set(['bind', 'deferred', 'reuseport', 'multipath']);
const socketOptionPrefixes = ['fastopen=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'ipv6only=', 'so_keepalive='];

/** Whether a `listen` parameter is a socket option (sets lsopt.set). */
export function isSocketOption(parameter: string): boolean {
  return socketOptionWords.has(parameter) || socketOptionPrefixes.some((prefix) => parameter.startsWith(prefix));
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** `1.2.3.4` as ngx_inet_addr() reads it: four decimal parts, each at most 255. */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

/** An IPv6 address as ngx_inet6_addr() reads it (hex groups, one `::`, a trailing IPv4 part): 16 bytes. */
function parseIpv6(text: string): number[] | undefined {
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // the dotted tail stands for the last two groups
    const ipv4 = parseIpv4(text.slice(lastColon + 1));
    if (ipv4 === undefined) return undefined;
    hex = `${text.slice(0, lastColon + 1)}${((ipv4[0] << 8) + ipv4[1]).toString(16)}:${((ipv4[2] << 8) + ipv4[3]).toString(16)}`;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const words = part.split(':');
    if (words.some((word) => !/^[0-9a-fA-F]{1,4}$/.test(word))) return undefined;
    return words.flatMap((word) => {
      const value = Number.parseInt(word, 16);
      return [value >> 8, value & 0xff];
    });
  };
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left === undefined || right === undefined) return undefined;
  const known = left.length + right.length;
  if (halves.length === 1 ? known !== 16 : known > 14) return undefined;
  return [...left, ...new Array<number>(16 - known).fill(0), ...right];
}

/** ngx_inet6_ntop(): the longest run of zero words (two or more) as `::`, an IPv4-mapped or -compatible tail in dotted form. */
export function formatIpv6(bytes: readonly number[]): string {
  let zero = -1;
  let last = -1;
  let max = 1;
  let run = 0;
  for (let index = 0; index < 16; index += 2) {
    if (bytes[index] || bytes[index + 1]) {
      if (max < run) {
        zero = last;
        max = run;
      }
      run = 0;
      continue;
    }
    if (run++ === 0) last = index;
  }
  if (max < run) {
    zero = last;
    max = run;
  }
  let text = '';
  let end = 16;
  if (zero === 0) {
    if ((max === 5 && bytes[10] === 0xff && bytes[11] === 0xff) || max === 6 || (max === 7 && bytes[14] !== 0 && bytes[15] !== 1)) end = 12;
    text += ':';
  }
  for (let index = 0; index < end; index += 2) {
    if (index === zero) {
      text += ':';
      index += (max - 1) * 2;
      continue;
    }
    text += ((bytes[index] << 8) + bytes[index + 1]).toString(16);
    if (index < 14) text += ':';
  }
  if (end === 12) text += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  return text;
}

function socketOf(url: string, type: 'tcp' | 'udp'): ListenSocket | undefined {
  if (url.startsWith('unix:')) {
    const path = url.slice('unix:'.length);
    return path === '' ? undefined : { family: 'unix', type, port: 0, address: url, text: url };
  }
  if (url.startsWith('[')) {
    const close = url.indexOf(']');
    if (close < 0) return undefined;
    const bytes = parseIpv6(url.slice(1, close));
    const rest = url.slice(close + 1);
    const port = rest === '' ? 80 : rest.startsWith(':') ? parsePort(rest.slice(1)) : undefined;
    if (bytes === undefined || port === undefined) return undefined;
    const address = `[${formatIpv6(bytes)}]`;
    return { family: 'inet6', type, port, address, text: `${address}:${port}` };
  }
  // a port alone: INADDR_ANY
  const portOnly = parsePort(url);
  if (portOnly !== undefined) return { family: 'inet', type, port: portOnly, address: '0.0.0.0', text: `0.0.0.0:${portOnly}` };
  const colon = url.indexOf(':');
  const host = colon < 0 ? url : url.slice(0, colon);
  const port = colon < 0 ? 80 : parsePort(url.slice(colon + 1));
  if (port === undefined) return undefined;
  const bytes = host === '*' ? [0, 0, 0, 0] : parseIpv4(host);
  // a host name is resolved at start: its addresses are not known here
  if (bytes === undefined) return undefined;
  const address = bytes.join('.');
  return { family: 'inet', type, port, address, text: `${address}:${port}` };
}

/** The socket and parameters of `listen` arguments; unknown for what certboot does not model. */
export function readListen(args: readonly string[]): ListenReading {
  const [url, ...parameters] = args;
  if (url === undefined || url.includes('$')) return { kind: 'unknown' };
  const has = (word: string) => parameters.includes(word);
  const quic = has('quic');
  const socket = socketOf(url, quic ? 'udp' : 'tcp');
  if (socket === undefined) return { kind: 'unknown' };
  return {
    kind: 'socket',
    socket,
    defaultServer: has('default_server') || has('default'),
    socketOptions: parameters.some(isSocketOption),
    ssl: has('ssl'),
    quic,
    http2: has('http2'),
    proxyProtocol: has('proxy_protocol'),
  };
}

/** The listen nginx adds to a server without one (ngx_http_core_server()): `*:80` when the master runs as root, as in the images. */
export const implicitListen: ListenSocket = { family: 'inet', type: 'tcp', port: 80, address: '0.0.0.0', text: '0.0.0.0:80' };
