import { placeOfScript } from './script-place';
import { summarizeDockerfile } from '../languages/dockerfile/dockerfile';
import { posix } from 'node:path';
import type { Inventory, SourceTexts } from '../inventory/inventory';
import type { RestartPolicy } from '../languages/compose/model';
import { findCertbotInvocations, findNginxReloads, type CertbotInvocation, type NginxReload } from '../languages/shell/certbot-invocation';
import { parseCrontab } from '../languages/schedule/cron';
import { basename } from '../languages/shell/container-launch';
import { parseShell } from '../languages/shell/shell-parser';
import { repeatingLoop, type ShellCommand, type ShellLoop, type ShellScript, type ShellWord, type TextSpan } from '../languages/shell/shell-script';
import type { SourceLocation } from '../text/source-location';
import type { FileEdit } from '../text/findings';
import { commandLocation, placeOfWord, removeCommandWords, replaceCommandText } from './command-locations';
import { isWithin } from '../model/container-view';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../model/deployment';
import { positionAt } from '../text/line-index';
import { pathBelow } from '../text/paths';

/** A cron file or a systemd unit of the repository: what runs certbot on a schedule on the host. */
export interface ScheduleFile {
  readonly path: string;
  readonly kind: 'cron' | 'systemd';
  readonly text: string;
  readonly commands: readonly ShellCommand[];
}

/** Why a certbot command runs again and again. */
export type Repetition =
  | { readonly kind: 'loop'; readonly loop: ShellLoop }
  | { readonly kind: 'restart'; readonly restart: RestartPolicy }
  | { readonly kind: 'schedule'; readonly file: ScheduleFile };

export type RunOrigin =
  | { readonly kind: 'service'; readonly project: DeployedProject; readonly service: DeployedService }
  | { readonly kind: 'script'; readonly script: RepositoryScript }
  | { readonly kind: 'schedule'; readonly file: ScheduleFile };

/** A command that runs an issuer (certbot, acme.sh): where it stands and why it runs again. */
export interface CommandRun {
  readonly invocation: { readonly command: ShellCommand };
  readonly origin: RunOrigin;
  /** undefined: it runs once (per `docker compose up` or per manual run of the script). */
  readonly repetition?: Repetition;
}

export interface CertbotRun extends CommandRun {
  readonly invocation: CertbotInvocation;
}

/** Everything the renewal rules read: certbot runs, reloads and what stays unknown. */
export interface RenewalPicture {
  readonly runs: readonly CertbotRun[];
  readonly schedules: readonly ScheduleFile[];
  /**
   * Something may renew certificates in a way no parser here can read: a certbot service whose
   * command depends on a variable, a `certbot $ACTION`, `certbot renew` written inside a string
   * (a crontab line a script installs), an image that renews by itself.
   */
  readonly renewalUnknown: boolean;
}

/** Parses one line's command part, its spans counted in the whole file. */
function parseAt(text: string, start: number, end: number): ShellScript {
  const offsets = Array.from({ length: end - start + 1 }, (_, index) => start + index);
  return parseShell(text.slice(start, end), { sourceOffsets: offsets });
}

/**
 * The commands of a crontab's entries, read by parseCrontab. In /etc/crontab and cron.d a user
 * name comes between the time and the command; it cannot be told from a command name, so an
 * entry whose command finds nothing is read again without its first word.
 */
function cronCommands(text: string): ShellCommand[] {
  const interesting = (list: readonly ShellCommand[]): boolean =>
    findCertbotInvocations(list).length > 0 || findNginxReloads(list).length > 0 || list.some(isRestart);
  return parseCrontab(text, { userField: false }).entries.flatMap((entry) => {
    if (entry.command === '') return [];
    const end = entry.commandStart + entry.command.length;
    const parsed = parseAt(text, entry.commandStart, end).commands;
    const user = /^\S+\s+/.exec(entry.command);
    if (interesting(parsed) || !user) return parsed;
    const withoutUser = parseAt(text, entry.commandStart + user[0].length, end).commands;
    return interesting(withoutUser) ? withoutUser : parsed;
  });
}

