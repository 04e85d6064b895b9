// nginx as a compose service of the official (or openresty) image runs it in the emulated
// container, and what it prints: shared by the tests that hold certboot's findings against it.

import type { DeployedService } from '../../../server/src/model/deployment';

// The official image runs nginx's master as root and its workers as `user nginx;`, a
// user Debian lacks. Rather than edit the image's nginx.conf, the container gets the
// user in its own copy-on-write /etc/passwd (the official image's uid and gid, 101),
// so the configuration nginx reads is byte for byte what the engine analyzed.
const withNginxUser = [
  '/bin/sh',
  '-c',
  `grep -q '^nginx:' /etc/group || echo 'nginx:x:101:' >> /etc/group
grep -q '^nginx:' /etc/passwd || echo 'nginx:x:101:101:nginx user:/nonexistent:/usr/sbin/nologin' >> /etc/passwd
exec "$@"`,
  'with-nginx-user',
];

/** The image whose files the first-boot layout lays out: Debian's nginx runs their configuration. */
export function imageOf(service: DeployedService): 'official' | 'openresty' {
  return service.nginx?.imageKind === 'openresty' ? 'openresty' : 'official';
}

/**
 * nginx as the service starts it: `-c` when its command names another main configuration;
 * for openresty also the prefix its build has compiled in.
 */
export function nginxCommand(service: DeployedService, ...extra: string[]): string[] {
  const main = service.nginx?.mainConfigurationPath ?? '/etc/nginx/nginx.conf';
  const prefix = imageOf(service) === 'openresty' ? ['-p', service.nginx?.prefix ?? '/'] : [];
  return [...withNginxUser, 'nginx', ...prefix, ...(main === '/etc/nginx/nginx.conf' ? [] : ['-c', main]), ...extra];
}

export interface NginxMessage {
  message: string;
  /** nginx appends the configuration position for what it finds while parsing. */
  file?: string;
  line?: number;
}

/** The `[emerg]` (or `[warn]`) lines, in the error-log format Debian's build writes to stderr at start-up. */
export function nginxMessages(stderr: string, level: 'emerg' | 'warn'): NginxMessage[] {
  return [...stderr.matchAll(new RegExp(`\\[${level}\\] (?:\\d+#\\d+: )?(.*?)(?: in (\\/\\S+):(\\d+))?$`, 'gm'))].map(([, message = '', file, line]) =>
    file === undefined ? { message } : { message, file, line: Number(line) },
  );
}

/** The first `[emerg]` line. */
export function firstEmergency(stderr: string): NginxMessage | undefined {
  return nginxMessages(stderr, 'emerg')[0];
}
