import { basename, containerLaunch, type ContainerLauncher } from './container-launch';
import type { ShellAssignment, ShellCommand, ShellScript, ShellWord } from './shell-script';

/** A variable the script sets exactly once, unconditionally, outside any command prefix. */
export interface ScriptVariable {
  readonly name: string;
  /** `[value]` for `name=value`, the elements for `name=(a b)`; as written after quote removal. */
  readonly values: readonly string[];
  /** False when a value holds expansions; `resolveScriptText` may still resolve them. */
  readonly literal: boolean;
  readonly assignment: ShellAssignment;
}

export interface DummyCertificate {
  /** The openssl command that writes it (`openssl req -x509 …`, `openssl x509 -req …`), or the `docker compose run` that runs it. */
  readonly command: ShellCommand;
  readonly launcher: ContainerLauncher;
  /** The compose service, container or image that runs openssl, whose mounts place the files. */
  readonly target?: ShellWord;
  /** `-out`, as written (variables unresolved). */
  readonly certificatePath: ShellWord;
  /** `-keyout`, as written. */
  readonly keyPath?: ShellWord;
  /** The certificate path with the script's own variables substituted, when they all are known. */
  readonly resolvedCertificatePath?: string;
  readonly resolvedKeyPath?: string;
  /**
   * When the lineage name of `…/live/<name>/…` depends on a variable the script does not set (a
   * sourced `.env` that a fresh clone lacks), the paths the certificate and key may have, with
   * any name there: the script may write the very file nginx loads, which certboot cannot tell.
   */
  readonly unknownLineagePaths: readonly RegExp[];
  /**
   * For a path under a directory an unset variable names (`$REPO_ROOT/nginx/certs/fullchain.pem`,
   * the variable set in a sourced file): what follows it, two names at least (`/nginx/certs/fullchain.pem`).
   */
  readonly unknownRootSuffixes: readonly string[];
  /** `<name>` of `…/live/<name>/fullchain.pem`, when the (resolved) path has that shape. */
  readonly liveName?: string;
  /** Where a relative resolved path is read from (`$PWD/x` counts as the relative `./x`). */
  readonly workingDirectory: ScriptWorkingDirectory;
}

/**
 * The directory the script is in when it runs a command: 'invocation' until it changes
 * directory (wherever it was started from), 'script' after `cd "$(dirname "$0")"` (with
 * `relative` for `cd "$(dirname "$0")/.."`), 'unknown' after any other `cd`.
 */
export type ScriptWorkingDirectory = { readonly kind: 'invocation' } | { readonly kind: 'script'; readonly relative: string } | { readonly kind: 'unknown' };

export interface DummyCertificateScript {
  readonly certificates: readonly DummyCertificate[];
  readonly variables: ReadonlyMap<string, ScriptVariable>;
  /** The first `docker compose up` after the first dummy certificate: nginx can start from here. */
  readonly composeUpAfter?: ShellCommand;
}

/**
 * Whether an openssl command (its words after `openssl`) writes a certificate or a new key to a
 * file: `req -x509` a self-signed certificate and its key, `req -keyout` a request and its new
 * key, `x509 -req` a certificate signed with a local CA (openssl's req(1) and x509(1) manuals).
 * A request for an existing key (`req -new -key k.pem -out req.csr`) writes neither.
 */
function writesCertificateFiles(words: readonly ShellWord[]): boolean {
  const subcommand = words[0]?.value;
  const has = (option: string): boolean => words.some((word) => word.value === option);
  return (subcommand === 'req' && (has('-x509') || has('-keyout'))) || (subcommand === 'x509' && has('-req'));
}

/**
 * Finds the `init-letsencrypt.sh` pattern: a self-signed certificate written where certbot's will
 * be, so nginx can start and serve the HTTP-01 challenge before the real certificate exists; and
 * the certificates and keys a setup script makes with openssl for a local CA before nginx starts.
 * Undefined when the script writes no certificate or key.
 */
