// Compares certboot's nginx syntax errors with real nginx's on every nginx file of some
// directories (checked-out repositories): `npx tsx scripts/compare-nginx-syntax.ts DIR... [--list]`.
//
// Each file is tested the way nginx would load it: a main configuration (it has events, http,
// user… at its top) as the main file, any other wrapped in `http { }`, `server { }` or
// `location / { }` by what stands at its top. nginx runs inside a throwaway container (the
// test:e2e harness: root, unshare and Debian's nginx needed), where what stops nginx before
// it has read the configuration and is none of certboot's business is supplied: an included
// file that is missing (empty), an unknown user or group, an upstream host (127.0.0.1). Then
// nginx's first error is set against certboot's first error in the order nginx reads the files:
//
//   same error        nginx stops at a syntax error and certboot's first is the same message,
//                     in the same file, at the same line
//   different error   nginx stops at a syntax error and certboot says something else, or nothing
//   both accept       nginx reads it all, certboot says nothing
//   false alarm       certboot reports an error before the point where nginx stopped (or
//                     anywhere, when nginx read it all)
//   not compared      nginx stops at something certboot does not judge (an unknown directive,
//                     a bad value) and certboot reports nothing before it
//
// --list prints both verdicts for every file but those both accept.

import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { BlockContext } from '../server/src/languages/nginx/analyzer';
import { loadNginxConfiguration } from '../server/src/languages/nginx/configuration';
import { directiveSignatures } from '../server/src/languages/nginx/directives';
import { parseNginx } from '../server/src/languages/nginx/parser';
import { type NginxError, TextSpan } from '../server/src/languages/nginx/syntax-tree';
import { decodeConfigurationText } from '../server/src/languages/nginx/text';
import { DiskFileSystem } from '../server/src/workspace/disk-file-system';
import { runContainer } from '../test/e2e/support/container';
import { errorsInReadingOrder } from '../test/e2e/support/nginx-reading-order';

type Wrapping = 'main' | 'http' | 'server' | 'location';

interface Case {
  readonly file: string;
  /** The directory given on the command line that holds the file: certboot's root. */
  readonly root: string;
  readonly wrapping: Wrapping;
  /** What nginx -t -c reads: the file itself, or a wrapper including it. */
  readonly main: string;
}

interface NginxVerdict {
  readonly file: string;
  readonly exitCode: number;
  /** The first [emerg] nginx printed; file and line when it names them. */
  readonly error?: { readonly message: string; readonly file?: string; readonly line?: number };
  /** What was supplied before nginx got this far. */
  readonly supplied: readonly string[];
}

const mainMarkers = new Set(['events', 'http', 'stream', 'mail', 'user', 'worker_processes', 'pid', 'load_module', 'daemon', 'worker_rlimit_nofile']);
const httpMarkers = new Set(['server', 'upstream', 'map', 'geo', 'split_clients', 'log_format', 'proxy_cache_path', 'limit_req_zone', 'limit_conn_zone']);
const serverMarkers = new Set(['listen', 'server_name', 'location', 'ssl_certificate']);
const locationMarkers = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'grpc_pass', 'try_files', 'alias']);
const contexts: Record<Wrapping, BlockContext> = { main: [], http: ['http'], server: ['http', 'server'], location: ['http', 'location'] };

function isCandidate(path: string): boolean {
  const name = basename(path);
  return (
    name === 'nginx.conf' ||
    /\.(conf|nginx|vhost)(\.(template|sample|example|j2|tpl))?$/.test(name) ||
    /(^|\/)(sites-available|sites-enabled|nginx)\//.test(path)
  );
}

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && isCandidate(path) && statSync(path).size <= 1_000_000) yield path;
  }
}

/** How nginx would load the file, from the directives at its top; undefined when it does not look like nginx's. */
function wrappingOf(path: string): Wrapping | undefined {
  const text = decodeConfigurationText(readFileSync(path));
  if (text === undefined) return undefined;
  // crossplane's reading, which this comparison leaves as it is, so that every version picks the same files
  const names = parseNginx(text, path, { invalidDirectives: 'crossplane' }).directives.map((directive) => directive.name);
  if (names.length === 0) return undefined;
  // a file of another format (redis.conf, dovecot.conf) names few of nginx's directives
  const known = names.filter((name) => directiveSignatures(name) !== undefined || name === 'include');
  if (known.length * 2 < names.length) return undefined;
  if (names.some((name) => mainMarkers.has(name))) return 'main';
  if (names.some((name) => httpMarkers.has(name))) return 'http';
  if (names.some((name) => serverMarkers.has(name))) return 'server';
  // a snippet of proxy_set_header and the like: most such directives are allowed in http
  return names.some((name) => locationMarkers.has(name)) ? 'location' : 'http';
}

function wrapper(file: string, wrapping: Wrapping): string {
  const include = `include ${JSON.stringify(file)};`;
  const inner = wrapping === 'http' ? include : wrapping === 'server' ? `server { ${include} }` : `server { location / { ${include} } }`;
  return `events {}\nhttp {\n${inner}\n}\n`;
}

