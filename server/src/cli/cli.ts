import { realpathSync, type Stats, statSync, writeSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { binaryFileProblem, loadNginxConfiguration, readConfigurationBytes } from '../languages/nginx/configuration';
import { writeCrossplanePayload, writeCrossplaneTokens } from '../languages/nginx/crossplane-payload';
import { decodeConfigurationText } from '../languages/nginx/text';
import { DiskFileSystem } from '../workspace/disk-file-system';

const parseUsage = `  certboot parse FILE [--include-comments] [--single-file] [--combine] [--ignore a,b] [--root DIR]... [--indent N]
      Prints crossplane's JSON payload for an nginx configuration and the files it includes.
      Exit code 0 when nginx would accept the syntax, 1 when there are errors, 2 on bad usage
      or a FILE that cannot be read.
`;

const lexUsage = `  certboot lex FILE [--indent N]
      Prints the tokens of one nginx file as [token, line] pairs (crossplane lex -n).
`;

const filesNote = `FILE is read wherever its links lead; the files it includes only inside FILE's directory, the
working directory and each --root.
`;

const usage = `Usage:
  certboot lint [PATH...] [--format text|json|sarif] [--max-warnings N] [--config FILE] [--quiet]
               [--fix | --fix-dry-run]
      Finds compose projects and nginx configurations under each PATH (default .) and reports
      what fails on first boot or first renewal; --fix applies the safe fixes first.
      Exit code 0 without errors, 1 with errors.
  certboot bootstrap [DIR] [--domain D]... --email E [--staging] [--write]
      Splits the nginx + certbot deployment of the compose project in DIR (default .) into
      HTTP-first stages and prints the changes as a unified diff; --write applies them.
      Without --domain, the names of server_name and certbot's -d are used.
${parseUsage}${lexUsage}
${filesNote}`;

class UsageError extends Error {}

interface Output {
  /** Text, or UTF-8 bytes that are only valid during the call. */
  out(text: string | Uint8Array): void;
  error(text: string): void;
}

interface ParsedArguments {
  readonly positional: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
}

function parseArguments(argv: readonly string[], flagNames: readonly string[], valueNames: readonly string[]): ParsedArguments {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    // -h is --help, as for lint and bootstrap
    if (argument === '-h' && flagNames.includes('--help')) {
      flags.add('--help');
      continue;
    }
    if (!argument.startsWith('--') || argument === '--') {
      positional.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    const name = equals < 0 ? argument : argument.slice(0, equals);
    if (flagNames.includes(name) && equals < 0) {
      flags.add(name);
    } else if (valueNames.includes(name)) {
      const value = equals < 0 ? argv[++index] : argument.slice(equals + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${argument}`);
    }
  }
  return { positional, flags, values };
}

function indentOf(parsed: ParsedArguments): number | undefined {
  const indent = parsed.values.get('--indent')?.at(-1);
  if (indent === undefined) return undefined;
  if (!/^\d+$/.test(indent)) throw new UsageError('--indent takes a whole number');
  return Number(indent);
}

function singleFile(parsed: ParsedArguments, command: string): string {
  if (parsed.positional.length !== 1) throw new UsageError(`${command} takes exactly one FILE`);
  return parsed.positional[0];
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/** Why a path cannot be read at all, in the words of `cannot read FILE: …`. */
function unreadableReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return (error as Error).message;
  }
}

/**
 * The file named on the command line and a file system to read it and its includes with: inside
 * the working directory, the file's directory and each --root, and the file itself wherever its
 * links lead (sites-enabled/default is a link into sites-available), as the user named it. Only a
 * regular file: a device or a pipe never ends, and a directory is no configuration.
 */
function openNamedFile(file: string, roots: readonly string[]): { absolute: string; fileSystem: DiskFileSystem } | { reason: string } {
  const absolute = toPosix(resolve(file));
  let stats: Stats;
  let real: string;
  try {
    stats = statSync(absolute);
    real = toPosix(realpathSync(absolute));
  } catch (error) {
    return { reason: unreadableReason(error) };
  }
  if (stats.isDirectory()) return { reason: 'is a directory' };
  if (!stats.isFile()) return { reason: 'is not a regular file' };
  return { absolute, fileSystem: new DiskFileSystem([process.cwd(), posix.dirname(absolute), real, ...roots.map((root) => resolve(root))]) };
}

function runParse(argv: readonly string[], output: Output): number {
  const parsed = parseArguments(argv, ['--include-comments', '--single-file', '--combine', '--strict', '--help'], ['--ignore', '--root', '--indent']);
  if (parsed.flags.has('--help')) {
    output.out(`Usage:\n${parseUsage}\n${filesNote}`);
    return 0;
  }
  if (parsed.flags.has('--strict')) throw new UsageError('--strict is not supported yet');
  const file = singleFile(parsed, 'parse');
  const indent = indentOf(parsed);
  const named = openNamedFile(file, parsed.values.get('--root') ?? []);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${file}: ${named.reason}\n`);
    return 2;
  }
  const ignore = new Set((parsed.values.get('--ignore') ?? []).flatMap((list) => list.split(',')).filter((name) => name !== ''));
  const configuration = loadNginxConfiguration(named.fileSystem, named.absolute, {
    displayPath: toPosix(file),
    single: parsed.flags.has('--single-file'),
    invalidDirectives: 'crossplane',
    ignore,
  });
  const status = writeCrossplanePayload(
    configuration,
    { includeComments: parsed.flags.has('--include-comments'), combine: parsed.flags.has('--combine') },
    { indent, write: (chunk) => output.out(chunk) },
  );
  output.out('\n');
  return status === 'ok' ? 0 : 1;
}

/** Reads its file as `parse` reads its main file: the same refusals, the same size limit, the same words. */
function runLex(argv: readonly string[], output: Output): number {
  const parsed = parseArguments(argv, ['--help'], ['--indent']);
  if (parsed.flags.has('--help')) {
    output.out(`Usage:\n${lexUsage}`);
    return 0;
  }
  const file = singleFile(parsed, 'lex');
  const indent = indentOf(parsed);
  const named = openNamedFile(file, []);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${file}: ${named.reason}\n`);
    return 2;
  }
  const read = readConfigurationBytes(named.fileSystem, named.absolute);
  const text = 'bytes' in read ? decodeConfigurationText(read.bytes) : undefined;
  if (text === undefined) {
    output.error(`certboot: cannot lex ${file}: ${'problem' in read ? read.problem : binaryFileProblem}\n`);
    return 1;
  }
  const errors = writeCrossplaneTokens(text, { indent, write: (chunk) => output.out(chunk) });
  output.out('\n');
  for (const error of errors) output.error(`${error.message} in ${file}:${error.line}\n`);
  return errors.length > 0 ? 1 : 0;
}

export async function runCli(argv: readonly string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // a bundle of their own, loaded on demand: `parse` and `lex` need neither the rules nor
      // yaml and tree-sitter (see cli-commands.ts)
      case 'lint':
        return await (await import('./cli-commands.js')).runLint(rest, output);
      case 'bootstrap':
        return await (await import('./cli-commands.js')).runBootstrap(rest, output);
      case 'parse':
        return runParse(rest, output);
      case 'lex':
        return runLex(rest, output);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        output.out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.error(`certboot: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes before returning, so output of any size is complete when the process exits. A
 * descriptor inherited in non-blocking mode answers EAGAIN when the pipe is full: wait and retry.
 * A reader that went away (`certboot parse … | head`) ends the output, not the process.
 */
function writeFully(descriptor: number, text: string | Uint8Array): void {
  let bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(descriptor, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    out: (text) => writeFully(1, text),
    error: (text) => writeFully(2, text),
  }).then((code) => {
    process.exitCode = code;
  });
}
