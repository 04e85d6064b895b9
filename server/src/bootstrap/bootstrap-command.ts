import { posix } from 'node:path';
import { buildDeployment } from '../model/deployment';

import type { FileSystem } from '../workspace/file-system';
import { applyFileEdits, type EditedFile } from '../fixes/apply-edits';
import { isCertificateDomain, isPlainEmail, suggestDomains } from './domains';
import { BootstrapError, generateBootstrap } from './generate-bootstrap';
import { unifiedDiff } from '../fixes/unified-diff';
import { readTextFile } from '../workspace/text-files';

export interface BootstrapCommandContext {
  readonly cwd: string;
  out(text: string): void;
  error(text: string): void;
  /** The project's files, as the generator reads them. */
  fileSystem(root: string): FileSystem;
  writeFile(path: string, content: string, executable: boolean): void;
}

class BootstrapUsageError extends Error {}

const usage = `  certboot bootstrap [DIR] [--domain D]... --email E [--staging] [--write]
`;

export const bootstrapUsage = `Usage:
${usage}      Splits the nginx + certbot deployment of the compose project in DIR (default: the current
      directory) into HTTP-first stages, so that a fresh server goes from nothing to HTTPS with no
      manual step: stage 1 (port 80, the ACME challenge) always loaded, stage 2 (the HTTPS servers)
      enabled by certbot's deploy hook once the certificate exists, nginx reloaded by a start
      script of its image, a one-off issuing service, a renewal loop, and scripts/init-certificates.sh.
      --domain   a name of the certificate (repeat it, or separate with commas); the first names
                 the certificate; default: the names of server_name and certbot's -d
      --email    the address Let's Encrypt writes to before the certificate expires (required)
      --staging  request the certificate from Let's Encrypt's staging server (browsers reject it)
      --write    write the changes; without it they are printed as a unified diff (patch -p1)
      Exit code 0 when the changes were printed or written (or nothing was left to change),
      1 when the project cannot be rewritten safely, 2 on bad usage.
`;

interface BootstrapArguments {
  readonly directory: string;
  readonly domains: string[];
  readonly email?: string;
  readonly staging: boolean;
  readonly write: boolean;
  readonly help: boolean;
}

function parse(argv: readonly string[]): BootstrapArguments {
  const positional: string[] = [];
  const domains: string[] = [];
  let email: string | undefined;
  let staging = false;
  let write = false;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    const equals = argument.startsWith('--') ? argument.indexOf('=') : -1;
    const name = equals < 0 ? argument : argument.slice(0, equals);
    const value = (): string => {
      const given = equals < 0 ? argv[++index] : argument.slice(equals + 1);
      if (given === undefined || given === '') throw new BootstrapUsageError(`${name} needs a value`);
      return given;
    };
    if (name === '--domain' || name === '-d')
      domains.push(
        ...value()
          .split(',')
          .filter((domain) => domain !== ''),
      );
    else if (name === '--email') email = value();
    else if (name === '--staging' && equals < 0) staging = true;
    else if (name === '--write' && equals < 0) write = true;
    else if ((name === '--help' || name === '-h') && equals < 0) help = true;
    else if (argument.startsWith('-')) throw new BootstrapUsageError(`unknown option ${argument}`);
    else positional.push(argument);
  }
  if (positional.length > 1) throw new BootstrapUsageError('bootstrap takes at most one DIR');
  return { directory: positional[0] ?? '.', domains, ...(email !== undefined ? { email } : {}), staging, write, help };
}

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

function writeFiles(context: BootstrapCommandContext, files: readonly EditedFile[]): void {
  for (const file of files) {
    // a new script must be runnable as written in its own instructions
    context.writeFile(file.file, file.after, file.before === undefined && file.after.startsWith('#!'));
    context.out(`${file.before === undefined ? 'created' : 'updated'} ${displayName(context.cwd, file.file)}\n`);
  }
}

/** `certboot bootstrap`: exit 0 when the changes were printed or written, 1 when the project cannot be bootstrapped, 2 on bad usage. */
export async function runBootstrapCommand(argv: readonly string[], context: BootstrapCommandContext): Promise<number> {
  let parsed: BootstrapArguments;
  try {
    parsed = parse(argv);
    if (parsed.help) {
      context.out(bootstrapUsage);
      return 0;
    }
    if (parsed.email === undefined) throw new BootstrapUsageError("--email is required: Let's Encrypt writes there before a certificate expires");
    if (!isPlainEmail(parsed.email)) throw new BootstrapUsageError(`--email ${parsed.email} is not an email address`);
    const invalid = parsed.domains.find((domain) => !isCertificateDomain(domain));
    if (invalid !== undefined)
      throw new BootstrapUsageError(`--domain ${invalid} is not a name Let's Encrypt can validate over HTTP-01 (no wildcards, IP addresses or single labels)`);
  } catch (error) {
    if (!(error instanceof BootstrapUsageError)) throw error;
    context.error(`certboot: ${error.message}\n\nUsage:\n${usage}`);
    return 2;
  }
  const directory = posix.resolve(context.cwd, parsed.directory);
  const fileSystem = context.fileSystem(directory);
  if (fileSystem.stat(directory)?.kind !== 'directory') {
    context.error(`certboot: cannot read ${parsed.directory}: not a directory\n`);
    return 2;
  }
  const deployment = await buildDeployment(fileSystem, directory);
  let domains = parsed.domains;
  if (domains.length === 0) {
    const suggestion = suggestDomains(deployment);
    if (suggestion.domains.length === 0) {
      context.error('certboot: no --domain given, and no server_name or certbot -d in the project names one\n');
      return 2;
    }
    domains = suggestion.domains;
    context.error(`certboot: no --domain given; using ${suggestion.sources.join(', ')}\n`);
  }
  let files: EditedFile[];
  let summary: string[];
  try {
    const result = generateBootstrap(deployment, fileSystem, { domains, email: parsed.email as string, staging: parsed.staging });
    files = applyFileEdits(result.edits, (file) => readTextFile(fileSystem, file));
    summary = result.summary;
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    context.error(`certboot: cannot bootstrap ${parsed.directory}: ${error.message}\n`);
    return 1;
  }
  if (files.length === 0) {
    context.error(`certboot: nothing to change: ${parsed.directory} is already split into HTTP-first stages\n`);
    return 0;
  }
  if (parsed.write) {
    writeFiles(context, files);
    for (const line of summary) context.out(`  ${line}\n`);
  } else {
    printDiff(context, files);
    for (const line of summary) context.error(`certboot: ${line}\n`);
  }
  return 0;
}
