/**
 * The CLI's `lint`, `bootstrap` and `rules`, bundled apart from dist/cli.js (scripts/build.mjs):
 * they need the rules, yaml and tree-sitter, and loading all of that was a sizeable part of a
 * `certboot parse` that needs none of it. cli.ts loads this file only when one of them runs,
 * after it has read the command line.
 *
 * Only plain data (the options cli.ts read from the command line), numbers and the output
 * functions cross between the two bundles: each has its own copy of the shared code
 * (DiskFileSystem, FileSystemError…), so no object of one may reach an `instanceof` in the other.
 */
import { posix } from 'node:path';
import { analyzePaths } from '../engine/analyze-paths';
import { type AnalyzeOptions, unlistableMessage } from '../engine/analyze-workspace';
import { type BootstrapOptions, type BootstrapOutcome, runBootstrapCommand } from '../bootstrap/bootstrap-command';
import { type AnalyzeRequest, type LintOutcome, lint } from '../engine/lint-command';
import { rules } from '../rules/index';
import type { Finding } from '../text/findings';
import { DiskFileSystem } from '../workspace/disk-file-system';
import { writeFileInside } from '../workspace/write-targets';
import type { FileSystem } from '../workspace/file-system';
import { exitCode } from './arguments';
import type { CliLintOptions } from './commands';
import { formatRuleList } from './rule-list';

export interface CommandOutput {
  /** Text, or UTF-8 bytes that are only valid during the call. */
  out(text: string | Uint8Array): void;
  error(text: string): void;
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/**
 * Each linted path is analysed as engine/analyze-paths.ts says; rules that threw are reported with
 * the file they failed on, the others still count. So are directories that could not be listed.
 */
async function lintPaths(
  request: AnalyzeRequest,
  fileSystem: FileSystem,
  output: CommandOutput,
  reported: Set<string>,
  options: AnalyzeOptions,
  ruleFailed: () => void,
): Promise<readonly Finding[]> {
  const { findings, internalErrors, unlistable } = await analyzePaths(fileSystem, request.paths, request.sharedHosts, options);
  if (internalErrors.length > 0) ruleFailed();
  const cwd = toPosix(process.cwd());
  const tell = (text: string): void => {
    // --fix lints once per round of fixes: each is told once
    if (!reported.has(text)) output.error(text);
    reported.add(text);
  };
  for (const internal of internalErrors)
    tell(`certboot: internal error in rule ${internal.ruleId} on ${posix.relative(cwd, internal.file) || '.'}: ${internal.message}\n`);
  for (const directory of unlistable) tell(`certboot: ${unlistableMessage(posix.relative(cwd, directory.path) || '.', directory.reason)}\n`);
  return findings;
}

const lintExitCodes: Record<LintOutcome, number> = { passed: exitCode.ok, failed: exitCode.problems, 'unusable-input': exitCode.usage };

/** `analyzeOptions` for tests: the rules to run instead of the catalogue's. */
export async function runLint(options: CliLintOptions, output: CommandOutput, analyzeOptions: AnalyzeOptions = {}): Promise<number> {
  // colors on a terminal, unless NO_COLOR says otherwise (no-color.org: set and not empty)
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const reported = new Set<string>();
  let ruleFailed = false;
  const outcome = await lint({ ...options, color }, { cwd: process.cwd(), out: output.out, error: output.error }, (request, fileSystem) =>
    lintPaths(request, fileSystem, output, reported, analyzeOptions, () => {
      ruleFailed = true;
    }),
  );
  // a report a rule failed to contribute to passes no gate
  return ruleFailed ? exitCode.internalError : lintExitCodes[outcome];
}

const bootstrapExitCodes: Record<BootstrapOutcome, number> = { done: exitCode.ok, refused: exitCode.problems, 'unusable-input': exitCode.usage };

export async function runBootstrap(options: BootstrapOptions, output: CommandOutput): Promise<number> {
  const outcome = await runBootstrapCommand(options, {
    cwd: toPosix(process.cwd()),
    out: output.out,
    error: output.error,
    fileSystem: (root) => new DiskFileSystem([root]),
    writeFile: writeFileInside,
  });
  return bootstrapExitCodes[outcome];
}

/** `certboot rules`: the catalogue, one rule a line. */
export function printRules(output: CommandOutput): number {
  output.out(formatRuleList(rules));
  return exitCode.ok;
}
