import { deepStrictEqual } from 'node:assert';
import { formatIpv6, readListen } from '../../../server/src/languages/nginx/listen';
import { namedCaptures, variableReferences } from '../../../server/src/languages/nginx/script-variables';
import { buildServerNames, hashKeyLowercase, initHash, serverNameKey, serverNamesFit } from '../../../server/src/languages/nginx/server-names-hash';
import { compiledArguments, definedVariable } from '../../../server/src/languages/nginx/variable-arguments';

const defaults = { bucketSize: 64, maxSize: 512 };
const name = (length: number) => 'a'.repeat(length);

describe('nginx load-time checks', () => {
  describe('listen', () => {
    it('reads the socket as ngx_parse_url() does and prints it as nginx’s messages do', () => {
      const socket = (...args: string[]) => {
        const reading = readListen(args);
        return reading.kind === 'socket' ? `${reading.socket.text} ${reading.socket.type}` : reading.kind;
      };
      deepStrictEqual(
        [
          socket('80'),
          socket('*:8080'),
          socket('127.0.0.1'),
          socket('[::]:443'),
          socket('[0:0:0:0:0:0:0:1]'),
          socket('[2001:db8:0:0:1:0:0:1]:80'),
          socket('[::ffff:10.0.0.1]:80'),
          socket('443', 'quic'),
          socket('unix:/run/nginx.sock'),
          socket('localhost:80'),
          socket('8000-8010'),
        ],
        [
          '0.0.0.0:80 tcp',
          '0.0.0.0:8080 tcp',
          '127.0.0.1:80 tcp',
          '[::]:443 tcp',
          '[::1]:80 tcp',
          '[2001:db8::1:0:0:1]:80 tcp',
          '[::ffff:10.0.0.1]:80 tcp',
          '0.0.0.0:443 udp',
          'unix:/run/nginx.sock tcp',
          'unknown',
          'unknown',
        ],
      );
    });

    it('tells the socket options (lsopt.set on Linux) from the other parameters', () => {
      const options = (...parameters: string[]) => {
        const reading = readListen(['80', ...parameters]);
        return reading.kind === 'socket' && reading.socketOptions;
      };
      deepStrictEqual(
        [
          options('bind'),
          options('backlog=512'),
          options('reuseport'),
          options('so_keepalive=on'),
          options('ssl', 'http2', 'default_server', 'proxy_protocol'),
          options('accept_filter=dataready'),
        ],
        [true, true, true, true, false, false],
      );
    });

    it('prints IPv6 as ngx_inet6_ntop(): the longest run of zeros as ::', () => {
      deepStrictEqual(formatIpv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), '2001:db8:0:0:1::');
    });
  });

  describe('the server names hash (ngx_hash_init() with 64-byte buckets and 8-byte pointers)', () => {
    it('fits names of up to 46 bytes in a 64-byte bucket, and says which size to raise for 47', () => {
      deepStrictEqual(buildServerNames([name(46), 'b'], '0.0.0.0:80', defaults), { kind: 'built' });
      deepStrictEqual(buildServerNames(['b', name(47)], '0.0.0.0:80', defaults), {
        kind: 'emerg',
        message: 'could not build server_names_hash, you should increase server_names_hash_bucket_size: 64',
        name: name(47),
      });
      deepStrictEqual(buildServerNames([name(110)], '0.0.0.0:80', { bucketSize: 128, maxSize: 512 }), { kind: 'built' });
    });

    it('hashes a wildcard by its labels, so only a label of 47 bytes fails', () => {
      deepStrictEqual(buildServerNames([`*.${name(40)}.${name(40)}.org`, 'b'], '0.0.0.0:80', defaults), { kind: 'built' });
      deepStrictEqual(buildServerNames([`*.${name(47)}.org`, 'b'], '0.0.0.0:80', defaults).kind, 'emerg');
      deepStrictEqual(
        ['*.example.org', '.example.org', 'www.example.*', 'www.*.example.org', 'a..b', 'Example.ORG'].map((value) => serverNameKey(value)),
        [
          { kind: 'wildcard', labels: ['example', 'org'] },
          { kind: 'wildcard', labels: ['example', 'org'] },
          { kind: 'wildcard', labels: ['www', 'example'] },
          { kind: 'invalid' },
          { kind: 'invalid' },
          { kind: 'exact', key: 'example.org' },
        ],
      );
    });

    it('searches the hash size as nginx does, and only warns when no size up to the maximum spreads the names', () => {
      const keys = Array.from({ length: 200 }, (_, index) => ({ key: `host-${index}.example.org`, text: `host-${index}.example.org` }));
      deepStrictEqual(initHash('server_names_hash', keys, defaults, { search: true }), { kind: 'built' });
      deepStrictEqual(initHash('server_names_hash', keys, { bucketSize: 64, maxSize: 4 }, { search: true }), {
        kind: 'warn',
        message:
          'could not build optimal server_names_hash, you should increase either server_names_hash_max_size: 4 or server_names_hash_bucket_size: 64; ignoring server_names_hash_bucket_size',
      });
      deepStrictEqual(initHash('server_names_hash', keys, { bucketSize: 64, maxSize: 0 }).kind, 'emerg');
    });

    it('finds the first hash size that fits where nginx does (checked with nginx 1.22.1: 424 warns, 425 does not)', () => {
      const names = [...Array.from({ length: 200 }, (_, index) => `host-${index}.example.org`), 'z'];
      const keys = names.map((text) => ({ key: text, text }));
      deepStrictEqual(
        [424, 425].map((maxSize) => initHash('server_names_hash', keys, { bucketSize: 64, maxSize }, { search: true }).kind),
        ['warn', 'built'],
      );
    });

    it('tells in one pass when no address’s hash can fail', () => {
      deepStrictEqual(
        [
          serverNamesFit([name(46), '*.example.org', ''], defaults),
          serverNamesFit([name(47)], defaults),
          serverNamesFit(['www.*.example.org'], defaults),
          serverNamesFit(
            Array.from({ length: 2000 }, (_, index) => `${name(30)}${index}`),
            defaults,
          ),
        ],
        [true, false, false, false],
      );
    });

    it('hashes as ngx_hash_key_lc(): key * 31 + the lowercased byte, in 64 bits', () => {
      deepStrictEqual(hashKeyLowercase(new TextEncoder().encode('Ab')), 97n * 31n + 98n);
      deepStrictEqual(hashKeyLowercase(new TextEncoder().encode(name(20))) < 1n << 64n, true);
    });
  });

  describe('variables', () => {
    it('reads the references of a compiled value as ngx_http_script_compile() does', () => {
      deepStrictEqual(
        variableReferences('https://$host$request_uri?x=${arg_x}y-$1')?.map((reference) => [reference.name, reference.start, reference.end]),
        [
          ['host', 8, 13],
          ['request_uri', 13, 25],
          ['arg_x', 28, 36],
        ],
      );
      deepStrictEqual([variableReferences('price $'), variableReferences('${unclosed'), variableReferences('$-')], [undefined, undefined, undefined]);
    });

    it('finds the named captures a regular expression adds', () => {
      deepStrictEqual(namedCaptures("^/(?<user>[^/]+)/(?P<repo>[^/]+)/(?'rest'.*)$(?:x)"), ['user', 'repo', 'rest']);
    });

    it('knows which arguments nginx compiles, and which variable a definer adds', () => {
      const compiled = (directive: string, ...args: string[]) =>
        compiledArguments('http', directive, args).map((argument) => [argument.index, argument.offset, argument.whole === true, argument.when]);
      deepStrictEqual(compiled('rewrite', '^/(.*)$', '/x/$1', 'last'), [[1, 0, false, 'parse']]);
      deepStrictEqual(compiled('if', '($request_method', '=', 'POST)'), [
        [0, 2, true, 'parse'],
        [2, 0, false, 'parse'],
      ]);
      deepStrictEqual(compiled('if', '($uri', '~', '^/x$)'), [[0, 2, true, 'parse']]);
      deepStrictEqual(compiled('access_log', '/var/log/nginx/a.log', 'main', 'if=$loggable'), [
        [0, 0, false, 'parse'],
        [2, 3, false, 'parse'],
      ]);
      deepStrictEqual(compiled('proxy_set_header', 'Host', '$host'), [[1, 0, false, 'merge']]);
      deepStrictEqual([compiled('server_name', '$hostname'), compiled('ssl_ciphers', 'HIGH:$x'), compiled('location', '~', '^/a$')], [[], [], []]);
      deepStrictEqual(
        [
          definedVariable('set', ['$a', '1']),
          definedVariable('map', ['$host', '$b']),
          definedVariable('geo', ['$remote_addr', '$c']),
          definedVariable('geo', ['$d']),
        ],
        ['a', 'b', 'c', 'd'],
      );
    });
  });
});
