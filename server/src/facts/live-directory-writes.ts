/**
 * What a script or a service command writes into certbot's `live/<name>/` before the `certbot
 * certonly` (or `run`) that creates the lineage `<name>`.
 *
 * From certbot's source (github.com/certbot/certbot, certbot/src/certbot/_internal):
 * - client.py, Client.obtain_and_enroll_certificate: certbot first obtains the certificate from
 *   the CA (obtain_certificate), then files it with storage.RenewableCert.new_lineage.
 * - storage.py, RenewableCert.new_lineage: util.unique_lineage_name creates
 *   `renewal/<name>.conf` (or `<name>-0001.conf` when that file exists); then, when
 *   `live/<name>` exists and is not an empty directory, it raises
 *   CertStorageError("live directory exists for <name>") and writes nothing else. The renewal file
 *   stays behind empty, so the next run picks `<name>-0001`. An empty directory
 *   (`mkdir -p live/<name>`) is accepted.
 *
 * Order is only read where the text tells it: one script (or one compose command) at a time,
 * steps before the certonly in the same function, and only those that certainly ran whenever the
 * certonly runs. A removal that may run before it (`rm -rf …/live/<name>`, in any branch or
 * function) clears what was written, as init-letsencrypt.sh removes its dummy certificate.
 */
import { posix } from 'node:path';
import { certbotDomainName, type CertbotInvocation, findCertbotInvocations } from '../languages/shell/certbot-invocation';
import { basename, type ContainerLaunch, containerLaunch, volumeOptions } from '../languages/shell/container-launch';
import { resolveScriptText, resolveWrittenPath, type ScriptVariable, scriptVariables, workingDirectoryAt } from '../languages/shell/dummy-certificate-script';
import { type CommandSource, ranBefore, reachedOnEveryTurn, runsUnconditionally, stopsScript } from '../languages/shell/command-order';
import { fileOperands, removesVolumes } from '../languages/shell/file-operands';
import { parseShell } from '../languages/shell/shell-parser';
import type { ShellAssignment, ShellCommand, ShellLoop, ShellWord } from '../languages/shell/shell-script';
import { isWithin } from '../model/container-view';
import { certbotConfigDirectory, type DeployedProject, type DeployedService, type Deployment, type RepositoryScript } from '../model/deployment';
import { isCertbotImage } from '../model/image-kinds';
import { obtainsCertificate } from './certbot-directories';
import type { CertbotRun } from './certbot-runs';
import { hostPathsWritten } from './first-boot-failures';

/** Where a path lies: on the host (the paths a relative one may be), in a named volume, or in one container's own file system. */
type Place =
  | { readonly kind: 'host'; readonly paths: readonly string[] }
  | { readonly kind: 'volume'; readonly volume: string; readonly path: string }
  | { readonly kind: 'container'; readonly container: object; readonly path: string };

/** Where a path named by a command lies; undefined when certboot cannot tell. */
type Runner = (path: string) => Place | undefined;

type Effect =
  | { readonly kind: 'directory'; readonly place: Place }
  | { readonly kind: 'write'; readonly word: ShellWord; readonly path: string; readonly place: Place }
  /** `anything`: it may remove any file (a path certboot cannot read, `certbot delete`, `docker volume rm`). */
  | { readonly kind: 'removal'; readonly place: Place | 'anything' };

/** The commands of one script or compose command, in source order, and how to read them. */
interface CommandList extends CommandSource {
  readonly loops: readonly ShellLoop[];
  readonly variables: ReadonlyMap<string, ScriptVariable>;
  /** How a command of the list reaches the files it names; undefined when certboot cannot tell. */
  readonly runnerOf: (command: ShellCommand, launch: ContainerLaunch) => Runner | undefined;
  /** The compose service a `docker compose run/exec` or `docker exec` of the list means. */
  readonly serviceOf: (launch: ContainerLaunch) => DeployedService | undefined;
}

export interface LiveDirectoryWrite {
  /** The first run that creates the lineage. */
  readonly run: CertbotRun;
  readonly lineage: string;
  /** The lineage's live directory as certbot sees it: `/etc/letsencrypt/live/example.org`. */
  readonly liveDirectory: string;
  /** The word naming the written path (in the script, or in the compose command). */
  readonly word: ShellWord;
  /** The written path as the writing command names it, variables resolved. */
  readonly path: string;
  /** The same file as certbot sees it. */
  readonly pathInCertbot: string;
}

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** Every run that creates a lineage after a step of its own script (or compose command) has written into that lineage's live directory. */
export function liveDirectoryWrites(deployment: Deployment, runs: readonly CertbotRun[]): LiveDirectoryWrite[] {
  const found: LiveDirectoryWrite[] = [];
  for (const run of runs) {
    if (!obtainsCertificate(run.invocation)) continue;
    const list = commandListOf(deployment, run);
    const write = list && writeBefore(list, run);
    if (write) found.push(write);
  }
  return found;
}

