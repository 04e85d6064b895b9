/**
 * Who issues the certificates of the workspace, and how: every certbot run with the image it runs
 * in, its authenticator and challenge, and the schedule that renews it; the services that issue
 * certificates by themselves (acme-companion beside nginx-proxy, the images that bundle nginx and
 * certbot). Rules ask it instead of reading certbot's options themselves.
 *
 * certbot's plugins and images, from certbot's source (github.com/certbot/certbot):
 * - certbot/pyproject.toml `[project.entry-points."certbot.plugins"]`: certbot itself carries the
 *   `manual`, `null`, `standalone` and `webroot` plugins; `nginx` and `apache` come with the
 *   certbot-nginx and certbot-apache packages (certbot/setup.py extras `nginx`, `apache`), each
 *   DNS provider with its certbot-dns-<provider> package.
 * - tools/docker/Dockerfile: the `certbot/certbot` image installs acme and certbot alone
 *   (`pip_install.py --editable src/acme --editable src/certbot`), and each `certbot/dns-<provider>`
 *   image (tools/docker/lib/common CERTBOT_PLUGINS) adds that one plugin on top. Its entrypoint is
 *   certbot; it declares `VOLUME /etc/letsencrypt /var/lib/letsencrypt`.
 * - plugins/webroot.py and plugins/standalone.py: "HTTP challenge only (wildcards not supported)".
 *
 * acme.sh's, from its source (github.com/acmesh-official/acme.sh), the command line read by
 * languages/shell/acme-sh-invocation.ts:
 * - acme.sh `_initpath()`: a certificate lives in `$CERT_HOME/<domain>/` (`<domain>_ecc/` for an
 *   ECC key, the default key since 3.0.6), as `<domain>.cer` (the certificate alone), `ca.cer`,
 *   `fullchain.cer` and `<domain>.key`; CERT_HOME is `--cert-home`, else the config home
 *   (`--config-home`, else `~/.acme.sh`); the image sets it to /acme.sh (Dockerfile `LE_CONFIG_HOME`).
 * - acme.sh `installcert()` and `_installcert()`: `--install-cert` (and `--issue` given the same
 *   options) copies the certificate alone to `--cert-file`, the chain to `--ca-file` (appended when
 *   it is the `--cert-file`), the whole chain to `--fullchain-file`, the key to `--key-file`, then
 *   runs `--reloadcmd`; it saves them all and does the same after every renewal.
 * - acme.sh `installcronjob()` (run by its installer unless `--nocron`) adds a daily
 *   `acme.sh --cron`; the image's `daemon` runs the same daily (Dockerfile `/entry.sh`).
 * - acme.sh `DEFAULT_RENEW`, saved as `Le_RenewalDays` and changed by `--days`: a certificate is
 *   renewed that many days after it was issued, less one; 60 until 3.1.2, 30 since 3.1.3.
 */
import { posix } from 'node:path';
import { isMap } from 'yaml';
import type { ComposeProject, VolumeMount } from '../languages/compose/model';
import { parseImageReference } from '../languages/dockerfile/image-reference';
import { parseCrontab } from '../languages/schedule/cron';
import type { Schedule } from '../languages/schedule/schedule';
import { sleepLoopInterval } from '../languages/schedule/sleep';
import { parseSystemdTimer } from '../languages/schedule/systemd-timer';
import { certbotDomainName, type CertbotInvocation, type CertbotOption } from '../languages/shell/certbot-invocation';
import { repeatingLoop, type ShellWord } from '../languages/shell/shell-script';
import { containerLaunch, optionValue } from '../languages/shell/container-launch';
import type { SourceTexts } from '../inventory/inventory';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import type { SourceLocation } from '../text/source-location';
import { positionAt } from '../text/line-index';
import { type AcmeShInvocation, type AcmeShOption, isAcmeShImage } from '../languages/shell/acme-sh-invocation';
import { isWithin } from '../model/container-view';
import { knownRepository } from '../model/image-kinds';
import { placeOfScript, type ScriptPlace } from './script-place';
import { type AcmeShRun, gatherAcmeShRuns } from './acme-sh-runs';
import { type CertbotRun, type CommandRun, type RenewalPicture, renews, runCommandLocation, runsInService } from './certbot-runs';

/** The plugins every certbot install has (certbot/pyproject.toml entry points). */
export const builtInCertbotPlugins: ReadonlySet<string> = new Set(['manual', 'null', 'standalone', 'webroot']);

/** Authenticators that answer HTTP-01 only (webroot.py, standalone.py; nginx and apache configure a web server for HTTP-01). */
export const httpOnlyAuthenticators: ReadonlySet<string> = new Set(['webroot', 'standalone', 'nginx', 'apache']);

/** The image certbot runs in, when certboot knows it. */
export interface CertbotImage {
  /** As written: `certbot/certbot:v2.11.0`. */
  readonly reference: string;
  /** `certbot/certbot` or `certbot/dns-<provider>`: the plugins it holds are known. */
  readonly official: boolean;
  /** The plugins it carries besides the built-in ones (`dns-cloudflare` for certbot/dns-cloudflare); only for official images. */
  readonly extraPlugins: readonly string[];
  /** The compose service that runs it, if any. */
  readonly service?: DeployedService;
  /** Where the image is named: the service's `image:`, or the image word of `docker run`. */
  readonly location?: SourceLocation;
}

