// `npm run fuzz [-- --seed N] [--inputs N] [--only I] [--server-every N] [--keep]`
//
// A seeded fuzzer for the CLI and the language server (issue 15). Each input is a project built
// into a fresh directory (scripts/fuzz-inputs.ts): a fixture project with its bytes mutated, or a
// hostile shape (include cycles and chains, deep nesting, huge files, YAML bombs, links back into
// the project or out of it, pipes and directories in place of files, an unreadable directory).
// On each, `certboot lint`, `parse` and `lex` run as separate processes, `bootstrap --write` on
// projects it may split, and on some a language server session. It asserts: no crash,
// no hang (a timeout), peak memory under 500 MB, the documented exit codes (an internal error, 3,
// is a failure), output that parses, no read of and no write to anything outside the project (the
// tree around it is snapshotted), and bootstrap's `--write` twice giving the same tree. The same
// seed gives the same inputs on any machine; `--only I` runs input I alone to reproduce a failure.
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LanguageClient } from '../test/support/language-client';
import { treeSnapshot } from '../test/support/tree-snapshot';
import { buildInput, fixtureProjects, hostileOrdinal, type Input, Random, shapeNames } from './fuzz-inputs';

const repositoryRoot = resolve(__dirname, '..');
const cli = join(repositoryRoot, 'dist', 'cli.js');
const observe = join(__dirname, 'fuzz-observe.cjs');
const recordReads = join(repositoryRoot, 'test', 'support', 'record-reads.cjs');
const maximumKilobytes = 500 * 1024;
const isRoot = process.getuid?.() === 0;
/**
 * The CLI keeps V8's code cache under $XDG_CACHE_HOME/certboot/code, the one place outside a
 * project it reads and writes (docs/ci.md): the fuzzer's runs share one of their own, removed at
 * the end, and a read there is no stray read.
 */
const cacheHome = mkdtempSync(join(tmpdir(), 'certboot-fuzz-cache-'));
const codeCache = join(cacheHome, 'certboot', 'code');