/** `ExecStart=` and its siblings; the prefixes `-@+!:` change how systemd runs it, not what. */
function systemdCommands(text: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const match = /^\s*Exec\w*\s*=\s*[-@+!:]*/.exec(line);
    if (match) for (const command of parseAt(text, lineStart + match[0].length, lineStart + line.length).commands) commands.push(command);
    lineStart += line.length + 1;
  }
  return commands;
}

/** The cron files and systemd units of the inventory, with their commands. */
export function readScheduleFiles(inventory: Inventory): ScheduleFile[] {
  return inventory.filesOf('schedule').flatMap(({ path, kind: { scheduler } }): ScheduleFile[] => {
    const text = inventory.text(path);
    if (text === undefined) return [];
    return [{ path, kind: scheduler, text, commands: scheduler === 'cron' ? cronCommands(text) : systemdCommands(text) }];
  });
}

/** `docker (compose) restart`, `systemctl reload|restart nginx`, `service nginx reload`: they reload certificates too. */
export function isRestart(command: ShellCommand): boolean {
  if (!command.name) return false;
  const words = [command.name, ...command.arguments].map((word) => word.value);
  const program = basename(command.name);
  if (program === 'systemctl')
    return words.some((word) => /^(reload|restart|reload-or-restart|try-restart)$/.test(word)) && words.some((word) => /^nginx(\.service)?$/.test(word));
  if (program === 'service') return words[1] === 'nginx' && /^(reload|restart)$/.test(words[2] ?? '');
  if (program === 'docker' || program === 'docker-compose') {
    const rest = words.slice(1).filter((word) => !word.startsWith('-'));
    const verbs = rest[0] === 'compose' || rest[0] === 'container' ? rest.slice(1) : rest;
    return verbs.includes('restart');
  }
  return false;
}

/** The schedule file that runs a repository script (names it in a command). */
export function scriptsRunBy(schedules: readonly ScheduleFile[], script: RepositoryScript): ScheduleFile | undefined {
  const name = posix.basename(script.path);
  return schedules.find((schedule) =>
    schedule.commands.some((command) => [command.name, ...command.arguments].some((word) => word !== undefined && posix.basename(word.value) === name)),
  );
}

function isUnknownSubcommand(invocation: CertbotInvocation): boolean {
  return invocation.subcommandWord === undefined && invocation.dynamicArguments.length > 0;
}

const renewalMention = /\bcertbot\b[^\n]*\brenew\b/;

/** The text with the commands of these runs blanked out (lengths kept). */
function withoutCommands(text: string, invocations: readonly CertbotInvocation[]): string {
  let blanked = text;
  for (const { command } of invocations)
    blanked = blanked.slice(0, command.span.start) + ' '.repeat(command.span.end - command.span.start) + blanked.slice(command.span.end);
  return blanked;
}

/** A run of `certbot renew` that renews: not `--dry-run`. */
function renewsForReal(invocation: CertbotInvocation): boolean {
  return invocation.subcommand === 'renew' && invocation.dryRun === undefined;
}

/**
 * The directories a cron daemon runs files of by itself: busybox crond's /etc/periodic/<period>
 * (Alpine's root crontab runs `run-parts /etc/periodic/…`), and cron's /etc/cron.d and
 * /etc/cron.<period> (run-parts). A file the image's build copies there is a scheduled job.
 */
const cronDirectory = /^\/etc\/(?:periodic\/|cron\.(?:d|hourly|daily|weekly|monthly)(?:\/|$))/;

/**
 * Whether a Dockerfile copies into a cron directory a file of the repository that runs `certbot
 * renew` (`COPY bin/renew /etc/periodic/weekly/renew`), or one certboot cannot read, or copies any
 * such file when its build installs a crontab: its sources are read from the Dockerfile's
 * directory, the usual build context.
 */
