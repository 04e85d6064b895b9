// Prints how long `certboot lint` takes on small projects, whole process with Node's own start,
// next to the targets of a pre-commit hook; never asserts on time. Each command runs once with
// an empty code cache (a first run after installing), then three times more: the best of those
// three is the figure compared with its target. CPU time (user + system, all threads) is printed
// too: on a busy machine it moves less than wall time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fastest, measureProcess, type ProcessFigures, verdict, writePeakRssReporter } from './bench-support';

const repositoryRoot = resolve(__dirname, '..');

function describe(runs: readonly ProcessFigures[]): string {
  const best = fastest(runs);
  return `${best.ms.toFixed(0)} ms, CPU ${best.cpuMs.toFixed(0)} ms (best of ${runs.length}; all: ${runs.map((run) => run.ms.toFixed(0)).join(', ')} ms)`;
}

/** `node -e 0`, timed as the CLI is: what any Node program pays before its first line. */
function nodeStart(): ProcessFigures[] {
  return [1, 2, 3].map(() => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', 'const u = process.resourceUsage(); process.stdout.write(String(u.userCPUTime + u.systemCPUTime))'], {
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { ms, cpuMs: Number(result.stdout) / 1000, status: result.status, peakRssMb: 0, outputBytes: 0 };
  });
}

const directory = mkdtempSync(join(tmpdir(), 'certboot-bench-startup-'));
try {
  const reportPath = writePeakRssReporter(directory);
  const cache = join(directory, 'cache');
  mkdirSync(cache);
  // a cache of its own: the first run of each command meets an empty one
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  const measure = (args: string[]): { cold: ProcessFigures; warm: ProcessFigures[] } => {
    const cold = measureProcess(args, reportPath, repositoryRoot, { env, outputPath: join(directory, 'stdout.txt') });
    const warm = [1, 2, 3].map(() => measureProcess(args, reportPath, repositoryRoot, { env, outputPath: join(directory, 'stdout.txt') }));
    return { cold, warm };
  };
  console.log(`startup: Node's own start (\`node -e 0\`): ${describe(nodeStart())}`);
  const version = measure(['--version']);
  console.log(`  \`certboot --version\`: ${describe(version.warm)}`);
  const targets: { label: string; args: string[]; targetMs: number }[] = [
    { label: 'lint examples/certbot-deadlock (compose, nginx)', args: ['lint', 'examples/certbot-deadlock'], targetMs: 150 },
    { label: 'lint examples/certbot-http-first (with shell scripts)', args: ['lint', 'examples/certbot-http-first'], targetMs: 250 },
  ];
  for (const { label, args, targetMs } of targets) {
    const { cold, warm } = measure(args);
    const best = fastest(warm);
    console.log(
      `  \`certboot ${label}\`: ${describe(warm)}; target < ${targetMs} ms: ${verdict(best.ms < targetMs)} ` +
        `(first run, empty code cache: ${cold.ms.toFixed(0)} ms, CPU ${cold.cpuMs.toFixed(0)} ms; exit ${best.status})`,
    );
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
