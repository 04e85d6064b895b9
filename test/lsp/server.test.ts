import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, Hover, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { repositoryRoot } from '../support/paths';
import { LanguageClient } from '../support/language-client';

const ruleId = 'missing-certificate-on-first-boot';

function ofRule(diagnostics: readonly Diagnostic[], id = ruleId): Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.code === id);
}

/** LSP 3.18 allows markup in a diagnostic message; certboot always sends plain text. */
function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Diagnostic['range'] {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

describe('language server over JSON-RPC (dist/server.js --stdio)', function () {
  this.timeout(30_000);
  let directory: string;
  let client: LanguageClient;
  let nginxPath: string;
  let composePath: string;
  let nginxText: string;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-lsp-'));
    cpSync(join(repositoryRoot, 'examples', 'certbot-deadlock'), directory, { recursive: true });
    nginxPath = join(directory, 'nginx', 'conf.d', 'example.com.conf');
    composePath = join(directory, 'docker-compose.yml');
    nginxText = readFileSync(nginxPath, 'utf8');
    client = new LanguageClient();
    await client.initialize(directory);
  });

  afterEach(async () => {
    await client.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('publishes the first-boot diagnostics of an opened nginx file with code, docs link and related locations', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length > 0);
    const [certificate, key] = ofRule(published.diagnostics);
    deepStrictEqual(
      ofRule(published.diagnostics).map((diagnostic) => diagnostic.range),
      [range(5, 20, 5, 67), range(6, 24, 6, 69)],
    );
    strictEqual(certificate.severity, 1);
    strictEqual(certificate.source, 'certboot');
    strictEqual(certificate.codeDescription?.href, pathToFileURL(join(repositoryRoot, 'docs', 'rules', `${ruleId}.md`)).href);
    strictEqual(
      certificate.message,
      '`ssl_certificate` "/etc/letsencrypt/live/example.com/fullchain.pem" does not exist when nginx (service `nginx`) first starts: ' +
        'it is created later by service `certbot` through `./certbot/conf` → `/etc/letsencrypt`, and certbot can only get it once nginx answers on port 80. ' +
        'nginx exits with `[emerg] cannot load certificate "/etc/letsencrypt/live/example.com/fullchain.pem": BIO_new_file() failed`.',
    );
    deepStrictEqual(
      certificate.relatedInformation?.map((related) => [related.location.uri, related.location.range.start.line, related.message]),
      [
        [pathToFileURL(composePath).href, 11, 'mounted into service `nginx` here'],
        [pathToFileURL(composePath).href, 18, 'service `certbot` writes the certificate through this mount'],
        [pathToFileURL(composePath).href, 20, 'service `certbot` obtains the certificate here'],
      ],
    );
    ok(messageOf(key).startsWith('`ssl_certificate_key` "/etc/letsencrypt/live/example.com/privkey.pem"'));
  });

  it('offers "disable for this line"; applying it removes the diagnostic', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const [target] = ofRule(published.diagnostics);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pathToFileURL(nginxPath).href },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const disable = actions.find((action) => action.title === `Disable ${ruleId} for this line`);
    ok(disable?.edit?.documentChanges, JSON.stringify(actions.map((action) => action.title)));
    const change = disable.edit.documentChanges[0] as TextDocumentEdit;
    deepStrictEqual(change.edits, [{ range: range(5, 0, 5, 0), newText: `    # certboot-disable-next-line ${ruleId}\n` }]);
    const edited = TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'nginx', 1, nginxText), change.edits);
    await client.change(nginxPath, edited, 2);
    const after = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 1);
    deepStrictEqual(
      ofRule(after.diagnostics).map((diagnostic) => diagnostic.range),
      [range(7, 24, 7, 69)],
    );
    // once the path is fixed the comment suppresses nothing: it is reported and faded
    const fixed = edited
      .replace('live/example.com/fullchain.pem', 'live/$ssl_server_name/fullchain.pem')
      .replace('live/example.com/privkey.pem', 'live/$ssl_server_name/privkey.pem');
    await client.change(nginxPath, fixed, 3);
    const unused = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics, 'unused-suppression').length === 1);
    deepStrictEqual(
      ofRule(unused.diagnostics, 'unused-suppression').map((diagnostic) => [diagnostic.range.start.line, diagnostic.tags]),
      [[5, [1]]],
    );
  });

  it("finds a diagnostic's finding by the identity in its data, not by its message", async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const [certificate, key] = ofRule(published.diagnostics);
    deepStrictEqual([certificate.data, key.data], [{ finding: `${ruleId}@5:20-5:67#0` }, { finding: `${ruleId}@6:24-6:69#0` }]);
    const titlesFor = async (diagnostic: Diagnostic): Promise<string[]> => {
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: pathToFileURL(nginxPath).href },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic], only: ['quickfix'] },
      })) as CodeAction[];
      return actions.map((action) => action.title);
    };
    // an editor may shorten or re-render the message; the key still names the finding
    const titles = ['Split into HTTP-first stages', `Disable ${ruleId} for this line`];
    deepStrictEqual(await titlesFor({ ...certificate, message: 'shortened' }), titles);
    // a key names one finding: the key's range wins over the diagnostic's
    deepStrictEqual(await titlesFor({ ...key, data: { finding: 'no-such-rule@0:0-0:1#0' } }), []);
    // a client that drops `data` still gets the actions of the finding of that rule at that range
    deepStrictEqual(await titlesFor({ ...key, data: undefined }), titles);
  });

  it('re-lints the nginx file when the compose file that mounts it changes, unsaved', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const compose = readFileSync(composePath, 'utf8');
    await client.open(composePath, compose, 'dockercompose');
    const withoutCertbotMount = compose.replace('      - ./certbot/conf:/etc/letsencrypt:ro\n', '');
    ok(withoutCertbotMount !== compose);
    await client.change(composePath, withoutCertbotMount, 2);
    const after = await client.diagnostics(nginxPath, (params) =>
      ofRule(params.diagnostics).some((diagnostic) => messageOf(diagnostic).includes('nothing mounts it')),
    );
    strictEqual(
      ofRule(after.diagnostics)[0].message,
      '`ssl_certificate` "/etc/letsencrypt/live/example.com/fullchain.pem" does not exist when nginx (service `nginx`) first starts: ' +
        'the image does not hold it and nothing mounts it. nginx exits with `[emerg] cannot load certificate "/etc/letsencrypt/live/example.com/fullchain.pem": BIO_new_file() failed`.',
    );
  });

  it('watches the workspace and re-lints when a file that is not open appears on disk', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    deepStrictEqual(
      client.registrations.map((registration) => [registration.method, registration.registerOptions]),
      [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/*' }] }]],
    );
    const live = join(directory, 'certbot', 'conf', 'live', 'example.com');
    mkdirSync(live, { recursive: true });
    writeFileSync(join(live, 'fullchain.pem'), 'certificate\n');
    writeFileSync(join(live, 'privkey.pem'), 'key\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: ['fullchain.pem', 'privkey.pem'].map((name) => ({ uri: pathToFileURL(join(live, name)).href, type: 1 })),
    });
    const after = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 0);
    deepStrictEqual(ofRule(after.diagnostics), []);
  });

  it('explains a certificate path on hover: container path, mount, host path, first-boot state', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length > 0);
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(nginxPath).href },
      position: { line: 5, character: 30 },
    })) as Hover;
    deepStrictEqual(hover, {
      contents: {
        kind: 'markdown',
        value:
          '**`/etc/letsencrypt/live/example.com/fullchain.pem`** in service `nginx`\n\n' +
          '- comes from: bind mount `./certbot/conf` → `/etc/letsencrypt` → host `./certbot/conf/live/example.com/fullchain.pem`\n' +
          '- on first boot: absent until service `certbot` writes it (through `./certbot/conf` → `/etc/letsencrypt`)',
      },
      range: range(5, 20, 5, 67),
    });
  });

  it('explains a compose bind mount on hover: the directory docker creates empty', async () => {
    await client.open(composePath, readFileSync(composePath, 'utf8'), 'dockercompose');
    await client.diagnostics(composePath);
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(composePath).href },
      position: { line: 11, character: 12 },
    })) as Hover;
    deepStrictEqual(hover.contents, {
      kind: 'markdown',
      value:
        '**`/etc/letsencrypt`** in service `nginx`\n\n' +
        '- comes from: bind mount `./certbot/conf` → `/etc/letsencrypt` → host `./certbot/conf`\n' +
        '- on first boot: an empty directory (docker creates `./certbot/conf` on the host when it starts the container)',
    });
  });

  it('links an include to the file it loads', async () => {
    const mainPath = join(directory, 'nginx', 'nginx.conf');
    await client.open(mainPath, readFileSync(mainPath, 'utf8'), 'nginx');
    await client.diagnostics(mainPath);
    const links = await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri: pathToFileURL(mainPath).href } });
    deepStrictEqual(links, [{ range: range(13, 12, 13, 25), target: pathToFileURL(nginxPath).href }]);
  });

  it('links a compose bind mount to the file it mounts', async () => {
    await client.open(composePath, readFileSync(composePath, 'utf8'), 'dockercompose');
    await client.diagnostics(composePath);
    const links = await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri: pathToFileURL(composePath).href } });
    deepStrictEqual(links, [{ range: range(9, 8, 9, 51), target: pathToFileURL(join(directory, 'nginx', 'nginx.conf')).href }]);
  });

  it('prefills the bootstrap from the deployment, then applies it as a previewed edit', async () => {
    const suggestion = await client.connection.sendRequest('workspace/executeCommand', {
      command: 'certboot.generateBootstrapConfig',
      arguments: [pathToFileURL(directory).href],
    });
    deepStrictEqual(suggestion, {
      domains: ['example.com', 'www.example.com'],
      sources: ['example.com (server_name in nginx/conf.d/example.com.conf:1)', 'www.example.com (server_name in nginx/conf.d/example.com.conf:1)'],
      email: 'admin@example.com',
    });
    const result = (await client.connection.sendRequest('workspace/executeCommand', {
      command: 'certboot.generateBootstrapConfig',
      arguments: [pathToFileURL(directory).href, { domains: ['example.com', 'www.example.com'], email: 'admin@example.com', staging: true }],
    })) as { applied: boolean; summary: string[] };
    strictEqual(result.applied, true);
    strictEqual(
      result.summary.at(-1),
      'certboot makes the new scripts executable once they exist (chmod +x certbot/hooks/enable-https.sh nginx/entrypoint.d/40-reload-on-certificate.sh scripts/init-certificates.sh): certbot runs a deploy hook, and the nginx image a /docker-entrypoint.d script, only when it is.',
    );
    strictEqual(client.appliedEdits.length, 1);
    const [applied] = client.appliedEdits;
    strictEqual(applied.label, 'Split into HTTP-first stages');
    deepStrictEqual(applied.edit.changeAnnotations?.['certboot.bootstrap']?.needsConfirmation, true);
    const created = (applied.edit.documentChanges ?? []).flatMap((change) =>
      'kind' in change && change.kind === 'create' ? [change.uri.slice(pathToFileURL(directory).href.length + 1)] : [],
    );
    ok(created.includes('scripts/init-certificates.sh'), JSON.stringify(created));
    ok(created.includes('nginx/https-available/example.com.conf'), JSON.stringify(created));
  });

  it('offers "Split into HTTP-first stages" on a first-boot finding when certbot names the email', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const [target] = ofRule(published.diagnostics);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pathToFileURL(nginxPath).href },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const split = actions.find((action) => action.title === 'Split into HTTP-first stages');
    // the quick fix runs the bootstrap command with what it knows; the server applies the edit itself
    deepStrictEqual(split, {
      title: 'Split into HTTP-first stages',
      kind: 'quickfix',
      diagnostics: [target],
      isPreferred: false,
      command: {
        title: 'Split into HTTP-first stages',
        command: 'certboot.generateBootstrapConfig',
        arguments: [pathToFileURL(directory).href, { domains: ['example.com', 'www.example.com'], email: 'admin@example.com', staging: false, announce: true }],
      },
    });
    // as VS Code does, the client creates the new files (empty, not executable) when it applies the edit
    client.createsFiles = true;
    const before = client.appliedEdits.length;
    try {
      const result = (await client.connection.sendRequest('workspace/executeCommand', split.command)) as { applied: boolean; executable: string[] };
      strictEqual(result.applied, true);
      const edit = client.appliedEdits[before]?.edit;
      strictEqual(edit?.changeAnnotations?.['certboot.bootstrap']?.needsConfirmation, true);
      const scripts = ['certbot/hooks/enable-https.sh', 'nginx/entrypoint.d/40-reload-on-certificate.sh', 'scripts/init-certificates.sh'];
      deepStrictEqual(result.executable, scripts);
      // the quick fix has no client code of its own to tell the user what comes next: the server does
      const shown = client.messages.at(-1);
      strictEqual(shown?.type, 3);
      ok(shown.message.startsWith('certboot: '), shown.message);
      ok(shown.message.endsWith('only when it is.'), shown.message);
      deepStrictEqual(
        scripts.map((script) => (statSync(join(directory, script)).mode & 0o777).toString(8)),
        ['755', '755', '755'],
      );
      const other = client.createdFiles.find((path) => path.endsWith('.conf'));
      ok(other, JSON.stringify(client.createdFiles));
      strictEqual((statSync(other).mode & 0o777).toString(8), '644');
    } finally {
      client.createsFiles = false;
      for (const path of client.createdFiles.splice(0)) rmSync(path, { recursive: true, force: true });
    }
  });

  it('survives binary, huge and malformed documents, reporting them and answering afterwards', async () => {
    const binaryPath = join(directory, 'nginx', 'conf.d', 'binary.conf');
    const hugePath = join(directory, 'nginx', 'conf.d', 'huge.conf');
    await client.open(binaryPath, 'server {\u0000\u0001\u00ff', 'nginx');
    await client.open(hugePath, 'server { listen 80; }\n'.repeat(900_000), 'nginx');
    await client.open(composePath, 'services:\n  nginx: [unclosed\n', 'dockercompose');
    const binary = await client.diagnostics(binaryPath, (params) => params.diagnostics.length > 0, 20_000);
    deepStrictEqual(
      binary.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.message]),
      [['nginx-syntax', 'certboot does not check this file: binary file (it contains NUL bytes); not an nginx configuration.']],
    );
    const huge = await client.diagnostics(hugePath, (params) => params.diagnostics.length > 0, 20_000);
    deepStrictEqual(
      huge.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.message]),
      [['nginx-syntax', 'certboot does not check this file: file is 19800000 bytes, over the 16777216-byte limit for an nginx configuration; not read.']],
    );
    const compose = await client.diagnostics(composePath, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'compose-syntax'), 20_000);
    ok(compose.diagnostics.every((diagnostic) => diagnostic.code === 'compose-syntax'));
    strictEqual(client.exited, false);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(nginxPath).href },
      position: { line: 0, character: 0 },
    });
    strictEqual(hover, null);
  });

  it('coalesces a burst of keystrokes into one analysis that sees the last of them', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const before = client.analysisStates.filter((state) => state.state === 'started').length;
    // 30 keystrokes sent at once, as an editor sends them while the server is busy: 29 spaces at
    // the end of the first line, then a `#` that comments the certificate line out
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        index < 29
          ? client.changeRange(nginxPath, range(0, 8 + index, 0, 8 + index), ' ', index + 2)
          : client.changeRange(nginxPath, range(5, 4, 5, 4), '#', index + 2),
      ),
    );
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 1);
    deepStrictEqual(
      ofRule(published.diagnostics).map((diagnostic) => diagnostic.range),
      [range(6, 24, 6, 69)],
    );
    const analyses = client.analysisStates.filter((state) => state.state === 'started').length - before;
    ok(analyses >= 1 && analyses <= 2, `${analyses} analyses for 30 keystrokes`);
  });

  it('answers a code action request with the kinds `only` asks for', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    const published = await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    const [target] = ofRule(published.diagnostics);
    const titles = async (only: string[] | undefined): Promise<string[]> => {
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: pathToFileURL(nginxPath).href },
        range: target.range,
        context: { diagnostics: [target], only },
      })) as CodeAction[];
      return actions.map((action) => `${action.kind}: ${action.title}`);
    };
    const quickFixes = ['quickfix: Split into HTTP-first stages', 'quickfix: Disable missing-certificate-on-first-boot for this line'];
    deepStrictEqual(await titles(undefined), quickFixes);
    deepStrictEqual(await titles(['quickfix']), quickFixes);
    deepStrictEqual(await titles(['refactor']), []);
    deepStrictEqual(await titles(['source.organizeImports']), []);
  });

  it('fixes all safe problems of each file as `certboot lint --fix` does (source.fixAll.certboot)', async () => {
    const composeText = readFileSync(composePath, 'utf8');
    await client.open(nginxPath, nginxText, 'nginx');
    await client.open(composePath, composeText, 'dockercompose');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics, 'certbot-nginx-options-missing').length === 2);
    await client.diagnostics(composePath, (params) => ofRule(params.diagnostics, 'acme-challenge-not-served').length === 1);
    const fixAllActions = async (path: string): Promise<CodeAction[]> =>
      (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: pathToFileURL(path).href },
        range: range(0, 0, 0, 0),
        context: { diagnostics: [], only: ['source.fixAll'] },
      })) as CodeAction[];
    const fixAll = async (path: string, text: string, languageId: string): Promise<string> => {
      const actions = await fixAllActions(path);
      deepStrictEqual(
        actions.map((action) => [action.kind, action.title]),
        [['source.fixAll.certboot', 'Fix all safe certboot problems']],
      );
      const changes = (actions[0]?.edit?.documentChanges ?? []) as TextDocumentEdit[];
      deepStrictEqual(
        changes.map((change) => change.textDocument.uri),
        [pathToFileURL(path).href],
      );
      return TextDocument.applyEdits(TextDocument.create(pathToFileURL(path).href, languageId, 1, text), (changes[0]?.edits ?? []) as TextEdit[]);
    };
    // the files `certboot lint --fix` writes for this project (test/cli/lint-fix.test.ts)
    const fixed = join(repositoryRoot, 'test', 'fixtures', 'lint-fix', 'certbot-deadlock', 'fixed');
    strictEqual(await fixAll(nginxPath, nginxText, 'nginx'), readFileSync(join(fixed, 'nginx', 'conf.d', 'example.com.conf'), 'utf8'));
    // nothing in the compose file has a safe fix, as `certboot lint --fix` leaves it unchanged
    deepStrictEqual(await fixAllActions(composePath), []);
  });

  it('looks for a file opened outside the workspace folders in its own directory only, and forgets it on close', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'certboot-lsp-outside-'));
    try {
      // a compose project below the file's directory mounts it: found by a search of the whole tree
      mkdirSync(join(outside, 'deep'));
      writeFileSync(
        join(outside, 'deep', 'compose.yaml'),
        'services:\n  web:\n    image: nginx\n    restart: always\n    volumes:\n      - ..:/etc/nginx/conf.d:ro\n',
      );
      const sitePath = join(outside, 'site.conf');
      const siteText =
        'server {\n    listen 443 ssl;\n    ssl_certificate /etc/letsencrypt/live/a.example/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/a.example/privkey.pem;\n}\n';
      writeFileSync(sitePath, siteText);
      await client.open(sitePath, siteText, 'nginx');
      const published = await client.diagnostics(sitePath);
      deepStrictEqual(published.diagnostics, []);
      // answered after the analysis has announced its end
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: pathToFileURL(sitePath).href }, position: { line: 0, character: 0 } });
      deepStrictEqual(
        client.analysisStates.filter((state) => state.root === outside).map((state) => state.state),
        ['started', 'counted', 'finished'],
      );
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(sitePath).href } });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(composePath).href, type: 2 }] });
      const analysed = client.analysisStates.length;
      await client.open(nginxPath, nginxText, 'nginx');
      await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
      deepStrictEqual(
        client.analysisStates.slice(analysed).filter((state) => state.root === outside),
        [],
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('answers requests about URIs that name no local file with nothing, and keeps serving', async () => {
    for (const uri of ['file://remotehost/etc/nginx/nginx.conf', 'file:///tmp/%E0%A4%A.conf', 'untitled:Untitled-1']) {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: 'server {' } });
      deepStrictEqual(
        [
          await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }),
          await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: range(0, 0, 0, 0), context: { diagnostics: [] } }),
          await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } }),
        ],
        [null, [], []],
        uri,
      );
    }
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    deepStrictEqual(client.stderr.join('').match(/TypeError.*/g) ?? [], []);
  });

  it('still analyses when the client announces configuration but fails to answer it', async () => {
    await client.stop();
    client = new LanguageClient();
    client.connection.onRequest('workspace/configuration', () => {
      throw new Error('no settings here');
    });
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(directory).href,
      workspaceFolders: [{ uri: pathToFileURL(directory).href, name: 'workspace' }],
      capabilities: { workspace: { configuration: true } },
    });
    await client.connection.sendNotification('initialized', {});
    // the analysis of the folder at start, before any file is opened
    for (let waited = 0; !client.analysisStates.some((state) => state.state === 'finished') && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    deepStrictEqual(
      client.analysisStates.map((state) => [state.state, state.root]),
      [
        ['started', directory],
        ['counted', directory],
        ['finished', directory],
      ],
    );
  });

  it('refuses requests after shutdown with InvalidRequest, as LSP asks', async () => {
    await client.open(nginxPath, nginxText, 'nginx');
    await client.diagnostics(nginxPath, (params) => ofRule(params.diagnostics).length === 2);
    await client.connection.sendRequest('shutdown');
    const refused = await client.connection
      .sendRequest('textDocument/hover', { textDocument: { uri: pathToFileURL(nginxPath).href }, position: { line: 5, character: 30 } })
      .then(
        () => undefined,
        (error: { code: number; message: string }) => [error.code, error.message],
      );
    deepStrictEqual(refused, [-32600, 'certboot is shutting down']);
  });

  it('reports an EMAIL-validated ACM certificate in a Terraform file, with its DNS quick fix', async () => {
    const terraform = mkdtempSync(join(tmpdir(), 'certboot-lsp-terraform-'));
    try {
      cpSync(join(repositoryRoot, 'test', 'fixtures', 'rules', 'acm-email-validation', 'bad-terraform-email'), terraform, { recursive: true });
      await client.stop();
      client = new LanguageClient();
      await client.initialize(terraform);
      const mainPath = join(terraform, 'main.tf');
      await client.open(mainPath, readFileSync(mainPath, 'utf8'), 'terraform');
      const published = await client.diagnostics(mainPath, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'acm-email-validation'));
      const [finding] = ofRule(published.diagnostics, 'acm-email-validation');
      deepStrictEqual(finding.range, range(7, 30, 7, 37));
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: pathToFileURL(mainPath).href },
        range: finding.range,
        context: { diagnostics: [finding] },
      })) as CodeAction[];
      ok(
        actions.some((action) => action.isPreferred === true && action.edit?.documentChanges !== undefined && /DNS/.test(action.title)),
        JSON.stringify(actions.map((action) => action.title)),
      );
    } finally {
      rmSync(terraform, { recursive: true, force: true });
    }
  });
});
