/**
 * acme.sh's command line, read as acme.sh reads it. From acme.sh's source
 * (github.com/acmesh-official/acme.sh):
 * - acme.sh `_process()`: the options and which of them take a value; the command is the last of
 *   `--issue`, `--install-cert`, `--renew`, `--cron`, … named; an unknown word is an error.
 * - acme.sh `issue()`: the domains are the `-d` values in order, and the validation modes
 *   (`-w DIR`, `--standalone`, `--dns [dns_xxx]`, `--alpn`, …) a list in order too: the n-th
 *   domain takes the n-th mode, or the one before it when the list is shorter.
 * - Dockerfile: the `neilpang/acme.sh` image (mirrored as `ghcr.io/acmesh-official/acme.sh`) runs
 *   `/entry.sh`, which starts supercronic on a daily crontab for `daemon` and otherwise runs its
 *   arguments; `/usr/local/bin/--issue` (and one such file for each command) runs
 *   `acme.sh --issue --config-home /acme.sh "$@"`.
 */
import { basename, containerLaunch, type ContainerLaunch, type ContainerLauncher } from './container-launch';
import type { ShellCommand, ShellWord } from './shell-script';
import { parseImageReference } from '../dockerfile/image-reference';

export interface AcmeShOption {
  /** The long spelling acme.sh's own help gives: `--webroot` for `-w`, `--cert-file` for `--certpath`. */
  readonly name: string;
  /** As written. */
  readonly word: ShellWord;
  readonly value?: ShellWord;
}

/** How acme.sh validates a domain: a webroot it writes the token into, or another mode. */
export type AcmeShValidation =
  | { readonly kind: 'webroot'; readonly option: AcmeShOption; readonly path: ShellWord }
  | { readonly kind: 'standalone' | 'alpn' | 'stateless' | 'apache' | 'nginx' | 'dns' | 'dns-persist'; readonly option: AcmeShOption };

export interface AcmeShDomain {
  readonly name: ShellWord;
  /** undefined: no mode is named for it (acme.sh then refuses to issue). */
  readonly validation?: AcmeShValidation;
}

export interface AcmeShInvocation {
  readonly command: ShellCommand;
  readonly launcher: ContainerLauncher;
  /** The compose service, container or image of a docker launcher. */
  readonly target?: ShellWord;
  /**
   * `script`: the acme.sh script itself (`acme.sh`, `~/.acme.sh/acme.sh`); `image`: one of the
   * commands of its image (`--issue …`, where the config home is /acme.sh); `daemon`: the image's
   * `daemon`, which renews every day by itself.
   */
  readonly entry: 'script' | 'image' | 'daemon';
  /** The last command named (`--issue`, `--install-cert`, `--cron`, …), in its long spelling; undefined for none. */
  readonly action?: { readonly name: string; readonly word: ShellWord };
  readonly options: readonly AcmeShOption[];
  /** Words the shell expands that could turn into options nobody can see here. */
  readonly dynamicArguments: readonly ShellWord[];
  readonly domains: readonly AcmeShDomain[];
  readonly validations: readonly AcmeShValidation[];
}

/** The commands of `_process()`: spelling → long spelling. */
const actions: ReadonlyMap<string, string> = new Map(
  (
    [
      ['--install'],
      ['--uninstall'],
      ['--upgrade'],
      ['--issue'],
      ['--deploy'],
      ['--sign-csr', '--signcsr'],
      ['--show-csr', '--showcsr'],
      ['--install-cert', '-i', '--installcert'],
      ['--renew', '-r'],
      ['--renew-all', '--renewAll', '--renewall'],
      ['--revoke'],
      ['--remove'],
      ['--list'],
      ['--info'],
      ['--install-cronjob', '--installcronjob'],
      ['--uninstall-cronjob', '--uninstallcronjob'],
      ['--cron'],
      ['--to-pkcs12', '--to-pkcs', '--toPkcs'],
      ['--to-pkcs8', '--toPkcs8'],
      ['--create-account-key', '--createAccountKey', '--createaccountkey', '-cak'],
      ['--create-domain-key', '--createDomainKey', '--createdomainkey', '-cdk'],
      ['--create-csr', '-ccr', '--createCSR', '--createcsr'],
      ['--deactivate'],
      ['--update-account', '--updateaccount'],
      ['--register-account', '--registeraccount'],
      ['--deactivate-account'],
      ['--make-dns-persist-value', '--makednspersistvalue'],
      ['--set-notify'],
      ['--set-default-ca'],
      ['--set-default-chain'],
      ['--list-profiles'],
      ['--help', '-h'],
      ['--version', '-v'],
    ] as const
  ).flatMap(([name, ...aliases]) => [name, ...aliases].map((spelling) => [spelling, name] as const)),
);