export type RenewalTiming =
  /** The run repeats on a schedule certboot can read. */
  /** `written`: for messages, the cron time fields or `OnCalendar=` values in backquotes, or "a loop with `sleep 12h`". */
  | { readonly kind: 'schedule'; readonly schedule: Schedule; readonly written: string; readonly location: SourceLocation }
  /** It repeats, but how often is not known (a restart policy, a variable, a timer certboot cannot read). */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** It runs once. */
  | { readonly kind: 'once' };

export interface CertbotIssuer {
  readonly kind: 'certbot';
  readonly run: CertbotRun;
  /** undefined: certbot runs on the host, or in an image certboot does not know. */
  readonly image?: CertbotImage;
  /** Whether certbot runs on the host itself (a script or cron line calling `certbot` directly). */
  readonly onHost: boolean;
  /** The authenticator named on the command line; `certbot renew` takes the one stored with each certificate. */
  readonly authenticator?: string;
  /** `-i` / `--installer`, or `--nginx` / `--apache` (which select both). */
  readonly installer?: string;
  readonly challenge: 'http-01' | 'dns-01' | 'unknown';
  /** The port certbot's standalone server binds (`--http-01-port`, else 80); undefined for other authenticators or an unknown port. */
  readonly standalonePort?: number;
  /** The lineage name certbot files the certificate under: `--cert-name`, else the first domain. */
  readonly lineage?: string;
  /** `certonly` or `run`, not a dry run: the run obtains a certificate (a single time when its renewal is `once`). */
  readonly obtains: boolean;
  readonly renewal: RenewalTiming;
}

/** A service that obtains and renews certificates by itself. */
export interface ServiceIssuer {
  readonly kind: 'acme-companion' | 'all-in-one';
  readonly project: DeployedProject;
  readonly service: DeployedService;
  /** The image's repository as written: `nginxproxy/acme-companion`, `lscr.io/linuxserver/swag`, … */
  readonly repository: string;
  /** The name certboot knows the image by, whatever registry or former name it is pulled by: `linuxserver/swag` for `linuxserver/letsencrypt` (model/image-kinds.ts `knownRepository`). */
  readonly image: string;
  /** Where the image keeps its certificates and ACME account (what must outlive the container). */
  readonly stateDirectories: readonly string[];
}

/** Where a run's paths are: on the host, in a compose service's container, or somewhere certboot cannot tell (`docker run -v …`). */
export type IssuerPlace = ScriptPlace;

/** A file acme.sh copies the certificate (or key, or chain) to, and keeps copying after each renewal. */
export interface InstalledFile {
  /** `cert`: the certificate alone (`--cert-file`); `ca`: the intermediate (`--ca-file`); `fullchain`: both (`--fullchain-file`); `key`. */
  readonly role: 'cert' | 'ca' | 'fullchain' | 'key';
  readonly option: AcmeShOption;
  readonly path: ShellWord;
}

/** One run of acme.sh: its script on the host or in a container, or its image (`neilpang/acme.sh`). */
export interface AcmeShIssuer {
  readonly kind: 'acme.sh';
  readonly run: AcmeShRun;
  readonly invocation: AcmeShInvocation;
  /** The acme.sh image it runs in, when it runs through one: the compose service's, or the image of `docker run`. */
  readonly image?: { readonly reference: string; readonly service?: DeployedService; readonly location?: SourceLocation };
  readonly runsIn: IssuerPlace;
  /** The compose project it obtains certificates for: its service's, or the one of the script (the directory it sits in, or above or below). */
  readonly project?: DeployedProject;
  /** `--issue`, `--install-cert`, `--cron`, … or `daemon`; undefined when it names none. */
  readonly action?: string;
  readonly challenge: 'http-01' | 'dns-01' | 'tls-alpn-01' | 'unknown';
  /** Where acme.sh keeps `<domain>/`, as the place it runs sees it: `/acme.sh` in the image, `~/.acme.sh` by default; undefined when a variable decides. */
  readonly certificateHome?: string;
  readonly installs: readonly InstalledFile[];
  readonly reloadCommand?: ShellWord;
  /** `--days`: renewed that many days after issuance; undefined for acme.sh's default (60 days until 3.1.2, 30 since). */
  readonly renewalDays?: number;
  readonly renewal: RenewalTiming;
}

export type Issuer = CertbotIssuer | ServiceIssuer | AcmeShIssuer;

/** linuxserver/swag (formerly linuxserver/letsencrypt), as certboot knows it under any of its registries. */
export const swagImage = 'linuxserver/swag';

/**
 * Images that run nginx and obtain their certificates themselves, with the directory their
 * certificates live in: jonasal/nginx-certbot and staticfloat/nginx-certbot keep certbot's
 * /etc/letsencrypt; linuxserver/swag keeps everything below /config.
 */
