import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const cli = join(resolve(__dirname, '..'), 'dist', 'cli.js');

export interface ProcessFigures {
  readonly ms: number;
  readonly status: number | null;
  readonly peakRssMb: number;
}

/** A preload script that makes the measured process report its own peak RSS on exit. */
export function writePeakRssReporter(directory: string): string {
  const path = join(directory, 'report-peak-rss.js');
  writeFileSync(path, "process.on('exit', () => process.stderr.write(`certboot-bench-peak-rss-kb=${process.resourceUsage().maxRSS}\\n`));\n");
  return path;
}

/** Runs the built CLI in its own process, as a user would, and times the whole process. */
export function measureProcess(args: string[], reportPath: string, cwd: string): ProcessFigures {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', reportPath, cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const report = /certboot-bench-peak-rss-kb=(\d+)/.exec(result.stderr);
  if (!report) throw new Error(`no peak RSS report from the CLI: ${result.stderr}`);
  return { ms, status: result.status, peakRssMb: Number(report[1]) / 1024 };
}

export function linesPerSecond(lines: number, ms: number): string {
  return Math.round((lines / ms) * 1000).toLocaleString('en-US');
}

export function percentile(sortedSamples: readonly number[], quantile: number): number {
  return sortedSamples[Math.min(sortedSamples.length - 1, Math.floor(quantile * sortedSamples.length))];
}
