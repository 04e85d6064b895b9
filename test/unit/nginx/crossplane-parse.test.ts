import { strictEqual } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadNginxConfiguration } from '../../../server/src/languages/nginx/configuration';
import { type CrossplaneParseOptions, writeCrossplaneParse } from '../../../server/src/languages/nginx/crossplane-parse';
import { writeCrossplanePayload } from '../../../server/src/languages/nginx/crossplane-payload';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import type { FileSystem } from '../../../server/src/workspace/file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { sharedFixtures } from '../../support/paths';

type Case = CrossplaneParseOptions & { readonly indent?: number };

/** The payload written while the files are read. */
function streamed(fileSystem: FileSystem, path: string, options: Case): { status: string; text: string } {
  const chunks: Buffer[] = [];
  const status = writeCrossplaneParse(fileSystem, path, options, { indent: options.indent, write: (chunk) => chunks.push(Buffer.from(chunk)) });
  return { status, text: Buffer.concat(chunks).toString('utf8') };
}

/** The payload written from the configuration's trees. */
function fromTrees(fileSystem: FileSystem, path: string, options: Case): { status: string; text: string } {
  const configuration = loadNginxConfiguration(fileSystem, path, {
    displayPath: options.displayPath,
    single: options.single,
    invalidDirectives: 'crossplane',
    ignore: options.ignore,
  });
  const chunks: Buffer[] = [];
  const status = writeCrossplanePayload(
    configuration,
    { includeComments: options.includeComments, combine: options.combine },
    { indent: options.indent, write: (chunk) => chunks.push(Buffer.from(chunk)) },
  );
  return { status, text: Buffer.concat(chunks).toString('utf8') };
}

const optionSets: Omit<Case, 'displayPath'>[] = [
  {},
  { includeComments: true },
  { single: true },
  { indent: 4 },
  { indent: 2, includeComments: true },
  { ignore: new Set(['listen', 'server', 'location', 'include', 'if']) },
  { combine: true, includeComments: true },
];

/** Every statement kind the writer meets: comments in every place, rejected directives with blocks, includes that fail, loop and glob, Lua, if. */
const files: Record<string, string> = {
  '/etc/nginx/nginx.conf': [
    '# top comment',
    'user nginx; # after user',
    'events { worker_connections 1024; }',
    'http {',
    '    include mime.types;',
    '    include conf.d/*.conf;',
    '    include missing.conf;',
    '    include empty/*.conf;',
    '    log_format main \'$remote_addr "$request" \\t tab\';',
    '    server {',
    '        listen 80 # between',
    '            default_server;',
    '        server_name пример.рф "emoji 🔒" "say \\"hi\\"";',
    '        # inside server',
    '        location / {',
    '            if ($host = "a b") { return 301 https://$host$request_uri; }',
    '            content_by_lua_block { ngx.say("{ }") }',
    '        }',
    '        listen 443 { ssl on; }',
    '        proxy_pass http://a; # the end',
    '    }',
    '    worker_connections 10 {',
    '        server_tokens off;',
    '    }',
    '}',
    '# bottom comment',
    '',
  ].join('\n'),
  '/etc/nginx/mime.types': 'types { text/html html; }\n',
  '/etc/nginx/conf.d/a.conf': 'server { listen 8080; include loop.conf; include ../outside.conf; }\n',
  '/etc/nginx/conf.d/b.conf': '# only a comment\n',
  '/etc/nginx/loop.conf': 'include conf.d/a.conf;\nlisten 1;\n',
  '/etc/nginx/broken.conf': 'http { server { listen 80;\n',
};

describe('certboot parse: the payload written while the files are read', () => {
  for (const options of optionSets) {
    for (const main of ['/etc/nginx/nginx.conf', '/etc/nginx/broken.conf', '/etc/nginx/missing.conf']) {
      it(`is byte for byte the payload of the trees: ${main} ${JSON.stringify({ ...options, ignore: options.ignore && [...options.ignore] })}`, () => {
        const fileSystem = new MemoryFileSystem(files);
        const options_ = { ...options, displayPath: main.slice('/etc/nginx/'.length) };
        const expected = fromTrees(fileSystem, main, options_);
        const actual = streamed(fileSystem, main, options_);
        strictEqual(actual.text, expected.text);
        strictEqual(actual.status, expected.status);
      });
    }
  }

  it("is byte for byte the payload of the trees for each of crossplane's test configurations, with each option", () => {
    const root = join(sharedFixtures(), 'crossplane');
    let compared = 0;
    for (const directory of readdirSync(root)) {
      const directoryPath = join(root, directory);
      if (!statSync(directoryPath).isDirectory()) continue;
      for (const name of readdirSync(directoryPath).filter((entry) => entry.endsWith('.conf'))) {
        const fileSystem = new DiskFileSystem([directoryPath]);
        for (const options of optionSets) {
          const options_ = { ...options, displayPath: name };
          const path = join(directoryPath, name);
          strictEqual(streamed(fileSystem, path, options_).text, fromTrees(fileSystem, path, options_).text, `${directory}/${name} ${JSON.stringify(options)}`);
          compared++;
        }
      }
    }
    strictEqual(compared > 100, true, `only ${compared} payloads compared`);
  });
});
