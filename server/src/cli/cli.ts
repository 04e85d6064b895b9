import { realpathSync, type Stats, statSync, writeSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { binaryFileProblem, loadNginxConfiguration, readConfigurationBytes } from '../languages/nginx/configuration';
import { writeCrossplanePayload, writeCrossplaneTokens } from '../languages/nginx/crossplane-payload';
import { decodeConfigurationText } from '../languages/nginx/text';
import { DiskFileSystem } from '../workspace/disk-file-system';
import { exitCode, exitCodeLines, formatUsageError, sharedExitCodes, columns, UsageError } from './arguments';
import { commands, type LexOptions, type ParseOptions, type Read, readBootstrap, readLex, readLint, readParse, readRules } from './commands';

/** Set by scripts/build.mjs from package.json. */
declare const CERTBOOT_VERSION: string;

interface Output {
  /** Text, or UTF-8 bytes that are only valid during the call. */
  out(text: string | Uint8Array): void;
  error(text: string): void;
}

const mainHelp = `Usage: certboot <command> [OPTIONS]

Commands:
${columns(commands.map((command) => [`${command.name}${command.operands ? ` ${command.operands}` : ''}`, command.summary]))}

Options:
${columns([
  ['-h, --help', 'print this help; "certboot <command> --help" prints the options of a command'],
  ['--version', "print certboot's version"],
])}

Exit codes:
${exitCodeLines([
  { code: exitCode.ok, meaning: 'success: nothing to report (lint: no errors)' },
  { code: exitCode.problems, meaning: 'problems found (lint: errors, or more warnings than --max-warnings)' },
  ...sharedExitCodes,
])}
`;

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

function runParse(options: ParseOptions, output: Output): number {
  const named = openNamedFile(options.file, options.roots);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${options.file}: ${named.reason}\n`);
    return exitCode.usage;
  }
  const configuration = loadNginxConfiguration(named.fileSystem, named.absolute, {
    displayPath: toPosix(options.file),
    single: options.singleFile,
    invalidDirectives: 'crossplane',
    ignore: options.ignore,
  });
  const status = writeCrossplanePayload(
    configuration,
    { includeComments: options.includeComments, combine: options.combine },
    { indent: options.indent, write: (chunk) => output.out(chunk) },
  );
  output.out('\n');
  return status === 'ok' ? exitCode.ok : exitCode.problems;
}

/** Reads its file as `parse` reads its main file: the same refusals, the same size limit, the same words. */
function runLex(options: LexOptions, output: Output): number {
  const file = options.file;
  const named = openNamedFile(file, []);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${file}: ${named.reason}\n`);
    return exitCode.usage;
  }
  const read = readConfigurationBytes(named.fileSystem, named.absolute);
  const text = 'bytes' in read ? decodeConfigurationText(read.bytes) : undefined;
  if (text === undefined) {
    output.error(`certboot: cannot lex ${file}: ${'problem' in read ? read.problem : binaryFileProblem}\n`);
    return exitCode.problems;
  }
  const errors = writeCrossplaneTokens(text, { indent: options.indent, write: (chunk) => output.out(chunk) });
  output.out('\n');
  for (const error of errors) output.error(`${error.message} in ${file}:${error.line}\n`);
  return errors.length > 0 ? exitCode.problems : exitCode.ok;
}

/** Prints the help the command line asked for, or runs the command with what it read. */
async function answer<T>(read: Read<T>, output: Output, run: (options: T) => number | Promise<number>): Promise<number> {
  if ('help' in read) {
    output.out(read.help);
    return exitCode.ok;
  }
  return await run(read.options);
}

/** The command bundle, loaded on demand: `parse` and `lex` need neither the rules nor yaml and tree-sitter (see cli-commands.ts). */
function loadCommands(): Promise<typeof import('./cli-commands.js')> {
  return import('./cli-commands.js');
}

/**
 * Reads the command line once, here: a usage error of any command is printed in one format and
 * exits 2 before any command's code is loaded or runs.
 */
export async function runCli(argv: readonly string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
        return await answer(readLint(rest), output, async (options) => (await loadCommands()).runLint(options, output));
      case 'bootstrap':
        return await answer(readBootstrap(rest), output, async (options) => (await loadCommands()).runBootstrap(options, output));
      case 'rules':
        return await answer(readRules(rest), output, async () => (await loadCommands()).printRules(output));
      case 'parse':
        return await answer(readParse(rest), output, (options) => runParse(options, output));
      case 'lex':
        return await answer(readLex(rest), output, (options) => runLex(options, output));
      case '--version':
        output.out(`certboot ${CERTBOOT_VERSION}\n`);
        return exitCode.ok;
      case '--help':
      case '-h':
      case 'help':
        output.out(mainHelp);
        return exitCode.ok;
      case undefined:
        output.error(mainHelp);
        return exitCode.usage;
      default:
        throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.error(formatUsageError(error));
      return exitCode.usage;
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
