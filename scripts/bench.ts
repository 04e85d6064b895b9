// Prints figures; never asserts on time. `npm run bench` builds first, then runs this with tsx.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNginx } from '../server/src/core/nginx/parser';
import { generateNginxConfig, linesPerSecond, measureProcess, percentile, writePeakRssReporter } from './bench-support';


const directory = mkdtempSync(join(tmpdir(), 'certboot-bench-'));
try {
  const reportPath = writePeakRssReporter(directory);
  const big = join(directory, 'nginx.conf');
  const text = `${generateNginxConfig(20_000).join('\n')}\n`;
  writeFileSync(big, text);
  writeFileSync(join(directory, 'mime.types'), 'types { text/html html; }\n');
  const lineCount = text.split('\n').length - 1;
  const runs = [1, 2, 3].map(() => measureProcess(['parse', big], reportPath, directory));
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  console.log(
    `parse: ${lineCount} lines, ${(text.length / 1e6).toFixed(1)} MB: whole \`certboot parse\` process ${best.ms.toFixed(0)} ms (best of 3; all: ${runs.map((run) => run.ms.toFixed(0)).join(', ')}), ` +
      `${linesPerSecond(lineCount, best.ms)} lines/s, peak RSS ${best.peakRssMb.toFixed(0)} MB (exit ${best.status})`,
  );

  const small = `${generateNginxConfig(333).join('\n')}\n`;
  const smallLines = small.split('\n').length - 1;
  for (let i = 0; i < 20; i++) parseNginx(small, '/bench/nginx.conf', { context: [] });
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = process.hrtime.bigint();
    parseNginx(small, '/bench/nginx.conf', { context: [] });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): string => percentile(samples, q).toFixed(2);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `re-parse: ${smallLines} lines: median ${at(0.5)} ms (${linesPerSecond(smallLines, median)} lines/s), p95 ${at(0.95)} ms, max ${at(1)} ms (200 runs after warm-up)`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
