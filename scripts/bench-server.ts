// Prints figures for the language server over JSON-RPC (dist/server.js, as an editor runs it); never asserts on time.
// CERTBOOT_BENCH_CPU_PROF=<directory> runs every server under `node --cpu-prof` and leaves the profiles there.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { analyzeWorkspace } from '../server/src/engine/analyze-workspace';
import { AnalysisCache } from '../server/src/inventory/analysis-cache';
import { DiskFileSystem } from '../server/src/workspace/disk-file-system';
import { OverlayFileSystem } from '../server/src/workspace/overlay-file-system';
import { RememberingFileSystem } from '../server/src/workspace/remembering-file-system';
import { LanguageClient, type LanguageClientOptions } from '../test/support/language-client';
import { generateNginxConfig, percentile } from './bench-support';

const repositoryRoot = resolve(__dirname, '..');
const warmUpEdits = 20;
const measuredEdits = 100;

const profileDirectory = process.env.CERTBOOT_BENCH_CPU_PROF;
const clientOptions: LanguageClientOptions = profileDirectory ? { nodeArguments: ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDirectory)}`] } : {};

/**
 * Deployments are clones, and certboot asks a fresh clone's view of every host path a service
 * names (`.git` and `.gitignore` lookups per path): outside a repository the figures flatter the server.
 */
function makeRepository(project: string): void {
  execFileSync('git', ['init', '--quiet', project]);
}

function since(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function summary(samples: readonly number[]): string {
  const sorted = [...samples].sort((left, right) => left - right);
  return `median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${percentile(sorted, 1).toFixed(1)} ms`;
}

function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((left, right) => left - right),
    0.5,
  );
}

function mentions(params: PublishDiagnosticsParams, text: string): boolean {
  return params.diagnostics.some((diagnostic) => (typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value).includes(text));
}

interface EditTimes {
  /** didChange sent → the diagnostics that reflect it received, in this process. */
  readonly latencies: number[];
  /** Of each latency, what the server timed itself: analysis, suppressions, configuration, publishing. */
  readonly inServer: number[];
}

interface Edit {
  /** Sends the edit; its text is ready before the clock starts, as an editor's buffer is. */
  readonly send: () => Promise<void>;
  /** The paths whose diagnostics must reflect the edit, with the predicate that recognises them. */
  readonly paths: readonly string[];
  readonly reflects: (params: PublishDiagnosticsParams) => boolean;
}

/**
 * Sends edits one at a time, each after the previous one's diagnostics arrived, as a typist
 * pausing between edits would; `edit(n, version)` prepares edit n. The server ends each analysis
 * with a `certboot/analysisState` "finished" notification that carries its own duration, written
 * after the diagnostics: each edit's latency splits into that and the rest.
 */
async function measureEdits(client: LanguageClient, edit: (n: number, version: number) => Edit): Promise<EditTimes> {
  const finished: number[] = [];
  let onFinished: (() => void) | undefined;
  client.connection.onNotification('certboot/analysisState', (params: { state?: string; milliseconds?: number }) => {
    if (params.state !== 'finished' || typeof params.milliseconds !== 'number') return;
    finished.push(params.milliseconds);
    onFinished?.();
  });
  const times: EditTimes = { latencies: [], inServer: [] };
  for (let n = 1; n <= warmUpEdits + measuredEdits; n++) {
    const before = finished.length;
    const { send, paths, reflects } = edit(n, n + 1);
    const sent = process.hrtime.bigint();
    await send();
    await Promise.all(paths.map((path) => client.diagnostics(path, reflects)));
    const latency = since(sent);
    // the analysis that published them reports right after its last publish
    while (finished.length === before) await new Promise<void>((resolve) => (onFinished = resolve));
    onFinished = undefined;
    if (n <= warmUpEdits) continue;
    times.latencies.push(latency);
    times.inServer.push(finished.slice(before).reduce((sum, milliseconds) => sum + milliseconds, 0));
  }
  return times;
}

/** analyzeWorkspace alone, in this process, over the file-system layers and the cache the server uses. */
async function measureInProcess(root: string, openFiles: readonly string[], apply: (overlay: OverlayFileSystem, n: number) => void): Promise<number[]> {
  const overlay = new OverlayFileSystem(new RememberingFileSystem(new DiskFileSystem([root])));
  const cache = new AnalysisCache();
  for (const path of openFiles) overlay.set(path, readFileSync(path, 'utf8'));
  const analysis: number[] = [];
  for (let n = 1; n <= warmUpEdits + measuredEdits; n++) {
    apply(overlay, n);
    const started = process.hrtime.bigint();
    await analyzeWorkspace(overlay, root, { cache });
    if (n > warmUpEdits) analysis.push(since(started));
  }
  return analysis;
}

async function benchStartup(directory: string): Promise<void> {
  const totals: number[] = [];
  const initializes: number[] = [];
  const counts: number[] = [];
  for (let run = 0; run < 5; run++) {
    // a fresh copy each time, so no run sees files another left behind
    const project = join(directory, `startup-${run}`);
    cpSync(join(repositoryRoot, 'examples', 'certbot-deadlock'), project, { recursive: true });
    makeRepository(project);
    const file = join(project, 'nginx', 'conf.d', 'example.com.conf');
    const started = process.hrtime.bigint();
    const client = new LanguageClient(clientOptions);
    try {
      await client.initialize(project);
      initializes.push(since(started));
      await client.open(file, readFileSync(file, 'utf8'), 'nginx');
      const published = await client.diagnostics(file);
      totals.push(since(started));
      counts.push(published.diagnostics.length);
    } finally {
      await client.stop();
    }
  }
  console.log(
    `server start → first diagnostics (examples/certbot-deadlock as a git repository, nginx/conf.d/example.com.conf, ${counts[0]} diagnostics): median ${median(totals).toFixed(0)} ms ` +
      `(all: ${totals.map((total) => total.toFixed(0)).join(', ')}; of which spawn → initialize answered: median ${median(initializes).toFixed(0)} ms; 5 fresh servers)`,
  );
}

const presentCertificate = '/etc/nginx/certs/present.pem';

function writeCertificates(project: string): void {
  mkdirSync(join(project, 'certs'), { recursive: true });
  writeFileSync(join(project, 'certs', 'present.pem'), '');
  writeFileSync(join(project, 'certs', 'present.key'), '');
}

/**
 * Edit n alternates site 0's certificate between a file the project ships and one it lacks, named
 * after n: the server carries no version in publishDiagnostics, so the content tells which edit a
 * publish reflects.
 */
function certificateFor(n: number): string {
  return n % 2 === 1 ? `/etc/nginx/certs/missing-${n}.pem` : presentCertificate;
}

function reflectsCertificate(n: number): (params: PublishDiagnosticsParams) => boolean {
  return n % 2 === 1 ? (params) => mentions(params, `missing-${n}.pem`) : (params) => !mentions(params, 'missing-');
}

/**
 * `incremental`: the edit as an editor sends it (the server asks for incremental sync), one line
 * replaced; `full`: the whole 200 KB text on every edit, the worst a client can send.
 */
async function benchBigConfig(directory: string, sync: 'incremental' | 'full'): Promise<void> {
  const project = join(directory, `big-${sync}`);
  mkdirSync(join(project, 'nginx'), { recursive: true });
  makeRepository(project);
  writeCertificates(project);
  writeFileSync(
    join(project, 'compose.yaml'),
    'services:\n  nginx:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n      - "443:443"\n    volumes:\n' +
      '      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./nginx/mime.types:/etc/nginx/mime.types:ro\n      - ./certs:/etc/nginx/certs:ro\n',
  );
  writeFileSync(join(project, 'nginx', 'mime.types'), 'types { text/html html; }\n');
  const lines = generateNginxConfig(333, { certificate: () => presentCertificate, key: () => '/etc/nginx/certs/present.key' });
  const file = join(project, 'nginx', 'nginx.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const toggled = lines.indexOf(`        ssl_certificate ${presentCertificate};`);
  const textFor = (n: number): string =>
    `${lines.map((line, index) => (index === toggled ? `        ssl_certificate ${certificateFor(n)};` : line)).join('\n')}\n`;

  const client = new LanguageClient(clientOptions);
  let times: EditTimes;
  try {
    await client.initialize(project);
    await client.open(file, textFor(0), 'nginx');
    let shownLine = `        ssl_certificate ${certificateFor(0)};`;
    await client.diagnostics(file, reflectsCertificate(0));
    times = await measureEdits(client, (n, version) => {
      if (sync === 'full') {
        const text = textFor(n);
        return { send: () => client.change(file, text, version), paths: [file], reflects: reflectsCertificate(n) };
      }
      const line = `        ssl_certificate ${certificateFor(n)};`;
      const range = { start: { line: toggled, character: 0 }, end: { line: toggled, character: shownLine.length } };
      shownLine = line;
      return { send: () => client.changeRange(file, range, line, version), paths: [file], reflects: reflectsCertificate(n) };
    });
  } finally {
    await client.stop();
  }
  const inProcess = await measureInProcess(project, [file], (overlay, n) => overlay.set(file, textFor(n)));
  const how = sync === 'incremental' ? 'one line changed, as an editor sends it' : 'the whole text sent on every edit';
  report(`didChange → diagnostics, ${lines.length}-line nginx.conf in a git repository (${how})`, times, inProcess);
}

async function benchSharedCompose(directory: string): Promise<void> {
  const project = join(directory, 'shared');
  const confD = join(project, 'nginx', 'conf.d');
  mkdirSync(confD, { recursive: true });
  makeRepository(project);
  writeCertificates(project);
  const files: string[] = [];
  for (let site = 0; site < 50; site++) {
    const domain = `site${site}.example.com`;
    const file = join(confD, `${domain}.conf`);
    writeFileSync(
      file,
      `server {\n    listen 80;\n    server_name ${domain};\n    location ^~ /.well-known/acme-challenge/ { root /var/www/certbot; }\n    location / { return 301 https://$host$request_uri; }\n}\n` +
        `server {\n    listen 443 ssl;\n    server_name ${domain};\n    ssl_certificate ${presentCertificate};\n    ssl_certificate_key /etc/nginx/certs/present.key;\n` +
        `    location / { proxy_pass http://app:8080; }\n}\n`,
    );
    files.push(file);
  }
  // edit n alternates the certificates' mount between the directory that holds them and one named after n that does not exist
  const mountFor = (n: number): string => (n % 2 === 1 ? `./certs-gone-${n}` : './certs');
  const reflects = (n: number) =>
    n % 2 === 1
      ? (params: PublishDiagnosticsParams) => mentions(params, `certs-gone-${n}`)
      : (params: PublishDiagnosticsParams) => !mentions(params, 'certs-gone-');
  const composeFor = (n: number): string =>
    'services:\n  nginx:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n      - "443:443"\n    volumes:\n' +
    `      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n      - ${mountFor(n)}:/etc/nginx/certs:ro\n`;
  const compose = join(project, 'compose.yaml');
  writeFileSync(compose, composeFor(0));

  const client = new LanguageClient(clientOptions);
  let times: EditTimes;
  try {
    await client.initialize(project);
    await client.open(compose, composeFor(0), 'dockercompose');
    for (const file of files) await client.open(file, readFileSync(file, 'utf8'), 'nginx');
    await Promise.all(files.map((file) => client.diagnostics(file, reflects(0))));
    times = await measureEdits(client, (n, version) => {
      const text = composeFor(n);
      return { send: () => client.change(compose, text, version), paths: files, reflects: reflects(n) };
    });
  } finally {
    await client.stop();
  }
  const inProcess = await measureInProcess(project, [compose, ...files], (overlay, n) => overlay.set(compose, composeFor(n)));
  report('didChange → diagnostics of the last of 50 open conf.d files, compose file they depend on, in a git repository', times, inProcess);
}

function report(what: string, times: EditTimes, inProcess: readonly number[]): void {
  const rest = times.latencies.map((latency, index) => latency - (times.inServer[index] ?? 0));
  console.log(
    `${what}: ${summary(times.latencies)} (${measuredEdits} edits after ${warmUpEdits} warm-up; target p95 < 30 ms); ` +
      `per edit, timed by the server: analysis to last publish ${summary(times.inServer)}; the rest (JSON-RPC both ways, document sync, scheduling) ${summary(rest)}; ` +
      `analyzeWorkspace alone in this process: ${summary(inProcess)}`,
  );
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'certboot-bench-server-'));
  try {
    await benchStartup(directory);
    await benchBigConfig(directory, 'incremental');
    await benchBigConfig(directory, 'full');
    await benchSharedCompose(directory);
    if (profileDirectory) console.log(`CPU profiles of the servers: ${resolve(profileDirectory)}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
