// Prints what the directive tables cost the language server: the size of the data, of a bundle
// of the table module as esbuild makes dist/server.js, the time a fresh node process takes to
// load that bundle, to build the table of a build, and to look names up in it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';

const root = resolve(__dirname, '..');
const dataPath = join(root, 'server/src/languages/nginx/directive-tables/directive-tables.json');
const directory = mkdtempSync(join(tmpdir(), 'certboot-bench-tables-'));
try {
  const entry = join(directory, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import { directiveTableFor } from ${JSON.stringify(join(root, 'server/src/languages/nginx/directive-tables/directive-table'))};`,
      `import { nginxBuildOfImage } from ${JSON.stringify(join(root, 'server/src/languages/nginx/nginx-builds'))};`,
      'export { directiveTableFor, nginxBuildOfImage };',
    ].join('\n'),
  );
  const bundle = join(directory, 'tables.js');
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning' });
  const data = readFileSync(dataPath);
  const bundled = readFileSync(bundle);
  process.stdout.write(`directive-tables.json: ${(data.length / 1024).toFixed(0)} KB (${(gzipSync(data).length / 1024).toFixed(0)} KB gzipped)\n`);
  process.stdout.write(
    `bundle of the table module: ${(statSync(bundle).size / 1024).toFixed(0)} KB (${(gzipSync(bundled).length / 1024).toFixed(0)} KB gzipped)\n`,
  );
  // a fresh process each run: what the language server pays once at start
  const script = `
    const started = process.hrtime.bigint();
    const tables = require(${JSON.stringify(bundle)});
    const loaded = process.hrtime.bigint();
    const table = tables.directiveTableFor(tables.nginxBuildOfImage('nginx:1.27-alpine'), { loadedModules: ['modules/ngx_http_js_module.so'] });
    const built = process.hrtime.bigint();
    const names = table.knownDirectives('location');
    const lookupsStarted = process.hrtime.bigint();
    for (let round = 0; round < 100; round++) for (const name of names) table.declarationIn(name, 'location');
    const lookups = process.hrtime.bigint();
    const closest = table.closestDirective('proxy_pas', 'location');
    const closestDone = process.hrtime.bigint();
    process.stdout.write(JSON.stringify({ load: Number(loaded - started) / 1e6, build: Number(built - loaded) / 1e6, lookup: Number(lookups - lookupsStarted) / 1e6 / (100 * names.length), closest: Number(closestDone - lookups) / 1e6, closestName: closest }));
  `;
  const runs = Array.from({ length: 5 }, () => JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  process.stdout.write(`load the bundle (median of 5 fresh processes): ${median(runs.map((run) => run.load)).toFixed(1)} ms\n`);
  process.stdout.write(`first table of a build (nginx:1.27-alpine with njs loaded): ${median(runs.map((run) => run.build)).toFixed(1)} ms\n`);
  process.stdout.write(`declarationIn(): ${(median(runs.map((run) => run.lookup)) * 1000).toFixed(2)} µs a lookup\n`);
  process.stdout.write(`closestDirective('proxy_pas', 'location') → ${runs[0].closestName}: ${median(runs.map((run) => run.closest)).toFixed(2)} ms\n`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
