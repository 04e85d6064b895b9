import { posix } from 'node:path';
import type { Finding } from '../text/findings';
import { DiskFileSystem } from '../workspace/disk-file-system';
import type { FileSystem } from '../workspace/file-system';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import {
  applyLintConfiguration,
  type ConfigurationProblem,
  emptyLintConfiguration,
  findLintConfigurationFile,
  type LintConfiguration,
  loadLintConfigurationFile,
} from './lint-config';
import { pathBelow, relativeFilePath, toPosix } from '../text/paths';
import { realFilePath } from '../workspace/file-writes';
import { fixesDiff, fixUntilStable, maximumFixRounds, type RefusedFix, writeFixedFiles } from './lint-fixes';
import type { FormatOptions } from './report-order';
import { applySuppressions, suppressibleFiles } from './suppressions';

export interface LintCommandIo {
  readonly cwd: string;
  out(text: string): void;
  error(text: string): void;
  readonly isTty: boolean;
  readonly env: Record<string, string | undefined>;
}

export interface AnalyzeRequest {
  /** Directories the engine may read (absolute POSIX paths). */
  roots: string[];
  /** What the user asked to lint, files or directories (absolute POSIX paths). */
  paths: string[];
}

/** The findings for a request, read through `fileSystem` (the disk, or the disk with fixes laid over it). */
export type Analyze = (request: AnalyzeRequest, fileSystem: FileSystem) => Promise<readonly Finding[]>;

export const lintUsage = `Usage:
  certboot lint [PATH...] [--format text|json|sarif] [--max-warnings N] [--config FILE] [--quiet]
               [--fix | --fix-dry-run]
      Checks the nginx, certbot and docker compose setup under each PATH (default: the current
      directory) for what makes HTTPS fail on first boot or first renewal.
      --format        text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
      --max-warnings  exit with 1 when there are more than N warnings
      --config        use FILE instead of the nearest certboot.json
      --quiet         report errors only
      --fix           apply the safe fixes to the files under PATH, then report what is left
      --fix-dry-run   print the safe fixes as a unified diff instead of the report; write nothing
      Exit code 0 without errors, 1 with errors or too many warnings (after --fix or
      --fix-dry-run: those left once the fixes are in), 2 on bad usage.

Rules are configured in certboot.json: { "rules": { "<rule-id>": "error" | "warning" | "info" | "off" } }.
A comment "# certboot-disable-next-line <rule-id>, ..." drops the findings that start on the next line.
`;

const formatters = { text: formatText, json: formatJson, sarif: formatSarif } as const;
type FormatName = keyof typeof formatters;

class UsageError extends Error {}

interface LintOptions {
  readonly paths: readonly string[];
  readonly format: FormatName;
  readonly maxWarnings: number | undefined;
  readonly config: string | undefined;
  readonly quiet: boolean;
  readonly help: boolean;
  /** --fix writes the safe fixes, --fix-dry-run prints them. */
  readonly fix: 'write' | 'dry-run' | undefined;
}

function isFormatName(value: string): value is FormatName {
  return Object.hasOwn(formatters, value);
}

function parseLintArguments(argv: readonly string[]): LintOptions {
  const paths: string[] = [];
  let format: FormatName = 'text';
  let maxWarnings: number | undefined;
  let config: string | undefined;
  let quiet = false;
  let help = false;
  let fix: LintOptions['fix'];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--') {
      paths.push(...argv.slice(index + 1));
      break;
    }
    if (!argument.startsWith('-') || argument === '-') {
      paths.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    const name = equals < 0 ? argument : argument.slice(0, equals);
    const value = (): string => {
      const given = equals < 0 ? argv[++index] : argument.slice(equals + 1);
      if (given === undefined || given === '') throw new UsageError(`${name} needs a value`);
      return given;
    };
    switch (name) {
      case '--format': {
        const given = value();
        if (!isFormatName(given)) throw new UsageError(`unknown format "${given}" (expected text, json or sarif)`);
        format = given;
        break;
      }
      case '--max-warnings': {
        const given = value();
        if (!/^\d+$/.test(given)) throw new UsageError(`--max-warnings takes a whole number, not "${given}"`);
        maxWarnings = Number(given);
        break;
      }
      case '--config':
        config = value();
        break;
      case '--quiet':
      case '--help':
      case '-h':
        if (equals >= 0) throw new UsageError(`${name} takes no value`);
        if (name === '--quiet') quiet = true;
        else help = true;
        break;
      case '--fix':
      case '--fix-dry-run': {
        if (equals >= 0) throw new UsageError(`${name} takes no value`);
        const given = name === '--fix' ? 'write' : 'dry-run';
        if (fix !== undefined && fix !== given) throw new UsageError('--fix and --fix-dry-run cannot be used together');
        fix = given;
        break;
      }
      default:
        throw new UsageError(`unknown option ${argument}`);
    }
  }
  return { paths: paths.length > 0 ? paths : ['.'], format, maxWarnings, config, quiet, help, fix };
}

