import { deepStrictEqual, ok } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { largeWorkspaceFiles } from '../../client/src/analysis-state';
import { LanguageClient } from '../support/language-client';
import { repositoryRoot } from '../support/paths';

/** Writes `count` small files under `directory`, ten per folder. */
function writeFiles(directory: string, count: number): void {
  for (let index = 0; index < count; index++) {
    const folder = join(directory, `part-${Math.floor(index / 10)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `page-${index}.html`), `<p>${index}</p>\n`);
  }
}

describe('analysis progress over JSON-RPC (dist/server.js --stdio)', function () {
  this.timeout(60_000);
  let directory: string;
  let client: LanguageClient;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-progress-'));
    // 4 files of the example, 600 of a static site, and files no search of the analysis looks at:
    // a dependency folder, a folder deeper than the searches go, a file larger than they read
    cpSync(join(repositoryRoot, 'examples', 'certbot-deadlock'), directory, { recursive: true });
    writeFiles(join(directory, 'site'), 600);
    writeFiles(join(directory, 'node_modules', 'some-package'), 30);
    const deep = join(directory, 'd1', 'd2', 'd3', 'd4', 'd5', 'd6');
    mkdirSync(join(deep, 'd7'), { recursive: true });
    writeFileSync(join(deep, 'within-reach.txt'), 'counted\n');
    writeFileSync(join(deep, 'd7', 'too-deep.txt'), 'not counted\n');
    writeFileSync(join(directory, 'large.log'), 'x'.repeat(1024 * 1024 + 1));
    client = new LanguageClient();
    await client.initialize(directory);
  });

  after(async () => {
    await client.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  /** The notifications so far, with the time an analysis took as its type. */
  function states(): unknown[] {
    return client.analysisStates.map((state) => (state.state === 'finished' ? { ...state, milliseconds: typeof state.milliseconds } : state));
  }

  async function analysesFinished(count: number): Promise<void> {
    const finished = (): number => client.analysisStates.filter((state) => state.state === 'finished').length;
    for (let waited = 0; finished() < count && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('says how many files the analysis considers before it reads them, so the client shows progress', async () => {
    const analysis = [
      { state: 'started', root: directory },
      { state: 'counted', root: directory, files: 605 },
      { state: 'finished', root: directory, milliseconds: 'number' },
    ];
    // the analysis of the folder at start
    await analysesFinished(1);
    deepStrictEqual(states(), analysis);
    ok(605 >= largeWorkspaceFiles);
    // and the one an opened file asks for (its diagnostics of the first are published at once)
    const nginxPath = join(directory, 'nginx', 'conf.d', 'example.com.conf');
    await client.open(nginxPath, readFileSync(nginxPath, 'utf8'), 'nginx');
    await analysesFinished(2);
    const published = await client.diagnostics(nginxPath);
    deepStrictEqual(
      published.diagnostics.map((diagnostic) => diagnostic.code),
      ['missing-certificate-on-first-boot', 'missing-certificate-on-first-boot', 'certbot-nginx-options-missing', 'certbot-nginx-options-missing'],
    );
    deepStrictEqual(states(), [...analysis, ...analysis]);
  });
});