// ---- inside the container: run nginx -t, supplying what is missing, until it stops at something else

/** An empty file where nginx looked for one; false where none can be written (a read-only mount). */
function supply(path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
    return true;
  } catch {
    return false;
  }
}

function runInside(planPath: string, resultsPath: string): void {
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as Case[];
  for (const testCase of plan) {
    if (testCase.main !== testCase.file) {
      mkdirSync(dirname(testCase.main), { recursive: true });
      writeFileSync(testCase.main, wrapper(testCase.file, testCase.wrapping));
    }
    const supplied: string[] = [];
    let verdict: NginxVerdict | undefined;
    for (let attempt = 0; verdict === undefined; attempt++) {
      const run = spawnSync('nginx', ['-t', '-e', 'stderr', '-c', testCase.main], { timeout: 20_000 });
      const stderr = new TextDecoder().decode(run.stderr);
      const exitCode = run.status ?? 128;
      const emerg = /\[emerg\] \d+#\d+: (.*)$/m.exec(stderr)?.[1];
      if (exitCode === 0 || emerg === undefined || attempt >= 40) {
        verdict = { file: testCase.file, exitCode, supplied, ...(emerg !== undefined && { error: { message: emerg } }) };
        break;
      }
      const located = /^(.*) in (\/.*):(\d+)$/.exec(emerg) ?? undefined;
      const message = located?.[1] ?? emerg;
      const missing = /^open\(\) "(.+)" failed \(2: No such file or directory\)$/.exec(message)?.[1];
      const user = /^getpwnam\("(.+)"\) failed$/.exec(message)?.[1];
      const group = /^getgrnam\("(.+)"\) failed$/.exec(message)?.[1];
      const host = /^host not found in (?:upstream|resolver) "(\[[^\]]+\]|[^":]+)/.exec(message)?.[1];
      if (missing !== undefined && located !== undefined && supply(missing)) {
        supplied.push(`empty ${missing}`);
      } else if (user !== undefined) {
        appendFileSync('/etc/passwd', `${user}:x:${60000 + attempt}:${60000 + attempt}::/nonexistent:/usr/sbin/nologin\n`);
        appendFileSync('/etc/group', `${user}:x:${60000 + attempt}:\n`);
        supplied.push(`user ${user}`);
      } else if (group !== undefined) {
        appendFileSync('/etc/group', `${group}:x:${61000 + attempt}:\n`);
        supplied.push(`group ${group}`);
      } else if (host !== undefined) {
        appendFileSync('/etc/hosts', `127.0.0.1 ${host}\n`);
        supplied.push(`host ${host}`);
      } else {
        verdict = {
          file: testCase.file,
          exitCode,
          supplied,
          error: located === undefined ? { message } : { message, file: located[2], line: Number(located[3]) },
        };
      }
    }
    appendFileSync(resultsPath, `${JSON.stringify(verdict)}\n`);
  }
}

// ---- outside: plan, run the container, compare

/** The messages of the errors certboot reports itself (nginx's words); nginx's other errors it does not judge. */
const certbootJudges = [
  /^unexpected "/,
  /^unexpected end of file, expecting/,
  /^directive ".*" is not terminated by ";"$/,
  /^directive ".*" has no opening "\{"$/,
  /^invalid number of arguments in ".*" directive$/,
  /^".*" directive is not allowed here$/,
  /^invalid value ".*" in ".*" directive, it must be "on" or "off"$/,
  /^too long parameter/,
  /^unknown directive ".*[^\x21-\x7e].*"$/s,
];

/** nginx's errors that name a place but come once the http block is read (postconfiguration, upstream init). */
const afterReading = [/^no "ssl_certificate" is defined for/, /^no port in upstream "/, /^no servers are inside upstream/, /^duplicate location "/];

type Outcome = 'same error' | 'different error' | 'both accept' | 'false alarm' | 'not compared';

interface Comparison {
  readonly outcome: Outcome;
  readonly file: string;
  readonly wrapping: Wrapping;
  readonly nginx: string;
  readonly certboot: string;
}

const counted = (error: NginxError): boolean => error.kind === 'syntax' || error.kind === 'analysis';

