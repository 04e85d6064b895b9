import { posix } from 'node:path';
import type { VolumeMount } from '../languages/compose/model';
import { certbotDomainName, type CertbotInvocation } from '../languages/shell/certbot-invocation';
import type { ShellWord } from '../languages/shell/shell-script';
import type { SourceLocation } from '../text/source-location';
import { type CertbotRun, runCommandLocation, runsInService } from './certbot-runs';
import { isWithin, type PathOrigin } from '../model/container-view';
import { certbotConfigDirectory, type DeployedProject, type DeployedService } from '../model/deployment';

/**
 * A path another container sees that lies in certbot's configuration directory: the same host
 * directory or named volume a certbot service mounts at /etc/letsencrypt, or a host's own
 * /etc/letsencrypt.
 */
export interface CertbotPath {
  /** The path inside certbot's directory: `live/example.com/fullchain.pem`. */
  readonly relative: string;
  /** The certbot service sharing the directory; undefined for a host's /etc/letsencrypt or a look-alike. */
  readonly certbot?: DeployedService;
  /** The certbot service's mount of the directory. */
  readonly certbotMount?: VolumeMount;
  /** The mount through which the reading container sees the path. */
  readonly mount?: VolumeMount;
  /**
   * Where the reading container sees certbot's directory, when only its layout tells
   * (`/etc/nginx/ssl` for `/etc/nginx/ssl/live/example.org/fullchain.pem`).
   */
  readonly directory?: string;
}

/**
 * certbot's own layout — `live/<name>/{cert,chain,fullchain,privkey}.pem` and
 * `archive/<name>/<file>N.pem` — in a path: it identifies certbot's directory wherever it is
 * mounted (a host's certbot writing to a directory nginx mounts at `/etc/nginx/ssl` or `/certs`).
 */
function certbotLayout(path: string): { readonly directory: string; readonly relative: string } | undefined {
  const match = /^(.*)\/((?:live\/[^/]+\/(?:cert|chain|fullchain|privkey)\.pem)|(?:archive\/[^/]+\/(?:cert|chain|fullchain|privkey)\d+\.pem))$/.exec(path);
  if (!match) return undefined;
  return { directory: match[1] || '/', relative: match[2] as string };
}

function relativeToConfig(pathInCertbot: string): string | undefined {
  if (!isWithin(pathInCertbot, certbotConfigDirectory)) return undefined;
  return posix.relative(certbotConfigDirectory, pathInCertbot);
}

/** The path as a certbot service sees it, when its mount covers the origin. */
function pathInService(certbot: DeployedService, origin: PathOrigin): { path: string; mount: VolumeMount } | undefined {
  for (const mount of certbot.compose.volumes) {
    if (mount.target === undefined || mount.source === undefined) continue;
    if (origin.kind === 'bind' && mount.type === 'bind' && isWithin(origin.hostPath, mount.source)) {
      return { path: posix.join(mount.target, posix.relative(mount.source, origin.hostPath)), mount };
    }
    if (origin.kind === 'volume' && mount.type === 'volume' && origin.volumeName === mount.source) {
      return { path: posix.join(mount.target, origin.relativePath), mount };
    }
  }
  return undefined;
}

/** Where a host path or volume path lies in certbot's directory, whoever reads it. */
export function certbotPathOfOrigin(project: DeployedProject, origin: PathOrigin): Omit<CertbotPath, 'mount'> | undefined {
  for (const certbot of project.services) {
    if (!certbot.certbot) continue;
    const found = pathInService(certbot, origin);
    const relative = found && relativeToConfig(found.path);
    if (found && relative !== undefined) return { relative, certbot, certbotMount: found.mount };
  }
  // a host's own /etc/letsencrypt, written by a certbot installed on the host
  if (origin.kind === 'bind') {
    const relative = relativeToConfig(origin.hostPath);
    if (relative !== undefined) return { relative };
  }
  return undefined;
}

/**
 * Where a path a service (nginx) names lies in certbot's directory. Any mounted
 * /etc/letsencrypt counts: that is certbot's layout, whoever fills it; so does a mounted
 * directory that holds certbot's layout, wherever it is mounted.
 */
export function certbotPathOf(project: DeployedProject, service: DeployedService, containerPath: string): CertbotPath | undefined {
  const origin = service.view.origin(containerPath);
  if (origin.kind !== 'bind' && origin.kind !== 'volume') return undefined;
  const shared = certbotPathOfOrigin(project, origin);
  if (shared) return { ...shared, mount: origin.mount };
  const path = posix.resolve('/', containerPath);
  const relative = relativeToConfig(path);
  if (relative !== undefined) return { relative, mount: origin.mount };
  const layout = certbotLayout(path);
  return layout && { relative: layout.relative, mount: origin.mount, directory: layout.directory };
}

/**
 * The path under which a service sees `relative` of the same certbot directory as `like`, or
 * undefined when none of its mounts shows it.
 */