const allInOneImages: ReadonlyMap<string, readonly string[]> = new Map([
  ['jonasal/nginx-certbot', ['/etc/letsencrypt']],
  ['staticfloat/nginx-certbot', ['/etc/letsencrypt']],
  [swagImage, ['/config']],
]);

/** acme-companion keeps its certificates in /etc/nginx/certs and acme.sh's account and state in /etc/acme.sh (acme-companion app/entrypoint.sh). */
const acmeCompanionImages: ReadonlyMap<string, readonly string[]> = new Map([
  ['nginxproxy/acme-companion', ['/etc/nginx/certs', '/etc/acme.sh']],
  ['jrcs/letsencrypt-nginx-proxy-companion', ['/etc/nginx/certs', '/etc/acme.sh']],
]);

/** `certbot/certbot` or `certbot/dns-<provider>` on Docker Hub (or a mirror that keeps the name). */
export function officialCertbotImage(reference: string): { official: boolean; extraPlugins: string[] } {
  const repository = parseImageReference(reference).repository.replace(/^[^/]*[.:][^/]*\//, '');
  if (repository === 'certbot/certbot') return { official: true, extraPlugins: [] };
  const dns = /^certbot\/(dns-[a-z0-9]+)$/.exec(repository);
  return dns ? { official: true, extraPlugins: [dns[1] as string] } : { official: false, extraPlugins: [] };
}

function imageOfService(service: DeployedService): CertbotImage | undefined {
  const image = service.compose.image;
  if (!image?.value || service.compose.build) return undefined;
  return { reference: image.value, ...officialCertbotImage(image.value), service, location: image.location };
}

/** The compose service a `docker compose run/exec NAME` means: the one of that name in the script's project. */
function launchedService(deployment: Deployment, run: CertbotRun): DeployedService | undefined {
  const matches = deployment.projects.flatMap((project) => project.services.filter((service) => runsInService(run, service)));
  return matches.length === 1 ? matches[0] : undefined;
}

function imageOfRun(deployment: Deployment, run: CertbotRun): CertbotImage | undefined {
  if (run.origin.kind === 'service') return imageOfService(run.origin.service);
  const { invocation } = run;
  if (invocation.launcher === 'docker-run' && invocation.target?.literal) {
    const reference = invocation.target.value;
    const text = run.origin.kind === 'script' ? run.origin.script.text : run.origin.file.text;
    const path = run.origin.kind === 'script' ? run.origin.script.path : run.origin.file.path;
    const location = { file: path, range: { start: positionAt(text, invocation.target.span.start), end: positionAt(text, invocation.target.span.end) } };
    return { reference, ...officialCertbotImage(reference), location };
  }
  if (invocation.launcher === 'docker-compose-run' || invocation.launcher === 'docker-compose-exec' || invocation.launcher === 'docker-exec') {
    const service = launchedService(deployment, run);
    return service ? imageOfService(service) : undefined;
  }
  return undefined;
}

function installerOf(invocation: CertbotInvocation): string | undefined {
  let installer: string | undefined;
  for (const option of invocation.options) {
    if (option.name === '--installer' && option.value) installer = option.value.value;
    else if (option.name === '--nginx' || option.name === '--apache') installer = option.name.slice(2);
  }
  return installer;
}

function challengeOf(authenticator: string | undefined): CertbotIssuer['challenge'] {
  if (authenticator === undefined) return 'unknown';
  if (httpOnlyAuthenticators.has(authenticator)) return 'http-01';
  if (authenticator.startsWith('dns-')) return 'dns-01';
  return 'unknown';
}

function standalonePortOf(invocation: CertbotInvocation, authenticator: string | undefined): number | undefined {
  if (authenticator !== 'standalone') return undefined;
  const option = [...invocation.options].reverse().find((candidate) => candidate.name === '--http-01-port');
  if (!option) return 80;
  return option.value?.literal && /^\d+$/.test(option.value.value) ? Number(option.value.value) : undefined;
}

/**
 * The lineage a run creates, as certbot names it (certbot/src/certbot/_internal/client.py
 * `Client._choose_lineagename`): `--cert-name` as written, else the first domain (as certbot's
 * domain check rewrites it), without the `*.` of a wildcard ("Don't make files and directories
 * starting with *.").
 */
function lineageOf(invocation: CertbotInvocation): string | undefined {
  if (invocation.certName) return invocation.certName.literal ? invocation.certName.value : undefined;
  const first = invocation.domains[0]?.name;
  if (!first?.literal) return undefined;
  const domain = certbotDomainName(first.value);
  return domain.startsWith('*.') ? domain.slice(2) : domain;
}

function lineLocation(path: string, text: string, line: number): SourceLocation {
  const lines = text.split('\n');
  const content = (lines[line] ?? '').replace(/\r$/, '');
  return { file: path, range: { start: { line, character: content.length - content.trimStart().length }, end: { line, character: content.length } } };
}

/** /etc/crontab and the files of cron.d name a user after the time fields; a user's crontab does not. */
function hasUserField(path: string): boolean {
  return posix.basename(path) === 'crontab' ? !posix.dirname(path).endsWith('crontabs') : posix.basename(posix.dirname(path)) === 'cron.d';
}

/** The crontab line whose command holds `offset` (a run of the cron file), or names `script` (a script the cron file runs). */
function cronTiming(path: string, text: string, holds: (command: string, commandStart: number) => boolean): RenewalTiming {
  const crontab = parseCrontab(text, { userField: hasUserField(path) });
  const entry = crontab.entries.find((candidate) => holds(candidate.command, candidate.commandStart));
  if (!entry) return { kind: 'unknown', reason: 'the crontab line that runs it was not found' };
  if (entry.reading.kind !== 'schedule') return { kind: 'unknown', reason: entry.reading.reason };
  return { kind: 'schedule', schedule: entry.reading.schedule, written: `\`${entry.when}\``, location: lineLocation(path, text, entry.line) };
}

/** The `.timer` that starts a systemd service unit: `Unit=` names it, or the timer has the unit's name. */
function timerTiming(picture: RenewalPicture, servicePath: string): RenewalTiming {
  const unit = posix.basename(servicePath);
  const timers = picture.schedules.filter((file) => file.path.endsWith('.timer'));
  for (const timer of timers) {
    const parsed = parseSystemdTimer(timer.text);
    const starts = parsed.unit ? parsed.unit === unit : posix.basename(timer.path, '.timer') === posix.basename(unit, '.service');
    if (!starts) continue;
    if (parsed.reading.kind !== 'schedule') return { kind: 'unknown', reason: parsed.reading.reason };
    const lines = timer.text.split('\n');
    const line = lines.findIndex((text) => /^\s*On\w+\s*=/.test(text));
    return {
      kind: 'schedule',
      schedule: parsed.reading.schedule,
      written: `\`${parsed.calendars.join(', ') || (lines[line] ?? '').trim()}\``,
      location: lineLocation(timer.path, timer.text, Math.max(line, 0)),
    };
  }
  return { kind: 'unknown', reason: 'no timer of the repository starts the unit' };
}

/** `certonly` or `run`, not a dry run. */
function asksForCertificate(invocation: CertbotInvocation): boolean {
  return !invocation.dryRun && (invocation.subcommand === 'certonly' || invocation.subcommand === 'run');
}

/**
 * A run in a shell function of a script happens when the function is called: once when the
 * script calls it once, outside loops and other functions; else (a library other scripts source,
 * a call in a loop) as often as callers certboot does not follow decide.
 */
function calledOnce(run: CertbotRun): boolean {
  const name = run.invocation.command.functionName;
  if (name === undefined) return true;
  if (run.origin.kind !== 'script') return false;
  const calls = run.origin.script.script.commands.filter((command) => command.name?.value === name);
  return calls.length > 0 && calls.every((call) => call.functionName === undefined && repeatingLoop(call.loops) === undefined);
}

function renewalTiming(picture: RenewalPicture, run: CertbotRun): RenewalTiming {
  if (renews(run)) return repetitionTiming(picture, run);
  if (asksForCertificate(run.invocation) && !calledOnce(run))
    return { kind: 'unknown', reason: `it runs whenever function \`${run.invocation.command.functionName}\` is called` };
  return { kind: 'once' };
}

/** How often a run that renews comes again: its loop, restart policy, crontab line or timer. */
function repetitionTiming(picture: RenewalPicture, run: CommandRun): RenewalTiming {
  const repetition = run.repetition;
  if (!repetition) return { kind: 'unknown', reason: 'renew runs when someone runs it' };
  switch (repetition.kind) {
    case 'restart':
      return { kind: 'unknown', reason: `restart: ${repetition.restart.policy ?? 'unknown'} starts it again whenever it ends` };
    case 'loop': {
      const reading = sleepLoopInterval(repetition.loop);
      if (reading.kind !== 'schedule') return { kind: 'unknown', reason: reading.kind === 'unknown' ? reading.reason : reading.reason };
      const sleep = repetition.loop.body.find((command) => command.name?.value === 'sleep');
      return {
        kind: 'schedule',
        schedule: reading.schedule,
        written: sleep ? `a loop with \`sleep ${sleep.arguments.map((word) => word.value).join(' ')}\`` : 'a loop',
        location: runCommandLocation(run),
      };
    }
    case 'schedule': {
      const file = repetition.file;
      if (file.kind === 'systemd') return file.path.endsWith('.service') ? timerTiming(picture, file.path) : { kind: 'unknown', reason: 'not a service unit' };
      if (run.origin.kind === 'schedule') {
        const offset = run.invocation.command.span.start;
        return cronTiming(file.path, file.text, (command, start) => offset >= start && offset < start + command.length);
      }
      if (run.origin.kind === 'script') {
        const name = posix.basename(run.origin.script.path);
        return cronTiming(file.path, file.text, (command) => command.split(/\s+/).some((word) => posix.basename(word) === name));
      }
      return { kind: 'unknown', reason: 'no schedule' };
    }
  }
}

/** The repository file a run outside a compose service is written in: its script or its cron file. */
function pathOfRunFile(origin: Exclude<CertbotRun['origin'], { kind: 'service' }>): string {
  return origin.kind === 'script' ? origin.script.path : origin.file.path;
}

function certbotIssuer(deployment: Deployment, picture: RenewalPicture, run: CertbotRun): CertbotIssuer {
  const { invocation } = run;
  const authenticator = invocation.authenticator?.name;
  const image = imageOfRun(deployment, run);
  const standalonePort = standalonePortOf(invocation, authenticator);
  const lineage = lineageOf(invocation);
  const installer = installerOf(invocation);
  return {
    kind: 'certbot',
    run,
    ...(image ? { image } : {}),
    // a script (or cron file) runs on the host unless an image holds it: its Dockerfile copies it, or its service bind-mounts it
    onHost: run.origin.kind !== 'service' && invocation.launcher === 'direct' && placeOfScript(deployment, pathOfRunFile(run.origin)).kind === 'host',
    ...(authenticator !== undefined ? { authenticator } : {}),
    ...(installer !== undefined ? { installer } : {}),
    challenge: challengeOf(authenticator),
    ...(standalonePort !== undefined ? { standalonePort } : {}),
    ...(lineage !== undefined ? { lineage } : {}),
    obtains: asksForCertificate(invocation),
    renewal: renewalTiming(picture, run),
  };
}

/**
 * Whether the image's own start script, which issues the certificates, runs in the service: an
 * `entrypoint:` replaces it, and so does a `command:`, as the script is the image's CMD
 * (acme-companion's Dockerfile, jonasal/ and staticfloat/nginx-certbot's src/Dockerfile), except
 * in linuxserver/swag, whose s6 `/init` entrypoint runs its init scripts before any command.
 */
function startScriptRuns(service: DeployedService, image: string): boolean {
  if (service.compose.entrypoint !== undefined) return false;
  return service.compose.command === undefined || image === swagImage;
}

function serviceIssuers(deployment: Deployment): ServiceIssuer[] {
  const issuers: ServiceIssuer[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const image = service.compose.image?.value;
      if (!image || service.compose.build) continue;
      const reference = parseImageReference(image);
      const known = knownRepository(image);
      if (!startScriptRuns(service, known)) continue;
      const companion = acmeCompanionImages.get(known);
      const allInOne = allInOneImages.get(known);
      // before 2.0 the companion ran simp_le and kept everything in /etc/nginx/certs (acme-companion Dockerfile at v1.13.1 installs simp_le, at v2.0.0 acme.sh)
      const simpLe = known === 'jrcs/letsencrypt-nginx-proxy-companion' && /^v?1\./.test(reference.tag ?? '');
      const named = { project, service, repository: reference.repository, image: known };
      if (companion) issuers.push({ kind: 'acme-companion', ...named, stateDirectories: simpLe ? ['/etc/nginx/certs'] : companion });
      else if (allInOne) issuers.push({ kind: 'all-in-one', ...named, stateDirectories: allInOne });
    }
  }
  return issuers;
}

