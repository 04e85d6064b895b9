import { deepStrictEqual, strictEqual } from 'node:assert';
import { locationTree, parseLocationArguments, pcreExpression, selectLocation, type LocationNode } from '../../../server/src/facts/location-matching';
import { expandedConfiguration, type NginxBlock } from '../../../server/src/model/nginx-blocks';
import { loadNginxConfiguration } from '../../../server/src/languages/nginx/configuration';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

/** The locations of the first server of a configuration, named by their arguments. */
function serverLocations(text: string): LocationNode<string>[] {
  const configuration = loadNginxConfiguration(new MemoryFileSystem({ '/etc/nginx/nginx.conf': `events {}\nhttp {\n${text}\n}\n` }), '/etc/nginx/nginx.conf');
  const http = expandedConfiguration(configuration).entries.find((entry) => entry.directive.name === 'http')?.block as NginxBlock;
  const server = http.entries.find((entry) => entry.directive.name === 'server')?.block as NginxBlock;
  const name = (node: LocationNode<{ directive: { args: readonly { value: string }[] } }>): LocationNode<string> => ({
    matcher: node.matcher,
    value: node.value.directive.args.map((argument) => argument.value).join(' '),
    children: node.children.map(name),
  });
  return locationTree(server).map(name);
}

function chosen(text: string, uri: string): string | undefined {
  const selection = selectLocation(serverLocations(text), uri);
  if (!selection.known) return `unknown: ${selection.pattern}`;
  return selection.location?.value;
}

const challenge = '/.well-known/acme-challenge/Xz8-kP_3vQ';

describe('location matching (nginx location selection)', () => {
  it('reads modifiers apart and attached', () => {
    deepStrictEqual(parseLocationArguments(['=', '/x']), { kind: 'exact', pattern: '/x' });
    deepStrictEqual(parseLocationArguments(['=/x']), { kind: 'exact', pattern: '/x' });
    deepStrictEqual(parseLocationArguments(['^~/.well-known/']), { kind: 'prefix-no-regex', pattern: '/.well-known/' });
    deepStrictEqual(parseLocationArguments(['@app']), { kind: 'named', pattern: '@app' });
    strictEqual(parseLocationArguments(['/'])?.kind, 'prefix');
    const caseless = parseLocationArguments(['~*\\.php$']);
    strictEqual(caseless?.kind === 'regex' && caseless.caseless && caseless.expression?.test('/INDEX.PHP'), true);
    strictEqual(parseLocationArguments(['!', '/x']), undefined);
    strictEqual(parseLocationArguments(['=', '/x', 'extra']), undefined);
  });

  it('takes the longest prefix, whatever the order', () => {
    strictEqual(chosen('server { location / {} location /.well-known/ {} location /.well {} }', challenge), '/.well-known/');
  });

  it('lets an exact match win over everything', () => {
    strictEqual(
      chosen('server { location ~ /\\. {} location = /.well-known/acme-challenge/t {} }', '/.well-known/acme-challenge/t'),
      '= /.well-known/acme-challenge/t',
    );
  });

  it('lets the first matching regex win over a longer plain prefix', () => {
    strictEqual(chosen('server { location /.well-known/acme-challenge/ {} location ~ /\\. { deny all; } }', challenge), '~ /\\.');
  });

  it('stops the regex search at a ^~ prefix', () => {
    strictEqual(chosen('server { location ~ /\\. { deny all; } location ^~ /.well-known/acme-challenge/ {} }', challenge), '^~ /.well-known/acme-challenge/');
  });

  it('does not stop the regex search when the longest prefix is plain, even if a shorter one is ^~', () => {
    strictEqual(chosen('server { location ^~ /.well-known/ {} location /.well-known/acme-challenge/ {} location ~ /\\. {} }', challenge), '~ /\\.');
  });

  it('checks regexes in order of appearance', () => {
    strictEqual(chosen('server { location ~ acme {} location ~ /\\. {} }', challenge), '~ acme');
    strictEqual(chosen('server { location ~ \\.php$ {} location ~ /\\. {} }', challenge), '~ /\\.');
  });

  it('reads ~* case-insensitively and ~ case-sensitively', () => {
    strictEqual(chosen('server { location / {} location ~ ACME {} }', challenge), '/');
    strictEqual(chosen('server { location / {} location ~* ACME {} }', challenge), '~* ACME');
  });

  it('lets a regex negative lookahead keep the challenge out', () => {
    strictEqual(chosen('server { location / {} location ~ /\\.(?!well-known) { deny all; } }', challenge), '/');
  });

  it('matches prefixes case-sensitively and never by a named location', () => {
    strictEqual(chosen('server { location /.Well-Known/ {} location @fallback {} }', challenge), undefined);
  });

  it('searches nested locations of the chosen prefix before the regexes of its level', () => {
    const text = 'server { location / { location ~ /\\. { deny all; } } location ~ acme {} }';
    strictEqual(chosen(text, challenge), '~ /\\.');
    const nestedPrefix = 'server { location / { location /.well-known/ {} } location ~ acme {} }';
    strictEqual(chosen(nestedPrefix, challenge), '~ acme');
  });

  it('keeps a nested ^~ out of the regexes of its own level only', () => {
    const text = 'server { location / { location ^~ /.well-known/ {} location ~ /\\. {} } location ~ acme {} }';
    strictEqual(chosen(text, challenge), '~ acme');
    strictEqual(chosen('server { location ^~ / { location ^~ /.well-known/ {} location ~ /\\. {} } location ~ acme {} }', challenge), '^~ /.well-known/');
  });

  it('reports the nesting path', () => {
    const selection = selectLocation(serverLocations('server { location / { location /.well-known/ { location ~ token {} } } }'), '/.well-known/a/token');
    deepStrictEqual(selection.known && [selection.enclosing.map((node) => node.value), selection.location?.value], [['/', '/.well-known/'], '~ token']);
  });

  it('answers unknown for a regex it cannot read, only when nginx would reach it', () => {
    strictEqual(chosen('server { location ~ (?i)acme {} }', challenge), 'unknown: (?i)acme');
    strictEqual(chosen('server { location ^~ /.well-known/ {} location ~ (?i)acme {} }', challenge), '^~ /.well-known/');
    strictEqual(chosen('server { location ~ /\\. {} location ~ (?i)acme {} }', challenge), '~ /\\.');
  });

  it('translates the PCRE syntax JavaScript shares, and refuses the rest', () => {
    strictEqual(pcreExpression('^/(?P<app>[a-z]+)/', false)?.test('/shop/'), true);
    strictEqual(pcreExpression('a++', false), undefined);
    strictEqual(pcreExpression('(?>a)', false), undefined);
    strictEqual(pcreExpression('\\Aabc', false), undefined);
    strictEqual(pcreExpression('[', false), undefined);
  });
});