export function containerPathFor(project: DeployedProject, service: DeployedService, like: CertbotPath, relative: string): string | undefined {
  if (like.directory !== undefined) {
    // only the layout tells where certbot's directory is: the same directory, through the same mount
    const candidate = posix.join(like.directory, relative);
    const found = certbotPathOf(project, service, candidate);
    return found?.relative === relative && found.directory === like.directory && found.mount === like.mount ? candidate : undefined;
  }
  const candidates: string[] = [];
  for (const mount of service.compose.volumes) {
    if (mount.target === undefined) continue;
    // the mount shows certbot's directory from `base` (relative to its root) down
    const base = certbotPathOf(project, service, mount.target)?.relative;
    if (base === undefined || !(base === '' || isWithin(relative, base))) continue;
    candidates.push(posix.join(mount.target, base === '' ? relative : posix.relative(base, relative)));
  }
  return candidates.find((candidate) => {
    const found = certbotPathOf(project, service, candidate);
    return found !== undefined && found.relative === relative && found.certbot === like.certbot;
  });
}

/** A certificate lineage certbot creates under `live/<name>/`. */
export interface Lineage {
  readonly name: string;
  readonly domains: readonly string[];
  readonly invocation: CertbotInvocation;
  /** Where the invocation stands: a compose `command:` value or a script command. */
  readonly location: SourceLocation;
}

/** What certbot will do with one directory, as far as the repository tells. */
export interface CertbotJobs {
  readonly invocations: readonly { readonly invocation: CertbotInvocation; readonly location: SourceLocation }[];
  /** False when some run is hidden: a command with unset variables, a name or domain the shell expands. */
  readonly complete: boolean;
}

/** The certbot runs of a certbot service, among the workspace's `runs`: its own command and the repository scripts that run it. */
export function certbotJobs(certbot: DeployedService, runs: readonly CertbotRun[]): CertbotJobs {
  const command = certbot.compose.command ?? certbot.compose.entrypoint;
  const complete = !(command && certbot.command === undefined);
  const invocations = runs.filter((run) => runsInService(run, certbot)).map((run) => ({ invocation: run.invocation, location: runCommandLocation(run) }));
  return { invocations, complete };
}

/** Runs that obtain a certificate (and so create a lineage); dry runs save nothing. */
export function obtainsCertificate(invocation: CertbotInvocation): boolean {
  return (
    (invocation.subcommand === 'certonly' || invocation.subcommand === 'run') &&
    invocation.dryRun === undefined &&
    !invocation.options.some((option) => option.name === '--csr')
  );
}

function literalValue(word: ShellWord): string | undefined {
  return word.literal && !/[$`]/.test(word.value) ? word.value : undefined;
}

/**
 * The lineages the runs create: named after `--cert-name` (as written), else the first `-d` as
 * certbot normalises it (lowercase, no trailing dot, a wildcard's `*.` dropped). undefined when
 * a name or domain is only known at run time.
 */
export function lineagesOf(jobs: CertbotJobs): Lineage[] | undefined {
  if (!jobs.complete) return undefined;
  const lineages: Lineage[] = [];
  for (const { invocation, location } of jobs.invocations) {
    if (!obtainsCertificate(invocation)) continue;
    if (invocation.dynamicArguments.length > 0) return undefined;
    const domains = invocation.domains.map((domain) => literalValue(domain.name));
    if (domains.some((domain) => domain === undefined)) return undefined;
    // certbot keeps each name once, as its domain sanity check rewrites it
    const known = [...new Set((domains as string[]).map(certbotDomainName))];
    const certName = invocation.certName && literalValue(invocation.certName);
    if (invocation.certName && certName === undefined) return undefined;
    const first = known[0];
    const name = certName ?? (first?.startsWith('*.') ? first.slice(2) : first);
    // certbot asks for the domains interactively: nothing the repository says
    if (name === undefined) return undefined;
    lineages.push({ name, domains: known, invocation, location });
  }
  return lineages;
}

/** certbot adds `-0001`, `-0002`, … when a lineage of that name already exists. */
export function sameLineage(name: string, lineage: Lineage): boolean {
  return name === lineage.name || (name.startsWith(lineage.name) && /^-\d{4}$/.test(name.slice(lineage.name.length)));
}

/** `live/<name>/<file>` or `archive/<name>/<file>` of a certbot path. */
export function lineagePath(relative: string): { readonly kind: 'live' | 'archive'; readonly name: string; readonly file: string } | undefined {
  const match = /^(live|archive)\/([^/]+)\/([^/]+)$/.exec(relative);
  if (!match) return undefined;
  return { kind: match[1] as 'live' | 'archive', name: match[2] as string, file: match[3] as string };
}

/** certbot's four files, `fullchain.pem` or the archived `fullchain3.pem`. */
export function certbotFileKind(file: string): 'cert' | 'chain' | 'fullchain' | 'privkey' | undefined {
  const match = /^(cert|chain|fullchain|privkey)\d*\.pem$/.exec(file);
  return match ? (match[1] as 'cert' | 'chain' | 'fullchain' | 'privkey') : undefined;
}
