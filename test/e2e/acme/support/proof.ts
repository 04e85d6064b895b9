// Helpers of the ACME proof: project copies, host paths behind container paths, what the
// outside world sees on ports 80 and 443, and the per-step report.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DeployedService } from '../../../../server/src/model/deployment';
import type { CertbotInvocation } from '../../../../server/src/languages/shell/certbot-invocation';
import type { RunningContainer } from '../../support/container';
import { temporaryDirectory } from '../../support/temporary';
import type { AcmeServer } from './acme-server';

/** A temporary copy of a project, readable by nginx's workers; the original is never mounted. */
export function copyProject(source: string, name: string): string {
  const directory = temporaryDirectory(name);
  cpSync(source, directory, { recursive: true, verbatimSymlinks: true });
  makeReadable(directory);
  return directory;
}

function makeReadable(path: string): void {
  const stats = lstatSync(path);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) makeReadable(join(path, name));
  } else {
    chmodSync(path, (stats.mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/** Debian's nginx, which stands in for the image's: `nginx -v` says its version on stderr. */
export function hostNginxVersion(): string {
  const said = spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr;
  return /nginx\/(\d+\.\d+\.\d+)/.exec(said)?.[1] ?? '0.0.0';
}

function atLeast(version: string, wanted: string): boolean {
  const have = version.split('.').map(Number);
  const need = wanted.split('.').map(Number);
  for (let index = 0; index < need.length; index += 1) {
    const difference = (have[index] ?? 0) - (need[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/**
 * The images say nginx 1.27; Debian's nginx may be older. `http2 on;` exists since 1.25.1,
 * and an older nginx stops on it as an unknown directive before reaching anything this
 * proof is about, so in the temporary copy (never the repository) it becomes a comment.
 * Returns the files changed, for the report.
 */
export function shimNginxVersionGap(directory: string): string[] {
  if (atLeast(hostNginxVersion(), '1.25.1')) return [];
  const changed: string[] = [];
  const visit = (path: string): void => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    if (stats.size > 1_000_000) return;
    const text = readFileSync(path, 'utf8');
    const shimmed = text.replace(/^([ \t]*)(http2[ \t]+on[ \t]*;)/gm, `$1# $2  # certboot e2e: nginx ${hostNginxVersion()} predates this directive`);
    if (shimmed !== text) {
      writeFileSync(path, shimmed);
      changed.push(relative(directory, path));
    }
  };
  visit(directory);
  return changed;
}

/** The host path a bind mount of the service puts at a container path (the deepest mount wins). */
export function hostPathOf(service: DeployedService, containerPath: string): string {
  let best: { source: string; target: string } | undefined;
  for (const volume of service.compose.volumes) {
    if (volume.type !== 'bind' || volume.source === undefined || volume.target === undefined) continue;
    const rest = posix.relative(volume.target, containerPath);
    if (rest.startsWith('..') || posix.isAbsolute(rest)) continue;
    if (best === undefined || volume.target.length > best.target.length) best = { source: volume.source, target: volume.target };
  }
  if (best === undefined) throw new Error(`service ${service.name} has no bind mount covering ${containerPath}`);
  return posix.join(best.source, posix.relative(best.target, containerPath));
}

export function invocations(service: DeployedService, subcommand: string): CertbotInvocation[] {
  return (service.certbot?.invocations ?? []).filter((invocation) => invocation.subcommand === subcommand);
}

export interface CertificateFacts {
  serial: string;
  subject: string;
  issuer: string;
}

function parseFacts(text: string): CertificateFacts {
  const field = (name: string): string => new RegExp(`^${name}=\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { serial: field('serial'), subject: field('subject'), issuer: field('issuer') };
}

/** Serial, subject and issuer of a PEM certificate file on the host (read only). */
export function certificateFacts(path: string): CertificateFacts {
  return parseFacts(execFileSync('openssl', ['x509', '-in', path, '-noout', '-serial', '-subject', '-issuer'], { encoding: 'utf8' }));
}

/**
 * The certificate nginx serves on 443 to the outside world, verified against pebble's
 * root (fetched from its management API); undefined while nothing verifiable answers.
 */
export async function servedCertificate(acme: AcmeServer, address: string, domain: string, rootPath: string): Promise<CertificateFacts | undefined> {
  const result = await acme.exec([
    'sh',
    '-c',
    'openssl s_client -connect "$1:443" -servername "$2" -CAfile "$3" -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial -subject -issuer',
    'served-certificate',
    address,
    domain,
    rootPath,
  ]);
  return result.exitCode === 0 ? parseFacts(result.stdout) : undefined;
}

export interface HttpAnswer {
  /** curl's exit code: 0, 7 for connection refused, 60 for a certificate it cannot verify. */
  curlExit: number;
  status: number;
  location: string;
  body: string;
  error: string;
}

/** An HTTP(S) request from the outside world, with DNS pinned to the project's address. */
export async function request(acme: AcmeServer, address: string, url: string, rootPath?: string): Promise<HttpAnswer> {
  const { hostname, port, protocol } = new URL(url);
  const effectivePort = port !== '' ? port : protocol === 'https:' ? '443' : '80';
  const marker = '\n--certboot-status--';
  const result = await acme.exec([
    'curl',
    '-sS',
    '--max-time',
    '5',
    '--resolve',
    `${hostname}:${effectivePort}:${address}`,
    ...(rootPath === undefined ? [] : ['--cacert', rootPath]),
    '-w',
    `${marker}%{http_code} %{redirect_url}`,
    url,
  ]);
  const index = result.stdout.lastIndexOf(marker);
  const [status = '0', location = ''] = (index < 0 ? '0 ' : result.stdout.slice(index + marker.length)).split(' ');
  return {
    curlExit: result.exitCode,
    status: Number(status),
    location,
    body: index < 0 ? result.stdout : result.stdout.slice(0, index),
    error: result.stderr.trim(),
  };
}

/**
 * Listening TCP ports inside a container's network namespace, as soon as there are any
 * (two readings agreeing, so that a boot caught between two bind() calls does not count).
 */
export async function listeningPorts(container: RunningContainer, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  while (Date.now() < deadline) {
    if (!container.running) return [];
    const sockets = await container.exec(['ss', '-Hltn']);
    const ports = [
      ...new Set(
        sockets.stdout
          .split('\n')
          .map((line) => line.trim().split(/\s+/)[3])
          .filter((local): local is string => local !== undefined && local !== '')
          .map((local) => Number(local.slice(local.lastIndexOf(':') + 1))),
      ),
    ].sort((left, right) => left - right);
    if (ports.length > 0 && ports.join(',') === previous) return ports;
    previous = ports.join(',');
    await delay(25);
  }
  return [];
}

export async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(100);
  }
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Every path below a directory with what it is, to show what the project changed by itself. */
export function snapshotTree(root: string, skip: readonly string[] = []): Map<string, string> {
  const entries = new Map<string, string>();
  const visit = (path: string): void => {
    const name = relative(root, path);
    if (skip.some((prefix) => name === prefix || name.startsWith(`${prefix}/`))) return;
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) entries.set(name, `link to ${readlinkSync(path)}`);
    else if (stats.isDirectory()) for (const child of readdirSync(path)) visit(join(path, child));
    else entries.set(name, `file ${readFileSync(path).toString('base64')}`);
  };
  if (existsSync(root)) visit(root);
  return entries;
}

export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, what] of after) {
    const was = before.get(path);
    const shown = what.startsWith('link') ? ` (${what})` : '';
    if (was === undefined) changes.push(`added ${path}${shown}`);
    else if (was !== what) changes.push(`changed ${path}${shown}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes.sort();
}

/** Times one step and keeps the line the report prints. */
export class StepReport {
  private readonly lines: string[] = [];

  async time<T>(label: string, body: (note: (line: string) => void) => Promise<T>): Promise<T> {
    const started = performance.now();
    const notes: string[] = [];
    const note = (line: string): void => {
      notes.push(line);
    };
    let outcome = 'FAILED';
    try {
      const value = await body(note);
      outcome = 'ok';
      return value;
    } finally {
      const line = `${label}: ${outcome} in ${((performance.now() - started) / 1000).toFixed(2)} s`;
      this.lines.push(line);
      console.log(`      ${line}${notes.map((text) => `\n        ${text}`).join('')}`);
    }
  }

  summary(): string[] {
    return [...this.lines];
  }
}