/** Options that always take the next word (`shift` in `_process()`): spelling → long spelling. */
const valueOptions: ReadonlyMap<string, string> = new Map(
  (
    [
      ['--domain', '-d'],
      ['--webroot', '-w'],
      ['--server'],
      ['--challenge-alias'],
      ['--domain-alias'],
      ['--local-address'],
      ['--dnssleep'],
      ['--keylength', '-k'],
      ['--accountkeylength', '-ak'],
      ['--cert-file', '--certpath'],
      ['--key-file', '--keypath'],
      ['--ca-file', '--capath'],
      ['--fullchain-file', '--fullchainpath'],
      ['--reloadcmd', '--reloadCmd'],
      ['--password'],
      ['--accountconf'],
      ['--home'],
      ['--cert-home', '--certhome'],
      ['--config-home'],
      ['--useragent'],
      ['--email', '-m', '--accountemail'],
      ['--accountkey'],
      ['--days'],
      ['--valid-from'],
      ['--valid-to'],
      ['--certificate-profile', '--cert-profile'],
      ['--httpport'],
      ['--tlsport'],
      ['--ca-bundle'],
      ['--ca-path'],
      ['--csr'],
      ['--pre-hook'],
      ['--post-hook'],
      ['--renew-hook'],
      ['--deploy-hook'],
      ['--extended-key-usage'],
      ['--log-level'],
      ['--openssl-bin'],
      ['--branch', '-b'],
      ['--notify-hook'],
      ['--notify-level'],
      ['--notify-mode'],
      ['--notify-source'],
      ['--revoke-reason'],
      ['--eab-kid'],
      ['--eab-hmac-key'],
      ['--preferred-chain'],
      ['--dns-persist-ca-name', '--dnspersistcaname'],
      ['--dns-persist-days', '--dnspersistdays'],
    ] as const
  ).flatMap(([name, ...aliases]) => [name, ...aliases].map((spelling) => [spelling, name] as const)),
);

/** Options that take the next word only when there is one that does not start with `-`. */
const optionalValueOptions: ReadonlyMap<string, string> = new Map([
  ['--debug', '--debug'],
  ['--nginx', '--nginx'],
  ['--dns', '--dns'],
  ['--log', '--log'],
  ['--logfile', '--log'],
  ['--syslog', '--syslog'],
  ['--auto-upgrade', '--auto-upgrade'],
  ['--always-force-new-domain-key', '--always-force-new-domain-key'],
]);

/** The flags that name a validation mode, and the mode. */
const modeFlags: ReadonlyMap<string, Exclude<AcmeShValidation['kind'], 'webroot'>> = new Map([
  ['--standalone', 'standalone'],
  ['--alpn', 'alpn'],
  ['--stateless', 'stateless'],
  ['--apache', 'apache'],
  ['--nginx', 'nginx'],
  ['--dns', 'dns'],
  ['--dns-persist', 'dns-persist'],
]);

/** The commands the image puts in its PATH as `--<command>` (its Dockerfile's `for verb in …` loop). */
const imageCommands: ReadonlySet<string> = new Set(
  [
    'help',
    'version',
    'install',
    'uninstall',
    'upgrade',
    'issue',
    'signcsr',
    'deploy',
    'install-cert',
    'renew',
    'renew-all',
    'revoke',
    'remove',
    'list',
    'info',
    'showcsr',
    'install-cronjob',
    'uninstall-cronjob',
    'cron',
    'toPkcs',
    'toPkcs8',
    'update-account',
    'register-account',
    'create-account-key',
    'create-domain-key',
    'createCSR',
    'deactivate',
    'deactivate-account',
    'set-notify',
    'set-default-ca',
    'set-default-chain',
  ].map((verb) => `--${verb}`),
);

/** `neilpang/acme.sh`, or its mirror `ghcr.io/acmesh-official/acme.sh`, any tag. */
export function isAcmeShImage(reference: string): boolean {
  const repository = parseImageReference(reference).repository;
  return repository === 'neilpang/acme.sh' || repository === 'ghcr.io/acmesh-official/acme.sh' || repository === 'acmesh-official/acme.sh';
}

function isAcmeShScript(word: ShellWord | undefined): boolean {
  return word !== undefined && basename(word) === 'acme.sh';
}

export interface AcmeShSearch {
  /** The commands run inside the acme.sh image, whose PATH holds `acme.sh` and its `--issue` commands. */
  readonly inImage?: boolean;
}

