import { deepStrictEqual, strictEqual } from 'node:assert';
import { AnalysisCache } from '../../../server/src/inventory/analysis-cache';
import { RoundCache } from '../../../server/src/workspace/round-cache';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { AnalysisFileSystem } from '../../../server/src/workspace/analysis-file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { OverlayFileSystem } from '../../../server/src/workspace/overlay-file-system';
import { RecordingFileSystem } from '../../../server/src/workspace/recording-file-system';

describe('RoundCache', () => {
  it('reuses a value its check accepts, once per round, and forgets what a round did not use', () => {
    const cache = new RoundCache<{ input: string; computed: number }>();
    let computed = 0;
    const get = (input: string): number =>
      cache.get(
        'key',
        (kept) => kept.input === input,
        () => ({ input, computed: ++computed }),
      ).computed;
    strictEqual(get('a'), 1);
    cache.nextRound();
    strictEqual(get('a'), 1);
    // the same request twice in one round: the second gets its own value
    strictEqual(get('a'), 2);
    cache.nextRound();
    strictEqual(get('b'), 3);
    cache.nextRound();
    cache.nextRound();
    strictEqual(get('b'), 4);
  });

  it('hands what it kept for the key and did not reuse to the computation', () => {
    const cache = new RoundCache<string>();
    const staleSeen: (readonly string[])[] = [];
    const get = (input: string): string =>
      cache.get(
        'key',
        (kept) => kept === input,
        (stale) => {
          staleSeen.push(stale);
          return input;
        },
      );
    get('a');
    cache.nextRound();
    get('b');
    cache.nextRound();
    get('b');
    cache.nextRound();
    cache.nextRound();
    get('c');
    deepStrictEqual(staleSeen, [[], ['a'], []]);
  });
});

describe('RecordingFileSystem', () => {
  it('holds while every question gets the same answer, errors included', () => {
    const memory = new MemoryFileSystem({ '/p/compose.yaml': 'services: {}\n' });
    const recording = new RecordingFileSystem(memory);
    recording.readFile('/p/compose.yaml');
    recording.readDirectory('/p');
    recording.stat('/p/.env');
    try {
      recording.readFile('/p/compose.override.yaml');
    } catch {
      // an absent file is an answer too
    }
    const reads = recording.recorded();
    strictEqual(reads?.holdIn(memory), true);
    memory.writeFile('/p/compose.yaml', 'services: { a: {} }\n');
    strictEqual(reads?.holdIn(memory), false);
    memory.writeFile('/p/compose.yaml', 'services: {}\n');
    strictEqual(reads?.holdIn(memory), true);
    memory.writeFile('/p/compose.override.yaml', 'services: {}\n');
    strictEqual(reads?.holdIn(memory), false);
  });
});

describe('AnalysisFileSystem', () => {
  it('answers each question once during an analysis, and from the workspace after it', () => {
    const memory = new MemoryFileSystem({ '/p/nginx.conf': 'events {}\n' });
    const analysis = new AnalysisFileSystem(memory);
    strictEqual(analysis.stat('/p/missing.conf'), undefined);
    memory.writeFile('/p/missing.conf', 'http {}\n');
    strictEqual(analysis.stat('/p/missing.conf'), undefined);
    analysis.close();
    strictEqual(analysis.stat('/p/missing.conf')?.kind, 'file');
  });
});

describe('analyzeWorkspace with an AnalysisCache', () => {
  it('reports after every edit what an analysis without the cache reports', async () => {
    const memory = new MemoryFileSystem({
      '/p/compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n      - "443:443"\n    volumes:\n' +
        '      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n      - ${CERTS:-./certs}:/etc/nginx/certs:ro\n',
      '/p/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      '/p/nginx/conf.d/site.conf':
        'server {\n    listen 443 ssl;\n    server_name example.com;\n    ssl_certificate /etc/nginx/certs/missing.pem;\n    ssl_certificate_key /etc/nginx/certs/key.pem;\n}\n',
      '/p/certs/present.pem': '',
      '/p/certs/key.pem': '',
    });
    const overlay = new OverlayFileSystem(memory);
    const cache = new AnalysisCache();
    const edits: ((workspace: MemoryFileSystem) => void)[] = [
      () => undefined,
      () =>
        overlay.set('/p/nginx/conf.d/site.conf', new TextDecoder().decode(memory.readFile('/p/nginx/conf.d/site.conf')).replace('missing.pem', 'present.pem')),
      // edits inside one statement's arguments: the file is parsed again from its earlier parse
      () =>
        overlay.set(
          '/p/nginx/conf.d/site.conf',
          new TextDecoder().decode(overlay.readFile('/p/nginx/conf.d/site.conf')).replace('/etc/nginx/certs/present.pem', '/etc/nginx/certs/gone.pem'),
        ),
      () => overlay.set('/p/nginx/conf.d/site.conf', new TextDecoder().decode(overlay.readFile('/p/nginx/conf.d/site.conf')).replace('key.pem;', 'key2.pem;')),
      () =>
        overlay.set('/p/nginx/conf.d/site.conf', new TextDecoder().decode(overlay.readFile('/p/nginx/conf.d/site.conf')).replace('gone.pem', 'present.pem')),
      (workspace) => workspace.writeFile('/p/.env', 'CERTS=./certs-elsewhere\n'),
      (workspace) => workspace.writeFile('/p/certs-elsewhere/present.pem', ''),
      (workspace) => workspace.writeFile('/p/nginx/conf.d/other.conf', 'server {\n    listen 443 ssl;\n    ssl_certificate /etc/nginx/certs/other.pem;\n}\n'),
      () => overlay.delete('/p/nginx/conf.d/site.conf'),
      (workspace) => workspace.writeFile('/p/init.sh', '#!/bin/sh\ncertbot certonly --webroot -w /var/www/certbot -d example.com\n'),
      (workspace) => workspace.deleteFile('/p/.env'),
    ];
    const reported = new Set<string>();
    for (const edit of edits) {
      edit(memory);
      const cached = await analyzeWorkspace(overlay, '/p', { cache });
      const fresh = await analyzeWorkspace(overlay, '/p');
      deepStrictEqual(cached.findings, fresh.findings);
      reported.add(JSON.stringify(fresh.findings.map((finding) => finding.message)));
    }
    // the edits change what is reported, so the cache had something to get wrong
    strictEqual(reported.size > 3, true);
  });
});
