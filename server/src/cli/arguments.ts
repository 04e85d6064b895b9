/**
 * The one command-line parser of certboot: every command declares its options as data
 * (commands.ts), the parser reads argv against them, and `--help` is printed from the same
 * declarations, so an option cannot exist without its line in the help. A mistake on the command
 * line is a UsageError, the only one: cli.ts prints it in one format and exits 2.
 */

/** A mistake on the command line: certboot prints it with a `--help` hint and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` the hint names; undefined for `certboot --help`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  /** `--format`. */
  readonly name: string;
  /** `-d`: another spelling of the same option. */
  readonly alias?: string;
  /** The placeholder of the value in the help (`FORMAT`); absent for a flag, which takes none. */
  readonly value?: string;
  /** The values it accepts, when they are a fixed list (a usage error names them). */
  readonly choices?: readonly string[];
  /** A whole number (`--max-warnings 0`). */
  readonly wholeNumber?: boolean;
  /** Takes a comma-separated list, and may be repeated: the values add up. */
  readonly list?: boolean;
  /** One line for the help. */
  readonly help: string;
}

export interface ExitCodeSpec {
  readonly code: number;
  readonly meaning: string;
}

export interface CommandSpec {
  readonly name: string;
  /** What follows the command in its synopsis: `[PATH...]`. */
  readonly operands: string;
  /** One line for `certboot --help`. */
  readonly summary: string;
  /** The paragraph under the synopsis in the command's own help. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** What 0 and 1 mean for this command; the codes every command shares follow them. */
  readonly exitCodes: readonly ExitCodeSpec[];
  /** Lines after the exit codes. */
  readonly notes?: string;
}

/** certboot's exit codes; what 0 and 1 mean in detail differs by command (its `--help` says). */
export const exitCode = {
  ok: 0,
  /** lint: errors, or too many warnings; bootstrap: the project cannot be rewritten; parse, lex: syntax errors. */
  problems: 1,
  /** Bad usage, or input that cannot be read (a missing path, an invalid certboot.json). */
  usage: 2,
  /** lint: a rule threw, so the report may lack its findings; no CI gate may pass on it. */
  internalError: 3,
} as const;

/**
 * Exit codes every command shares. One place, so that a new one (an internal error) is added
 * once and every `--help` and the README list it.
 */
export const sharedExitCodes: readonly ExitCodeSpec[] = [
  { code: exitCode.usage, meaning: 'bad usage (see --help), or input that cannot be used: a missing file, an invalid certboot.json' },
];

export const helpOption: OptionSpec = { name: '--help', alias: '-h', help: 'print this help and exit' };

export interface ParsedArguments {
  readonly operands: readonly string[];
  /** Flags given, and the values of options that take one (lists already split), by option name. */
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, readonly string[]>;
}

function findOption(spec: CommandSpec, name: string): OptionSpec | undefined {
  return spec.options.find((option) => option.name === name || option.alias === name);
}

function checkValue(option: OptionSpec, value: string, command: string): string[] {
  if (option.choices && !option.choices.includes(value)) {
    throw new UsageError(`${option.name} takes ${describeChoices(option.choices)}, not "${value}"`, command);
  }
  if (option.wholeNumber && !/^\d+$/.test(value)) throw new UsageError(`${option.name} takes a whole number, not "${value}"`, command);
  return option.list ? value.split(',').filter((item) => item !== '') : [value];
}

function describeChoices(choices: readonly string[]): string {
  return choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/**
 * Reads argv (what follows the command's name) against the command's options: `--name value`,
 * `--name=value`, an alias (`-h`), a flag without a value; `--` ends the options, and `-` alone is
 * an operand (standard input, by convention). An option named twice keeps every value; the caller
 * takes the last one where only one makes sense.
 */
export function parseArguments(argv: readonly string[], spec: CommandSpec): ParsedArguments {
  const operands: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--') {
      operands.push(...argv.slice(index + 1));
      break;
    }
    if (!argument.startsWith('-') || argument === '-') {
      operands.push(argument);
      continue;
    }
    const equals = argument.startsWith('--') ? argument.indexOf('=') : -1;
    const name = equals < 0 ? argument : argument.slice(0, equals);
    const option = findOption(spec, name);
    if (option === undefined) throw new UsageError(`unknown option ${name}`, spec.name);
    if (option.value === undefined) {
      if (equals >= 0) throw new UsageError(`${option.name} takes no value`, spec.name);
      flags.add(option.name);
      continue;
    }
    const value = equals < 0 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined || value === '') throw new UsageError(`${option.name} needs a value`, spec.name);
    values.set(option.name, [...(values.get(option.name) ?? []), ...checkValue(option, value, spec.name)]);
  }
  return { operands, flags, values };
}

/** The last value given to an option, or undefined. */
export function lastValue(parsed: ParsedArguments, name: string): string | undefined {
  return parsed.values.get(name)?.at(-1);
}

function optionLabel(option: OptionSpec): string {
  const names = option.alias !== undefined ? `${option.alias}, ${option.name}` : option.name;
  return option.value !== undefined ? `${names} ${option.value}` : names;
}

/** Rows of columns, each but the last padded to its widest cell, two spaces apart. */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => `${indent}${row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]) : cell)).join('  ')}`.trimEnd())
    .join('\n');
}

export function exitCodeLines(codes: readonly ExitCodeSpec[]): string {
  return columns(codes.map(({ code, meaning }) => [String(code), meaning]));
}

/** A command's `--help`: the synopsis, what it does, one line per option, its exit codes. */
export function formatCommandHelp(spec: CommandSpec): string {
  const options = columns(spec.options.map((option) => [optionLabel(option), option.help]));
  return (
    `Usage: certboot ${spec.name}${spec.operands ? ` ${spec.operands}` : ''} [OPTIONS]\n\n` +
    `${spec.description}\n\n` +
    `Options:\n${options}\n\n` +
    `Exit codes:\n${exitCodeLines([...spec.exitCodes, ...sharedExitCodes].sort((left, right) => left.code - right.code))}\n` +
    (spec.notes ? `\n${spec.notes}` : '')
  );
}

/** The one format of a usage error: what is wrong, then where to read what is right. */
export function formatUsageError(error: UsageError): string {
  const help = error.command === undefined ? 'certboot --help' : `certboot ${error.command} --help`;
  return `certboot: ${error.message}\nRun "${help}" for usage.\n`;
}