export function findDummyCertificates(script: ShellScript): DummyCertificateScript | undefined {
  const variables = scriptVariables(script.assignments);
  // an unknown lineage may be set in a loop over the domains (`for domain in …; do path=…/live/$domain`):
  // such assignments widen what the script may write, never what it surely writes
  const mayVariables = scriptVariables(script.assignments, { conditional: true });
  const certificates: DummyCertificate[] = [];
  for (const command of script.commands) {
    if (!command.name) continue;
    const launch = containerLaunch([command.name, ...command.arguments]);
    if (!launch) continue;
    const argv = [...(launch.entrypoint ?? []), ...launch.argv];
    const [program, ...rest] = argv;
    if (!program || basename(program) !== 'openssl' || !writesCertificateFiles(rest)) continue;
    const certificatePath = valueAfter(rest, '-out');
    if (!certificatePath) continue;
    const keyPath = valueAfter(rest, '-keyout');
    const resolvedCertificatePath = resolveWrittenPath(certificatePath, variables);
    const resolvedKeyPath = keyPath ? resolveWrittenPath(keyPath, variables) : undefined;
    const liveName = /(?:^|\/)live\/([^/]+)\/[^/]+$/.exec(resolvedCertificatePath ?? certificatePath.value)?.[1];
    certificates.push({
      command,
      launcher: launch.launcher,
      ...(launch.target ? { target: launch.target } : {}),
      certificatePath,
      ...(keyPath ? { keyPath } : {}),
      ...(resolvedCertificatePath !== undefined ? { resolvedCertificatePath } : {}),
      ...(resolvedKeyPath !== undefined ? { resolvedKeyPath } : {}),
      ...(liveName !== undefined ? { liveName } : {}),
      unknownLineagePaths: [certificatePath, keyPath].flatMap((word) => {
        const pattern = word === undefined || resolveScriptText(word, variables) !== undefined ? undefined : unknownLineagePattern(word.value, mayVariables);
        return pattern === undefined ? [] : [pattern];
      }),
      unknownRootSuffixes: [certificatePath, keyPath].flatMap((word) => {
        const suffix = word === undefined || resolveScriptText(word, variables) !== undefined ? undefined : unknownRootSuffix(word.value, variables);
        return suffix === undefined ? [] : [suffix];
      }),
      workingDirectory: workingDirectoryAt(script.commands, command),
    });
  }
  const first = certificates[0];
  if (!first) return undefined;
  const composeUpAfter = script.commands.find((command) => command.span.start > first.command.span.end && isComposeUp(command));
  return { certificates, variables, ...(composeUpAfter ? { composeUpAfter } : {}) };
}

const workingDirectoryPrefix = /^(?:\$\(pwd\)|`pwd`|\$\{PWD\}|\$PWD(?![A-Za-z0-9_]))(?=\/|$)/;

/** The script's resolution of a path, with the working directory written out (`$PWD/x`) made relative. */
export function resolveWrittenPath(word: ShellWord, variables: ReadonlyMap<string, ScriptVariable>): string | undefined {
  const resolved = resolveScriptText(word, variables);
  if (resolved !== undefined || !workingDirectoryPrefix.test(word.value)) return resolved;
  const rest = resolveText(word.value.replace(workingDirectoryPrefix, ''), variables, 0);
  return rest === undefined ? undefined : `.${rest}`;
}

const scriptDirectoryChange = /^\$\(\s*dirname\s+"?(?:\$0|\$\{0\}|\$BASH_SOURCE|\$\{BASH_SOURCE(?:\[0\])?\})"?\s*\)(\/.*)?$/;

/**
 * Where the script stands when `command` runs, from the `cd` commands before it. A `cd` in a
 * subshell stays there, unless `command` runs in one too (which one is not told apart).
 */
export function workingDirectoryAt(commands: readonly ShellCommand[], command: ShellCommand): ScriptWorkingDirectory {
  let directory: ScriptWorkingDirectory = { kind: 'invocation' };
  for (const candidate of commands) {
    const name = candidate.name?.value;
    if (candidate.span.start >= command.span.start || (name !== 'cd' && name !== 'pushd' && name !== 'popd') || (candidate.subshell && !command.subshell))
      continue;
    const [target, ...more] = candidate.arguments;
    const once = !candidate.conditional && !candidate.functionName && candidate.loops.length === 0;
    const change: RegExpExecArray | null =
      name === 'cd' && target && more.length === 0 && once && directory.kind === 'invocation' ? scriptDirectoryChange.exec(target.value) : null;
    directory = change ? { kind: 'script', relative: change[1]?.slice(1) ?? '' } : { kind: 'unknown' };
  }
  return directory;
}