function isInsideDirectory(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}

/** A file or directory the user named, with the workspace root its configuration search stops at. */
interface LintTarget {
  readonly path: string;
  /** The directory certboot.json is searched from. */
  readonly directory: string;
  readonly root: string;
}

/**
 * Paths inside the working directory share it as their workspace root; a path outside it is a
 * workspace of its own (its directory), so nothing above what the user named is read.
 */
function resolveTargets(paths: readonly string[], cwd: string): { targets: LintTarget[]; missing: string[] } {
  const targets: LintTarget[] = [];
  const missing: string[] = [];
  const named = new Set<string>();
  for (const given of paths) {
    const path = posix.resolve(cwd, toPosix(given));
    // `certboot lint . .` lints the directory once
    if (named.has(path)) continue;
    named.add(path);
    const inside = isInsideDirectory(path, cwd);
    const kind = new DiskFileSystem([inside ? cwd : posix.dirname(path)]).stat(path)?.kind;
    if (kind === undefined) {
      missing.push(given);
      continue;
    }
    const directory = kind === 'directory' ? path : posix.dirname(path);
    targets.push({ path, directory, root: inside ? cwd : directory });
  }
  return { targets, missing };
}

interface ConfigurationScope {
  readonly directory: string;
  readonly configuration: LintConfiguration;
}

function describeProblem(problem: ConfigurationProblem, cwd: string): string {
  const where = problem.range ? `:${problem.range.start.line + 1}:${problem.range.start.character + 1}` : '';
  return `certboot: invalid configuration ${relativeFilePath(problem.source, cwd)}${where}: ${problem.message}\n`;
}

type LoadedConfigurations = { readonly scopes: readonly ConfigurationScope[] } | { readonly problems: readonly ConfigurationProblem[] };

/**
 * The configuration of each linted path: --config for all of them, else the nearest certboot.json
 * from the path up to its workspace root.
 */
function loadConfigurations(options: LintOptions, targets: readonly LintTarget[], fileSystem: FileSystem, cwd: string): LoadedConfigurations {
  if (options.config !== undefined) {
    const file = posix.resolve(cwd, toPosix(options.config));
    const loaded = loadLintConfigurationFile(new DiskFileSystem([file]), file);
    if (loaded.problems.length > 0) return { problems: loaded.problems };
    return { scopes: targets.map((target) => ({ directory: target.directory, configuration: loaded.configuration })) };
  }
  const problems: ConfigurationProblem[] = [];
  const loadedByFile = new Map<string, LintConfiguration>();
  const scopes: ConfigurationScope[] = [];
  for (const target of targets) {
    const file = findLintConfigurationFile(fileSystem, target.directory, target.root);
    if (file === undefined) {
      scopes.push({ directory: target.directory, configuration: emptyLintConfiguration });
      continue;
    }
    let configuration = loadedByFile.get(file);
    if (configuration === undefined) {
      const loaded = loadLintConfigurationFile(fileSystem, file);
      problems.push(...loaded.problems);
      configuration = loaded.configuration;
      loadedByFile.set(file, configuration);
    }
    scopes.push({ directory: target.directory, configuration });
  }
  return problems.length > 0 ? { problems } : { scopes };
}

/** Each finding follows the configuration of the innermost linted path holding its file. */
function configure(findings: readonly Finding[], scopes: readonly ConfigurationScope[]): Finding[] {
  const innermostFirst = [...scopes].sort((first, second) => second.directory.length - first.directory.length);
  return findings.flatMap((finding) => {
    const scope = innermostFirst.find((candidate) => isInsideDirectory(finding.location.file, candidate.directory)) ?? scopes[0];
    return applyLintConfiguration([finding], scope.configuration);
  });
}

/**
 * `certboot lint`: argv is what follows "lint". Resolves with the exit code: 0 without errors, 1
 * with an error finding or more warnings than --max-warnings, 2 on bad usage, a path that does not
 * exist or an invalid configuration.
 */
