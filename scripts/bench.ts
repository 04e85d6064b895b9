// Prints figures; never asserts on time. `npm run bench` builds first, then runs this with tsx.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNginxConfiguration } from '../server/src/languages/nginx/configuration';
import { writeCrossplanePayload } from '../server/src/languages/nginx/crossplane-payload';
import { NginxLexer, TokenKind } from '../server/src/languages/nginx/lexer';
import { parseNginx } from '../server/src/languages/nginx/parser';
import type { NginxDirective } from '../server/src/languages/nginx/syntax-tree';
import { decodeConfigurationText } from '../server/src/languages/nginx/text';
import { DiskFileSystem } from '../server/src/workspace/disk-file-system';
import { generateNginxConfig, linesPerSecond, measureProcess, percentile, writePeakRssReporter } from './bench-support';

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
  const runs = [1, 2, 3].map(() => measureProcess(['parse', big], reportPath, directory));
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  console.log(
    `parse: ${lineCount} lines, ${(text.length / 1e6).toFixed(1)} MB: whole \`certboot parse\` process ${best.ms.toFixed(0)} ms (best of 3; all: ${runs.map((run) => run.ms.toFixed(0)).join(', ')}), ` +
      `${linesPerSecond(lineCount, best.ms)} lines/s, peak RSS ${best.peakRssMb.toFixed(0)} MB, ${(best.outputBytes / 1e6).toFixed(1)} MB of JSON written to a file (exit ${best.status})`,
  );
  const startups = [1, 2, 3].map(() => measureProcess(['--help'], reportPath, directory).ms);
  console.log(`  of which starting the process and loading the CLI (\`certboot --help\`): ${Math.min(...startups).toFixed(0)} ms (best of 3)`);

  // the same steps in this process, each run once, cold, as the CLI runs them
  const [bigText, readMs] = milliseconds(() => decodeConfigurationText(readFileSync(big)) ?? '');
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
    `  steps in-process (first run): read + decode ${readMs.toFixed(0)} ms, lex alone ${lexMs.toFixed(0)} ms, ` +
      `parse with includes ${loadMs.toFixed(0)} ms, payload (${(payloadBytes / 1e6).toFixed(1)} MB) ${writeMs.toFixed(0)} ms`,
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
} finally {
  rmSync(directory, { recursive: true, force: true });
}
