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
import { seededRandom } from '../../support/seeded-random';

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

const bytesOf = (texts: readonly string[]): Buffer[] => texts.map((text) => Buffer.from(text));

/** Directive names: blocks, directives allowed in some contexts only, one that takes on/off, unknown ones, Lua blocks. */
const names = bytesOf([
  ...['server', 'http', 'events', 'location', 'listen', 'server_name', 'gzip', 'if', 'include', 'types', 'map', 'user', 'root', 'return'],
  ...['upstream', 'stream', 'limit_except', 'proxy_pass', 'add_header', 'unknown_directive', 'content_by_lua_block', 'set_by_lua_block'],
  ...['"server"', "'content_by_lua_block'", '"set_by_\\lua_block"', '"a\\"b"', 'caf\u00e9'],
]);

/**
 * Arguments, and pieces of every kind: quotes, escapes, `${`, comments, Lua bodies, if's
 * parentheses, braces, and every byte the payload escapes (non-ASCII, control characters, DEL).
 */
const words = bytesOf([
  ...['on', 'off', 'ON', '80', 'a.conf', 'missing.conf', '*.conf', 'b.conf', '$var', '${var}', '${ var }', 'a${b}c', '$', '~', '(', ')', '($host', '"a b")'],
  ...['"quoted arg"', "'single'", '"with \\"escaped\\" quotes"', "'it\\'s'", '"unclosed', '\'a "b"\'', '"a\\\\"', 'back\\slash', '\\"', 'a"b', "a'b", 'a#b'],
  ...['caf\u00e9', '\u{1f512}', 'x\u0001y', 'del\u007f', '"tab\there"', '\ufeff', '"line\nbreak"', 'a\\\nb'],
  ...[
    '{ ngx.say("}") }',
    '{ -- }\n }',
    '{ --[[\n } ]] }',
    '{ [[ } ]] }',
    '{ [==[ ]] } ]==] }',
    '{ [[ ]x } ]] }',
    '{ [=[ ]=x } ]=] }',
    "{ 'a\\'}' }",
    '{ "unclosed\n }',
  ],
]);

const separators = bytesOf([' ', ' ', ' ', '\n', '\r\n', '\t', '\u000b', '\u000c', ' # comment\n', ' #c\\\n', ' #cr\r\n', ' #\u00e9\n']);
const terminators = bytesOf([';', ';', ';', '{', '{', '}', '']);
const notUtf8 = [Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc3]), Buffer.from([0xef, 0xbb, 0xbf])];

/** Statements of names, arguments and terminators, with stray pieces and separators between them. */
function randomConfiguration(random: () => number): Buffer {
  const pick = (from: readonly Buffer[]): Buffer => from[Math.floor(random() * from.length)];
  const parts: Buffer[] = random() < 0.05 ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  const statements = Math.floor(random() * 25);
  for (let statement = 0; statement < statements; statement++) {
    parts.push(random() < 0.9 ? pick(names) : pick(words), pick(separators));
    for (let count = Math.floor(random() * 4); count > 0; count--) parts.push(random() < 0.05 ? pick(notUtf8) : pick(words), pick(separators));
    parts.push(pick(terminators), pick(separators));
  }
  return Buffer.concat(parts);
}

describe('certboot parse: the payload written while the files are read', () => {
  it('is what crossplane prints for bytes past ASCII, bytes that are not UTF-8, control characters and a byte order mark', () => {
    // a byte order mark, é, a quote escaped in quotes, a byte that is not UTF-8, an emoji, a
    // backslash escaped in quotes, a control character and DEL, then a comment with é
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('user café "a\\"b" '),
      Buffer.from([0xff]),
      Buffer.from(' 😀 "\\\\x" d\u0001e\u007f;\n# été\n'),
    ]);
    const fileSystem = new MemoryFileSystem({ '/etc/nginx/nginx.conf': bytes });
    // crossplane 0.5.7's output for these bytes (`crossplane parse --include-comments nginx.conf`)
    const expected =
      '{"status":"ok","errors":[],"config":[{"file":"nginx.conf","status":"ok","errors":[],"parsed":[' +
      '{"directive":"\\ufeffuser","line":1,"args":["caf\\u00e9","a\\"b","\\ufffd","\\ud83d\\ude00","\\\\\\\\x","d\\u0001e\\u007f"]},' +
      '{"directive":"#","line":2,"args":[],"comment":" \\u00e9t\\u00e9"}]}]}';
    for (const write of [streamed, fromTrees]) {
      strictEqual(write(fileSystem, '/etc/nginx/nginx.conf', { displayPath: 'nginx.conf', includeComments: true }).text, expected, write.name);
    }
  });

  it('is byte for byte the payload of the trees for 3,000 random configurations', () => {
    const random = seededRandom(14);
    for (let index = 0; index < 3000; index++) {
      const fileSystem = new MemoryFileSystem({
        '/etc/nginx/nginx.conf': randomConfiguration(random),
        '/etc/nginx/a.conf': randomConfiguration(random),
        '/etc/nginx/b.conf': randomConfiguration(random),
      });
      const options = { ...optionSets[index % (optionSets.length - 1)], displayPath: 'nginx.conf' };
      const expected = fromTrees(fileSystem, '/etc/nginx/nginx.conf', options);
      const actual = streamed(fileSystem, '/etc/nginx/nginx.conf', options);
      if (actual.text !== expected.text) {
        const main = fileSystem.readFile('/etc/nginx/nginx.conf');
        strictEqual(actual.text, expected.text, `configuration ${index}: ${JSON.stringify(Buffer.from(main).toString('latin1'))}`);
      }
      strictEqual(actual.status, expected.status);
    }
  });

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