function copiesRenewalIntoCron(inventory: Inventory, dockerfile: string, text: string): boolean {
  // a build that runs `crontab FILE` installs whatever file it copied (`ADD crontab.txt /`, `RUN crontab /crontab.txt`)
  const installsCrontab = /^[ \t]*RUN\b[^\n]*\bcrontab\b/im.test(text);
  // most Dockerfiles name no cron directory: they are not read further on every analysis
  if (!installsCrontab && !/\/etc\/(?:periodic|cron\.)/.test(text)) return false;
  for (const copy of summarizeDockerfile(text).copiesOfEveryStage) {
    if (copy.fromOtherImage || !(installsCrontab || cronDirectory.test(posix.resolve('/', copy.destination)))) continue;
    for (const source of copy.sources) {
      if (/[*?$]/.test(source)) return true;
      const path = posix.resolve(posix.dirname(dockerfile), source);
      // a directory's files are copied into the cron directory (`COPY ./crontab /etc/cron.d`)
      let files = [path];
      if (inventory.fileSystem.stat(path)?.kind === 'directory') {
        try {
          files = inventory.fileSystem.readDirectory(path).map((name) => posix.join(path, name));
        } catch {
          return true;
        }
      }
      for (const file of files) {
        const content = inventory.text(file);
        if (content === undefined || renewalMention.test(content)) return true;
      }
    }
  }
  return false;
}

/** Images that obtain and renew certificates by themselves, or whose commands no one here can read. */
function renewsByItself(service: DeployedService): boolean {
  const image = service.compose.image?.value ?? '';
  return service.nginx?.imageKind === 'manages-certificates' || (/acme|swag|letsencrypt|certbot/.test(image) && !service.certbot);
}

/** Where an issuer's runs are found: in a compose service's command, a repository script, the commands of a cron file or unit. */
export interface RunFinder<Invocation> {
  readonly inService: (service: DeployedService) => readonly Invocation[];
  readonly inScript: (script: RepositoryScript) => readonly Invocation[];
  readonly inCommands: (commands: readonly ShellCommand[]) => readonly Invocation[];
}

/**
 * Every run of an issuer the repository states, in this order: the commands of compose services,
 * the repository's scripts, then the cron files and systemd units among `schedules` (which also
 * tell when a script runs on a schedule). A run repeats in a loop, through a service's restart
 * policy, or on the schedule that runs its script.
 */
export function gatherRuns<Invocation extends { readonly command: ShellCommand }>(
  deployment: Deployment,
  schedules: readonly ScheduleFile[],
  finder: RunFinder<Invocation>,
): (CommandRun & { readonly invocation: Invocation })[] {
  const runs: (CommandRun & { readonly invocation: Invocation })[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      const restart = service.compose.restart;
      const repeats = restart && (restart.policy === 'always' || restart.policy === 'unless-stopped');
      for (const invocation of finder.inService(service)) {
        const loop = repeatingLoop(invocation.command.loops);
        const repetition: Repetition | undefined = loop ? { kind: 'loop', loop } : repeats ? { kind: 'restart', restart } : undefined;
        runs.push({ invocation, origin: { kind: 'service', project, service }, ...(repetition ? { repetition } : {}) });
      }
    }
  }
  for (const script of deployment.scripts) {
    const invocations = finder.inScript(script);
    if (invocations.length === 0) continue;
    const schedule = scriptsRunBy(schedules, script);
    for (const invocation of invocations) {
      const loop = repeatingLoop(invocation.command.loops);
      const repetition: Repetition | undefined = loop ? { kind: 'loop', loop } : schedule ? { kind: 'schedule', file: schedule } : undefined;
      runs.push({ invocation, origin: { kind: 'script', script }, ...(repetition ? { repetition } : {}) });
    }
  }
  for (const file of schedules) {
    for (const invocation of finder.inCommands(file.commands))
      runs.push({ invocation, origin: { kind: 'schedule', file }, repetition: { kind: 'schedule', file } });
  }
  return runs;
}

