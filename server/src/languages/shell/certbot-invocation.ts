import { basename, containerLaunch, optionValue, type ContainerLauncher, type ContainerLaunch } from './container-launch';
import type { ShellCommand, ShellWord } from './shell-script';
import { sliceWord } from './shell-word';
import { parseImageReference } from '../dockerfile/image-reference';

export interface CertbotOption {
  /** Canonical long spelling, e.g. `--webroot-path` for `-w`. */
  readonly name: string;
  /** The option as written: `-w`, `--webroot-path=/x`, `-dexample.com`. */
  readonly word: ShellWord;
  /** Its value: the next word, or the part after `=` / after the short letter. */
  readonly value?: ShellWord;
}

export interface CertbotDomain {
  readonly name: ShellWord;
  /**
   * The webroot certbot uses for it: the last `-w` before it, else the last `-w` of the command
   * (certbot's webroot plugin gives unmapped domains the last path).
   */
  readonly webrootPath?: ShellWord;
}

export interface CertbotInvocation {
  readonly command: ShellCommand;
  readonly launcher: ContainerLauncher;
  /** The compose service, container or image of a docker launcher. */
  readonly target?: ShellWord;
  /** `run` when none is given (certbot's default); `everything` is read as `run`. */
  readonly subcommand: string;
  readonly subcommandWord?: ShellWord;
  /** Every certbot option, in order. */
  readonly options: readonly CertbotOption[];
  /** Words the shell expands (`$staging_arg`) that could turn into options nobody can see here. */
  readonly dynamicArguments: readonly ShellWord[];
  /** The authenticator plugin, from `--webroot`, `--standalone`, `--nginx`, `-a NAME`, …; the last wins. */
  readonly authenticator?: { readonly name: string; readonly option: CertbotOption };
  readonly webrootPaths: readonly ShellWord[];
  readonly domains: readonly CertbotDomain[];
  readonly certName?: ShellWord;
  readonly email?: ShellWord;
  readonly server?: ShellWord;
  readonly rsaKeySize?: ShellWord;
  readonly keyType?: ShellWord;
  readonly deployHooks: readonly ShellWord[];
  readonly preHooks: readonly ShellWord[];
  readonly postHooks: readonly ShellWord[];
  /** `--staging` / `--test-cert` */
  readonly staging?: CertbotOption;
  /** `--force-renewal` / `--renew-by-default` */
  readonly forceRenewal?: CertbotOption;
  readonly dryRun?: CertbotOption;
  readonly agreeTos?: CertbotOption;
  /** `--non-interactive` / `-n` */
  readonly nonInteractive?: CertbotOption;
  readonly keepUntilExpiring?: CertbotOption;
  readonly expand?: CertbotOption;
}

/**
 * certbot answers its challenge without a web server in front: a DNS plugin (`--dns-cloudflare`,
 * `-a dns-route53`), `--standalone` (its own server on the port) or `--manual`. False for
 * `--webroot`, `--nginx`, and a run that names no authenticator (`certbot renew` takes the one
 * stored with each certificate).
 */
export function challengeWithoutWebServer(invocation: CertbotInvocation): boolean {
  const name = invocation.authenticator?.name;
  return name !== undefined && (name === 'standalone' || name === 'manual' || name.startsWith('dns-'));
}

export interface NginxReload {
  readonly command: ShellCommand;
  readonly launcher: ContainerLauncher;
  /** The compose service or container of a docker launcher. */
  readonly target?: ShellWord;
}

const verbs = new Set([
  'run',
  'everything',
  'certonly',
  'renew',
  'enhance',
  'certificates',
  'delete',
  'revoke',
  'register',
  'update_account',
  'unregister',
  'reconfigure',
  'install',
  'rollback',
  'plugins',
  'update_symlinks',
  'show_account',
]);

