import { posix } from 'node:path';
import type { Finding } from '../text/findings';
import { DiskFileSystem } from '../workspace/disk-file-system';
import type { FileSystem } from '../workspace/file-system';
import { readTextFile } from '../workspace/text-files';
import { formatGitlab } from './format-gitlab';
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
import type { ReportFormat } from './report-formats';
import type { FormatOptions } from './report-order';
import { applySuppressions, suppressibleFiles } from './suppressions';
import type { SharedHosts } from '../model/deployment';

export interface LintCommandIo {
  readonly cwd: string;
  out(text: string): void;
  error(text: string): void;
}

export interface AnalyzeRequest {
  /** Directories the engine may read (absolute POSIX paths). */
  roots: string[];
  /** What the user asked to lint, files or directories (absolute POSIX paths). */
  paths: string[];
  /** certboot.json's `"hosts"` for each of `paths`, when its configuration says it. */
  sharedHosts?: ReadonlyMap<string, SharedHosts>;
}

/** The findings for a request, read through `fileSystem` (the disk, or the disk with fixes laid over it). */
export type Analyze = (request: AnalyzeRequest, fileSystem: FileSystem) => Promise<readonly Finding[]>;

const formatters = { text: formatText, json: formatJson, sarif: formatSarif, gitlab: formatGitlab } satisfies Record<
  ReportFormat,
  (findings: readonly Finding[], options: FormatOptions) => string
>;

/** What `certboot lint` was asked, as the CLI read it from its command line. */
export interface LintOptions {
  /** Files or directories, relative to the working directory or absolute; at least one. */
  readonly paths: readonly string[];
  readonly format: ReportFormat;
  /** Fail when there are more warnings than this. */
  readonly maxWarnings: number | undefined;
  /** A certboot.json to use instead of the nearest one. */
  readonly config: string | undefined;
  /** Report errors only. */
  readonly quiet: boolean;
  /** --fix writes the safe fixes, --fix-dry-run prints them. */
  readonly fix: 'write' | 'dry-run' | undefined;
  /** ANSI colors in the text report. */
  readonly color: boolean;
}

/**
 * How a lint ended: `passed` without errors (and no more warnings than allowed), `failed` with
 * them (after --fix or --fix-dry-run: those left once the fixes are in) or when a fixed file
 * could not be written, `unusable-input` when a path does not exist or the configuration is
 * invalid (said on the error output).
 */
export type LintOutcome = 'passed' | 'failed' | 'unusable-input';

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
 * `certboot lint`: finds, configures and suppresses findings under the paths, applies or prints
 * the safe fixes when asked, prints the report and says how it ended.
 */
export async function lint(options: LintOptions, io: LintCommandIo, analyze: Analyze): Promise<LintOutcome> {
  const cwd = posix.resolve(toPosix(io.cwd));
  const { targets, missing } = resolveTargets(options.paths, cwd);
  if (missing.length > 0) {
    for (const path of missing) io.error(`certboot: cannot lint ${path}: no such file or directory\n`);
    return 'unusable-input';
  }
  const roots = [...new Set(targets.map((target) => target.root))];
  const fileSystem = new DiskFileSystem(roots);
  const configurations = loadConfigurations(options, targets, fileSystem, cwd);
  if ('problems' in configurations) {
    for (const problem of configurations.problems) io.error(describeProblem(problem, cwd));
    return 'unusable-input';
  }
  const sharedHosts = new Map<string, SharedHosts>();
  for (const target of targets) {
    const hosts = configurations.scopes.find((scope) => scope.directory === target.directory)?.configuration.sharedHosts;
    if (hosts) sharedHosts.set(target.path, hosts);
  }
  const request: AnalyzeRequest = { roots, paths: targets.map((target) => target.path), ...(sharedHosts.size > 0 ? { sharedHosts } : {}) };
  const lintFiles = async (files: FileSystem): Promise<Finding[]> =>
    configure(
      applySuppressions(await analyze(request, files), files, [...new Set(targets.flatMap((target) => suppressibleFiles(files, target.path)))]),
      configurations.scopes,
    );
  let findings: readonly Finding[];
  let writeFailed = false;
  if (options.fix === undefined) {
    findings = await lintFiles(fileSystem);
  } else {
    const outcome = await fixUntilStable(fileSystem, lintFiles, (file) => refusalReason(file, targets));
    for (const refusal of outcome.refused) io.error(describeRefusal(refusal, cwd));
    if (outcome.unfinished) io.error(`certboot: safe fixes are left after ${maximumFixRounds} rounds of fixing; run certboot lint --fix again\n`);
    const summary = `${outcome.applied.length} ${outcome.applied.length === 1 ? 'fix' : 'fixes'} to ${outcome.files.map((file) => relativeFilePath(file.file, cwd)).join(', ')}`;
    if (options.fix === 'dry-run') {
      io.out(fixesDiff(outcome.files, (file) => pathBelow(cwd, file)));
      if (outcome.files.length > 0) io.error(`certboot: --fix would apply ${summary}\n`);
      return verdict(outcome.findings, options, io);
    }
    const problems = writeFixedFiles(outcome.files);
    for (const problem of problems) io.error(`certboot: ${problem.message}\n`);
    writeFailed = problems.length > 0;
    if (outcome.files.length > 0 && !writeFailed) io.error(`certboot: applied ${summary}\n`);
    // a file left unwritten is reported as it is on disk
    findings = writeFailed ? await lintFiles(fileSystem) : outcome.findings;
  }
  const formatOptions: FormatOptions = { cwd, color: options.format === 'text' && options.color, sourceText: (file) => readTextFile(fileSystem, file) };
  const reported = options.quiet ? findings.filter((finding) => finding.severity === 'error') : findings;
  io.out(formatters[options.format](reported, formatOptions));
  return writeFailed ? 'failed' : verdict(findings, options, io);
}

/** `failed` with an error or more warnings than --max-warnings, else `passed`. */
function verdict(findings: readonly Finding[], options: LintOptions, io: LintCommandIo): LintOutcome {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  // counted before --quiet hides them, so a CI gate does not pass because the output is shorter
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  if (tooManyWarnings) io.error(`certboot: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
  return errors > 0 || tooManyWarnings ? 'failed' : 'passed';
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