/** Every certbot run the repository states (see gatherRuns for the order). */
export function gatherCertbotRuns(deployment: Deployment, schedules: readonly ScheduleFile[]): CertbotRun[] {
  return gatherRuns(deployment, schedules, {
    inService: (service) => service.certbot?.invocations ?? [],
    inScript: (script) => script.certbotInvocations,
    inCommands: findCertbotInvocations,
  });
}

function launchesService(invocation: CertbotInvocation, service: DeployedService): boolean {
  if (invocation.launcher === 'docker-compose-run' || invocation.launcher === 'docker-compose-exec') return invocation.target?.value === service.name;
  const container = service.compose.containerName?.value;
  return invocation.launcher === 'docker-exec' && container !== undefined && invocation.target?.value === container;
}

/**
 * Whether certbot runs in that service's container: its own command, or a repository script of
 * its project (the directory it sits in, or one above or below) that runs or execs into it.
 */
export function runsInService(run: CertbotRun, service: DeployedService): boolean {
  if (run.origin.kind === 'service') return run.origin.service === service;
  if (run.origin.kind !== 'script') return false;
  const scriptDirectory = posix.dirname(run.origin.script.path);
  if (!isWithin(scriptDirectory, service.projectDirectory) && !isWithin(service.projectDirectory, scriptDirectory)) return false;
  return launchesService(run.invocation, service);
}

/** Where a run's command stands: the compose `command:` (or `entrypoint:`) value, or the command in a script or schedule file. */
export function runCommandLocation(run: CommandRun): SourceLocation {
  switch (run.origin.kind) {
    case 'service': {
      const compose = run.origin.service.compose;
      return (compose.command ?? compose.entrypoint)?.location ?? compose.nameLocation;
    }
    case 'script':
      return scriptLocation(run.origin.script.path, run.origin.script.text, run.invocation.command.span);
    case 'schedule':
      return scriptLocation(run.origin.file.path, run.origin.file.text, run.invocation.command.span);
  }
}

/** The certbot runs of the deployment and the inventory's schedule files, and whether something renews unseen. */
export function renewalPicture(deployment: Deployment, inventory: Inventory): RenewalPicture {
  const schedules = readScheduleFiles(inventory);
  const runs = gatherCertbotRuns(deployment, schedules);
  let renewalUnknown = false;
  for (const project of deployment.projects) {
    for (const service of project.services) {
      if (renewsByItself(service)) renewalUnknown = true;
      if (!service.certbot) continue;
      const compose = service.compose;
      if ((compose.command && compose.command.value === undefined) || (compose.entrypoint && compose.entrypoint.value === undefined)) renewalUnknown = true;
      if (service.compose.build) renewalUnknown = true;
      const rawCommand = [compose.entrypoint?.value, compose.command?.value].flat().join(' ');
      if (/\brenew\b/.test(rawCommand) && !service.certbot.invocations.some(renewsForReal)) renewalUnknown = true;
    }
  }
  // a renewal written where certboot reads no command (a line a script adds to a crontab) counts
  // unless the same text runs `certbot renew` itself; a dry run renews nothing, and is no such line
  for (const script of deployment.scripts) {
    const elsewhere = withoutCommands(script.text, script.certbotInvocations);
    if (renewalMention.test(elsewhere) && !script.certbotInvocations.some(renewsForReal)) renewalUnknown = true;
  }
  for (const file of schedules) {
    const here = runs.filter((run) => run.origin.kind === 'schedule' && run.origin.file === file).map((run) => run.invocation);
    if (renewalMention.test(withoutCommands(file.text, here)) && !here.some(renewsForReal)) renewalUnknown = true;
  }
  // a crontab the image's build writes (`RUN echo "0 3 * * * /renew.sh" >> …; crontab …`) runs the script it names
  const certbotScripts = deployment.scripts.filter((script) => script.certbotInvocations.length > 0).map((script) => posix.basename(script.path));
  for (const dockerfile of inventory.filesOf('dockerfile')) {
    const text = inventory.text(dockerfile.path) ?? '';
    if (renewalMention.test(text)) renewalUnknown = true;
    if (/\bcron/.test(text) && certbotScripts.some((name) => text.includes(name))) renewalUnknown = true;
    if (copiesRenewalIntoCron(inventory, dockerfile.path, text)) renewalUnknown = true;
  }
  // a compose file of another name (`docker-compose.prod.yml`, which a script passes with `-f`) is
  // no project certboot loads: a renewal written in it may run
  for (const file of inventory.filesOf('cloudformation')) {
    const text = inventory.text(file.path) ?? '';
    if (/^services:/m.test(text) && renewalMention.test(text)) renewalUnknown = true;
  }
  if (runs.some((run) => isUnknownSubcommand(run.invocation))) renewalUnknown = true;
  return { runs, schedules, renewalUnknown };
}

