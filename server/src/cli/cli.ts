import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { exitCode, exitCodeLines, formatUsageError, sharedExitCodes, columns, UsageError } from './arguments';
import { loadBundle } from './bundle-loader';
import { commands, type Read, readBootstrap, readLex, readLint, readParse, readRules } from './commands';

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
  { code: exitCode.internalError, meaning: 'lint: a rule of certboot failed (an internal error, named on stderr); the report may lack findings' },
])}
`;

/** Prints the help the command line asked for, or runs the command with what it read. */
async function answer<T>(read: Read<T>, output: Output, run: (options: T) => number | Promise<number>): Promise<number> {
  if ('help' in read) {
    output.out(read.help);
    return exitCode.ok;
  }
  return await run(read.options);
}

/**
 * The command bundles, each loaded when its command runs (scripts/build.mjs makes them): this
 * file reads the command line and prints help; dist/cli-parse.js holds `parse` and `lex`, the
 * nginx parser only; dist/cli-commands.js holds `lint`, `bootstrap` and `rules`, with the rules,
 * yaml and tree-sitter. Each is loaded with V8's code cache (bundle-loader.ts).
 */
function loadParseCommands(): typeof import('./cli-parse.js') {
  return loadBundle(join(__dirname, 'cli-parse.js')) as typeof import('./cli-parse.js');
}

function loadCommands(): typeof import('./cli-commands.js') {
  // the grammars' WebAssembly runs on V8's baseline compiler only: optimising a grammar's
  // functions takes far more CPU than a run of the CLI parses with them, and the process
  // cannot exit before those compilations finish (a second or more of waiting)
  setFlagsFromString('--liftoff-only');
  return loadBundle(join(__dirname, 'cli-commands.js')) as typeof import('./cli-commands.js');
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
        return await answer(readLint(rest), output, async (options) => loadCommands().runLint(options, output));
      case 'bootstrap':
        return await answer(readBootstrap(rest), output, async (options) => loadCommands().runBootstrap(options, output));
      case 'rules':
        return await answer(readRules(rest), output, async () => loadCommands().printRules(output));
      case 'parse':
        return await answer(readParse(rest), output, (options) => loadParseCommands().runParse(options, output));
      case 'lex':
        return await answer(readLex(rest), output, (options) => loadParseCommands().runLex(options, output));
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
