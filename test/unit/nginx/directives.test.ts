import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import {
  type ArgumentRule,
  type DirectiveContext,
  type DirectiveSignature,
  directiveSignatures,
  tableDirectiveNames,
} from '../../../server/src/languages/nginx/directives';

const everyContext: DirectiveContext[] = [
  'main',
  'events',
  'http',
  'server',
  'location',
  'upstream',
  'server-if',
  'location-if',
  'limit_except',
  'mail',
  'mail-server',
  'stream',
  'stream-server',
  'stream-upstream',
];

const counts = (...allowed: number[]): ArgumentRule => ({ kind: 'counts', counts: allowed });
const atLeast = (minimum: 0 | 1 | 2): ArgumentRule => ({ kind: 'atLeast', minimum });
const flag: ArgumentRule = { kind: 'flag' };

function signature(contexts: DirectiveContext[], block: boolean, argumentRule: ArgumentRule): DirectiveSignature {
  return { contexts: [...contexts].sort(), block, arguments: argumentRule };
}

/** The signatures of a directive with their contexts sorted, so that row order in the table does not matter. */
function signaturesOf(name: string): DirectiveSignature[] | undefined {
  return directiveSignatures(name)?.map((known) => signature([...known.contexts], known.block, known.arguments));
}

/** The one signature that applies to the directive in the given context. */
function signatureIn(name: string, context: DirectiveContext): DirectiveSignature | undefined {
  const matching = (directiveSignatures(name) ?? []).filter((known) => known.contexts.includes(context));
  ok(matching.length <= 1, `${name} has ${matching.length} signatures for ${context}`);
  return matching[0] && signature([...matching[0].contexts], matching[0].block, matching[0].arguments);
}

function contextsOf(name: string): DirectiveContext[] {
  return (directiveSignatures(name) ?? []).flatMap((known) => known.contexts).sort();
}