export async function runLintCommand(argv: readonly string[], io: LintCommandIo, analyze: Analyze): Promise<number> {
  let options: LintOptions;
  try {
    options = parseLintArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(`certboot: ${error.message}\n\n${lintUsage}`);
    return 2;
  }
  if (options.help) {
    io.out(lintUsage);
    return 0;
  }
  const cwd = posix.resolve(toPosix(io.cwd));
  const { targets, missing } = resolveTargets(options.paths, cwd);
  if (missing.length > 0) {
    for (const path of missing) io.error(`certboot: cannot lint ${path}: no such file or directory\n`);
    return 2;
  }
  const roots = [...new Set(targets.map((target) => target.root))];
  const fileSystem = new DiskFileSystem(roots);
  const configurations = loadConfigurations(options, targets, fileSystem, cwd);
  if ('problems' in configurations) {
    for (const problem of configurations.problems) io.error(describeProblem(problem, cwd));
    return 2;
  }
  const request: AnalyzeRequest = { roots, paths: targets.map((target) => target.path) };
  const lint = async (files: FileSystem): Promise<Finding[]> =>
    configure(
      applySuppressions(await analyze(request, files), files, [...new Set(targets.flatMap((target) => suppressibleFiles(files, target.path)))]),
      configurations.scopes,
    );
  let findings: readonly Finding[];
  let writeFailed = false;
  if (options.fix === undefined) {
    findings = await lint(fileSystem);
  } else {
    const outcome = await fixUntilStable(fileSystem, lint, (file) => refusalReason(file, targets));
    for (const refusal of outcome.refused) io.error(describeRefusal(refusal, cwd));
    if (outcome.unfinished) io.error(`certboot: safe fixes are left after ${maximumFixRounds} rounds of fixing; run certboot lint --fix again\n`);
    const summary = `${outcome.applied.length} ${outcome.applied.length === 1 ? 'fix' : 'fixes'} to ${outcome.files.map((file) => relativeFilePath(file.file, cwd)).join(', ')}`;
    if (options.fix === 'dry-run') {
      io.out(fixesDiff(outcome.files, (file) => pathBelow(cwd, file)));
      if (outcome.files.length > 0) io.error(`certboot: --fix would apply ${summary}\n`);
      return exitCode(outcome.findings, options, io);
    }
    const problems = writeFixedFiles(outcome.files);
    for (const problem of problems) io.error(`certboot: ${problem.message}\n`);
    writeFailed = problems.length > 0;
    if (outcome.files.length > 0 && !writeFailed) io.error(`certboot: applied ${summary}\n`);
    // a file left unwritten is reported as it is on disk
    findings = writeFailed ? await lint(fileSystem) : outcome.findings;
  }
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const formatOptions: FormatOptions = { cwd, color: options.format === 'text' && io.isTty && !noColor };
  const reported = options.quiet ? findings.filter((finding) => finding.severity === 'error') : findings;
  io.out(formatters[options.format](reported, formatOptions));
  return writeFailed ? 1 : exitCode(findings, options, io);
}

/** 1 with an error or more warnings than --max-warnings, else 0. */
function exitCode(findings: readonly Finding[], options: LintOptions, io: LintCommandIo): number {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  // counted before --quiet hides them, so a CI gate does not pass because the output is shorter
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  if (tooManyWarnings) io.error(`certboot: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
  return errors > 0 || tooManyWarnings ? 1 : 0;
}

/**
 * Why a fix may not edit a file: only files under a linted directory, or a linted file, are
 * edited; a link is judged by where it leads too, so no fix reaches beyond what the user named.
 */
function refusalReason(file: string, targets: readonly LintTarget[]): string | undefined {
  const named = (path: string, resolve: (path: string) => string): boolean =>
    targets.some((target) => (target.directory === target.path ? isInsideDirectory(path, resolve(target.path)) : path === resolve(target.path)));
  return named(file, (path) => path) && named(realFilePath(file), realFilePath) ? undefined : 'which is outside the linted paths';
}

function describeRefusal(refusal: RefusedFix, cwd: string): string {
  const { line, character } = refusal.finding.location.range.start;
  const where = `${relativeFilePath(refusal.finding.location.file, cwd)}:${line + 1}:${character + 1}`;
  return `certboot: not fixing ${where} [${refusal.finding.ruleId}]: "${refusal.fix.title}" would edit ${relativeFilePath(refusal.file, cwd)}, ${refusal.reason}\n`;
}
