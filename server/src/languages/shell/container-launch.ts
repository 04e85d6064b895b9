import { splitComposeString } from './compose-words';
import type { ShellWord } from './shell-script';

/** How a script command reaches a program in a container. */
export type ContainerLauncher = 'direct' | 'docker-compose-run' | 'docker-run' | 'docker-compose-exec' | 'docker-exec' | 'docker-compose-kill' | 'docker-kill';

export interface ContainerLaunch {
  readonly launcher: ContainerLauncher;
  /** The compose service, container or image the launcher names. */
  readonly target?: ShellWord;
  /** `--entrypoint` of `run`, split into words as the launcher does. */
  readonly entrypoint?: readonly ShellWord[];
  /** The program and its arguments (for `kill`: none). */
  readonly argv: readonly ShellWord[];
  /** The launcher's own options, as written (`-s HUP` of `kill` lives here). */
  readonly options: readonly ShellWord[];
}

const dockerGlobalValueOptions = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const composeGlobalValueOptions = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--profile',
  '--env-file',
  '--project-directory',
  '--ansi',
  '--progress',
  '--parallel',
]);
const composeRunValueOptions = new Set([
  '-e',
  '--env',
  '--env-from-file',
  '-l',
  '--label',
  '--name',
  '-p',
  '--publish',
  '-u',
  '--user',
  '-v',
  '--volume',
  '-w',
  '--workdir',
  '--entrypoint',
  '--cap-add',
  '--cap-drop',
  '--pull',
]);
const composeExecValueOptions = new Set(['-e', '--env', '--index', '-u', '--user', '-w', '--workdir']);
const killValueOptions = new Set(['-s', '--signal']);
const dockerExecValueOptions = new Set(['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys']);
const dockerRunValueOptions = new Set([
  '-a',
  '--attach',
  '--add-host',
  '--annotation',
  '--blkio-weight',
  '--cgroup-parent',
  '--cgroupns',
  '--cidfile',
  '--cpu-period',
  '--cpu-quota',
  '--cpus',
  '--cpuset-cpus',
  '--cpuset-mems',
  '--cpu-shares',
  '-c',
  '--device',
  '--dns',
  '--dns-option',
  '--dns-search',
  '--domainname',
  '--entrypoint',
  '-e',
  '--env',
  '--env-file',
  '--expose',
  '--gpus',
  '--group-add',
  '--health-cmd',
  '--health-interval',
  '--health-retries',
  '--health-start-period',
  '--health-timeout',
  '-h',
  '--hostname',
  '--ip',
  '--ip6',
  '--ipc',
  '--isolation',
  '-l',
  '--label',
  '--label-file',
  '--link',
  '--log-driver',
  '--log-opt',
  '--mac-address',
  '-m',
  '--memory',
  '--memory-reservation',
  '--memory-swap',
  '--mount',
  '--name',
  '--network',
  '--net',
  '--network-alias',
  '--pid',
  '--pids-limit',
  '--platform',
  '-p',
  '--publish',
  '--pull',
  '--restart',
  '--runtime',
  '--security-opt',
  '--shm-size',
  '--stop-signal',
  '--stop-timeout',
  '--storage-opt',
  '--sysctl',
  '--tmpfs',
  '-u',
  '--user',
  '--ulimit',
  '--userns',
  '--uts',
  '-v',
  '--volume',
  '--volume-driver',
  '--volumes-from',
  '-w',
  '--workdir',
  '--detach-keys',
]);

/** Programs that run the rest of their arguments as a command. */
const wrapperValueOptions: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '--user', '-g', '--group', '-C', '-h', '-p', '-r', '-t', '-U']),
  env: new Set(['-u', '--unset', '-C', '--chdir', '-S']),
  nohup: new Set(),
  command: new Set(),
  time: new Set(['-f', '-o']),
  nice: new Set(['-n']),
};

export function basename(word: ShellWord): string {
  return word.value.slice(word.value.lastIndexOf('/') + 1);
}

/**
 * What program a command runs and where. Wrappers (`sudo`, `env`, `nohup`) are looked through;
 * words the shell would expand are taken as written.
 */