function valueAfter(words: readonly ShellWord[], option: string): ShellWord | undefined {
  const index = words.findIndex((word) => word.value === option);
  return index >= 0 ? words[index + 1] : undefined;
}

function isComposeUp(command: ShellCommand): boolean {
  const words = [command.name, ...command.arguments].map((word) => word?.value);
  const program = command.name ? basename(command.name) : '';
  const composeAt = program === 'docker-compose' ? 0 : program === 'docker' ? words.indexOf('compose') : -1;
  return composeAt >= 0 && words.indexOf('up', composeAt + 1) > composeAt;
}

/**
 * The variables a script sets exactly once, unconditionally (see ScriptVariable); with
 * `conditional`, also those it sets once in a branch, a loop or a function, for what it may do.
 */
export function scriptVariables(assignments: readonly ShellAssignment[], options: { readonly conditional?: boolean } = {}): Map<string, ScriptVariable> {
  const counts = new Map<string, number>();
  for (const assignment of assignments) if (!assignment.prefix) counts.set(assignment.name, (counts.get(assignment.name) ?? 0) + 1);
  const variables = new Map<string, ScriptVariable>();
  for (const assignment of assignments) {
    // A variable set twice (a default, then an override in an `if`) has no single value.
    if (assignment.prefix || assignment.append || (assignment.conditional && !options.conditional) || counts.get(assignment.name) !== 1) continue;
    const words = assignment.elements ?? (assignment.value ? [assignment.value] : []);
    variables.set(assignment.name, {
      name: assignment.name,
      values: words.map((word) => word.value),
      literal: words.every((word) => word.literal),
      assignment,
    });
  }
  return variables;
}

const maxResolutionDepth = 8;

/**
 * Substitutes `$name`, `${name}` and `${name[N]}` from the script's variables (`$name` of an array
 * is its first element, as in bash). Undefined when anything else would be expanded.
 */
export function resolveScriptText(word: ShellWord, variables: ReadonlyMap<string, ScriptVariable>): string | undefined {
  return word.literal ? word.value : resolveText(word.value, variables, 0);
}

/** Stands for an unset variable's value while a path is resolved (a private-use character no path holds). */
const unsetVariable = '\uE000';

/**
 * The pattern of an absolute path whose only unknown is the lineage name of `…/live/<name>/<file>`
 * (each unset variable stands in that segment alone); undefined for any other path.
 */
function unknownLineagePattern(text: string, variables: ReadonlyMap<string, ScriptVariable>): RegExp | undefined {
  const withMarkers = resolveText(text, variables, 0, unsetVariable);
  const shape = withMarkers === undefined ? null : /^(\/(?:[^/\uE000]+\/)*live\/)([^/]*\uE000[^/]*)(\/[^/\uE000]+)$/.exec(withMarkers);
  if (!shape) return undefined;
  const escape = (literal: string): string => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const name = shape[2].split(unsetVariable).map(escape).join('[^/]+');
  return new RegExp(`^${escape(shape[1])}${name}${escape(shape[3])}$`);
}

/** What follows a leading unset variable in a path, when it is literal and holds two names or more. */
function unknownRootSuffix(text: string, variables: ReadonlyMap<string, ScriptVariable>): string | undefined {
  const withMarkers = resolveText(text, variables, 0, unsetVariable);
  return withMarkers === undefined ? undefined : /^\uE000((?:\/[^/\uE000]+){2,})$/.exec(withMarkers)?.[1];
}

function resolveText(text: string, variables: ReadonlyMap<string, ScriptVariable>, depth: number, unset?: string): string | undefined {
  if (depth > maxResolutionDepth) return undefined;
  let unresolved = false;
  const resolved = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, braced?: string, index?: string, plain?: string) => {
      const variable = variables.get((braced ?? plain) as string);
      const value = variable?.values[index === undefined ? 0 : Number(index)];
      const expanded = value === undefined ? unset : variable?.literal ? value : resolveText(value, variables, depth + 1, unset);
      if (expanded === undefined) unresolved = true;
      return expanded ?? '';
    },
  );
  return unresolved || /[$`]/.test(resolved) ? undefined : resolved;
}