/** certbot gets a new certificate on this run when one is due: `renew`, or `certonly` run again and again. */
export function renews(run: CertbotRun): boolean {
  if (run.invocation.dryRun) return false;
  return (
    run.invocation.subcommand === 'renew' || ((run.invocation.subcommand === 'certonly' || run.invocation.subcommand === 'run') && run.repetition !== undefined)
  );
}

export function issuesOnce(run: CertbotRun): boolean {
  return !run.invocation.dryRun && (run.invocation.subcommand === 'certonly' || run.invocation.subcommand === 'run') && run.repetition === undefined;
}

function scriptLocation(path: string, text: string, span: TextSpan): SourceLocation {
  return { file: path, range: { start: positionAt(text, span.start), end: positionAt(text, span.end) } };
}

/** Where words of a run stand (`word` to `last`): their exact characters in the script, cron file or compose value. */
export function runWordLocation(run: CommandRun, word: ShellWord, texts: SourceTexts, last: ShellWord = word): SourceLocation | undefined {
  const span = { start: word.span.start, end: last.span.end };
  switch (run.origin.kind) {
    case 'script':
      return scriptLocation(run.origin.script.path, run.origin.script.text, span);
    case 'schedule':
      return scriptLocation(run.origin.file.path, run.origin.file.text, span);
    case 'service': {
      const { project, service } = run.origin;
      const place = service.command ? placeOfWord(service.command, word) : undefined;
      return place ? commandLocation(texts, project.compose, service.compose, place, span) : (service.compose.command ?? service.compose.entrypoint)?.location;
    }
  }
}

/** The word that names what certbot does (`certonly`, `renew`), else the program or first argument. */
export function runVerbWord(run: CertbotRun): ShellWord | undefined {
  return run.invocation.subcommandWord ?? run.invocation.command.name ?? run.invocation.command.arguments[0];
}

/** How a run is named in messages. */
export function describeRunOrigin(run: CommandRun, workspaceRoot: string): string {
  const relative = (path: string): string => pathBelow(workspaceRoot, path);
  switch (run.origin.kind) {
    case 'service':
      return `service \`${run.origin.service.name}\``;
    case 'script':
      return `\`${relative(run.origin.script.path)}\``;
    case 'schedule':
      return `\`${relative(run.origin.file.path)}\``;
  }
}

/** The domains of a run, for messages: `example.org, www.example.org`. */
export function describeDomains(invocation: CertbotInvocation): string | undefined {
  const names = invocation.domains.map((domain) => domain.name);
  return names.length > 0 && names.every((name) => name.literal) ? names.map((name) => name.value).join(', ') : undefined;
}

export type ReloadReach =
  /** It reloads the nginx of that compose project (or a host nginx): certificates get picked up. */
  | 'reaches'
  /** A direct `nginx -s reload` inside a container that has no nginx. */
  | 'no-nginx-in-container'
  /** `docker exec`/`kill` inside a container without the docker socket. */
  | 'no-docker-socket'
  /**
   * A reload in a setup script that issues the first certificate once (`init-letsencrypt.sh`):
   * it runs when someone runs the script, not after the renewals that come later.
   */
  | 'once';