export function containerLaunch(words: readonly ShellWord[]): ContainerLaunch | undefined {
  let rest = skipWrappers(words);
  const program = rest[0];
  if (!program) return undefined;
  const name = basename(program);
  if (name === 'docker-compose') return composeLaunch(rest.slice(1));
  if (name !== 'docker') return { launcher: 'direct', argv: rest, options: [] };
  rest = skipOptions(rest.slice(1), dockerGlobalValueOptions).rest;
  let subcommand = rest[0]?.value;
  if (subcommand === 'compose') return composeLaunch(rest.slice(1));
  if (subcommand === 'container') {
    rest = rest.slice(1);
    subcommand = rest[0]?.value;
  }
  const launcher = subcommand === 'run' ? 'docker-run' : subcommand === 'exec' ? 'docker-exec' : subcommand === 'kill' ? 'docker-kill' : undefined;
  if (!launcher) return undefined;
  const valueOptions = launcher === 'docker-run' ? dockerRunValueOptions : launcher === 'docker-exec' ? dockerExecValueOptions : killValueOptions;
  const { options, rest: afterOptions } = skipOptions(rest.slice(1), valueOptions);
  return targetLaunch(launcher, options, afterOptions, false);
}

function composeLaunch(words: readonly ShellWord[]): ContainerLaunch | undefined {
  const rest = skipOptions(words, composeGlobalValueOptions).rest;
  const subcommand = rest[0]?.value;
  const launcher =
    subcommand === 'run' ? 'docker-compose-run' : subcommand === 'exec' ? 'docker-compose-exec' : subcommand === 'kill' ? 'docker-compose-kill' : undefined;
  if (!launcher) return undefined;
  const valueOptions =
    launcher === 'docker-compose-run' ? composeRunValueOptions : launcher === 'docker-compose-exec' ? composeExecValueOptions : killValueOptions;
  const { options, rest: afterOptions } = skipOptions(rest.slice(1), valueOptions);
  return targetLaunch(launcher, options, afterOptions, launcher === 'docker-compose-run');
}

const composeUpValueOptions = new Set(['--scale', '-t', '--timeout', '--exit-code-from', '--attach', '--no-attach', '--pull', '--wait-timeout']);

/** A `docker compose up [SERVICE…]` or `docker compose run SERVICE …` of a script: the services it starts. */
export interface ComposeStart {
  readonly subcommand: 'up' | 'run';
  /** The services named; for `up`, none means all of them. */
  readonly services: readonly ShellWord[];
  /** `--no-deps`: the services' `depends_on` are not started. */
  readonly noDependencies: boolean;
  /** compose's own options before the subcommand (`-f`, `-p`, `--profile`…), as written. */
  readonly globalOptions: readonly ShellWord[];
}

/** What `docker compose up` / `run` starts (compose's CLI, docker/compose cmd/compose/up.go and run.go); wrappers are looked through. */
export function composeStart(words: readonly ShellWord[]): ComposeStart | undefined {
  let rest = skipWrappers(words);
  const program = rest[0];
  if (!program) return undefined;
  const name = basename(program);
  if (name === 'docker') {
    rest = skipOptions(rest.slice(1), dockerGlobalValueOptions).rest;
    if (rest[0]?.value !== 'compose') return undefined;
  } else if (name !== 'docker-compose') return undefined;
  const global = skipOptions(rest.slice(1), composeGlobalValueOptions);
  const subcommand = global.rest[0]?.value;
  if (subcommand !== 'up' && subcommand !== 'run') return undefined;
  if (subcommand === 'run') {
    const { options, rest: afterOptions } = skipOptions(global.rest.slice(1), composeRunValueOptions);
    return {
      subcommand,
      services: afterOptions.slice(0, 1),
      noDependencies: options.some((option) => option.value === '--no-deps'),
      globalOptions: global.options,
    };
  }
  // `up` takes options between and after the services too (`up -d nginx --force-recreate`)
  const services: ShellWord[] = [];
  const options: ShellWord[] = [];
  let remaining = global.rest.slice(1);
  while (remaining.length > 0) {
    const skipped = skipOptions(remaining, composeUpValueOptions);
    options.push(...skipped.options);
    const service = skipped.rest[0];
    if (service === undefined) break;
    services.push(service);
    remaining = skipped.rest.slice(1);
  }
  return { subcommand, services, noDependencies: options.some((option) => option.value === '--no-deps'), globalOptions: global.options };
}