/** Spellings certbot accepts → canonical name and whether a value follows. */
const optionTable: ReadonlyMap<string, { readonly name: string; readonly takesValue: boolean }> = new Map(
  (
    [
      ['--domains', true, '-d', '--domain'],
      ['--webroot-path', true, '-w'],
      ['--email', true, '-m'],
      ['--authenticator', true, '-a'],
      ['--installer', true, '-i'],
      ['--config', true, '-c'],
      ['--non-interactive', false, '-n', '--noninteractive'],
      ['--quiet', false, '-q'],
      ['--verbose', false, '-v'],
      ['--text', false, '-t'],
      ['--cert-name', true],
      ['--server', true],
      ['--deploy-hook', true, '--renew-hook'],
      ['--pre-hook', true],
      ['--post-hook', true],
      ['--rsa-key-size', true],
      ['--key-type', true],
      ['--elliptic-curve', true],
      ['--preferred-chain', true],
      ['--preferred-challenges', true],
      ['--config-dir', true],
      ['--work-dir', true],
      ['--logs-dir', true],
      ['--http-01-port', true],
      ['--http-01-address', true],
      ['--https-port', true],
      ['--webroot-map', true],
      ['--csr', true],
      ['--cert-path', true],
      ['--key-path', true],
      ['--fullchain-path', true],
      ['--chain-path', true],
      ['--eab-kid', true],
      ['--eab-hmac-key', true],
      ['--user-agent', true],
      ['--manual-auth-hook', true],
      ['--manual-cleanup-hook', true],
      ['--issuance-timeout', true],
      ['--max-log-backups', true],
      ['--reason', true],
      ['--account', true],
      ['--staging', false, '--test-cert'],
      ['--force-renewal', false, '--renew-by-default'],
    ] as const
  ).flatMap(([name, takesValue, ...aliases]) => [name, ...aliases].map((spelling) => [spelling, { name, takesValue }] as const)),
);

/** Flags that select an authenticator plugin by themselves. */
const authenticatorFlags = new Set(['--webroot', '--standalone', '--nginx', '--apache', '--manual']);

/** Every certbot run among the commands, direct or through `docker (compose) run/exec`. */
export function findCertbotInvocations(commands: readonly ShellCommand[]): CertbotInvocation[] {
  const invocations: CertbotInvocation[] = [];
  for (const command of commands) {
    const launch = launchOf(command);
    const certbotArguments = launch && certbotArgumentsOf(launch);
    if (launch && certbotArguments) invocations.push(readCertbotArguments(certbotArguments, command, launch.launcher, launch.target));
  }
  return invocations;
}

function launchOf(command: ShellCommand): ContainerLaunch | undefined {
  return command.name ? containerLaunch([command.name, ...command.arguments]) : undefined;
}

function isCertbot(word: ShellWord | undefined): boolean {
  return word?.literal === true && ['certbot', 'certbot-auto', 'letsencrypt'].includes(basename(word));
}