const installOptions: ReadonlyMap<string, InstalledFile['role']> = new Map([
  ['--cert-file', 'cert'],
  ['--ca-file', 'ca'],
  ['--fullchain-file', 'fullchain'],
  ['--key-file', 'key'],
]);

/** The commands that install what they obtain or hold (`issue()`, `signcsr()` and `installcert()` take the options). */
const installingActions: ReadonlySet<string> = new Set(['--issue', '--install-cert', '--sign-csr']);

function acmeShChallenge(invocation: AcmeShInvocation): AcmeShIssuer['challenge'] {
  const kinds = new Set(
    invocation.validations.map((validation) =>
      validation.kind === 'dns' || validation.kind === 'dns-persist' ? 'dns-01' : validation.kind === 'alpn' ? 'tls-alpn-01' : 'http-01',
    ),
  );
  const [only] = kinds;
  return kinds.size === 1 && only ? only : 'unknown';
}

/** The projects a repository script works for: the ones around it (its directory, or one above or below), else the only one. */
export function projectsAroundScript(deployment: Deployment, path: string): readonly DeployedProject[] {
  const around = deployment.projects.filter((project) => isWithin(path, project.compose.directory) || isWithin(project.compose.directory, posix.dirname(path)));
  return around.length > 0 || deployment.projects.length !== 1 ? around : deployment.projects;
}

