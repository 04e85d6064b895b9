import { deepStrictEqual, strictEqual } from 'node:assert';
import { mainContext } from '../../../server/src/languages/nginx/analyzer';
import { lexNginx } from '../../../server/src/languages/nginx/lexer';
import { parseNginx } from '../../../server/src/languages/nginx/parser';
import type { NginxDirective, Range, TextSpan } from '../../../server/src/languages/nginx/syntax-tree';

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

function errorsOf(text: string, options = {}): { message: string; line: number; range: Range }[] {
  return parseNginx(text, '/test/nginx.conf', options).errors.map(({ message, line, span }) => ({ message, line, range: span.toRange() }));
}

function plain(span: TextSpan): Range {
  return span.toRange();
}

describe('nginx parser', () => {
  it('gives every directive and argument its LSP range, in UTF-16 code units, across CRLF lines', () => {
    const file = parseNginx(
      'server {\n  listen 443 ssl;\r\n  ssl_certificate "/etc/letsencrypt/live/пример.рф/fullchain.pem"; # 🔒 note\n}\n',
      '/test/site.conf',
    );
    strictEqual(file.errors.length, 0);
    const server = file.directives[0];
    deepStrictEqual(plain(server.span), range(0, 0, 3, 1));
    const [listen, certificate] = server.block ?? [];
    deepStrictEqual(plain(listen.nameSpan), range(1, 2, 1, 8));
    deepStrictEqual(
      listen.args.map((argument) => [argument.value, plain(argument.span)]),
      [
        ['443', range(1, 9, 1, 12)],
        ['ssl', range(1, 13, 1, 16)],
      ],
    );
    deepStrictEqual(plain(listen.span), range(1, 2, 1, 17));
    strictEqual(certificate.line, 3);
    deepStrictEqual(JSON.parse(JSON.stringify(certificate.args[0])), {
      value: '/etc/letsencrypt/live/пример.рф/fullchain.pem',
      quoted: true,
      span: range(2, 18, 2, 65),
    });
    deepStrictEqual(JSON.parse(JSON.stringify(server.blockComments)), [{ text: ' 🔒 note', line: 3, span: range(2, 67, 2, 76) }]);
  });

  it('keeps escapes, unquotes strings, and takes ${var} braces into the word', () => {
    const file = parseNginx('set $a "say \\"hi\\"";\nreturn 200 ${scheme}://$host\\;x \'it\'\'s\';\n', '/test/a.conf');
    deepStrictEqual(
      file.directives.map((directive) => directive.args.map((argument) => argument.value)),
      [
        ['$a', 'say "hi"'],
        ['200', '${scheme}://$host\\;x', 'it', 's'],
      ],
    );
  });

  it('reads a Lua block as one raw argument, braces in Lua strings and comments included', () => {
    const file = parseNginx('content_by_lua_block {\n  ngx.say("}") -- }\n}\nlisten 80;\n', '/test/a.conf');
    strictEqual(file.errors.length, 0);
    deepStrictEqual(
      file.directives.map((directive) => [directive.name, directive.args.map((argument) => argument.value)]),
      [
        ['content_by_lua_block', ['\n  ngx.say("}") -- }\n']],
        ['listen', ['80']],
      ],
    );
    deepStrictEqual(plain(file.directives[0].args[0].span), range(0, 22, 2, 0));
  });

  it('strips the parentheses of if, moving the argument ranges with them', () => {
    const [directive] = parseNginx('if ($host = a) { return 404; }', '/test/a.conf').directives;
    deepStrictEqual(
      directive.args.map((argument) => [argument.value, plain(argument.span)]),
      [
        ['$host', range(0, 4, 0, 9)],
        ['=', range(0, 10, 0, 11)],
        ['a', range(0, 12, 0, 13)],
      ],
    );
  });

  it('reports an unterminated quote once, at the opening quote, in nginx words', () => {
    deepStrictEqual(errorsOf('http {\n  server {\n    return 200 "unterminated;\n'), [
      { message: 'unexpected end of file, expecting ";" or "}"', line: 4, range: range(2, 15, 2, 16) },
    ]);
  });

  it('reports an unclosed block once, at the innermost open block', () => {
    deepStrictEqual(errorsOf('http {\n  server {\n    listen 80;\n'), [
      { message: 'unexpected end of file, expecting "}"', line: 4, range: range(1, 2, 1, 8) },
    ]);
  });

  it('reports a stray closing brace and reads on', () => {
    const file = parseNginx('events {}\n}\nuser a;\n', '/test/nginx.conf');
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.line, plain(error.span)]),
      [['unexpected "}"', 2, range(1, 0, 1, 1)]],
    );
    deepStrictEqual(
      file.directives.map((directive) => directive.name),
      ['events', 'user'],
    );
  });

  it('reports a directive not terminated before "}" where nginx does, and keeps it for the rules', () => {
    const text = 'location / {\n  proxy_pass http://a\n}\nlisten 80;\n';
    const file = parseNginx(text, '/test/a.conf');
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.line, plain(error.span)]),
      [['unexpected "}"', 3, range(2, 0, 2, 1)]],
    );
    const crossplane = parseNginx(text, '/test/a.conf', { invalidDirectives: 'crossplane' });
    deepStrictEqual(
      crossplane.errors.map((error) => [error.message, error.line, plain(error.span)]),
      [['directive "proxy_pass" is not terminated by ";"', 2, range(1, 2, 1, 12)]],
    );
    deepStrictEqual(
      file.directives.map((directive) => [directive.name, directive.block?.map((child) => child.name)]),
      [
        ['location', ['proxy_pass']],
        ['listen', undefined],
      ],
    );
  });

  it('rejects text glued to a closing quote as nginx does, and splits it as crossplane does', () => {
    const text = 'server_name "example.com"www.example.com;\n';
    deepStrictEqual(errorsOf(text), [{ message: 'unexpected "w"', line: 1, range: range(0, 25, 0, 26) }]);
    const crossplane = parseNginx(text, '/test/a.conf', { invalidDirectives: 'crossplane' });
    deepStrictEqual(crossplane.errors, []);
    deepStrictEqual(
      crossplane.directives[0].args.map((argument) => argument.value),
      ['example.com', 'www.example.com'],
    );
  });

  it('accepts ")" right after a quote, as nginx does, and reads the condition as nginx splits it', () => {
    const file = parseNginx('server {\n    if ($request_uri ~ "^/old/") { return 301 /new/; }\n}\n', '/test/a.conf');
    deepStrictEqual(file.errors, []);
    const condition = file.directives[0].block?.[0];
    deepStrictEqual(
      condition?.args.map((argument) => [argument.value, argument.quoted, plain(argument.span)]),
      [
        ['$request_uri', false, range(1, 8, 1, 20)],
        ['~', false, range(1, 21, 1, 22)],
        ['^/old/', true, range(1, 23, 1, 31)],
      ],
    );
  });

  it('reports a lone ";" or "{" where a directive should start', () => {
    deepStrictEqual(errorsOf('listen 80;;\n{ a b; }\n'), [
      { message: 'unexpected ";"', line: 1, range: range(0, 10, 0, 11) },
      { message: 'unexpected "{"', line: 2, range: range(1, 0, 1, 1) },
    ]);
  });

  it('checks contexts and argument counts only when the context is known', () => {
    const text = 'http {\n  ssl_certificate;\n  server { location / { } }\n}\nlocation / { }\n';
    deepStrictEqual(errorsOf(text), []);
    deepStrictEqual(errorsOf(text, { context: mainContext }), [
      { message: 'invalid number of arguments in "ssl_certificate" directive', line: 2, range: range(1, 2, 1, 17) },
      { message: '"location" directive is not allowed here', line: 5, range: range(4, 0, 4, 8) },
    ]);
  });

  it('keeps a rejected directive and its block by default, and drops it the way crossplane does on request', () => {
    const text = 'location /foo {\n    return 200 foo;\n}\nuser a;\n';
    const kept = parseNginx(text, '/test/foo.conf', { context: mainContext });
    deepStrictEqual(
      kept.directives.map((directive: NginxDirective) => directive.name),
      ['location', 'user'],
    );
    deepStrictEqual(
      kept.errors.map((error) => error.message),
      ['"location" directive is not allowed here'],
    );
    const dropped = parseNginx(text, '/test/foo.conf', { context: mainContext, invalidDirectives: 'crossplane' });
    deepStrictEqual(dropped.directives, []);
    deepStrictEqual(
      dropped.errors.map((error) => error.message),
      ['"location" directive is not allowed here', '"return" directive is not allowed here'],
    );
  });

  it('survives 10,000 nested blocks with one error and no stack overflow', () => {
    const text = `${'a {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}`;
    const file = parseNginx(text, '/test/deep.conf', { maximumDepth: 200 });
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.line]),
      [['blocks nested deeper than 200 levels; the rest of this block is not read', 201]],
    );
    let depth = 0;
    for (let directives = file.directives; directives.length > 0; directives = directives[0].block ?? []) depth++;
    strictEqual(depth, 201);
  });

  it('reads a file of unbalanced garbage without throwing, reporting each problem', () => {
    const text = '}}}\n"\\\n{{{ ;;; \'';
    const file = parseNginx(text, '/test/garbage.conf');
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.line]),
      [
        ['unexpected "}"', 1],
        ['unexpected "}"', 1],
        ['unexpected "}"', 1],
        ['unexpected end of file, expecting ";" or "}"', 3],
      ],
    );
  });

  it('reports the first 100 errors of a file, then one error counting the rest', () => {
    const file = parseNginx('}'.repeat(250), '/test/braces.conf');
    strictEqual(file.errors.length, 101);
    deepStrictEqual(
      file.errors.slice(98).map((error) => [error.message, error.line, error.span.startCharacter]),
      [
        ['unexpected "}"', 1, 98],
        ['unexpected "}"', 1, 99],
        ['too many errors; 150 more after the first 100 are not reported', 1, 100],
      ],
    );
  });

  it('keeps the first errors by position, though an unclosed block is reported at the end of the file', () => {
    const file = parseNginx(`http {\n${';\n'.repeat(10)}`, '/test/unclosed.conf', { maximumErrors: 2 });
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.span.startLine]),
      [
        ['unexpected end of file, expecting "}"', 0],
        ['unexpected ";"', 1],
        ['too many errors; 9 more after the first 2 are not reported', 2],
      ],
    );
  });

  it('lexes like crossplane lex -n, comments included, and balances braces', () => {
    const tokens: [string, number][] = [];
    const errors = lexNginx('a b; # note\nc {\n', (lexer) => tokens.push([lexer.value, lexer.line]));
    deepStrictEqual(tokens, [
      ['a', 1],
      ['b', 1],
      [';', 1],
      ['# note', 1],
      ['c', 2],
      ['{', 2],
    ]);
    deepStrictEqual(
      errors.map((error) => [error.message, error.line]),
      [['unexpected end of file, expecting "}"', 2]],
    );
  });

  it('lexes stray braces with the first 100 errors and one counting the rest', () => {
    let count = 0;
    const errors = lexNginx('}'.repeat(1000), () => count++);
    strictEqual(count, 1000);
    strictEqual(errors.length, 101);
    deepStrictEqual(
      [errors[99].message, errors[100].message, errors[100].span.startCharacter],
      ['unexpected "}"', 'too many errors; 900 more after the first 100 are not reported', 100],
    );
  });
});