/** The image's repository is `certbot/…` (any registry, any tag): its entrypoint is certbot. */
function isCertbotImage(word: ShellWord | undefined): boolean {
  if (word === undefined) return false;
  // a registry of its own (a mirror) comes first: its name has a dot or a port
  const repository = parseImageReference(word.value).repository.replace(/^[^/]*[.:][^/]*\//, '');
  return /^certbot\/[^/]+$/.test(repository);
}

function certbotArgumentsOf(launch: ContainerLaunch): readonly ShellWord[] | undefined {
  const full = [...(launch.entrypoint ?? []), ...launch.argv];
  if (isCertbot(full[0])) return full.slice(1);
  if (launch.entrypoint) return undefined;
  if (launch.launcher === 'docker-run' && isCertbotImage(launch.target)) return launch.argv;
  // `docker compose run certbot certonly …`: the service's image runs certbot itself.
  const first = launch.argv[0];
  if (
    launch.launcher === 'docker-compose-run' &&
    launch.target?.value.includes('certbot') &&
    first &&
    (verbs.has(first.value) || first.value.startsWith('-'))
  ) {
    return launch.argv;
  }
  return undefined;
}

/**
 * Reads certbot's own arguments (without the program name) — also for a compose service whose
 * image runs certbot as its entrypoint, where `command:` holds only the arguments.
 */
export function readCertbotArguments(
  words: readonly ShellWord[],
  command: ShellCommand,
  launcher: ContainerLauncher = 'direct',
  target?: ShellWord,
): CertbotInvocation {
  const options: CertbotOption[] = [];
  const dynamicArguments: ShellWord[] = [];
  let subcommandWord: ShellWord | undefined;
  let index = 0;
  while (index < words.length) {
    const word = words[index] as ShellWord;
    index++;
    if (word.value === '--' || !word.value.startsWith('-') || word.value === '-') {
      if (!word.literal) dynamicArguments.push(word);
      else if (!subcommandWord && verbs.has(word.value)) subcommandWord = word;
      continue;
    }
    if (word.value.startsWith('--')) {
      const equals = word.value.indexOf('=');
      const spelling = equals < 0 ? word.value : word.value.slice(0, equals);
      const known = optionTable.get(spelling);
      const name = known?.name ?? spelling;
      if (equals >= 0) options.push({ name, word, value: sliceWord(word, equals + 1) });
      else if (known?.takesValue && index < words.length) options.push({ name, word, value: words[index++] as ShellWord });
      else options.push({ name, word });
      continue;
    }
    // A cluster of short options (`-nq`, `-dexample.com`, `-d=example.com`): a letter that takes
    // a value takes the rest of the word, or else the next word.
    for (let letter = 1; letter < word.value.length; letter++) {
      const known = optionTable.get(`-${word.value[letter]}`);
      const name = known?.name ?? `-${word.value[letter]}`;
      if (!known?.takesValue) {
        options.push({ name, word });
        continue;
      }
      const attached = word.value[letter + 1] === '=' ? letter + 2 : letter + 1;
      if (attached < word.value.length) options.push({ name, word, value: sliceWord(word, attached) });
      else if (index < words.length) options.push({ name, word, value: words[index++] as ShellWord });
      else options.push({ name, word });
      break;
    }
  }
  return invocationOf(options, dynamicArguments, subcommandWord, command, launcher, target);
}

function invocationOf(
  options: readonly CertbotOption[],
  dynamicArguments: readonly ShellWord[],
  subcommandWord: ShellWord | undefined,
  command: ShellCommand,
  launcher: ContainerLauncher,
  target: ShellWord | undefined,
): CertbotInvocation {
  const values = (name: string): ShellWord[] => options.flatMap((option) => (option.name === name && option.value ? [option.value] : []));
  const last = (name: string): ShellWord | undefined => values(name).at(-1);
  const flag = (name: string): CertbotOption | undefined => [...options].reverse().find((option) => option.name === name);

  let authenticator: CertbotInvocation['authenticator'];
  const webrootPaths: ShellWord[] = [];
  const domainsWithPath: { name: ShellWord; webrootPath?: ShellWord }[] = [];
  for (const option of options) {
    if (authenticatorFlags.has(option.name) || /^--dns-[a-z0-9]+$/.test(option.name)) {
      authenticator = { name: option.name.slice(2), option };
    } else if (option.name === '--authenticator' && option.value) {
      authenticator = { name: option.value.value, option };
    } else if (option.name === '--webroot-path' && option.value) {
      webrootPaths.push(option.value);
    } else if (option.name === '--domains' && option.value) {
      const webrootPath = webrootPaths.at(-1);
      for (const name of splitDomains(option.value)) domainsWithPath.push(webrootPath ? { name, webrootPath } : { name });
    }
  }
  const fallbackPath = webrootPaths.at(-1);
  const domains = domainsWithPath.map((domain) => (domain.webrootPath || !fallbackPath ? domain : { ...domain, webrootPath: fallbackPath }));

  const optional = <Key extends string, Value>(key: Key, value: Value | undefined): { [K in Key]?: Value } =>
    (value === undefined ? {} : { [key]: value }) as { [K in Key]?: Value };
  // `--version` and `-h`/`--help` print and exit whatever else is written (argparse's version
  // and help actions, certbot/_internal/cli): such a run obtains nothing
  const prints = options.some((option) => option.name === '--version')
    ? 'version'
    : options.some((option) => option.name === '--help' || option.name === '-h')
      ? 'help'
      : undefined;
  const subcommand = prints ?? (subcommandWord ? (subcommandWord.value === 'everything' ? 'run' : subcommandWord.value) : 'run');
  return {
    command,
    launcher,
    ...optional('target', target),
    subcommand,
    ...optional('subcommandWord', subcommandWord),
    options,
    dynamicArguments,
    ...optional('authenticator', authenticator),
    webrootPaths,
    domains,
    ...optional('certName', last('--cert-name')),
    ...optional('email', last('--email')),
    ...optional('server', last('--server')),
    ...optional('rsaKeySize', last('--rsa-key-size')),
    ...optional('keyType', last('--key-type')),
    deployHooks: values('--deploy-hook'),
    preHooks: values('--pre-hook'),
    postHooks: values('--post-hook'),
    ...optional('staging', flag('--staging')),
    ...optional('forceRenewal', flag('--force-renewal')),
    ...optional('dryRun', flag('--dry-run')),
    ...optional('agreeTos', flag('--agree-tos')),
    ...optional('nonInteractive', flag('--non-interactive')),
    ...optional('keepUntilExpiring', flag('--keep-until-expiring')),
    ...optional('expand', flag('--expand')),
  };
}

/**
 * The name certbot keeps for a `-d` value: its enforce_domain_sanity lowercases it and drops one
 * trailing dot, so `-d EXAMPLE.com.` certifies, and names a lineage, `example.com`.
 */
export function certbotDomainName(written: string): string {
  const lower = written.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** certbot splits `-d a.com, b.com` on commas and strips the blanks around each name. */
function splitDomains(word: ShellWord): ShellWord[] {
  const domains: ShellWord[] = [];
  let start = 0;
  for (let index = 0; index <= word.value.length; index++) {
    if (index < word.value.length && word.value[index] !== ',') continue;
    let from = start;
    let to = index;
    while (from < to && /\s/.test(word.value[from] as string)) from++;
    while (to > from && /\s/.test(word.value[to - 1] as string)) to--;
    if (to > from) domains.push(sliceWord(word, from, to));
    start = index + 1;
  }
  return domains;
}

/** `nginx -s reload`, directly or through `docker (compose) exec`, and `docker (compose) kill -s HUP`. */
export function findNginxReloads(commands: readonly ShellCommand[]): NginxReload[] {
  const reloads: NginxReload[] = [];
  for (const command of commands) {
    const launch = launchOf(command);
    if (!launch || !isReload(launch)) continue;
    reloads.push({ command, launcher: launch.launcher, ...(launch.target ? { target: launch.target } : {}) });
  }
  return reloads;
}

function isReload(launch: ContainerLaunch): boolean {
  if (launch.launcher === 'docker-kill' || launch.launcher === 'docker-compose-kill') {
    const signal = optionValue(launch.options, '--signal', '-s');
    return signal !== undefined && /^(SIG)?HUP$/i.test(signal.value);
  }
  if (launch.launcher === 'docker-run' || launch.launcher === 'docker-compose-run') return false;
  const [program, ...rest] = launch.argv;
  if (!program?.literal || basename(program) !== 'nginx') return false;
  return rest.some((word, index) => word.value === '-sreload' || (word.value === '-s' && rest[index + 1]?.value === 'reload'));
}
