/**
 * certboot's commands: their options (which their `--help` is printed from) and the reading of a
 * command line into what each command runs with. Everything here is light: cli.ts reads the whole
 * command line, and answers `--help` and every usage error, before it loads a command's code.
 */
import type { BootstrapOptions } from '../bootstrap/bootstrap-command';
import { isCertificateDomain, isPlainEmail } from '../bootstrap/domain-and-email';
import type { LintOptions } from '../engine/lint-command';
import { type ReportFormat, reportFormats } from '../engine/report-formats';
import { type CommandSpec, exitCode, formatCommandHelp, helpOption, lastValue, type ParsedArguments, parseArguments, UsageError } from './arguments';

export const lintCommand: CommandSpec = {
  name: 'lint',
  operands: '[PATH...]',
  summary: 'report what makes the deployment fail on first boot or first renewal',
  description: [
    'Finds the compose projects, nginx configurations, shell scripts, Terraform and CloudFormation',
    'files under each PATH (default: the current directory) and reports what makes HTTPS fail on',
    'first boot or first renewal. Paths named together are taken as deployed to one Docker host.',
  ].join('\n'),
  options: [
    {
      name: '--format',
      value: 'FORMAT',
      choices: reportFormats,
      help: 'text (default), json, sarif (SARIF 2.1.0, for code scanning) or gitlab (GitLab Code Quality)',
    },
    { name: '--max-warnings', value: 'N', wholeNumber: true, help: 'exit with 1 when there are more than N warnings' },
    { name: '--config', value: 'FILE', help: 'use FILE instead of the nearest certboot.json' },
    { name: '--quiet', help: 'report errors only (warnings still count for --max-warnings)' },
    { name: '--fix', help: 'apply the safe fixes to the files under PATH, then report what is left' },
    { name: '--fix-dry-run', help: 'print the safe fixes as a unified diff instead of the report; write nothing' },
    helpOption,
  ],
  exitCodes: [
    { code: exitCode.ok, meaning: 'no errors, and no more warnings than --max-warnings (with --fix: once the fixes are in)' },
    { code: exitCode.problems, meaning: 'errors, or more warnings than --max-warnings, or a fixed file that could not be written' },
    { code: exitCode.internalError, meaning: 'a rule of certboot failed (an internal error, named on stderr with the file): the report may lack findings' },
  ],
  notes: [
    'Rules are configured in certboot.json: { "rules": { "<rule-id>": "error" | "warning" | "info" | "off" } };',
    '"hosts": [["site-a", "site-b"]] (or "all") there says which compose projects share a Docker host.',
    'A comment "# certboot-disable-next-line <rule-id>, ..." drops the findings that start on the next line.',
    '"certboot rules" lists the rules.',
    '',
  ].join('\n'),
};

export const bootstrapCommand: CommandSpec = {
  name: 'bootstrap',
  operands: '[DIR] --email E',
  summary: 'split the nginx + certbot deployment into HTTP-first stages',
  description: [
    'Splits the nginx + certbot deployment of the compose project in DIR (default: the current',
    'directory) into HTTP-first stages, so that a fresh server goes from nothing to HTTPS with no',
    'manual step: stage 1 (port 80, the ACME challenge) always loaded, stage 2 (the HTTPS servers)',
    "enabled by certbot's deploy hook once the certificate exists, nginx reloaded by a start",
    'script of its image, a one-off issuing service, a renewal loop, and scripts/init-certificates.sh.',
    'Prints the changes as a unified diff (patch -p1) unless --write is given. Files are written only',
    'inside DIR: when one is a symbolic link, lies below one or is mounted from outside DIR, nothing is',
    'written (exit 2). A script of the same name that bootstrap did not write is left alone: bootstrap',
    'writes its own beside it and says so.',
  ].join('\n'),
  options: [
    { name: '--email', value: 'E', help: "the address Let's Encrypt writes to before the certificate expires (required)" },
    {
      name: '--domain',
      alias: '-d',
      value: 'D',
      list: true,
      help: "a name of the certificate, repeated or comma-separated; default: server_name and certbot's -d",
    },
    { name: '--staging', help: "request the certificate from Let's Encrypt's staging server (browsers reject it)" },
    { name: '--write', help: 'write the changes instead of printing them' },
    helpOption,
  ],
  exitCodes: [
    { code: exitCode.ok, meaning: 'the changes were printed or written, or nothing was left to change' },
    { code: exitCode.problems, meaning: 'the project cannot be rewritten safely (the message says why)' },
  ],
};

export const rulesCommand: CommandSpec = {
  name: 'rules',
  operands: '',
  summary: 'list the rules',
  description: [
    'Lists the rules certboot reports, one a line: its id, category, default severity, whether its',
    'findings carry a fix (never, sometimes, always) and what it checks. docs/rules/<id>.md explains each.',
  ].join('\n'),
  options: [helpOption],
  exitCodes: [{ code: exitCode.ok, meaning: 'the rules were listed' }],
};

export const parseCommand: CommandSpec = {
  name: 'parse',
  operands: 'FILE',
  summary: "print crossplane's JSON payload for an nginx configuration",
  description: [
    "Prints crossplane's JSON payload for an nginx configuration and the files it includes. FILE is",
    "read wherever its links lead; the files it includes only inside FILE's directory, the working",
    'directory and each --root.',
  ].join('\n'),
  options: [
    { name: '--include-comments', help: 'include the comments in the payload' },
    { name: '--single-file', help: 'do not follow include directives' },
    { name: '--combine', help: 'inline the included files into one config' },
    { name: '--ignore', value: 'A,B', list: true, help: 'leave out the named directives (and their blocks)' },
    { name: '--root', value: 'DIR', help: 'a directory includes may also be read from (repeat it for more)' },
    { name: '--indent', value: 'N', wholeNumber: true, help: 'indent the JSON by N spaces' },
    helpOption,
  ],
  exitCodes: [
    { code: exitCode.ok, meaning: 'nginx would accept the syntax' },
    { code: exitCode.problems, meaning: 'there are errors (they are in the payload)' },
  ],
};

