// nginx as a compose service of the official (or openresty) image runs it in the emulated
// container, and what it prints: shared by the tests that hold certboot's findings against it.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import type { DeployedService } from '../../../server/src/model/deployment';
import { templateDirectory, templateOutputDirectory, templateSuffix } from '../../../server/src/model/official-nginx-image';
import type { CommandResult } from './container';
import type { FirstBootLayout } from './first-boot-file-system';

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

/** A command run in the container as the official image would run it: with its `nginx` user. */
export function asOfficialImage(...command: string[]): string[] {
  return [...withNginxUser, ...command];
}

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

/** The images whose files the first-boot layout knows: Debian's nginx runs their configuration. */
export const bootableImages: ReadonlySet<string> = new Set(['official', 'openresty']);

/** The host directory behind a container directory: the last mount that covers it. */
export function hostDirectoryOf(layout: FirstBootLayout, containerPath: string): string | undefined {
  for (const mount of [...layout.mounts].reverse()) {
    const rest = relative(mount.containerPath, containerPath);
    if (!rest.startsWith('..') && statSync(mount.hostPath).isDirectory()) return join(mount.hostPath, rest);
  }
  return undefined;
}

/**
 * What the official image's entrypoint does before nginx starts when /etc/nginx/templates is
 * mounted (20-envsubst-on-templates.sh): each `*.template` through Debian's envsubst, with
 * only the variables set in the container's environment, into /etc/nginx/conf.d. Every host
 * directory of the layout is a copy, so this writes nothing of the repository's.
 */
export function renderTemplates(service: DeployedService, layout: FirstBootLayout): void {
  if (!service.nginx?.rendersTemplates) return;
  // the templates by name: a directory mounted at /etc/nginx/templates, then single files mounted
  // into it, which lie over the directory's files of the same name
  const templates = new Map<string, string>();
  const directory = layout.mounts.find((mount) => mount.containerPath === templateDirectory);
  if (directory !== undefined) {
    for (const name of readdirSync(directory.hostPath).filter((file) => file.endsWith(templateSuffix))) templates.set(name, join(directory.hostPath, name));
  }
  for (const mount of layout.mounts) {
    if (posix.dirname(mount.containerPath) === templateDirectory && mount.containerPath.endsWith(templateSuffix) && statSync(mount.hostPath).isFile()) {
      templates.set(posix.basename(mount.containerPath), mount.hostPath);
    }
  }
  if (templates.size === 0) return;
  const output = hostDirectoryOf(layout, templateOutputDirectory);
  assert.ok(output !== undefined, `no host directory behind ${templateOutputDirectory}`);
  const environment = Object.fromEntries(Object.entries(service.compose.environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const defined = Object.keys(environment)
    .map((name) => `\${${name}}`)
    .join(' ');
  for (const [name, hostPath] of templates) {
    const rendered: { status: number | null; stdout: string; stderr: string } = spawnSync('envsubst', [defined], {
      input: readFileSync(hostPath),
      env: { PATH: process.env.PATH, ...environment },
      encoding: 'utf8',
    });
    assert.equal(rendered.status, 0, `envsubst failed on ${name}: ${rendered.stderr}`);
    writeFileSync(join(output, name.slice(0, -templateSuffix.length)), rendered.stdout);
  }
}

export function describeResult(result: CommandResult): string {
  return `exit ${result.exitCode}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}