interface Options {
  readonly seed: number;
  readonly inputs: number;
  readonly only: number | undefined;
  readonly serverEvery: number;
  readonly keep: boolean;
  readonly timeoutMs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(name);
    if (index < 0) return fallback;
    const parsed = Number(argv[index + 1]);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} takes a whole number`);
    return parsed;
  };
  const only = argv.includes('--only') ? value('--only', 0) : undefined;
  return {
    seed: value('--seed', 1),
    inputs: value('--inputs', 300),
    only,
    serverEvery: value('--server-every', 10),
    keep: argv.includes('--keep'),
    timeoutMs: value('--timeout', 60_000),
  };
}

interface Run {
  readonly input: number;
  readonly name: string;
  readonly command: string;
  readonly milliseconds: number;
  readonly kilobytes: number | undefined;
  /** CPU time, user and system. */
  readonly cpuMilliseconds: number | undefined;
}

interface Failure {
  readonly input: number;
  readonly name: string;
  readonly command: string;
  readonly problem: string;
}

interface ProcessResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly milliseconds: number;
  readonly timedOut: boolean;
  readonly kilobytes: number | undefined;
  readonly cpuMilliseconds: number | undefined;
  readonly reads: string[];
}

/** What fuzz-observe.cjs wrote at the process's exit: peak memory in kilobytes, CPU time in milliseconds. */
function readUsage(file: string): { kilobytes: number | undefined; cpuMilliseconds: number | undefined } {
  try {
    const [kilobytes, microseconds] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
    return { kilobytes, cpuMilliseconds: microseconds === undefined ? undefined : microseconds / 1000 };
  } catch {
    return { kilobytes: undefined, cpuMilliseconds: undefined };
  }
}

/** One certboot process, observed: its peak memory and every path it asked the file system about. */
function runCli(args: readonly string[], cwd: string, control: string, timeoutMs: number, unprivileged: boolean): Promise<ProcessResult> {
  const rss = join(control, `rss-${process.hrtime.bigint()}`);
  const reads = join(control, `reads-${process.hrtime.bigint()}`);
  const started = process.hrtime.bigint();
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--require', observe, '--require', recordReads, cli, ...args], {
      cwd,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, CERTBOOT_FUZZ_RSS: rss, CERTBOOT_RECORD_READS: reads },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(unprivileged && isRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let recorded: string[] = [];
      try {
        recorded = readFileSync(reads, 'utf8')
          .split('\n')
          .filter((line) => line !== '');
      } catch {
        // the process died before it read anything
      }
      resolveRun({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        milliseconds: Number(process.hrtime.bigint() - started) / 1e6,
        timedOut,
        ...readUsage(rss),
        reads: recorded,
      });
    });
  });
}

function isInside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/** Paths read that certboot had no business reading: anything outside the project but its own files and the fuzzer's. */
function strayReads(reads: readonly string[], project: string, control: string): string[] {
  const allowed = [project, control, codeCache, join(repositoryRoot, 'dist'), join(repositoryRoot, 'docs'), join(repositoryRoot, 'node_modules')];
  return [...new Set(reads.filter((path) => path.startsWith('/') && !allowed.some((directory) => isInside(path, directory))))];
}

/** The files an editor would open: nginx, compose and shell files of the project that are regular files of a sane size. */
function editorFiles(project: string, random: Random): string[] {
  const found: string[] = [];
  const walk = (directory: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(directory).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(directory, name);
      const stats = lstatSync(path);
      if (stats.isDirectory() && depth < 4) walk(path, depth + 1);
      else if (stats.isFile() && stats.size < 20 * 1024 * 1024 && /\.(conf|ya?ml|sh|template|nginx)$/.test(name)) found.push(path);
    }
  };
  walk(project, 0);
  return Array.from({ length: Math.min(3, found.length) }, () => random.pick(found));
}

function languageOf(path: string): string {
  if (/\.ya?ml$/.test(path)) return 'dockercompose';
  if (path.endsWith('.sh')) return 'shellscript';
  return 'nginx';
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolveWait) => setTimeout(resolveWait, 25));
  }
  return true;
}

/** A language server session on the project: open files, wait for the analysis, ask for a hover, shut down. */
async function serverSession(
  project: string,
  control: string,
  random: Random,
  timeoutMs: number,
): Promise<{ problem?: string; milliseconds: number; kilobytes: number | undefined; cpuMilliseconds: number | undefined; reads: string[] }> {
  const rss = join(control, 'server-rss');
  const reads = join(control, 'server-reads');
  const started = process.hrtime.bigint();
  const client = new LanguageClient({
    nodeArguments: ['--require', observe, '--require', recordReads],
    env: { CERTBOOT_FUZZ_RSS: rss, CERTBOOT_RECORD_READS: reads },
  });
  let problem: string | undefined;
  try {
    await client.initialize(project);
    const files = editorFiles(project, random);
    for (const file of files) await client.open(file, readFileSync(file, 'utf8'), languageOf(file));
    const finished = (): number => client.analysisStates.filter((state) => state.root === project && state.state === 'finished').length;
    const settled = (): boolean => {
      const states = client.analysisStates.filter((state) => state.root === project);
      return finished() > 0 && states.filter((state) => state.state === 'started').length === finished();
    };
    if (!(await waitFor(settled, timeoutMs))) problem = `no analysis finished within ${timeoutMs} ms`;
    else if (files.length > 0) {
      const hover = client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: pathToFileURL(files[0] as string).href },
        position: { line: 0, character: 0 },
      });
      const answered = await Promise.race([hover.then(() => true), new Promise<boolean>((resolveHover) => setTimeout(() => resolveHover(false), 10_000))]);
      if (!answered) problem = 'no answer to a hover within 10 s';
    }
    if (client.exited) problem = `the server exited: ${client.stderr.join('').slice(-500)}`;
    const failures = client.messages.filter((message) => message.type === 1);
    if (problem === undefined && failures.length > 0) problem = `the server showed an error: ${failures[0]?.message}`;
  } catch (error) {
    problem = `the session failed: ${(error as Error).message}`;
  } finally {
    await client.stop();
  }
  await waitFor(() => readUsage(rss).kilobytes !== undefined, 2000);
  let recorded: string[] = [];
  try {
    recorded = readFileSync(reads, 'utf8').split('\n');
  } catch {
    // nothing read
  }
  return { ...(problem === undefined ? {} : { problem }), milliseconds: Number(process.hrtime.bigint() - started) / 1e6, ...readUsage(rss), reads: recorded };
}

function firstNginxFile(project: string): string | undefined {
  return editorFiles(project, new Random(1)).find((path) => path.endsWith('.conf'));
}

/** Checks one input with every command; returns its runs and failures. */
async function fuzzInput(index: number, options: Options, fixtures: readonly string[]): Promise<{ runs: Run[]; failures: Failure[]; kept?: string }> {
  const random = new Random((options.seed * 0x9e3779b1) ^ (index * 0x85ebca77));
  const root = mkdtempSync(join(tmpdir(), 'certboot-fuzz-'));
  const control = mkdtempSync(join(tmpdir(), 'certboot-fuzz-control-'));
  chmodSync(root, 0o755);
  chmodSync(control, 0o777);
  const project = join(root, 'project');
  let input: Input;
  try {
    input = buildInput(root, index, random, fixtures);
  } catch (error) {
    return { runs: [], failures: [{ input: index, name: 'building the input', command: '', problem: (error as Error).stack ?? String(error) }] };
  }
  const runs: Run[] = [];
  const failures: Failure[] = [];
  const fail = (command: string, problem: string): void => {
    failures.push({ input: index, name: input.name, command, problem });
  };
  const check = async (args: string[], allowed: readonly number[], json: boolean): Promise<ProcessResult> => {
    const command = `certboot ${args.join(' ')}`;
    const result = await runCli(args, project, control, options.timeoutMs, input.unprivileged);
    runs.push({
      input: index,
      name: input.name,
      command,
      milliseconds: result.milliseconds,
      kilobytes: result.kilobytes,
      cpuMilliseconds: result.cpuMilliseconds,
    });
    if (result.timedOut) fail(command, `no answer within ${options.timeoutMs} ms (a hang)`);
    else if (result.signal !== null || result.code === null) fail(command, `killed by ${result.signal}: ${result.stderr.slice(-400)}`);
    // a mutated certboot.json is a usage error: exit 2, documented in `lint --help`
    else if (!allowed.includes(result.code) && !(result.code === 2 && result.stderr.startsWith('certboot: invalid configuration ')))
      fail(command, `exit code ${result.code} (expected ${allowed.join(' or ')}): ${result.stderr.slice(0, 800)}`);
    else if (/internal error|FATAL ERROR|\n {4}at /.test(result.stderr)) fail(command, `stderr: ${result.stderr.slice(0, 800)}`);
    // `lex` of a binary file says why on stderr and prints nothing
    else if (json && result.code !== 2 && !(result.stdout === '' && result.stderr.startsWith('certboot: cannot '))) {
      try {
        JSON.parse(result.stdout);
      } catch {
        fail(command, `output is not JSON: ${result.stdout.slice(0, 200)}`);
      }
    }
    if (result.kilobytes !== undefined && result.kilobytes > maximumKilobytes)
      fail(command, `peak memory ${Math.round(result.kilobytes / 1024)} MB, over 500 MB`);
    const stray = strayReads(result.reads, project, control);
    if (stray.length > 0) fail(command, `read outside the project: ${stray.slice(0, 5).join(', ')}`);
    return result;
  };
  const before = treeSnapshot(root);
  const unchanged = (command: string, expected: readonly string[]): void => {
    const after = treeSnapshot(root);
    if (after.join('\n') !== expected.join('\n'))
      fail(
        command,
        `the tree changed: ${after
          .filter((line) => !expected.includes(line))
          .slice(0, 5)
          .join('; ')}`,
      );
  };
  await check(['lint', '.', '--format', 'json'], [0, 1], true);
  unchanged('certboot lint', before);
  const nginxFile = firstNginxFile(project);
  if (nginxFile !== undefined) {
    await check(['parse', nginxFile], [0, 1, 2], true);
    await check(['lex', nginxFile], [0, 1, 2], true);
    unchanged('certboot parse / lex', before);
  }
  if (input.bootstrap) {
    const args = ['bootstrap', '.', '--domain', 'example.com', '--email', 'admin@example.com', '--write'];
    const written = await check(args, [0, 1, 2], false);
    const outside = (lines: readonly string[]): string => lines.filter((line) => !line.startsWith('project')).join('\n');
    const afterWrite = treeSnapshot(root);
    if (outside(afterWrite) !== outside(before)) fail('certboot bootstrap --write', 'wrote outside the project');
    if (written.code !== 0) unchanged('certboot bootstrap --write (refused)', before);
    else {
      const again = await check(args, [0], false);
      if (!again.stderr.includes('nothing to change'))
        fail('certboot bootstrap --write, twice', `the second run changed the project again: ${again.stdout.slice(0, 400)}`);
      unchanged('certboot bootstrap --write, twice', afterWrite);
    }
  }
  // a session on every tenth mutated fixture and every third hostile shape (the shapes come round in turn)
  const ordinal = hostileOrdinal(index);
  if (options.serverEvery > 0 && (ordinal === undefined ? index % options.serverEvery === 0 : ordinal % 3 === 0)) {
    const beforeSession = treeSnapshot(root);
    const session = await serverSession(project, control, random, options.timeoutMs);
    runs.push({
      input: index,
      name: input.name,
      command: 'language server session',
      milliseconds: session.milliseconds,
      kilobytes: session.kilobytes,
      cpuMilliseconds: session.cpuMilliseconds,
    });
    if (session.problem !== undefined) fail('language server session', session.problem);
    if (session.kilobytes !== undefined && session.kilobytes > maximumKilobytes)
      fail('language server session', `peak memory ${Math.round(session.kilobytes / 1024)} MB, over 500 MB`);
    const stray = strayReads(session.reads, project, control);
    if (stray.length > 0) fail('language server session', `read outside the workspace: ${stray.slice(0, 5).join(', ')}`);
    unchanged('language server session', beforeSession);
  }
  let kept: string | undefined;
  if (failures.length > 0 && options.keep) kept = root;
  else {
    spawnSyncChmod(root);
    rmSync(root, { recursive: true, force: true });
  }
  rmSync(control, { recursive: true, force: true });
  return { runs, failures, ...(kept ? { kept } : {}) };
}

/** An input may hold directories nobody may enter; they must be opened again before removal. */
function spawnSyncChmod(root: string): void {
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      const stats = lstatSync(path);
      if (!stats.isDirectory()) continue;
      if ((stats.mode & 0o700) !== 0o700) chmodSync(path, 0o755);
      walk(path);
    }
  };
  walk(root);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const fixtures = fixtureProjects(repositoryRoot);
  const indexes = options.only !== undefined ? [options.only] : Array.from({ length: options.inputs }, (_, index) => index);
  const started = Date.now();
  const runs: Run[] = [];
  const failures: Failure[] = [];
  const kept: string[] = [];
  let next = 0;
  // two at a time: the machines running CI have two cores
  const worker = async (): Promise<void> => {
    for (let position = next++; position < indexes.length; position = next++) {
      const result = await fuzzInput(indexes[position] as number, options, fixtures);
      runs.push(...result.runs);
      failures.push(...result.failures);
      // said as they come too, so that a run cut short still tells what it found
      for (const failure of result.failures) process.stderr.write(`fuzz: failed input ${failure.input} (${failure.name}), ${failure.command}\n`);
      if (result.kept) kept.push(result.kept);
      if ((position + 1) % 50 === 0) process.stderr.write(`fuzz: ${position + 1} of ${indexes.length} inputs, ${failures.length} failures\n`);
    }
  };
  await Promise.all([worker(), worker()]);
  rmSync(cacheHome, { recursive: true, force: true });
  const peak = (filter: (run: Run) => boolean): Run | undefined =>
    runs.filter(filter).reduce<Run | undefined>((best, run) => ((run.kilobytes ?? 0) > (best?.kilobytes ?? 0) ? run : best), undefined);
  const slowest = runs.reduce<Run | undefined>((best, run) => (run.milliseconds > (best?.milliseconds ?? 0) ? run : best), undefined);
  const costliest = runs.reduce<Run | undefined>((best, run) => ((run.cpuMilliseconds ?? 0) > (best?.cpuMilliseconds ?? 0) ? run : best), undefined);
  const cpuSeconds = runs.reduce((sum, run) => sum + (run.cpuMilliseconds ?? 0), 0) / 1000;
  const cliPeak = peak((run) => run.command.startsWith('certboot'));
  const serverPeak = peak((run) => run.command === 'language server session');
  const describe = (run: Run | undefined): string => (run ? `input ${run.input} (${run.name}), ${run.command}` : 'none');
  console.log(
    `fuzz: seed ${options.seed}, ${indexes.length} inputs (${shapeNames.length} hostile shapes in turn, the rest mutated fixtures), ${runs.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(`fuzz: peak memory ${Math.round((cliPeak?.kilobytes ?? 0) / 1024)} MB for the CLI: ${describe(cliPeak)}`);
  console.log(`fuzz: peak memory ${Math.round((serverPeak?.kilobytes ?? 0) / 1024)} MB for the language server: ${describe(serverPeak)}`);
  console.log(`fuzz: slowest run ${((slowest?.milliseconds ?? 0) / 1000).toFixed(1)} s wall: ${describe(slowest)}`);
  console.log(`fuzz: most CPU ${((costliest?.cpuMilliseconds ?? 0) / 1000).toFixed(1)} s: ${describe(costliest)}; ${cpuSeconds.toFixed(0)} CPU seconds in all`);
  for (const failure of failures) {
    console.log(`fuzz: FAILED input ${failure.input} (${failure.name}), ${failure.command}: ${failure.problem}`);
    console.log(`      reproduce: npm run fuzz -- --seed ${options.seed} --only ${failure.input} --keep`);
  }
  for (const directory of kept) console.log(`fuzz: kept ${directory}`);
  console.log(failures.length === 0 ? 'fuzz: no failures' : `fuzz: ${failures.length} failures`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

void main();