function commandListOf(deployment: Deployment, run: CertbotRun): CommandList | undefined {
  if (run.origin.kind === 'script') {
    const script = run.origin.script;
    const variables = scriptVariables(script.script.assignments);
    return {
      commands: script.script.commands,
      assignments: script.script.assignments,
      loops: script.script.loops,
      variables,
      textBetween: (start, end) => script.text.slice(start, end),
      runnerOf: (command, launch) => scriptRunner(deployment, script, command, launch, variables),
      serviceOf: (launch) => launchedService(deployment, script, launch)?.service,
    };
  }
  if (run.origin.kind === 'service') {
    const { project, service } = run.origin;
    const command = service.command;
    const image = service.compose.image?.value;
    // certbot's image hands `command:` to certbot itself: no shell runs it
    if (!command || (command.imageEntrypoint && image !== undefined && isCertbotImage(image))) return undefined;
    // the body's characters by the offsets its spans count in (the compose string, after interpolation)
    const characters = new Map<number, string>();
    const body = command.shell?.body;
    if (body) for (let index = 0; index < body.value.length; index++) characters.set(body.offsets[index] as number, body.value[index] as string);
    const assignments = command.shell?.script.assignments ?? [];
    return {
      commands: command.commands,
      assignments,
      loops: command.shell?.script.loops ?? [],
      variables: scriptVariables(assignments),
      textBetween: (start, end) => {
        let text = '';
        for (let offset = start; offset < end; offset++) text += characters.get(offset) ?? '';
        return text;
      },
      // the commands run in the service's own container
      runnerOf: (_command, launch) => (launch.launcher === 'direct' ? serviceRunner(project, service, service) : undefined),
      serviceOf: () => undefined,
    };
  }
  return undefined;
}

/** The first write into the run's live directory that certainly happened before it, and that nothing may have removed since. */
function writeBefore(list: CommandList, run: CertbotRun): LiveDirectoryWrite | undefined {
  const certonly = run.invocation.command;
  const launch = launchOf(certonly);
  const lineage = lineageOf(run.invocation, list);
  const configDirectory = configDirectoryOf(run.invocation, list.variables);
  const runner = launch && list.runnerOf(certonly, launch);
  if (!launch || lineage === undefined || configDirectory === undefined || !runner || !list.commands.includes(certonly)) return undefined;
  if (!certbotRunsAsWritten(list, launch) || !reachedOnEveryTurn(certonly)) return undefined;
  const liveDirectory = posix.join(configDirectory, 'live', lineage);
  const live = runner(liveDirectory);
  if (!live) return undefined;

  let writes: { effect: Extract<Effect, { kind: 'write' }>; relative: string }[] = [];
  // a file can only be written into a directory that exists: on a new server, one the script made
  let directories: { place: Place; command: ShellCommand }[] = [];
  const laterRemovals: Extract<Effect, { kind: 'removal' }>[] = [];
  for (const command of list.commands) {
    if (command === certonly) continue;
    const sameScope = command.functionName === certonly.functionName && !command.background;
    const before = command.span.end <= certonly.span.start;
    if (sameScope && !before) continue;
    // another run that may create the same lineage first would meet the directory instead
    const other = findCertbotInvocations([command])[0];
    if (other && obtainsCertificate(other)) {
      const name = lineageOf(other, list);
      if (name === undefined || name === lineage) return undefined;
    }
    if (sameScope && stopsScript(command) && !command.conditional && command.loops.every((loop) => certonly.loops.includes(loop))) return undefined;
    const effects = effectsOf(list, command);
    if (!sameScope) {
      // a function or a background job may run at any time before the certonly: only its removals count
      for (const effect of effects) if (effect.kind === 'removal') laterRemovals.push(effect);
      continue;
    }
    for (const effect of effects) {
      if (effect.kind === 'removal') {
        writes = writes.filter((write) => !mayRemove(effect.place, write.effect.place));
        directories = directories.filter((directory) => !mayRemove(effect.place, directory.place));
      } else if (effect.kind === 'directory') directories.push({ place: effect.place, command });
      else {
        const relative = placeWithin(effect.place, live);
        const parent = parentOf(effect.place);
        const made = directories.some(
          (directory) => placeWithin(directory.place, parent) !== undefined && (directory.command === command || ranBefore(list, directory.command, command)),
        );
        if (relative !== undefined && made && ranBefore(list, command, certonly)) writes.push({ effect, relative });
      }
    }
  }
  for (const removal of laterRemovals) writes = writes.filter((write) => !mayRemove(removal.place, write.effect.place));
  const first = writes[0];
  if (!first) return undefined;
  return {
    run,
    lineage,
    liveDirectory,
    word: first.effect.word,
    path: first.effect.path,
    pathInCertbot: first.relative === '' ? liveDirectory : posix.join(liveDirectory, first.relative),
  };
}