export interface ReloadEvidence {
  readonly reload: NginxReload | { readonly command: ShellCommand; readonly restart: true };
  readonly reach: ReloadReach;
  /** A certbot hook holds it: the hook word, for locations. */
  readonly hook?: ShellWord;
  readonly run?: CertbotRun;
  /** The repository script that holds it. */
  readonly script?: RepositoryScript;
}

function hasDockerSocket(service: DeployedService): boolean {
  return service.compose.volumes.some(
    (mount) => mount.target === '/var/run/docker.sock' || mount.source === '/var/run/docker.sock' || mount.target === '/run/docker.sock',
  );
}

function reachInContainer(reload: NginxReload, service: DeployedService): ReloadReach {
  if (reload.launcher === 'direct') return service.nginx ? 'reaches' : 'no-nginx-in-container';
  return hasDockerSocket(service) ? 'reaches' : 'no-docker-socket';
}

function reloadsIn(commands: readonly ShellCommand[]): (NginxReload | { command: ShellCommand; restart: true })[] {
  return [...findNginxReloads(commands), ...commands.filter(isRestart).map((command) => ({ command, restart: true as const }))];
}

function reachOf(reload: NginxReload | { command: ShellCommand; restart: true }, service: DeployedService): ReloadReach {
  return 'restart' in reload ? (hasDockerSocket(service) ? 'reaches' : 'no-docker-socket') : reachInContainer(reload, service);
}

function hooksOf(run: CertbotRun): ShellWord[] {
  return [...run.invocation.deployHooks, ...run.invocation.postHooks];
}

/**
 * The hooks of certbot services that run a repository script: `--deploy-hook /hooks/enable-https.sh`
 * with `./certbot/hooks:/hooks` mounted. certbot runs the script inside that service's container.
 */
export function hookRunsOfScript(picture: RenewalPicture, scriptPath: string): { run: CertbotRun; hook: ShellWord; service: DeployedService }[] {
  const found: { run: CertbotRun; hook: ShellWord; service: DeployedService }[] = [];
  for (const run of picture.runs) {
    if (run.origin.kind !== 'service') continue;
    const { service } = run.origin;
    for (const hook of hooksOf(run)) {
      const program = parseShell(hook.value).commands[0]?.name;
      if (!program?.literal || !program.value.startsWith('/')) continue;
      const origin = service.view.origin(program.value);
      if (origin.kind === 'bind' && origin.hostPath === scriptPath) found.push({ run, hook, service });
    }
  }
  return found;
}

/**
 * Whether a script reloads nginx only when someone runs it to issue the first certificate: it
 * issues once, renews nothing itself, runs on no schedule, and the reload repeats in no loop.
 * A script that issues nothing may well be what a host crontab outside the repository runs.
 */
function reloadsOnlyOnce(picture: RenewalPicture, script: RepositoryScript, reload: NginxReload | { command: ShellCommand; restart: true }): boolean {
  const runs = picture.runs.filter((run) => run.origin.kind === 'script' && run.origin.script === script);
  if (!runs.some(issuesOnce) || runs.some(renews) || scriptsRunBy(picture.schedules, script)) return false;
  return repeatingLoop(reload.command.loops) === undefined;
}

