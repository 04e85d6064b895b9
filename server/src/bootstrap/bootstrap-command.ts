import { posix } from 'node:path';
import { takeInventory } from '../inventory/inventory';
import { buildDeployment } from '../model/deployment';

import type { FileSystem } from '../workspace/file-system';
import { applyFileEdits, type EditedFile } from '../fixes/apply-edits';
import { suggestDomains } from './domains';
import { BootstrapError, generateBootstrap, writeProblems } from './generate-bootstrap';
import { unifiedDiff } from '../fixes/unified-diff';
import { readTextFile } from '../workspace/text-files';

export interface BootstrapCommandContext {
  readonly cwd: string;
  out(text: string): void;
  error(text: string): void;
  /** The project's files, as the generator reads them. */
  fileSystem(root: string): FileSystem;
  /** Writes a file inside `directory`, never through a symbolic link. */
  writeFile(directory: string, path: string, content: string, executable: boolean): void;
}

/** What `certboot bootstrap` was asked, as the CLI read and checked it from its command line. */
export interface BootstrapOptions {
  /** The compose project's directory, relative to the working directory or absolute. */
  readonly directory: string;
  /** Names of the certificate (checked: each one Let's Encrypt can validate); empty: from the project. */
  readonly domains: readonly string[];
  /** Let's Encrypt's account address (checked). */
  readonly email: string;
  readonly staging: boolean;
  /** Write the changes instead of printing them as a diff. */
  readonly write: boolean;
}

/**
 * How a bootstrap ended: `done` when the changes were printed or written (or nothing was left to
 * change), `refused` when the project cannot be rewritten safely, `unusable-input` when DIR is no
 * directory, no domain is given or found, or a file to write is a link, lies below one or outside
 * DIR (each said on the error output).
 */
export type BootstrapOutcome = 'done' | 'refused' | 'unusable-input';

function displayName(cwd: string, file: string): string {
  const relative = posix.relative(cwd, file);
  return relative.startsWith('../') ? file : relative;
}

function printDiff(context: BootstrapCommandContext, files: readonly EditedFile[]): void {
  for (const file of files) {
    const name = displayName(context.cwd, file.file);
    context.out(unifiedDiff(`a/${name}`, `b/${name}`, file.before, file.after));
  }
}

function writeFiles(context: BootstrapCommandContext, directory: string, files: readonly EditedFile[]): void {
  for (const file of files) {
    // a script must be runnable as written in its own instructions, the first time and after an update
    context.writeFile(directory, file.file, file.after, file.after.startsWith('#!'));
    context.out(`${file.before === undefined ? 'created' : 'updated'} ${displayName(context.cwd, file.file)}\n`);
  }
}

/** `certboot bootstrap`: prints or writes the HTTP-first split of the project in `options.directory`. */
export async function runBootstrapCommand(options: BootstrapOptions, context: BootstrapCommandContext): Promise<BootstrapOutcome> {
  const directory = posix.resolve(context.cwd, options.directory);
  const fileSystem = context.fileSystem(directory);
  if (fileSystem.stat(directory)?.kind !== 'directory') {
    context.error(`certboot: cannot read ${options.directory}: not a directory\n`);
    return 'unusable-input';
  }
  const deployment = await buildDeployment(takeInventory(fileSystem, directory));
  let domains = [...options.domains];
  if (domains.length === 0) {
    const suggestion = suggestDomains(deployment);
    if (suggestion.domains.length === 0) {
      context.error('certboot: no --domain given, and no server_name or certbot -d in the project names one\n');
      return 'unusable-input';
    }
    domains = suggestion.domains;
    context.error(`certboot: no --domain given; using ${suggestion.sources.join(', ')}\n`);
  }
  let files: EditedFile[];
  let summary: string[];
  try {
    const result = generateBootstrap(deployment, fileSystem, { domains, email: options.email, staging: options.staging });
    files = applyFileEdits(result.edits, (file) => readTextFile(fileSystem, file));
    summary = result.summary;
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    context.error(`certboot: cannot bootstrap ${options.directory}: ${error.message}\n`);
    return 'refused';
  }
  if (files.length === 0) {
    context.error(`certboot: nothing to change: ${options.directory} is already split into HTTP-first stages\n`);
    return 'done';
  }
  const problems = writeProblems(directory, files, (path) => displayName(context.cwd, path));
  if (problems.length > 0) {
    context.error(
      `certboot: cannot bootstrap ${options.directory}: it writes only regular files inside ${options.directory}, and nothing was written:\n${problems.map((problem) => `  ${problem}\n`).join('')}`,
    );
    return 'unusable-input';
  }
  if (options.write) {
    writeFiles(context, directory, files);
    for (const line of summary) context.out(`  ${line}\n`);
  } else {
    printDiff(context, files);
    for (const line of summary) context.error(`certboot: ${line}\n`);
  }
  return 'done';
}