function launchOf(command: ShellCommand): ContainerLaunch | undefined {
  return command.name ? containerLaunch([command.name, ...command.arguments]) : undefined;
}

/** A word's value with the list's variables substituted (`$PWD/x` read as `./x`); undefined when something else would be expanded. */
function resolved(word: ShellWord, variables: ReadonlyMap<string, ScriptVariable>): string | undefined {
  return word.literal ? word.value : resolveWrittenPath(word, variables);
}

/**
 * The lineage certbot names after `--cert-name`, else the first domain (lowercase, no trailing dot,
 * a wildcard's `*.` dropped: client.py _choose_lineagename). Undefined when it cannot be resolved,
 * or words the shell expands may change it (see domainsOfExpansions).
 */
function lineageOf(invocation: CertbotInvocation, list: CommandList): string | undefined {
  const expanded = domainsOfExpansions(list, invocation.dynamicArguments);
  if (expanded === undefined) return undefined;
  if (invocation.certName) {
    const name = resolveScriptText(invocation.certName, list.variables);
    return name === undefined || name === '' || name.includes('/') ? undefined : name;
  }
  const written = invocation.domains.map((domain) => ({ at: domain.name.span.start, name: resolveScriptText(domain.name, list.variables) }));
  const first = [...written, ...expanded].sort((a, b) => a.at - b.at)[0];
  const domain = first?.name === undefined ? undefined : certbotDomainName(first.name.split(',')[0]?.trim() ?? '');
  if (domain === undefined || domain === '' || /[\s/$]/.test(domain)) return undefined;
  return domain.startsWith('*.') ? domain.slice(2) : domain;
}

/** certbot options that choose the lineage, or whether a run creates one. */
const lineageOptions = /^(-[a-zA-Z]*[dc][a-zA-Z]*|--domains?|--cert-name|--dry-run|--config|--config-dir|--csr)(=|$)/;

/**
 * The domains that words the shell expands in a certbot command add (`$domain_args`), with where
 * they stand; undefined when they may add anything else that names the lineage. Read from the
 * script's assignments: a variable set only to options that name no lineage (`staging_arg=--staging`,
 * `email_arg="--email $email"`, in any branch) adds none; init-letsencrypt.sh's
 * `domain_args=""; for domain in "${domains[@]}"; do domain_args="$domain_args -d $domain"; done`
 * adds `-d` for each element of the array.
 */
function domainsOfExpansions(list: CommandList, words: readonly ShellWord[]): { at: number; name: string }[] | undefined {
  const found: { at: number; name: string }[] = [];
  for (const word of words) {
    const variable = /^\$(?:\{(\w+)\}|(\w+))$/.exec(word.value);
    const name = variable?.[1] ?? variable?.[2];
    const assignments = list.assignments.filter((assignment) => assignment.name === name && !assignment.prefix);
    if (name === undefined || assignments.length === 0) return undefined;
    const looped = domainLoop(list, name, assignments);
    if (looped) found.push(...looped.map((domain) => ({ at: word.span.start, name: domain })));
    else if (!assignments.every((assignment) => !assignment.elements && namesNoLineage(assignment.value?.value ?? ''))) return undefined;
  }
  return found;
}

/** Whether a variable's value, split into words, holds options that leave the lineage alone; an expansion only as an option's value. */
function namesNoLineage(value: string): boolean {
  const words = value.split(/\s+/).filter((word) => word !== '');
  return words.every((word, index) => (word.startsWith('-') ? !lineageOptions.test(word) : !word.includes('$') || words[index - 1]?.startsWith('-') === true));
}