function only<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** The container a script's `docker exec NAME` or `docker compose exec|run NAME` reaches; its own command runs where the script runs. */
function placeOfLaunch(deployment: Deployment, run: AcmeShRun, path: string): IssuerPlace {
  const { launcher, target } = run.invocation;
  if (launcher === 'direct') return placeOfScript(deployment, path);
  if (!target?.literal) return { kind: 'unknown' };
  const candidates =
    launcher === 'docker-exec'
      ? deployment.projects.flatMap((project) =>
          project.services.filter((service) => service.compose.containerName?.value === target.value).map((service) => ({ project, service })),
        )
      : launcher === 'docker-compose-exec' || launcher === 'docker-compose-run'
        ? projectsAroundScript(deployment, path).flatMap((project) =>
            project.services.filter((service) => service.name === target.value).map((service) => ({ project, service })),
          )
        : [];
  const found = only(candidates);
  return found ? { kind: 'service', ...found } : { kind: 'unknown' };
}

function acmeShPlace(deployment: Deployment, run: AcmeShRun): IssuerPlace {
  if (run.origin.kind === 'service')
    return run.invocation.launcher === 'direct' ? { kind: 'service', project: run.origin.project, service: run.origin.service } : { kind: 'unknown' };
  return placeOfLaunch(deployment, run, run.origin.kind === 'script' ? run.origin.script.path : run.origin.file.path);
}