function compare(testCase: Case, verdict: NginxVerdict): Comparison {
  // a wrapped file's relative includes are not where nginx looked for them (beside the wrapper)
  const configuration = loadNginxConfiguration(new DiskFileSystem([testCase.root]), testCase.file, {
    context: contexts[testCase.wrapping],
    single: testCase.wrapping !== 'main',
  });
  const ordered = errorsInReadingOrder(configuration, counted);
  const first = ordered[0];
  const certbootFile = first === undefined ? undefined : configuration.files[first.file].path;
  const certboot =
    first === undefined ? 'no error' : `${first.error.message} in ${relative(dirname(testCase.root), certbootFile ?? '')}:${first.error.span.startLine + 1}`;
  const error = verdict.error;
  const nginx =
    error === undefined
      ? 'syntax is ok'
      : error.file === undefined
        ? error.message
        : `${error.message} in ${relative(dirname(testCase.root), error.file)}:${error.line}`;
  const result = (outcome: Outcome): Comparison => ({
    outcome,
    file: relative(dirname(testCase.root), testCase.file),
    wrapping: testCase.wrapping,
    nginx,
    certboot,
  });
  // an error without a place, or one of these, comes once nginx has read the whole configuration
  const readItAll = error === undefined || error.file === undefined || error.line === undefined || afterReading.some((pattern) => pattern.test(error.message));
  if (readItAll) return result(first === undefined ? 'both accept' : 'false alarm');
  const judged = certbootJudges.some((pattern) => pattern.test(error.message));
  if (judged) {
    const same =
      first !== undefined && certbootFile === error.file && first.error.span.startLine + 1 === error.line && first.error.message.includes(error.message);
    return result(same ? 'same error' : 'different error');
  }
  const stopFile = configuration.files.findIndex((file) => file.path === error.file);
  if (first === undefined || stopFile < 0) return result('not compared');
  // nginx stopped at something certboot does not judge: certboot must not report an error
  // before that line, which is put among certboot's errors (first of its line) to see where it falls
  const stop: NginxError = { kind: 'syntax', message: '(where nginx stopped)', line: error.line, span: new TextSpan(error.line - 1, 0, error.line - 1, 0) };
  const files = configuration.files.map((file, index) =>
    index === stopFile ? { ...file, errors: [stop, ...file.errors].sort((left, right) => left.span.startLine - right.span.startLine) } : file,
  );
  const withStop = errorsInReadingOrder({ ...configuration, files }, counted);
  return result(withStop[0].error === stop ? 'not compared' : 'false alarm');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--inside') {
    runInside(argv[1], argv[2]);
    return;
  }
  const list = argv.includes('--list');
  const roots = argv.filter((argument) => !argument.startsWith('--')).map((directory) => resolve(directory));
  if (roots.length === 0) {
    console.error('usage: npx tsx scripts/compare-nginx-syntax.ts DIR... [--list]');
    process.exit(2);
  }
  const work = mkdtempSync(join(tmpdir(), 'compare-nginx-syntax-'));
  try {
    const cases: Case[] = [];
    for (const root of roots) {
      for (const file of walk(root)) {
        const wrapping = wrappingOf(file);
        if (wrapping === undefined) continue;
        const main = wrapping === 'main' ? file : `/tmp/compare/${cases.length}.conf`;
        cases.push({ file, root, wrapping, main });
      }
    }
    const planPath = join(work, 'plan.json');
    const resultsPath = join(work, 'results.jsonl');
    writeFileSync(planPath, JSON.stringify(cases));
    writeFileSync(resultsPath, '');
    const repository = resolve(__dirname, '..');
    const result = await runContainer(
      {
        command: [process.execPath, join(repository, 'node_modules', 'tsx', 'dist', 'cli.mjs'), __filename, '--inside', planPath, resultsPath],
        // the directories are seen through the container's copy-on-write root, so that files
        // supplied beside them stay in the container; /tmp and /run are the container's own
        mounts: [
          { hostPath: work, containerPath: work },
          ...[repository, ...roots]
            .filter((directory) => /^\/(tmp|run)(\/|$)/.test(directory))
            .map((directory) => ({ hostPath: directory, containerPath: directory, readOnly: true })),
        ],
      },
      30 * 60_000,
    );
    if (result.exitCode !== 0) throw new Error(`nginx runs failed (exit ${result.exitCode}):\n${result.stderr}`);
    const verdicts = readFileSync(resultsPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as NginxVerdict);
    if (verdicts.length !== cases.length) throw new Error(`nginx ran on ${verdicts.length} of ${cases.length} files:\n${result.stderr}`);
    const comparisons = cases.map((testCase, index) => compare(testCase, verdicts[index]));
    const counts = new Map<Outcome, number>();
    for (const comparison of comparisons) counts.set(comparison.outcome, (counts.get(comparison.outcome) ?? 0) + 1);
    const byWrapping = (['main', 'http', 'server', 'location'] as const).map(
      (wrapping) => `${cases.filter((testCase) => testCase.wrapping === wrapping).length} ${wrapping}`,
    );
    console.log(`${comparisons.length} nginx files (${byWrapping.join(', ')})`);
    for (const outcome of ['same error', 'different error', 'both accept', 'false alarm', 'not compared'] as const) {
      console.log(`  ${outcome}: ${counts.get(outcome) ?? 0}`);
    }
    const judged = (counts.get('same error') ?? 0) + (counts.get('different error') ?? 0);
    console.log(`syntax errors nginx stops at: certboot reports the same first error for ${counts.get('same error') ?? 0} of ${judged}`);
    if (list) {
      for (const comparison of comparisons) {
        if (comparison.outcome === 'both accept') continue;
        console.log(
          `\n${comparison.outcome}: ${comparison.file} (${comparison.wrapping})\n  nginx:    ${comparison.nginx}\n  certboot: ${comparison.certboot}`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
