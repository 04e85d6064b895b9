import { readFileSync, writeSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { loadNginxConfiguration } from './core/nginx/configuration';
import { toCrossplaneTokens, writeCrossplanePayload } from './core/nginx/crossplane-payload';
import { lexNginx } from './core/nginx/lexer';
import { decodeConfigurationText } from './core/nginx/text';
import { DiskFileSystem } from './core/workspace/disk-file-system';

const usage = `Usage:
  certboot lint [PATH...] [--format text|json|sarif] [--max-warnings N] [--config FILE] [--quiet]
      Finds compose projects and nginx configurations under each PATH (default .) and reports
      what fails on first boot or first renewal. Exit code 0 without errors, 1 with errors.
  certboot bootstrap [DIR] [--domain D]... --email E [--staging] [--write]
      Splits the nginx + certbot deployment of the compose project in DIR (default .) into
      HTTP-first stages and prints the changes as a unified diff; --write applies them.
      Without --domain, the names of server_name and certbot's -d are used.
  certboot parse FILE [--include-comments] [--single-file] [--combine] [--ignore a,b] [--root DIR]... [--indent N]
      Prints crossplane's JSON payload for an nginx configuration and the files it includes.
      Exit code 0 when nginx would accept the syntax, 1 when there are errors.
  certboot lex FILE [--indent N]
      Prints the tokens of one nginx file as [token, line] pairs (crossplane lex -n).

Files are read only inside the main file's directory, the working directory and each --root.
`;

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

function runParse(argv: readonly string[], output: Output): number {
  const parsed = parseArguments(argv, ['--include-comments', '--single-file', '--combine', '--strict'], ['--ignore', '--root', '--indent']);
  if (parsed.flags.has('--strict')) throw new UsageError('--strict is not supported yet');
  const file = singleFile(parsed, 'parse');
  const absolute = toPosix(resolve(file));
  const roots = [process.cwd(), posix.dirname(absolute), ...(parsed.values.get('--root') ?? []).map((root) => resolve(root))];
  const fileSystem = new DiskFileSystem(roots);
  if (fileSystem.stat(absolute)?.kind !== 'file') {
    output.error(`certboot: cannot read ${file}: no such file\n`);
    return 2;
  }
  const ignore = new Set((parsed.values.get('--ignore') ?? []).flatMap((list) => list.split(',')).filter((name) => name !== ''));
  const configuration = loadNginxConfiguration(fileSystem, absolute, {
    displayPath: toPosix(file),
    single: parsed.flags.has('--single-file'),
    invalidDirectives: 'crossplane',
    ignore,
  });
  const status = writeCrossplanePayload(
    configuration,
    { includeComments: parsed.flags.has('--include-comments'), combine: parsed.flags.has('--combine') },
    { indent: indentOf(parsed), write: (chunk) => output.out(chunk) },
  );
  output.out('\n');
  return status === 'ok' ? 0 : 1;
}

function runLex(argv: readonly string[], output: Output): number {
  const parsed = parseArguments(argv, [], ['--indent']);
  const file = singleFile(parsed, 'lex');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    output.error(`certboot: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const text = decodeConfigurationText(bytes);
  if (text === undefined) {
    output.error(`certboot: ${file} is a binary file (it contains NUL bytes), not an nginx configuration\n`);
    return 1;
  }
  const { tokens, errors } = lexNginx(text);
  output.out(`${JSON.stringify(toCrossplaneTokens(tokens), null, indentOf(parsed))}\n`);
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