function acmeShImage(run: AcmeShRun, place: IssuerPlace): AcmeShIssuer['image'] {
  const { invocation } = run;
  if (invocation.launcher === 'docker-run' && invocation.target?.literal && isAcmeShImage(invocation.target.value)) {
    const location = runCommandLocation(run);
    return { reference: invocation.target.value, location };
  }
  const service = place.kind === 'service' ? place.service : undefined;
  const image = service?.compose.image;
  return service && image?.value && service.compose.build === undefined && isAcmeShImage(image.value)
    ? { reference: image.value, service, location: image.location }
    : undefined;
}

function literalPath(word: ShellWord | undefined): string | undefined {
  return word?.literal && !/[$`]/.test(word.value) ? word.value.replace(/\/+$/, '') || '/' : undefined;
}

function lastOption(invocation: AcmeShInvocation, name: string): AcmeShOption | undefined {
  return [...invocation.options].reverse().find((option) => option.name === name);
}

/** `--cert-home`, else the config home: `--config-home`, the image's /acme.sh, else `--home` or `~/.acme.sh` (acme.sh `_initpath()`, `__initHome()`). */
function certificateHomeOf(invocation: AcmeShInvocation, inImage: boolean): string | undefined {
  const named = lastOption(invocation, '--cert-home') ?? lastOption(invocation, '--config-home');
  if (named) return literalPath(named.value);
  if (inImage || invocation.entry !== 'script') return '/acme.sh';
  const home = lastOption(invocation, '--home');
  return home ? literalPath(home.value) : '~/.acme.sh';
}

function acmeShRenewal(picture: RenewalPicture, run: AcmeShRun): RenewalTiming {
  const action = run.invocation.action?.name;
  if (action === 'daemon')
    return {
      kind: 'schedule',
      schedule: { kind: 'interval', period: 24 * 3600, randomDelay: 0 },
      written: "the image's daily cron job (`daemon`)",
      location: runCommandLocation(run),
    };
  const renewing = action === '--cron' || action === '--renew' || action === '--renew-all' || (action === '--issue' && run.repetition !== undefined);
  return renewing ? repetitionTiming(picture, run) : { kind: 'once' };
}

function acmeShIssuer(deployment: Deployment, picture: RenewalPicture, run: AcmeShRun): AcmeShIssuer {
  const { invocation } = run;
  const runsIn = acmeShPlace(deployment, run);
  const image = acmeShImage(run, runsIn);
  const action = invocation.action?.name;
  const installs: InstalledFile[] = [];
  if (action !== undefined && installingActions.has(action)) {
    for (const option of invocation.options) {
      const role = installOptions.get(option.name);
      if (role && option.value) installs.push({ role, option, path: option.value });
    }
  }
  const reloadCommand = action !== undefined && installingActions.has(action) ? lastOption(invocation, '--reloadcmd')?.value : undefined;
  const days = lastOption(invocation, '--days')?.value;
  const project =
    runsIn.kind === 'service'
      ? runsIn.project
      : run.origin.kind === 'service'
        ? run.origin.project
        : only(projectsAroundScript(deployment, run.origin.kind === 'script' ? run.origin.script.path : run.origin.file.path));
  const certificateHome = certificateHomeOf(invocation, image !== undefined);
  return {
    kind: 'acme.sh',
    run,
    invocation,
    ...(image ? { image } : {}),
    runsIn,
    ...(project ? { project } : {}),
    ...(action !== undefined ? { action } : {}),
    challenge: acmeShChallenge(invocation),
    ...(certificateHome !== undefined ? { certificateHome } : {}),
    installs,
    ...(reloadCommand ? { reloadCommand } : {}),
    ...(days?.literal && /^\d+$/.test(days.value) ? { renewalDays: Number(days.value) } : {}),
    renewal: acmeShRenewal(picture, run),
  };
}

/** Every issuer of the workspace: certbot runs in the order of the renewal picture, then the services that issue by themselves, then acme.sh's runs. */
export function certificateIssuers(deployment: Deployment, picture: RenewalPicture): Issuer[] {
  return [
    ...picture.runs.map((run) => certbotIssuer(deployment, picture, run)),
    ...serviceIssuers(deployment),
    ...gatherAcmeShRuns(deployment, picture.schedules).map((run) => acmeShIssuer(deployment, picture, run)),
  ];
}

export function acmeShIssuersOf(issuers: readonly Issuer[]): AcmeShIssuer[] {
  return issuers.filter((issuer): issuer is AcmeShIssuer => issuer.kind === 'acme.sh');
}

export function certbotIssuersOf(issuers: readonly Issuer[]): CertbotIssuer[] {
  return issuers.filter((issuer): issuer is CertbotIssuer => issuer.kind === 'certbot');
}

/** The certbot runs of a compose service's own command, in the order it runs them. */
export function serviceCertbotIssuers(issuers: readonly CertbotIssuer[], service: DeployedService): CertbotIssuer[] {
  return issuers.filter((issuer) => issuer.run.origin.kind === 'service' && issuer.run.origin.service === service);
}

/**
 * The issuer of a certificate nginx loads from certbot's layout (`…/live/<name>/fullchain.pem`):
 * the certbot runs that obtain the lineage `<name>`. A renewal (`certbot renew`) renews every
 * lineage, so it is no issuer of one by name.
 */
export function issuersOfCertificate(issuers: readonly Issuer[], path: string): CertbotIssuer[] {
  const lineage = /\/live\/([^/]+)\/[^/]+$/.exec(path)?.[1];
  if (lineage === undefined) return [];
  return issuers.filter(
    (issuer): issuer is CertbotIssuer => issuer.kind === 'certbot' && issuer.lineage === lineage && issuer.run.invocation.subcommand !== 'renew',
  );
}

/** `docker run` options of a run's launch: `-p 80:80`, `--network host`. */
export function launchOptions(run: CertbotRun): { network?: string; publishes: readonly string[] } {
  const command = run.invocation.command;
  const launch = containerLaunch(command.name ? [command.name, ...command.arguments] : [...command.arguments]);
  if (!launch) return { publishes: [] };
  const network = optionValue(launch.options, '--network') ?? optionValue(launch.options, '--net');
  const publishes: string[] = [];
  launch.options.forEach((option, index) => {
    const next = launch.options[index + 1];
    if ((option.value === '-p' || option.value === '--publish') && next) publishes.push(next.value);
    else if (option.value.startsWith('--publish=')) publishes.push(option.value.slice('--publish='.length));
  });
  return { ...(network?.literal ? { network: network.value } : {}), publishes };
}

/** A service key whose YAML value cannot be read as plain data (a merge of a non-map, aliases past the limit): unknown. */
export const unreadableValue: unique symbol = Symbol('unreadable YAML value');

/**
 * A key of a service that the compose model does not carry (`volumes_from`, `labels`), from the
 * last compose file that sets it (override files come later in `files`): its YAML value as plain
 * data. A value that holds a variable is kept as written; one that YAML cannot turn into data is
 * `unreadableValue`.
 */
export function serviceKey(project: ComposeProject, serviceName: string, key: string): unknown {
  let found: unknown;
  for (const document of project.documents) {
    const services = document.document.get('services', true);
    if (!isMap(services)) continue;
    const service = services.get(serviceName, true);
    if (!isMap(service) || !service.has(key)) continue;
    const node = service.get(key, true);
    try {
      found =
        node && typeof node === 'object' && 'toJS' in node
          ? (node as { toJS(doc: unknown, options: object): unknown }).toJS(document.document, { maxAliasCount: 100 })
          : node;
    } catch {
      found = unreadableValue;
    }
  }
  return found;
}

/** A service's labels as `name → value` (compose accepts a mapping or a list of `name=value`); undefined when they cannot be read. */
export function serviceLabels(project: ComposeProject, serviceName: string): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  const value = serviceKey(project, serviceName, 'labels');
  if (value === unreadableValue) return undefined;
  if (Array.isArray(value)) {
    for (const entry of value) {
      const text = String(entry);
      const equals = text.indexOf('=');
      labels.set(equals < 0 ? text : text.slice(0, equals), equals < 0 ? '' : text.slice(equals + 1));
    }
  } else if (value && typeof value === 'object') {
    for (const [name, entry] of Object.entries(value)) labels.set(name, entry === null || entry === undefined ? '' : String(entry));
  }
  return labels;
}

/** Whether the service takes volumes from another container (`volumes_from`): what it mounts is then not all in its own `volumes`. */
export function takesVolumesFrom(project: ComposeProject, serviceName: string): boolean {
  const value = serviceKey(project, serviceName, 'volumes_from');
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** The last word of an option as written: its value when it follows as a word of its own or after `=`, else the option itself. */
export function optionLastWord(option: CertbotOption): ShellWord {
  return option.value && option.value.span.start >= option.word.span.end ? option.value : option.word;
}

/**
 * The service's own mounts and those of the services its `volumes_from` names (`service`,
 * `service:ro`); undefined when it names a container (`container:name`) or something certboot
 * cannot resolve.
 */
export function mountsWithVolumesFrom(project: DeployedProject, service: DeployedService): readonly VolumeMount[] | undefined {
  const from = serviceKey(project.compose, service.name, 'volumes_from');
  if (from === undefined || from === null) return service.compose.volumes;
  if (!Array.isArray(from)) return undefined;
  const mounts = [...service.compose.volumes];
  for (const entry of from) {
    const name = String(entry).replace(/:(ro|rw)$/, '');
    const source = project.services.find((candidate) => candidate.name === name);
    if (!source || name.startsWith('container:')) return undefined;
    mounts.push(...source.compose.volumes);
  }
  return mounts;
}

/** nginx-proxy itself (acme-companion's proxy in the two-container setup). */
const nginxProxyImages: ReadonlySet<string> = new Set(['nginxproxy/nginx-proxy', 'jwilder/nginx-proxy']);

/**
 * The services of a project that acme-companion serves: nginx-proxy, or the official nginx image
 * that a separate docker-gen writes the configuration of (the three-container setup).
 */
export function nginxProxyServices(project: DeployedProject): DeployedService[] {
  const dockerGen = project.services.some((service) => /docker-gen/.test(service.compose.image?.value ?? ''));
  return project.services.filter((service) => {
    const image = service.compose.image?.value;
    if (!image) return false;
    const repository = knownRepository(image);
    return nginxProxyImages.has(repository) || (dockerGen && (repository === 'nginx' || repository === 'library/nginx'));
  });
}

/**
 * Whether acme-companion certainly validates by HTTP-01 (its default, app/letsencrypt_service.sh
 * `ACME_CHALLENGE:-HTTP-01`): no service sets ACME_CHALLENGE to anything else (the companion for
 * all, an application container for its own names, app/letsencrypt_service_data.tmpl) and none
 * reads an `env_file`, which may set it.
 */
export function acmeCompanionAnswersHttp01(project: DeployedProject): boolean {
  return !project.services.some((service) => {
    const environment = service.compose.environment;
    return ('ACME_CHALLENGE' in environment && environment.ACME_CHALLENGE !== 'HTTP-01') || serviceKey(project.compose, service.name, 'env_file') !== undefined;
  });
}

/**
 * Whether linuxserver/swag validates by HTTP-01: VALIDATION unset or `http` (`tls-sni` falls back to
 * it); it then runs certbot's standalone authenticator on the container's port 80
 * (root/etc/s6-overlay/s6-rc.d/init-certbot-config/run in github.com/linuxserver/docker-swag).
 * An `env_file` may set VALIDATION: then it is not known.
 */
export function swagAnswersHttp01(project: DeployedProject, service: DeployedService): boolean {
  if (serviceKey(project.compose, service.name, 'env_file') !== undefined) return false;
  const environment = service.compose.environment;
  if (!('VALIDATION' in environment)) return true;
  const validation = environment.VALIDATION;
  return validation === '' || validation === 'http' || validation === 'tls-sni';
}

/** A certificate name that picks a DNS authenticator in jonasal/nginx-certbot (`live/example.dns-cloudflare/`, src/scripts/run_certbot.sh). */
const dnsCertificateName = /\/live\/(?:[^/\s;'"]*[-.])?dns-[a-z0-9]/i;

/**
 * Whether jonasal/nginx-certbot or staticfloat/nginx-certbot validate by HTTP-01 on the
 * container's port 80, from their sources:
 * - staticfloat/docker-nginx-certbot src/nginx_conf.d/certbot.conf: nginx on port 80 hands the
 *   challenge to certbot's standalone server, always;
 * - JonasAlfredsson/docker-nginx-certbot src/scripts/run_certbot.sh: the webroot authenticator that
 *   src/nginx_conf.d/redirector.conf serves on port 80, unless CERTBOT_AUTHENTICATOR names another
 *   (a DNS plugin) or a certificate's name does (`…/live/<name>.dns-<provider>/privkey.pem` in a
 *   configuration it reads); USE_LOCAL_CA=1 (src/scripts/start_nginx_certbot.sh) signs with a
 *   local CA and asks no one. An `env_file` may set the variables, and a configuration file
 *   certboot cannot read may name a DNS plugin: then it is not known.
 */
export function nginxCertbotAnswersHttp01(texts: SourceTexts, project: DeployedProject, service: DeployedService, image: string): boolean {
  if (image === 'staticfloat/nginx-certbot') return true;
  if (serviceKey(project.compose, service.name, 'env_file') !== undefined) return false;
  const environment = service.compose.environment;
  if ('CERTBOT_AUTHENTICATOR' in environment && !['', 'webroot'].includes(environment.CERTBOT_AUTHENTICATOR?.trim() ?? '?')) return false;
  if ('USE_LOCAL_CA' in environment && (environment.USE_LOCAL_CA === undefined || environment.USE_LOCAL_CA.trim() === '1')) return false;
  const configurations = mountedTexts(texts, service, (target) => /^\/etc\/nginx\/(user_)?conf\.d(\/|$)/.test(target));
  return configurations !== undefined && !configurations.some((text) => dnsCertificateName.test(text));
}

/**
 * The texts of the repository files a service bind-mounts where `at` says (a mounted directory:
 * the files in it); undefined when a mount holds an unset variable, and what is mounted is unknown.
 */
export function mountedTexts(texts: SourceTexts, service: DeployedService, at: (target: string) => boolean): string[] | undefined {
  const found: string[] = [];
  for (const mount of service.compose.volumes) {
    if (mount.unknown) return undefined;
    const source = mount.source;
    if (mount.type !== 'bind' || !source || !mount.target || !at(posix.normalize(mount.target))) continue;
    let files = [source];
    try {
      files = service.view.readDirectory(mount.target).map((entry) => posix.join(source, entry));
    } catch {
      // a file, or a directory the repository does not hold
    }
    for (const file of files) {
      const text = texts.text(file);
      if (text !== undefined) found.push(text);
    }
  }
  return found;
}
