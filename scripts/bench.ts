// Prints figures; never asserts on time. `npm run bench` builds first, then runs this with tsx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNginxConfiguration } from '../server/src/languages/nginx/configuration';
import { writeCrossplaneParse } from '../server/src/languages/nginx/crossplane-parse';
import { writeCrossplanePayload } from '../server/src/languages/nginx/crossplane-payload';
import { NginxLexer, TokenKind } from '../server/src/languages/nginx/lexer';
import { parseNginx, reparseNginx } from '../server/src/languages/nginx/parser';
import type { NginxDirective } from '../server/src/languages/nginx/syntax-tree';
import { decodeConfigurationText } from '../server/src/languages/nginx/text';
import { DiskFileSystem } from '../server/src/workspace/disk-file-system';
import { fastest, generateNginxConfig, linesPerSecond, measureProcess, percentile, verdict, writePeakRssReporter } from './bench-support';

/**
 * `crossplane parse nginx.conf` in `directory`, its output to a file, when crossplane is on the
 * PATH: wall and CPU time as Python's own wrapper sees them, so its start is not counted.
 */
function measureCrossplane(directory: string, outputPath: string): { version: string; ms: number; cpuMs: number } | undefined {
  const version = spawnSync('crossplane', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return undefined;
  const wrapper = [
    'import resource, subprocess, sys, time',
    'with open(sys.argv[1], "wb") as out:',
    '    started = time.perf_counter()',
    '    status = subprocess.call(sys.argv[2:], stdout=out)',
    '    wall = time.perf_counter() - started',
    'usage = resource.getrusage(resource.RUSAGE_CHILDREN)',
    'print(wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000)',
    'sys.exit(status)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', wrapper, outputPath, 'crossplane', 'parse', 'nginx.conf'], { cwd: directory, encoding: 'utf8' });
  const [ms, cpuMs] = run.stdout.trim().split(' ').map(Number);
  if (run.error || !(ms > 0)) throw new Error(`crossplane parse failed: ${run.error?.message ?? run.stderr}`);
  return { version: version.stdout.trim(), ms, cpuMs };
}