/**
 * The `-v SOURCE:TARGET[:MODE]` / `--volume=…` words of a launcher's options: the value word after
 * `-v`, or the option word itself when the value is attached (`-v/src:/dst`, `--volume=/src:/dst`).
 */
export function volumeOptions(options: readonly ShellWord[]): ShellWord[] {
  return options.flatMap((option, index) => {
    if (option.value === '-v' || option.value === '--volume') {
      const value = options[index + 1];
      return value ? [value] : [];
    }
    return option.value.startsWith('--volume=') || (option.value.startsWith('-v') && option.value.length > 2) ? [option] : [];
  });
}

function targetLaunch(launcher: ContainerLauncher, options: readonly ShellWord[], rest: readonly ShellWord[], splitEntrypoint: boolean): ContainerLaunch {
  const target = rest[0];
  const entrypointValue = optionValue(options, '--entrypoint');
  const entrypoint = entrypointValue ? (splitEntrypoint ? splitWord(entrypointValue) : [entrypointValue]) : undefined;
  return {
    launcher,
    ...(target ? { target } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    argv: launcher.endsWith('kill') ? [] : rest.slice(1),
    options,
  };
}

/** The value of a launcher option, in `--name value` or `--name=value` form; the last one wins. */
export function optionValue(options: readonly ShellWord[], name: string, shortName?: string): ShellWord | undefined {
  let value: ShellWord | undefined;
  options.forEach((option, index) => {
    if (option.value === name || option.value === shortName) value = options[index + 1] ?? value;
    else if (option.value.startsWith(`${name}=`)) value = sliceValue(option, name.length + 1);
  });
  return value;
}

function sliceValue(word: ShellWord, start: number): ShellWord {
  const offsets = word.offsets.slice(start);
  return { value: word.value.slice(start), literal: word.literal, span: { start: offsets[0] ?? word.span.end, end: word.span.end }, offsets };
}

/**
 * `docker compose run --entrypoint "certbot certonly …"` splits the string like the compose file's
 * string form. Parts holding a parameter the script expands stay non-literal.
 */
function splitWord(word: ShellWord): ShellWord[] {
  const split = splitComposeString({ text: word.value, offsets: word.offsets, opaque: new Array<boolean>(word.value.length).fill(false) });
  return split.words.map((part) => ({
    value: part.value,
    literal: word.literal || !/[$`]/.test(part.value),
    span: part.span,
    offsets: part.offsets,
  }));
}

function skipWrappers(words: readonly ShellWord[]): readonly ShellWord[] {
  let rest = words;
  for (;;) {
    const program = rest[0];
    const valueOptions = program?.literal ? wrapperValueOptions[basename(program)] : undefined;
    if (!program || !valueOptions) return rest;
    rest = skipOptions(rest.slice(1), valueOptions).rest;
    if (basename(program) === 'env') while (rest[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0].value)) rest = rest.slice(1);
  }
}

/** Leading options (and the values of those that take one) up to the first operand or `--`. */
function skipOptions(words: readonly ShellWord[], valueOptions: ReadonlySet<string>): { options: ShellWord[]; rest: readonly ShellWord[] } {
  const options: ShellWord[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index] as ShellWord;
    if (word.value === '--') return { options, rest: words.slice(index + 1) };
    if (!word.value.startsWith('-') || word.value === '-') break;
    options.push(word);
    index++;
    if (word.value.includes('=')) continue;
    // A cluster of short flags (`-it`, `-dp 80:80`) takes a value when its last letter does.
    const lastFlag = word.value.startsWith('--') ? word.value : `-${word.value.slice(-1)}`;
    if (valueOptions.has(lastFlag) && index < words.length) options.push(words[index++] as ShellWord);
  }
  return { options, rest: words.slice(index) };
}