/** The elements of ARRAY, for `NAME=""` and then `NAME="$NAME -d $item"` in `for item in "${ARRAY[@]}"`. */
function domainLoop(list: CommandList, name: string, assignments: readonly ShellAssignment[]): string[] | undefined {
  const [initial, appended] = assignments;
  if (assignments.length !== 2 || !initial || !appended || initial.conditional || (initial.value?.value ?? '') !== '') return undefined;
  const added = new RegExp(`^\\$\\{?${name}\\}?\\s+(?:-d|--domains?)\\s+\\$\\{?(\\w+)\\}?$`).exec(appended.value?.value ?? '');
  const loop = list.loops.find((candidate) => candidate.perWord && candidate.span.start < appended.span.start && appended.span.end <= candidate.span.end);
  const header = loop && /^for\s+(\w+)\s+in\s+"?\$\{(\w+)\[@\]\}"?\s*;?\s*do\b/.exec(list.textBetween(loop.span.start, loop.span.end));
  const array = header && list.variables.get(header[2] as string);
  if (!added || !header || header[1] !== added[1] || initial.span.end > loop.span.start || !array?.literal || array.values.length === 0) return undefined;
  return [...array.values];
}

/** `--config-dir`, else certbot's default; undefined when a configuration file (`-c`) may set it. */
function configDirectoryOf(invocation: CertbotInvocation, variables: ReadonlyMap<string, ScriptVariable>): string | undefined {
  if (invocation.options.some((option) => option.name === '--config')) return undefined;
  const option = [...invocation.options].reverse().find((candidate) => candidate.name === '--config-dir');
  if (!option) return certbotConfigDirectory;
  const value = option.value && resolveScriptText(option.value, variables);
  return value?.startsWith('/') ? posix.normalize(value) : undefined;
}

/**
 * `docker compose run SERVICE certonly …` hands its words to the service's entrypoint: certbot's
 * image runs certbot, but an `entrypoint:` of the compose file (a renewal loop) runs instead.
 */
function certbotRunsAsWritten(list: CommandList, launch: ContainerLaunch): boolean {
  if (launch.launcher !== 'docker-compose-run' || launch.entrypoint) return true;
  const service = list.serviceOf(launch);
  return service !== undefined && service.compose.entrypoint === undefined;
}

/** What a command writes and removes, in order, with the places its paths lie in. */
function effectsOf(list: CommandList, command: ShellCommand): Effect[] {
  if (!command.name) return [];
  const words = [command.name, ...command.arguments];
  if (removesVolumes(words)) return [{ kind: 'removal', place: 'anything' }];
  const launch = containerLaunch(words);
  if (!launch) return [];
  // `docker compose run SERVICE rm …` without --entrypoint may run something else: it may remove, but writes nothing certain
  const runner = startsAsWritten(list, launch) ? list.runnerOf(command, launch) : undefined;
  return programEffects([...(launch.entrypoint ?? []), ...launch.argv], { variables: list.variables, runner, textBetween: list.textBetween, depth: 0 });
}

/**
 * Whether `docker compose run SERVICE PROGRAM …` runs PROGRAM: not when the compose file gives the
 * service an `entrypoint:`, nor in a certbot image, whose entrypoint is certbot.
 */
function startsAsWritten(list: CommandList, launch: ContainerLaunch): boolean {
  if (launch.launcher !== 'docker-compose-run' || launch.entrypoint) return true;
  const service = list.serviceOf(launch);
  const image = service?.compose.image?.value;
  return service !== undefined && service.compose.entrypoint === undefined && !(image !== undefined && isCertbotImage(image));
}

/** How the words of a command are read: the variables they may name, where its paths lie, the text its spans count in. */
interface Reading {
  readonly variables: ReadonlyMap<string, ScriptVariable>;
  readonly runner: Runner | undefined;
  readonly textBetween: (start: number, end: number) => string;
  readonly depth: number;
}