function milliseconds<Result>(run: () => Result): [Result, number] {
  const started = process.hrtime.bigint();
  const result = run();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

/** Every argument of every directive, as a rule that reads them all would. */
function readEveryArgument(directives: readonly NginxDirective[]): number {
  let count = 0;
  for (const directive of directives) {
    count += directive.args.length;
    if (directive.block) count += readEveryArgument(directive.block);
  }
  return count;
}

const directory = mkdtempSync(join(tmpdir(), 'certboot-bench-'));
try {
  const reportPath = writePeakRssReporter(directory);
  const big = join(directory, 'nginx.conf');
  const text = `${generateNginxConfig(20_000).join('\n')}\n`;
  writeFileSync(big, text);
  writeFileSync(join(directory, 'mime.types'), 'types { text/html html; }\n');
  const lineCount = text.split('\n').length - 1;
  // named as crossplane is given it below: the payload names the file as the command line does
  const runs = [1, 2, 3].map(() => measureProcess(['parse', 'nginx.conf'], reportPath, directory));
  const best = fastest(runs);
  console.log(
    `parse: ${lineCount} lines, ${(text.length / 1e6).toFixed(1)} MB: whole \`certboot parse\` process ${best.ms.toFixed(0)} ms, CPU ${best.cpuMs.toFixed(0)} ms (best of 3; all: ${runs.map((run) => run.ms.toFixed(0)).join(', ')}), ` +
      `${linesPerSecond(lineCount, best.ms)} lines/s, peak RSS ${best.peakRssMb.toFixed(0)} MB, ${(best.outputBytes / 1e6).toFixed(1)} MB of JSON written to a file (exit ${best.status})`,
  );
  const crossplane = measureCrossplane(directory, join(directory, 'crossplane-stdout.txt'));
  if (crossplane === undefined) {
    console.log('  crossplane: not installed, no comparison (README.md, "Benchmarks", says how to install it offline)');
  } else {
    const same = readFileSync(join(directory, 'bench-stdout.txt')).equals(readFileSync(join(directory, 'crossplane-stdout.txt')));
    const ratio = crossplane.ms / best.ms;
    console.log(
      `  side by side, \`crossplane parse\` (${crossplane.version}): ${crossplane.ms.toFixed(0)} ms, CPU ${crossplane.cpuMs.toFixed(0)} ms: certboot is ${ratio.toFixed(1)}x faster ` +
        `(CPU: ${(crossplane.cpuMs / best.cpuMs).toFixed(1)}x); target at least 20x: ${verdict(ratio >= 20)}; payload byte for byte crossplane's: ${same ? 'yes' : 'NO'}`,
    );
  }
  const startups = [1, 2, 3].map(() => measureProcess(['--help'], reportPath, directory).ms);
  console.log(`  of which starting the process and loading the CLI (\`certboot --help\`): ${Math.min(...startups).toFixed(0)} ms (best of 3)`);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node reads those certificates when it starts, before any script runs: every process above pays for it
    const nodeStart = (env: NodeJS.ProcessEnv): number =>
      Math.min(...[1, 2, 3].map(() => milliseconds(() => spawnSync(process.execPath, ['-e', '0'], { env }))[1]));
    const withoutCertificates = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
    console.log(
      `  NODE_EXTRA_CA_CERTS is set, and Node reads its certificates at every start: \`node -e 0\` takes ${nodeStart(process.env).toFixed(0)} ms, ${nodeStart(withoutCertificates).toFixed(0)} ms without it (best of 3)`,
    );
  }

  // the same steps in this process, each run once, cold: certboot parse's first, then the
  // editor's reading of the same file for comparison. tsx runs them from the sources, module by
  // module, slower than the bundle the CLI runs: the figures compare the steps with each other
  const [bytes, readMs] = milliseconds(() => readFileSync(big));
  const [, streamMs] = milliseconds(() =>
    writeCrossplaneParse(new DiskFileSystem([directory]), big, { displayPath: 'nginx.conf' }, { write: () => undefined }),
  );
  const [bigText, decodeMs] = milliseconds(() => decodeConfigurationText(bytes) ?? '');
  const [, lexMs] = milliseconds(() => {
    const lexer = new NginxLexer(bigText);
    while (lexer.next() !== TokenKind.End);
  });
  const [configuration, loadMs] = milliseconds(() =>
    loadNginxConfiguration(new DiskFileSystem([directory]), big, { displayPath: 'nginx.conf', invalidDirectives: 'crossplane' }),
  );
  let payloadBytes = 0;
  const [, writeMs] = milliseconds(() => writeCrossplanePayload(configuration, {}, { write: (chunk) => (payloadBytes += chunk.length) }));
  console.log(
    `  steps in this process (first run, from the sources, slower than the bundle): read ${readMs.toFixed(0)} ms; the payload written from the bytes while they are read, as \`certboot parse\` does, ${streamMs.toFixed(0)} ms; ` +
      `the editor's reading for comparison: decode ${decodeMs.toFixed(0)} ms, lex alone ${lexMs.toFixed(0)} ms, parse into trees with includes ${loadMs.toFixed(0)} ms, ` +
      `payload of the trees (${(payloadBytes / 1e6).toFixed(1)} MB) ${writeMs.toFixed(0)} ms`,
  );

  const small = `${generateNginxConfig(333).join('\n')}\n`;
  const smallLines = small.split('\n').length - 1;
  for (let i = 0; i < 20; i++) parseNginx(small, '/bench/nginx.conf', { context: [] });
  const reparse = (readArguments: boolean): number[] => {
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = process.hrtime.bigint();
      const file = parseNginx(small, '/bench/nginx.conf', { context: [] });
      if (readArguments) readEveryArgument(file.directives);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return samples.sort((a, b) => a - b);
  };
  const samples = reparse(false);
  const at = (sorted: number[], q: number): string => percentile(sorted, q).toFixed(2);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `re-parse: ${smallLines} lines: median ${at(samples, 0.5)} ms (${linesPerSecond(smallLines, median)} lines/s), p95 ${at(samples, 0.95)} ms, max ${at(samples, 1)} ms (200 runs after warm-up)`,
  );
  // arguments are read from the text when first asked for: what a rule reading them all pays
  const withArguments = reparse(true);
  console.log(`  re-parse and read every argument: median ${at(withArguments, 0.5)} ms, p95 ${at(withArguments, 0.95)} ms, max ${at(withArguments, 1)} ms`);
  // the language server's keystroke: one certificate path changed, from the parse before it, whose arguments rules read
  const present = '/etc/letsencrypt/live/site0.example.com/fullchain.pem';
  const edits = Array.from({ length: 201 }, (_, n) => small.replace(present, n % 2 === 0 ? present : `/etc/letsencrypt/live/site0.example.com/chain-${n}.pem`));
  let previous = parseNginx(edits[0], '/bench/nginx.conf', { context: [] });
  readEveryArgument(previous.directives);
  const edited: number[] = [];
  for (let n = 1; n < edits.length; n++) {
    const started = process.hrtime.bigint();
    const file = reparseNginx(previous, edits[n], '/bench/nginx.conf', { context: [] });
    edited.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (file === undefined) throw new Error('the edit inside a certificate path was not reparsed');
    readEveryArgument(file.directives);
    previous = file;
  }
  edited.sort((a, b) => a - b);
  console.log(
    `  reparse after an edit inside one argument, from the parse before it: median ${at(edited, 0.5)} ms, p95 ${at(edited, 0.95)} ms, max ${at(edited, 1)} ms`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
