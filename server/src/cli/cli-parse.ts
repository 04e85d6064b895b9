/**
 * The CLI's `parse` and `lex`, bundled apart (dist/cli-parse.js, scripts/build.mjs): they need
 * the nginx parser and nothing of the rules, and `lint` needs none of this file.
 */
import { closeSync, openSync, realpathSync, type Stats, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { binaryFileProblem, readConfigurationBytes } from '../languages/nginx/configuration';
import { writeCrossplaneParse } from '../languages/nginx/crossplane-parse';
import { writeCrossplaneTokens } from '../languages/nginx/crossplane-payload';
import { decodeConfigurationText } from '../languages/nginx/text';
import { DiskFileSystem } from '../workspace/disk-file-system';
import { exitCode } from './arguments';
import type { CommandOutput } from './cli-commands';
import type { LexOptions, ParseOptions } from './commands';

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
  try {
    // a file that exists but may not be read is a FILE that cannot be read, as a missing one is
    closeSync(openSync(absolute, 'r'));
  } catch (error) {
    return { reason: unreadableReason(error) };
  }
  return { absolute, fileSystem: new DiskFileSystem([process.cwd(), posix.dirname(absolute), real, ...roots.map((root) => resolve(root))]) };
}

export function runParse(options: ParseOptions, output: CommandOutput): number {
  const named = openNamedFile(options.file, options.roots);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${options.file}: ${named.reason}\n`);
    return exitCode.usage;
  }
  const status = writeCrossplaneParse(
    named.fileSystem,
    named.absolute,
    {
      displayPath: toPosix(options.file),
      single: options.singleFile,
      ignore: options.ignore,
      includeComments: options.includeComments,
      combine: options.combine,
    },
    { indent: options.indent, write: (chunk) => output.out(chunk) },
  );
  output.out('\n');
  return status === 'ok' ? exitCode.ok : exitCode.problems;
}

/** Reads its file as `parse` reads its main file: the same refusals, the same size limit, the same words. */
export function runLex(options: LexOptions, output: CommandOutput): number {
  const file = options.file;
  const named = openNamedFile(file, []);
  if ('reason' in named) {
    output.error(`certboot: cannot read ${file}: ${named.reason}\n`);
    return exitCode.usage;
  }
  const read = readConfigurationBytes(named.fileSystem, named.absolute);
  if ('problem' in read) {
    output.error(`certboot: cannot read ${file}: ${read.problem}\n`);
    return exitCode.usage;
  }
  // crossplane's lexer reads a byte order mark as the first character of the first word
  const text = decodeConfigurationText(read.bytes, true);
  if (text === undefined) {
    output.error(`certboot: cannot lex ${file}: ${binaryFileProblem}\n`);
    return exitCode.problems;
  }
  const errors = writeCrossplaneTokens(text, { indent: options.indent, write: (chunk) => output.out(chunk) });
  output.out('\n');
  for (const error of errors) output.error(`${error.message} in ${file}:${error.line}\n`);
  return errors.length > 0 ? exitCode.problems : exitCode.ok;
}