/** acme.sh's own arguments and how it is started, for one launch; undefined when it does not run acme.sh. */
function acmeShArguments(launch: ContainerLaunch, inImage: boolean): { words: readonly ShellWord[]; entry: AcmeShInvocation['entry'] } | undefined {
  const full = [...(launch.entrypoint ?? []), ...launch.argv];
  const [first, second] = full;
  if (isAcmeShScript(first)) return { words: full.slice(1), entry: 'script' };
  // `sh acme.sh --issue …`, `bash ~/.acme.sh/acme.sh …`
  if (first?.literal && ['sh', 'bash'].includes(basename(first)) && isAcmeShScript(second)) return { words: full.slice(2), entry: 'script' };
  if (launch.entrypoint || !first) return undefined;
  const imageRun = launch.launcher === 'docker-run' && launch.target !== undefined && isAcmeShImage(launch.target.value);
  // `docker exec NAME --issue` runs only in the image, which holds that command; `docker run` names its image
  const execLike = launch.launcher !== 'direct' && launch.launcher !== 'docker-run';
  if (imageCommands.has(first.value) && (inImage || imageRun || execLike)) return { words: full, entry: 'image' };
  // the image's /entry.sh looks at its first argument only: the rest of `daemon --home /acme.sh` is ignored
  if (first.value === 'daemon' && imageRun) return { words: [first], entry: 'daemon' };
  return undefined;
}

/** Every acme.sh run among the commands, direct or through `docker (compose) run/exec`. */
export function findAcmeShInvocations(commands: readonly ShellCommand[], search: AcmeShSearch = {}): AcmeShInvocation[] {
  const invocations: AcmeShInvocation[] = [];
  for (const command of commands) {
    const launch = command.name ? containerLaunch([command.name, ...command.arguments]) : undefined;
    const found = launch && acmeShArguments(launch, search.inImage === true && launch.launcher === 'direct');
    if (launch && found) invocations.push(readAcmeShArguments(found.words, command, found.entry, launch.launcher, launch.target));
  }
  return invocations;
}

/** Reads acme.sh's arguments (without the program name), as `_process()` does. */
export function readAcmeShArguments(
  words: readonly ShellWord[],
  command: ShellCommand,
  entry: AcmeShInvocation['entry'] = 'script',
  launcher: ContainerLauncher = 'direct',
  target?: ShellWord,
): AcmeShInvocation {
  const options: AcmeShOption[] = [];
  const dynamicArguments: ShellWord[] = [];
  let action: AcmeShInvocation['action'];
  let index = 0;
  if (entry === 'daemon' && words[0]) {
    action = { name: 'daemon', word: words[0] };
    index = words.length;
  }
  while (index < words.length) {
    const word = words[index] as ShellWord;
    index++;
    if (!word.literal && !word.value.startsWith('-')) {
      dynamicArguments.push(word);
      continue;
    }
    const actionName = actions.get(word.value);
    if (actionName) {
      action = { name: actionName, word };
      options.push({ name: actionName, word });
      continue;
    }
    const valueName = valueOptions.get(word.value);
    if (valueName) {
      const value = words[index];
      if (value) index++;
      options.push({ name: valueName, word, ...(value ? { value } : {}) });
      continue;
    }
    const optionalName = optionalValueOptions.get(word.value);
    const next = words[index];
    if (optionalName && next && next.value !== '' && !next.value.startsWith('-')) {
      index++;
      options.push({ name: optionalName, word, value: next });
      continue;
    }
    if (!word.literal) dynamicArguments.push(word);
    options.push({ name: optionalName ?? word.value, word });
  }
  const validations: AcmeShValidation[] = [];
  const domainNames: ShellWord[] = [];
  for (const option of options) {
    const mode = modeFlags.get(option.name);
    if (option.name === '--webroot' && option.value) validations.push({ kind: 'webroot', option, path: option.value });
    else if (mode) validations.push({ kind: mode, option });
    else if (option.name === '--domain' && option.value && option.value.value !== '') domainNames.push(option.value);
  }
  let current: AcmeShValidation | undefined;
  const domains = domainNames.map((name, position): AcmeShDomain => {
    current = validations[position] ?? current;
    return current ? { name, validation: current } : { name };
  });
  return {
    command,
    launcher,
    ...(target ? { target } : {}),
    entry,
    ...(action ? { action } : {}),
    options,
    dynamicArguments,
    domains,
    validations,
  };
}

/** The value of the last option of that long name. */
export function acmeShOptionValue(invocation: AcmeShInvocation, name: string): ShellWord | undefined {
  return [...invocation.options].reverse().find((option) => option.name === name && option.value)?.value;
}
