/**
 * The CLI's `lint` and `bootstrap`, bundled apart from dist/cli.js (scripts/build.mjs): they
 * need the rules, yaml and tree-sitter, and loading all of that was a sizeable part of a
 * `certboot parse` that needs none of it. cli.ts loads this file only when one of them runs.
 *
 * Only strings, numbers and the output functions cross between the two bundles: each has its
 * own copy of the shared code (DiskFileSystem, FileSystemError…), so no object of one may
 * reach an `instanceof` in the other.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { analyzePaths } from '../engine/analyze-paths';
import { runBootstrapCommand } from '../bootstrap/bootstrap-command';
import type { Finding } from '../text/findings';
import { type AnalyzeRequest, runLintCommand } from '../engine/lint-command';
import { DiskFileSystem } from '../workspace/disk-file-system';
import type { FileSystem } from '../workspace/file-system';

export interface CommandOutput {
  /** Text, or UTF-8 bytes that are only valid during the call. */
  out(text: string | Uint8Array): void;
  error(text: string): void;
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/** Each linted path is analysed as engine/analyze-paths.ts says; rules that threw are reported, the others still count. */
async function lintPaths(request: AnalyzeRequest, fileSystem: FileSystem, output: CommandOutput, reported: Set<string>): Promise<readonly Finding[]> {
  const { findings, internalErrors } = await analyzePaths(fileSystem, request.paths);
  for (const internal of internalErrors) {
    const text = `certboot: internal error in rule ${internal.ruleId}: ${internal.message}\n`;
    // --fix lints once per round of fixes: an error is told once
    if (!reported.has(text)) output.error(text);
    reported.add(text);
  }
  return findings;
}

export function runLint(argv: readonly string[], output: CommandOutput): Promise<number> {
  const reported = new Set<string>();
  return runLintCommand(
    argv,
    { cwd: process.cwd(), out: output.out, error: output.error, isTty: process.stdout.isTTY === true, env: process.env },
    (request, fileSystem) => lintPaths(request, fileSystem, output, reported),
  );
}

export function runBootstrap(argv: readonly string[], output: CommandOutput): Promise<number> {
  return runBootstrapCommand(argv, {
    cwd: toPosix(process.cwd()),
    out: output.out,
    error: output.error,
    fileSystem: (root) => new DiskFileSystem([root]),
    writeFile: (path, content, executable) => {
      mkdirSync(posix.dirname(path), { recursive: true });
      writeFileSync(path, content);
      if (executable) chmodSync(path, 0o755);
    },
  });
}