describe('nginx directive table', () => {
  it('knows the core directives of the main and events contexts', () => {
    deepStrictEqual(signaturesOf('user'), [signature(['main'], false, counts(1, 2))]);
    deepStrictEqual(signaturesOf('worker_connections'), [signature(['events'], false, counts(1))]);
    deepStrictEqual(signaturesOf('events'), [signature(['main'], true, counts(0))]);
    deepStrictEqual(signaturesOf('http'), [signature(['main'], true, counts(0))]);
    deepStrictEqual(signaturesOf('stream'), [signature(['main'], true, counts(0))]);
    deepStrictEqual(signaturesOf('mail'), [signature(['main'], true, counts(0))]);
    deepStrictEqual(signaturesOf('worker_processes'), [signature(['main'], false, counts(1))]);
    deepStrictEqual(signaturesOf('multi_accept'), [signature(['events'], false, flag)]);
    deepStrictEqual(signaturesOf('use'), [signature(['events'], false, counts(1))]);
    deepStrictEqual(signaturesOf('pid'), [signature(['main'], false, counts(1))]);
    deepStrictEqual(signaturesOf('worker_cpu_affinity'), [signature(['main'], false, atLeast(1))]);
    deepStrictEqual(signaturesOf('thread_pool'), [signature(['main'], false, counts(2, 3))]);
  });

  it('allows include in every context with exactly one argument', () => {
    deepStrictEqual(signaturesOf('include'), [signature(everyContext, false, counts(1))]);
  });

  it('places error_log on every level that has a log, nginx taking debug levels after the file', () => {
    deepStrictEqual(signaturesOf('error_log'), [
      signature(['main', 'http', 'server', 'location', 'mail', 'mail-server', 'stream', 'stream-server'], false, atLeast(1)),
    ]);
  });

  it('knows location, server and the blocks of the http core module', () => {
    deepStrictEqual(signaturesOf('location'), [signature(['server', 'location'], true, counts(1, 2))]);
    deepStrictEqual(signaturesOf('server'), [
      signature(['http', 'mail', 'stream'], true, counts(0)),
      signature(['upstream', 'stream-upstream'], false, atLeast(1)),
    ]);
    deepStrictEqual(signaturesOf('limit_except'), [signature(['location'], true, atLeast(1))]);
    deepStrictEqual(signaturesOf('types'), [signature(['http', 'server', 'location'], true, counts(0))]);
    deepStrictEqual(signaturesOf('upstream'), [signature(['http', 'stream'], true, counts(1))]);
    deepStrictEqual(signaturesOf('internal'), [signature(['location'], false, counts(0))]);
    deepStrictEqual(signaturesOf('alias'), [signature(['location'], false, counts(1))]);
    deepStrictEqual(signaturesOf('try_files'), [signature(['server', 'location'], false, atLeast(2))]);
    deepStrictEqual(signaturesOf('error_page'), [signature(['http', 'server', 'location', 'location-if'], false, atLeast(2))]);
    deepStrictEqual(signaturesOf('root'), [signature(['http', 'server', 'location', 'location-if'], false, counts(1))]);
    deepStrictEqual(signaturesOf('client_max_body_size'), [signature(['http', 'server', 'location'], false, counts(1))]);
    deepStrictEqual(signaturesOf('client_body_temp_path'), [signature(['http', 'server', 'location'], false, counts(1, 2, 3, 4))]);
    deepStrictEqual(signaturesOf('large_client_header_buffers'), [signature(['http', 'server'], false, counts(2))]);
    deepStrictEqual(signaturesOf('server_tokens'), [signature(['http', 'server', 'location'], false, counts(1))]);
    deepStrictEqual(signaturesOf('sendfile'), [signature(['http', 'server', 'location', 'location-if'], false, flag)]);
  });

  it('keeps server_name and listen apart for http, mail and stream', () => {
    deepStrictEqual(signaturesOf('server_name'), [
      signature(['server', 'stream-server'], false, atLeast(1)),
      signature(['mail', 'mail-server'], false, counts(1)),
    ]);
    deepStrictEqual(signaturesOf('listen'), [signature(['server', 'mail-server', 'stream-server'], false, atLeast(1))]);
  });

  it('puts the rewrite module in server, location and both kinds of if', () => {
    deepStrictEqual(signatureIn('return', 'server'), signatureIn('return', 'location-if'));
    deepStrictEqual(signaturesOf('return'), [
      signature(['server', 'location', 'server-if', 'location-if'], false, counts(1, 2)),
      signature(['stream-server'], false, counts(1)),
    ]);
    strictEqual(signatureIn('return', 'main'), undefined);
    strictEqual(signatureIn('return', 'http'), undefined);
    deepStrictEqual(signaturesOf('rewrite'), [signature(['server', 'location', 'server-if', 'location-if'], false, counts(2, 3))]);
    deepStrictEqual(signaturesOf('break'), [signature(['server', 'location', 'server-if', 'location-if'], false, counts(0))]);
    deepStrictEqual(signaturesOf('if'), [signature(['server', 'location'], true, atLeast(1))]);
    deepStrictEqual(signaturesOf('set'), [signature(['server', 'location', 'server-if', 'location-if', 'stream-server'], false, counts(2))]);
    deepStrictEqual(signaturesOf('rewrite_log'), [signature(['http', 'server', 'location', 'server-if', 'location-if'], false, flag)]);
  });

  it('knows proxy_pass of the http proxy and of the stream proxy, and the other handlers', () => {
    deepStrictEqual(signaturesOf('proxy_pass'), [signature(['location', 'location-if', 'limit_except', 'stream-server'], false, counts(1))]);
    for (const handler of ['fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']) {
      deepStrictEqual(signaturesOf(handler), [signature(['location', 'location-if'], false, counts(1))], handler);
    }
    deepStrictEqual(signaturesOf('proxy_set_header'), [signature(['http', 'server', 'location'], false, counts(2))]);
    deepStrictEqual(signaturesOf('proxy_redirect'), [signature(['http', 'server', 'location'], false, counts(1, 2))]);
    deepStrictEqual(signaturesOf('proxy_cache_path'), [signature(['http'], false, atLeast(2))]);
    deepStrictEqual(signaturesOf('fastcgi_param'), [signature(['http', 'server', 'location'], false, counts(2, 3))]);
  });

  it('tells the http and stream variants of a proxy directive apart', () => {
    deepStrictEqual(signatureIn('proxy_next_upstream', 'location'), signature(['http', 'server', 'location'], false, atLeast(1)));
    deepStrictEqual(signatureIn('proxy_next_upstream', 'stream-server'), signature(['stream', 'stream-server'], false, flag));
    deepStrictEqual(signaturesOf('proxy_buffer_size'), [signature(['http', 'server', 'location', 'stream', 'stream-server'], false, counts(1))]);
    deepStrictEqual(signaturesOf('proxy_timeout'), [signature(['stream', 'stream-server', 'mail', 'mail-server'], false, counts(1))]);
    deepStrictEqual(signaturesOf('keepalive_timeout'), [
      signature(['http', 'server', 'location'], false, counts(1, 2)),
      signature(['upstream'], false, counts(1)),
    ]);
  });

  it('reads every row of the table: each name has signatures, one per context at most', () => {
    // rows are read when their name is first looked up; a row the reader refuses throws here
    const names = tableDirectiveNames();
    ok(names.length > 500, `${names.length} names`);
    for (const name of names) {
      const contexts = (directiveSignatures(name) ?? []).flatMap((known) => known.contexts);
      ok(contexts.length > 0, name);
      strictEqual(new Set(contexts).size, contexts.length, name);
    }
    ok(!names.includes('*_ssl_verify') && names.includes('proxy_ssl_verify'));
  });

  it('expands each family of proxied-protocol directives only to the modules that have it', () => {
    for (const name of ['uwsgi_ssl_verify', 'grpc_ssl_verify']) {
      deepStrictEqual(signaturesOf(name), [signature(['http', 'server', 'location'], false, flag)], name);
    }
    deepStrictEqual(signaturesOf('proxy_ssl_verify'), [signature(['http', 'server', 'location', 'stream', 'stream-server'], false, flag)]);
    strictEqual(directiveSignatures('fastcgi_ssl_verify'), undefined);
    strictEqual(directiveSignatures('scgi_ssl_verify'), undefined);
    for (const name of ['proxy_cache_valid', 'fastcgi_cache_valid', 'uwsgi_cache_valid', 'scgi_cache_valid']) {
      deepStrictEqual(signaturesOf(name), [signature(['http', 'server', 'location'], false, atLeast(1))], name);
    }
    strictEqual(directiveSignatures('grpc_cache_valid'), undefined);
    deepStrictEqual(signaturesOf('grpc_set_header'), [signature(['http', 'server', 'location'], false, counts(2))]);
    deepStrictEqual(signaturesOf('scgi_temp_path'), [signature(['http', 'server', 'location'], false, counts(1, 2, 3, 4))]);
  });

  it('knows the TLS directives of http, mail and stream', () => {
    for (const name of ['ssl_certificate', 'ssl_certificate_key']) {
      deepStrictEqual(signaturesOf(name), [signature(['http', 'server', 'mail', 'mail-server', 'stream', 'stream-server'], false, counts(1))], name);
    }
    deepStrictEqual(signaturesOf('ssl_stapling'), [signature(['http', 'server', 'stream', 'stream-server'], false, flag)]);
    deepStrictEqual(signaturesOf('ssl_protocols'), [signature(['http', 'server', 'mail', 'mail-server', 'stream', 'stream-server'], false, atLeast(1))]);
    deepStrictEqual(signaturesOf('ssl_session_cache'), [signature(['http', 'server', 'mail', 'mail-server', 'stream', 'stream-server'], false, counts(1, 2))]);
    deepStrictEqual(signaturesOf('ssl_early_data'), [signature(['http', 'server'], false, flag)]);
    deepStrictEqual(signaturesOf('ssl_preread'), [signature(['stream', 'stream-server'], false, flag)]);
    deepStrictEqual(signaturesOf('starttls'), [signature(['mail', 'mail-server'], false, counts(1))]);
    deepStrictEqual(signaturesOf('http2'), [signature(['http', 'server'], false, flag)]);
    deepStrictEqual(signaturesOf('quic_bpf'), [signature(['main'], false, flag)]);
  });

  it('knows the logging directives of http and stream', () => {
    deepStrictEqual(signaturesOf('log_format'), [signature(['http', 'stream'], false, atLeast(2))]);
    deepStrictEqual(signaturesOf('access_log'), [
      signature(['http', 'server', 'location', 'location-if', 'limit_except', 'stream', 'stream-server'], false, atLeast(1)),
    ]);
    deepStrictEqual(signaturesOf('open_log_file_cache'), [signature(['http', 'server', 'location', 'stream', 'stream-server'], false, counts(1, 2, 3, 4))]);
  });

  it('knows the blocks whose bodies are not directives', () => {
    deepStrictEqual(signaturesOf('map'), [signature(['http', 'stream'], true, counts(2))]);
    deepStrictEqual(signaturesOf('geo'), [signature(['http', 'stream'], true, counts(1, 2))]);
    deepStrictEqual(signaturesOf('split_clients'), [signature(['http', 'stream'], true, counts(2))]);
    deepStrictEqual(signaturesOf('charset_map'), [signature(['http'], true, counts(2))]);
  });

  it('knows the flags of gzip and the headers module', () => {
    deepStrictEqual(signaturesOf('gzip'), [signature(['http', 'server', 'location', 'location-if'], false, flag)]);
    deepStrictEqual(signaturesOf('gzip_types'), [signature(['http', 'server', 'location'], false, atLeast(1))]);
    deepStrictEqual(signaturesOf('gzip_static'), [signature(['http', 'server', 'location'], false, counts(1))]);
    deepStrictEqual(signaturesOf('add_header'), [signature(['http', 'server', 'location', 'location-if'], false, counts(2, 3))]);
    deepStrictEqual(signaturesOf('expires'), [signature(['http', 'server', 'location', 'location-if'], false, counts(1, 2))]);
  });

  it('knows the access, limit and upstream modules', () => {
    deepStrictEqual(signaturesOf('allow'), [signature(['http', 'server', 'location', 'limit_except', 'stream', 'stream-server'], false, counts(1))]);
    deepStrictEqual(signaturesOf('auth_basic'), [signature(['http', 'server', 'location', 'limit_except'], false, counts(1))]);
    deepStrictEqual(signaturesOf('limit_req'), [signature(['http', 'server', 'location'], false, counts(1, 2, 3))]);
    deepStrictEqual(signaturesOf('limit_req_zone'), [signature(['http'], false, counts(3))]);
    deepStrictEqual(signaturesOf('limit_conn_zone'), [signature(['http', 'stream'], false, counts(2))]);
    deepStrictEqual(signaturesOf('keepalive'), [signature(['upstream'], false, counts(1))]);
    deepStrictEqual(signaturesOf('ip_hash'), [signature(['upstream'], false, counts(0))]);
    deepStrictEqual(signaturesOf('least_conn'), [signature(['upstream', 'stream-upstream'], false, counts(0))]);
    deepStrictEqual(signaturesOf('hash'), [signature(['upstream', 'stream-upstream'], false, counts(1, 2))]);
    deepStrictEqual(signaturesOf('zone'), [signature(['upstream', 'stream-upstream'], false, counts(1, 2))]);
    deepStrictEqual(signaturesOf('random'), [signature(['upstream', 'stream-upstream'], false, counts(0, 1, 2))]);
    deepStrictEqual(signaturesOf('stub_status'), [signature(['server', 'location'], false, counts(0, 1))]);
  });

  it('follows nginx where it accepts more than the docs show', () => {
    deepStrictEqual(contextsOf('fastcgi_split_path_info'), ['http', 'location', 'server']);
    deepStrictEqual(contextsOf('secure_link_secret'), ['http', 'location', 'server']);
  });

  it('does not know third-party, commercial or misspelled directives', () => {
    for (const name of ['lua_package_path', 'more_set_headers', 'proxy_cache_purge', 'sticky', 'health_check', 'gzipp', 'Server', '']) {
      strictEqual(directiveSignatures(name), undefined, name);
    }
  });

  it('keeps every signature well-formed: known contexts, one signature per context, counts within nginx limits', () => {
    const names = ['include', 'server', 'return', 'proxy_pass', 'keepalive_timeout', 'resolver', 'set_real_ip_from', 'error_log'];
    for (const name of names) {
      const signatures = directiveSignatures(name) ?? [];
      ok(signatures.length > 0, name);
      const seen = new Set<DirectiveContext>();
      for (const known of signatures) {
        ok(known.contexts.length > 0, name);
        for (const context of known.contexts) {
          ok(everyContext.includes(context), `${name}: ${context}`);
          ok(!seen.has(context), `${name} has two signatures for ${context}`);
          seen.add(context);
        }
        if (known.arguments.kind === 'counts')
          ok(
            known.arguments.counts.every((count) => count >= 0 && count <= 7),
            name,
          );
      }
    }
    deepStrictEqual(contextsOf('resolver'), ['http', 'location', 'mail', 'mail-server', 'server', 'stream', 'stream-server', 'stream-upstream', 'upstream']);
    deepStrictEqual(contextsOf('set_real_ip_from'), ['http', 'location', 'mail', 'mail-server', 'server', 'stream', 'stream-server']);
  });

  it('hands out frozen signatures, so no caller can change the table', () => {
    const signatures = directiveSignatures('gzip');
    ok(signatures !== undefined && Object.isFrozen(signatures) && Object.isFrozen(signatures[0]));
    ok(Object.isFrozen(signatures[0].contexts));
    const user = directiveSignatures('user')?.[0].arguments;
    ok(user?.kind === 'counts' && Object.isFrozen(user) && Object.isFrozen(user.counts));
  });
});