/** Every command of the workspace that reloads (or restarts) nginx, and whether it can reach it. */
export function nginxReloadEvidence(deployment: Deployment, picture: RenewalPicture): ReloadEvidence[] {
  const evidence: ReloadEvidence[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      for (const reload of reloadsIn(service.command?.commands ?? [])) {
        evidence.push({ reload, reach: 'restart' in reload ? (hasDockerSocket(service) ? 'reaches' : 'no-docker-socket') : reachInContainer(reload, service) });
      }
    }
  }
  for (const script of deployment.scripts) {
    // a hook of a certbot service that names this script (mounted into it) runs it in that container
    const hooked = hookRunsOfScript(picture, script.path);
    // scripts in a renewal-hooks directory run inside the certbot container, like a --deploy-hook
    const inContainer = script.path.includes('/renewal-hooks/');
    for (const reload of reloadsIn(script.script.commands)) {
      if (hooked.length > 0) {
        for (const { run, hook, service } of hooked) evidence.push({ reload, reach: reachOf(reload, service), hook, run });
        continue;
      }
      // a script the Dockerfile of a service copies into its image (or the service bind-mounts) runs in that container
      const place = inContainer ? undefined : placeOfScript(deployment, script.path);
      if (place?.kind === 'service') {
        evidence.push({ reload, reach: reachOf(reload, place.service), script });
        continue;
      }
      const reach: ReloadReach = !inContainer || ('launcher' in reload && reload.launcher !== 'direct') ? 'reaches' : 'no-nginx-in-container';
      evidence.push({ reload, reach: reach === 'reaches' && !inContainer && reloadsOnlyOnce(picture, script, reload) ? 'once' : reach, script });
    }
  }
  for (const file of picture.schedules) for (const reload of reloadsIn(file.commands)) evidence.push({ reload, reach: 'reaches' });
  for (const run of picture.runs) {
    for (const hook of hooksOf(run)) {
      const commands = parseShell(hook.value).commands;
      for (const reload of reloadsIn(commands)) {
        const reach: ReloadReach = run.origin.kind === 'service' ? reachOf(reload, run.origin.service) : 'reaches';
        evidence.push({ reload, reach, hook, run });
      }
    }
  }
  return evidence;
}

/** Removes words from a script or cron line with the blanks before them; a line left empty goes too. */
function removeFromText(file: string, text: string, span: TextSpan): FileEdit {
  let start = span.start;
  let end = span.end;
  while (start > 0 && /[ \t]/.test(text[start - 1] as string)) start--;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIndex = text.indexOf('\n', end);
  const lineEnd = lineEndIndex < 0 ? text.length : lineEndIndex;
  if (/^[ \t]*\\?[ \t]*$/.test(text.slice(lineStart, start) + text.slice(end, lineEnd)) && lineEndIndex >= 0) {
    start = lineStart;
    end = lineEnd + 1;
  } else if (start === lineStart) {
    start = span.start;
    while (end < lineEnd && /[ \t]/.test(text[end] as string)) end++;
  }
  return { kind: 'replace', file, range: { start: positionAt(text, start), end: positionAt(text, end) }, newText: '' };
}

/** An edit that removes certbot words (an option, or an option and its value) from the command of a run. */
export function removeRunWords(run: CommandRun, first: ShellWord, last: ShellWord, texts: SourceTexts): FileEdit | undefined {
  const span = { start: first.span.start, end: last.span.end };
  switch (run.origin.kind) {
    case 'script':
      return removeFromText(run.origin.script.path, run.origin.script.text, span);
    case 'schedule':
      return removeFromText(run.origin.file.path, run.origin.file.text, span);
    case 'service': {
      const { project, service } = run.origin;
      const place = service.command ? placeOfWord(service.command, first) : undefined;
      return place ? removeCommandWords(texts, project.compose, service.compose, place, span) : undefined;
    }
  }
}

/**
 * An edit that replaces the text of a run's command from `first` to `last` (an empty span at the
 * end of `first` when `insert` is set) with `newText`; undefined when the compose value cannot take it exactly.
 */
export function replaceRunText(run: CommandRun, first: ShellWord, last: ShellWord, newText: string, texts: SourceTexts, insert = false): FileEdit | undefined {
  const span = insert ? { start: first.span.end, end: first.span.end } : { start: first.span.start, end: last.span.end };
  const file = run.origin.kind === 'script' ? run.origin.script : run.origin.kind === 'schedule' ? run.origin.file : undefined;
  if (file) return { kind: 'replace', file: file.path, range: { start: positionAt(file.text, span.start), end: positionAt(file.text, span.end) }, newText };
  if (run.origin.kind !== 'service') return undefined;
  const { project, service } = run.origin;
  const place = service.command ? placeOfWord(service.command, first) : undefined;
  return place ? replaceCommandText(texts, project.compose, service.compose, place, span, newText) : undefined;
}