export const lexCommand: CommandSpec = {
  name: 'lex',
  operands: 'FILE',
  summary: 'print the tokens of one nginx file',
  description: 'Prints the tokens of one nginx file as [token, line] pairs (crossplane lex -n).',
  options: [{ name: '--indent', value: 'N', wholeNumber: true, help: 'indent the JSON by N spaces' }, helpOption],
  exitCodes: [
    { code: exitCode.ok, meaning: 'the file was read and lexed' },
    { code: exitCode.problems, meaning: 'the file is not text, or has a syntax error' },
  ],
};

export const commands: readonly CommandSpec[] = [lintCommand, bootstrapCommand, rulesCommand, parseCommand, lexCommand];

/** The command line read: `--help` asked, or what the command runs with. */
export type Read<T> = { readonly help: string } | { readonly options: T };

function read<T>(argv: readonly string[], spec: CommandSpec, options: (parsed: ParsedArguments) => T): Read<T> {
  const parsed = parseArguments(argv, spec);
  if (parsed.flags.has(helpOption.name)) return { help: formatCommandHelp(spec) };
  return { options: options(parsed) };
}

function wholeNumber(parsed: ParsedArguments, name: string): number | undefined {
  const value = lastValue(parsed, name);
  return value === undefined ? undefined : Number(value);
}

function noOperands(parsed: ParsedArguments, spec: CommandSpec): void {
  if (parsed.operands.length > 0) throw new UsageError(`${spec.name} takes no operands, not "${parsed.operands[0]}"`, spec.name);
}

function singleFile(parsed: ParsedArguments, spec: CommandSpec): string {
  if (parsed.operands.length !== 1) throw new UsageError(`${spec.name} takes exactly one FILE`, spec.name);
  return parsed.operands[0];
}

export type CliLintOptions = Omit<LintOptions, 'color'>;

export function readLint(argv: readonly string[]): Read<CliLintOptions> {
  return read(argv, lintCommand, (parsed) => {
    if (parsed.flags.has('--fix') && parsed.flags.has('--fix-dry-run')) throw new UsageError('--fix and --fix-dry-run cannot be used together', 'lint');
    return {
      paths: parsed.operands.length > 0 ? parsed.operands : ['.'],
      format: (lastValue(parsed, '--format') ?? 'text') as ReportFormat,
      maxWarnings: wholeNumber(parsed, '--max-warnings'),
      config: lastValue(parsed, '--config'),
      quiet: parsed.flags.has('--quiet'),
      fix: parsed.flags.has('--fix') ? 'write' : parsed.flags.has('--fix-dry-run') ? 'dry-run' : undefined,
    };
  });
}

export function readBootstrap(argv: readonly string[]): Read<BootstrapOptions> {
  return read(argv, bootstrapCommand, (parsed) => {
    if (parsed.operands.length > 1) throw new UsageError('bootstrap takes at most one DIR', 'bootstrap');
    const email = lastValue(parsed, '--email');
    if (email === undefined) throw new UsageError("--email is required: Let's Encrypt writes there before a certificate expires", 'bootstrap');
    if (!isPlainEmail(email)) throw new UsageError(`--email ${email} is not an email address`, 'bootstrap');
    const domains = parsed.values.get('--domain') ?? [];
    const invalid = domains.find((domain) => !isCertificateDomain(domain));
    if (invalid !== undefined) {
      throw new UsageError(
        `--domain ${invalid} is not a name Let's Encrypt can validate over HTTP-01 (no wildcards, IP addresses or single labels)`,
        'bootstrap',
      );
    }
    return {
      directory: parsed.operands[0] ?? '.',
      domains,
      email,
      staging: parsed.flags.has('--staging'),
      write: parsed.flags.has('--write'),
    };
  });
}

export function readRules(argv: readonly string[]): Read<Record<string, never>> {
  return read(argv, rulesCommand, (parsed) => {
    noOperands(parsed, rulesCommand);
    return {};
  });
}

export interface ParseOptions {
  readonly file: string;
  readonly includeComments: boolean;
  readonly singleFile: boolean;
  readonly combine: boolean;
  readonly ignore: ReadonlySet<string>;
  readonly roots: readonly string[];
  readonly indent: number | undefined;
}

export function readParse(argv: readonly string[]): Read<ParseOptions> {
  return read(argv, parseCommand, (parsed) => ({
    file: singleFile(parsed, parseCommand),
    includeComments: parsed.flags.has('--include-comments'),
    singleFile: parsed.flags.has('--single-file'),
    combine: parsed.flags.has('--combine'),
    ignore: new Set(parsed.values.get('--ignore') ?? []),
    roots: parsed.values.get('--root') ?? [],
    indent: wholeNumber(parsed, '--indent'),
  }));
}

export interface LexOptions {
  readonly file: string;
  readonly indent: number | undefined;
}

export function readLex(argv: readonly string[]): Read<LexOptions> {
  return read(argv, lexCommand, (parsed) => ({ file: singleFile(parsed, lexCommand), indent: wholeNumber(parsed, '--indent') }));
}
