import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LanguageClient } from '../support/language-client';
import { repositoryRoot } from '../support/paths';

// What a hostile or careless repository, or a broken client, did to the language server on main
// (issue 15), each kept fixed here over a real JSON-RPC session.

function isInside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

function finishedAnalyses(client: LanguageClient, root: string): number {
  return client.analysisStates.filter((state) => state.state === 'finished' && state.root === root).length;
}

/** Resolves once an analysis of `root` finishes after the first `seen` did, and every analysis started has finished. */
async function analysedAfter(client: LanguageClient, root: string, seen: number, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  const settled = (): boolean => {
    const states = client.analysisStates.filter((state) => state.root === root);
    return (
      finishedAnalyses(client, root) > seen &&
      states.filter((state) => state.state === 'started').length === states.filter((state) => state.state === 'finished').length
    );
  };
  while (!settled()) {
    if (Date.now() - started > timeoutMs) throw new Error(`no analysis of ${root} after the ${seen} seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('language server on hostile input (dist/server.js --stdio)', function () {
  this.timeout(60_000);
  let base: string;
  let client: LanguageClient | undefined;

  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'certboot-lsp-hostile-')));
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    rmSync(base, { recursive: true, force: true });
  });

  it('reads only inside its workspace folder, and the directory of a file opened outside it, never widening the workspace (3)', async () => {
    // before: opening base/scratch.conf let the workspace's analysis follow a mount of ../private
    const workspace = join(base, 'workspace');
    const privateDirectory = join(base, 'private');
    mkdirSync(workspace);
    mkdirSync(privateDirectory);
    writeFileSync(
      join(privateDirectory, 'site.conf'),
      'server {\n  listen 443 ssl;\n  server_name secret.example.org;\n  ssl_certificate /etc/letsencrypt/live/secret.example.org/fullchain.pem;\n  ssl_certificate_key /etc/letsencrypt/live/secret.example.org/privkey.pem;\n}\n',
    );
    const composePath = join(workspace, 'compose.yaml');
    const compose =
      'services:\n  web:\n    image: nginx:1.27\n    restart: always\n    ports: ["443:443"]\n    volumes:\n      - ../private/site.conf:/etc/nginx/conf.d/site.conf:ro\n';
    writeFileSync(composePath, compose);
    const scratch = join(base, 'scratch.conf');
    writeFileSync(scratch, 'events {}\n');
    const reads = join(mkdtempSync(join(tmpdir(), 'certboot-reads-')), 'reads.log');
    client = new LanguageClient({
      nodeArguments: ['--require', join(repositoryRoot, 'test', 'support', 'record-reads.cjs')],
      env: { CERTBOOT_RECORD_READS: reads },
    });
    await client.initialize(workspace);
    await client.open(composePath, compose, 'dockercompose');
    await analysedAfter(client, workspace, 0);
    await client.open(scratch, 'events {}\n', 'nginx');
    await analysedAfter(client, base, 0);
    // an edit after the outside file was opened analyses the workspace again
    const before = finishedAnalyses(client, workspace);
    await client.change(composePath, `${compose}# edited\n`, 2);
    await analysedAfter(client, workspace, before);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(composePath).href },
      position: { line: 6, character: 12 },
    });
    const diagnostics = await client.diagnostics(composePath);
    ok(!JSON.stringify([diagnostics, hover]).includes('secret'), JSON.stringify([diagnostics, hover]));
    const recorded = [
      ...new Set(
        readFileSync(reads, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('/')),
      ),
    ];
    rmSync(dirname(reads), { recursive: true, force: true });
    const server = [join(repositoryRoot, 'dist'), join(repositoryRoot, 'docs'), join(repositoryRoot, 'node_modules')];
    const outsideFolder = recorded.filter(
      (path) =>
        !isInside(path, workspace) &&
        // the outside file's directory, listed and its entries looked at, nothing below them
        !(path === base || dirname(path) === base) &&
        !server.some((directory) => isInside(path, directory)),
    );
    deepStrictEqual(outsideFolder, []);
    deepStrictEqual(
      recorded.filter((path) => isInside(path, privateDirectory) && path !== privateDirectory),
      [],
    );
    ok(recorded.includes(composePath) || recorded.includes(workspace), 'the recording saw none of the workspace: is it recording?');
  });

  it('survives an include cycle through a glob and keeps answering (4)', async () => {
    // before: ten conf.d files whose location includes conf.d/*.conf grew the server to 4 GB and killed it
    mkdirSync(join(base, 'nginx', 'conf.d'), { recursive: true });
    writeFileSync(
      join(base, 'compose.yaml'),
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    volumes:\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n',
    );
    const first = join(base, 'nginx', 'conf.d', 's1.conf');
    for (let index = 1; index <= 10; index++) {
      writeFileSync(
        join(base, 'nginx', 'conf.d', `s${index}.conf`),
        `server {\n  listen 80;\n  server_name s${index}.example.org;\n  location / {\n    include conf.d/*.conf;\n  }\n}\n`,
      );
    }
    client = new LanguageClient({ nodeArguments: ['--max-old-space-size=200'] });
    await client.initialize(base);
    await client.open(first, readFileSync(first, 'utf8'), 'nginx');
    const published = await client.diagnostics(first, (params) => params.diagnostics.length > 0, 30_000);
    deepStrictEqual(
      published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line, diagnostic.message]),
      [
        [
          'nginx-syntax',
          4,
          'nginx rejects this configuration: include cycle: /etc/nginx/conf.d/s1.conf → /etc/nginx/conf.d/s1.conf; nginx nests these files inside each other until it runs out of open files or stack, and fails or crashes.',
        ],
      ],
    );
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(first).href },
      position: { line: 4, character: 14 },
    });
    ok(hover !== undefined);
    strictEqual(client.exited, false);
  });

  describe('a broken message frame is skipped and said on stderr; the server keeps answering (8)', () => {
    // before: after one such frame the server stayed alive, never answered again and logged nothing
    const hover = '{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{}}';
    const cases: [string, string, string][] = [
      ['a Content-Length too short', `Content-Length: 5\r\n\r\n${hover}`, 'a body of 5 bytes that is no JSON: Unterminated string in JSON at position 5'],
      ['no Content-Length', `Content-Type: application/vscode-jsonrpc\r\n\r\n${hover}`, 'a header without Content-Length'],
      ['a Content-Length that is no number', `Content-Length: abc\r\n\r\n${hover}`, 'a Content-Length that is no number ("abc")'],
      ['a Content-Length too long', `Content-Length: 600\r\n\r\n${hover}`, 'a Content-Length of 600 runs into the next message'],
    ];
    for (const [name, broken, why] of cases) {
      it(name, async () => {
        const configuration = join(base, 'nginx.conf');
        writeFileSync(configuration, 'events {}\nhttp {\n  listen 80;\n}\n');
        client = new LanguageClient();
        await client.initialize(base);
        await client.open(configuration, readFileSync(configuration, 'utf8'), 'nginx');
        const before = await client.diagnostics(configuration, (params) => params.diagnostics.length > 0);
        await client.writeRaw(broken);
        // the real client's next messages are read and answered: a change, then a request
        await client.change(configuration, 'events {}\nhttp {\n  server {}\n  listen 80;\n}\n', 2);
        const after = await client.diagnostics(configuration, (params) => params.diagnostics.some((diagnostic) => diagnostic.range.start.line === 3));
        const answer = await client.connection.sendRequest('shutdown');
        deepStrictEqual(
          [
            before.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
            after.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
            answer,
            client.exited,
            client.stderr.join(''),
          ],
          [
            [['nginx-syntax', 2]],
            [['nginx-syntax', 3]],
            null,
            false,
            `certboot: skipped a broken message from the client (${why}); reading on from the next Content-Length header\n`,
          ],
        );
      });
    }
  });
});