function programEffects(argv: readonly ShellWord[], reading: Reading): Effect[] {
  const [program, ...args] = argv;
  if (!program?.literal) return [];
  const name = basename(program);
  if (shells.has(name)) return shellEffects(args, reading);
  const { directories, written, removed, anything } = fileOperands(name, args);
  const effects: Effect[] = [];
  const placeOf = (word: ShellWord): { path: string; place: Place } | undefined => {
    const path = resolved(word, reading.variables);
    const place = path === undefined || /[*?[~]/.test(path) ? undefined : reading.runner?.(path);
    return path !== undefined && place ? { path, place } : undefined;
  };
  if (anything) effects.push({ kind: 'removal', place: 'anything' });
  for (const word of removed) effects.push({ kind: 'removal', place: removedPlace(word, reading) });
  for (const word of directories) {
    const found = placeOf(word);
    if (found) effects.push({ kind: 'directory', place: found.place });
  }
  for (const word of written) {
    const found = placeOf(word);
    if (found) effects.push({ kind: 'write', word, ...found });
  }
  return effects;
}

/** `sh -c BODY`: the body's commands; those that may not run make and write nothing certain, but may remove. */
function shellEffects(args: readonly ShellWord[], reading: Reading): Effect[] {
  const flag = args.findIndex((word) => /^-[a-z]*c[a-z]*$/.test(word.value));
  const body = flag >= 0 ? args[flag + 1] : undefined;
  if (!body || reading.depth > 2) return [];
  // a body the script expands ("…$path…") is read with the script's variables; a literal one with its own
  const text = body.literal ? body.value : resolveScriptText(body, reading.variables);
  if (text === undefined) return [{ kind: 'removal', place: 'anything' }];
  const script = parseShell(text, body.literal ? { sourceOffsets: body.offsets } : {});
  const inner: Reading = {
    variables: scriptVariables(script.assignments),
    runner: reading.runner,
    textBetween: body.literal ? reading.textBetween : (start, end) => text.slice(start, end),
    depth: reading.depth + 1,
  };
  const source: CommandSource = { commands: script.commands, assignments: script.assignments, textBetween: inner.textBetween };
  return script.commands.flatMap((command) => {
    if (!command.name) return [];
    // words parsed from an expanded body have no place in the file: the body stands for them
    const place = (word: ShellWord): ShellWord => (body.literal ? word : { ...word, span: body.span, offsets: body.offsets });
    const effects = programEffects([command.name, ...command.arguments].map(place), inner);
    return runsUnconditionally(source, command) ? effects : effects.filter((effect) => effect.kind === 'removal');
  });
}

/** Where a removal may reach: the directory before the first part certboot cannot read (`live/*` → `live`). */
function removedPlace(word: ShellWord, reading: Reading): Place | 'anything' {
  const text = resolved(word, reading.variables) ?? word.value;
  const cut = text.search(/[$`*?[{~]/);
  const known = cut < 0 ? text : text.slice(0, text.lastIndexOf('/', cut));
  const directory = known.replace(/(.)\/+$/, '$1');
  if (directory === '' || (cut === 0 && !text.startsWith('/'))) return 'anything';
  return reading.runner?.(directory) ?? 'anything';
}

function sameStorage(a: Place, b: Place): [readonly string[], readonly string[]] | undefined {
  if (a.kind === 'host' && b.kind === 'host') return [a.paths, b.paths];
  if (a.kind === 'volume' && b.kind === 'volume' && a.volume === b.volume) return [[a.path], [b.path]];
  if (a.kind === 'container' && b.kind === 'container' && a.container === b.container) return [[a.path], [b.path]];
  return undefined;
}

/** Where `place` lies below `directory`, as a relative path (`''` for the directory itself); undefined when it does not. */
function placeWithin(place: Place, directory: Place): string | undefined {
  const storage = sameStorage(place, directory);
  if (!storage) return undefined;
  for (const path of storage[0]) for (const base of storage[1]) if (isWithin(path, base)) return posix.relative(base, path);
  return undefined;
}

/** The directory a file is written into. */
function parentOf(place: Place): Place {
  return place.kind === 'host' ? { ...place, paths: place.paths.map((path) => posix.dirname(path)) } : { ...place, path: posix.dirname(place.path) };
}

function mayRemove(removal: Place | 'anything', written: Place): boolean {
  return removal === 'anything' || placeWithin(written, removal) !== undefined;
}

/** The place of a path on the host, for a command a script runs there: a relative path is read from where the script stands. */
function hostRunner(script: RepositoryScript, command: ShellCommand): Runner {
  const directory = workingDirectoryAt(script.script.commands, command);
  return (path) => {
    if (path.startsWith('~')) return undefined;
    const paths = hostPathsWritten(script, directory, path);
    return paths.length > 0 ? { kind: 'host', paths: paths.map((candidate) => posix.normalize(candidate)) } : undefined;
  };
}

/** The place of a path in a container of a compose service: through its mounts, else the container's own. */
function serviceRunner(project: DeployedProject, service: DeployedService, container: object): Runner {
  return (path) => {
    if (!path.startsWith('/')) return undefined;
    const normalized = posix.normalize(path);
    if (!service.compose.volumes.some((mount) => mount.target !== undefined && isWithin(normalized, mount.target))) {
      return { kind: 'container', container, path: normalized };
    }
    const origin = service.view.origin(normalized);
    switch (origin.kind) {
      case 'bind':
        return { kind: 'host', paths: [origin.hostPath] };
      case 'volume':
        return origin.volumeName === undefined
          ? { kind: 'container', container, path: normalized }
          : { kind: 'volume', volume: `compose\0${project.compose.directory}\0${origin.volumeName}`, path: posix.join('/', origin.relativePath) };
      case 'tmpfs':
        return { kind: 'container', container, path: normalized };
      default:
        return undefined;
    }
  };
}

/**
 * The compose service a script's `docker compose run/exec SERVICE` means (in the script's project:
 * the directory it sits in, or one above or below), or the one whose `container_name` a `docker
 * exec` names; undefined when none or several do.
 */
function launchedService(
  deployment: Deployment,
  script: RepositoryScript,
  launch: ContainerLaunch,
): { project: DeployedProject; service: DeployedService } | undefined {
  const target = launch.target;
  if (!target?.literal || (launch.launcher !== 'docker-compose-run' && launch.launcher !== 'docker-compose-exec' && launch.launcher !== 'docker-exec'))
    return undefined;
  const directory = posix.dirname(script.path);
  const matches = deployment.projects.flatMap((project) =>
    project.services
      .filter((service) => isWithin(directory, service.projectDirectory) || isWithin(service.projectDirectory, directory))
      .filter((service) => (launch.launcher === 'docker-exec' ? service.compose.containerName?.value === target.value : service.name === target.value))
      .map((service) => ({ project, service })),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** A `docker run` of a script: its `-v` mounts, else the container's own file system. */
function dockerRunRunner(
  script: RepositoryScript,
  command: ShellCommand,
  launch: ContainerLaunch,
  variables: ReadonlyMap<string, ScriptVariable>,
): Runner | undefined {
  if (launch.options.some((option) => /^--(mount|volumes-from)(=|$)/.test(option.value))) return undefined;
  const host = hostRunner(script, command);
  const mounts = volumeOptions(launch.options).map((word) => {
    const text = resolved({ ...word, value: word.value.replace(/^(--volume=|-v)/, '') }, variables);
    const [source, target] = text?.split(':') ?? [];
    return { source: source === '' ? undefined : source, target: target?.startsWith('/') ? posix.normalize(target) : undefined };
  });
  if (mounts.some((mount) => mount.target === undefined)) return undefined;
  return (path) => {
    if (!path.startsWith('/')) return undefined;
    const normalized = posix.normalize(path);
    const mount = mounts
      .filter((candidate) => isWithin(normalized, candidate.target as string))
      .sort((a, b) => (b.target as string).length - (a.target as string).length)[0];
    if (!mount) return { kind: 'container', container: command, path: normalized };
    const below = posix.relative(mount.target as string, normalized);
    if (mount.source === undefined) return undefined;
    if (mount.source.startsWith('/') || mount.source.startsWith('.')) return host(posix.join(mount.source, below));
    return { kind: 'volume', volume: `docker\0${mount.source}`, path: posix.join('/', below) };
  };
}

/**
 * How a script command reaches the files it names: on the host, in a `docker run` container, or
 * in the container of a compose service (a new one for each `run`, the running one for `exec`).
 * `docker compose run SERVICE …` with extra `-v` mounts is not read.
 */
function scriptRunner(
  deployment: Deployment,
  script: RepositoryScript,
  command: ShellCommand,
  launch: ContainerLaunch,
  variables: ReadonlyMap<string, ScriptVariable>,
): Runner | undefined {
  switch (launch.launcher) {
    case 'direct':
      return hostRunner(script, command);
    case 'docker-run':
      return dockerRunRunner(script, command, launch, variables);
    case 'docker-compose-run':
    case 'docker-compose-exec':
    case 'docker-exec': {
      const launched = launchedService(deployment, script, launch);
      if (!launched || volumeOptions(launch.options).length > 0) return undefined;
      return serviceRunner(launched.project, launched.service, launch.launcher === 'docker-compose-run' ? command : launched.service);
    }
    default:
      return undefined;
  }
}
