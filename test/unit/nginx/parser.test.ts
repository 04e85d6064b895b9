import { deepStrictEqual, strictEqual } from 'node:assert';
import { mainContext } from '../../../server/src/languages/nginx/analyzer';
import { lexNginx } from '../../../server/src/languages/nginx/lexer';
import { type ParseOptions, parseNginx } from '../../../server/src/languages/nginx/parser';
import type { NginxDirective, Range, TextSpan } from '../../../server/src/languages/nginx/syntax-tree';

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

function errorsOf(text: string, options: ParseOptions = {}): { message: string; line: number; range: Range }[] {
  return parseNginx(text, '/test/nginx.conf', options).errors.map(({ message, line, span }) => ({ message, line, range: span.toRange() }));
}

/** Every field of the errors, related place and note included, as plain JSON. */
function fullErrorsOf(text: string, options: ParseOptions = {}): unknown {
  return JSON.parse(JSON.stringify(parseNginx(text, '/test/nginx.conf', options).errors));
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

  it('reports an unterminated quote once, at the end of the file as nginx does, with the opening quote as related place', () => {
    deepStrictEqual(fullErrorsOf('http {\n  server {\n    return 200 "unterminated;\n'), [
      {
        kind: 'syntax',
        message: 'unexpected end of file, expecting ";" or "}"',
        line: 4,
        span: range(3, 0, 3, 0),
        related: { message: 'the quoted string that starts here is not closed', span: range(2, 15, 2, 16) },
      },
    ]);
  });

  it('reports an unclosed block once, at the end of the file, with the innermost open block as related place', () => {
    deepStrictEqual(fullErrorsOf('http {\n  server {\n    listen 80;'), [
      {
        kind: 'syntax',
        message: 'unexpected end of file, expecting "}"',
        line: 3,
        span: range(2, 14, 2, 14),
        related: { message: 'the "server" block that starts here is not closed', span: range(1, 2, 1, 8) },
      },
    ]);
  });

  it('reports a statement cut short by the end of the file there, with its name as related place', () => {
    deepStrictEqual(fullErrorsOf('events {}\nworker_processes\n  4\n'), [
      {
        kind: 'syntax',
        message: 'unexpected end of file, expecting ";" or "}"',
        line: 4,
        span: range(3, 0, 3, 0),
        related: { message: 'the "worker_processes" directive that starts here has no ";"', span: range(1, 0, 1, 16) },
      },
    ]);
  });

  it("reports a statement's error at the line of its ';' or '{', where nginx judges it, and crossplane's at its name", () => {
    const text = 'events {}\nhttp {\n  ssl_ciphers HIGH:!MD5\n\n  gzip on;\n  listen\n    80 {\n  }\n}\n';
    deepStrictEqual(fullErrorsOf(text, { context: mainContext }), [
      {
        kind: 'analysis',
        message: 'invalid number of arguments in "ssl_ciphers" directive',
        line: 5,
        span: range(4, 2, 4, 10),
        related: { message: 'the "ssl_ciphers" directive starts here', span: range(2, 2, 2, 13) },
      },
      {
        kind: 'analysis',
        message: '"listen" directive is not allowed here',
        line: 7,
        span: range(6, 4, 6, 8),
        related: { message: 'the "listen" directive starts here', span: range(5, 2, 5, 8) },
      },
    ]);
    deepStrictEqual(
      errorsOf(text, { context: mainContext, invalidDirectives: 'crossplane' }).map(({ message, line }) => [message, line]),
      [
        ['invalid number of arguments in "ssl_ciphers" directive', 3],
        ['"listen" directive is not allowed here', 6],
      ],
    );
  });

  it('does not judge a statement nginx stopped reading inside', () => {
    deepStrictEqual(errorsOf('http {\n  listen "80"x 443;\n}\n', { context: mainContext }), [
      { message: 'unexpected "x"', line: 2, range: range(1, 13, 1, 14) },
    ]);
  });

  it('rejects a block inside map, geo, types, charset_map and split_clients, whose bodies their own handlers read', () => {
    const text = [
      'http {',
      '  map $host $x { default 1; hostnames { } }',
      '  geo $a { default 0; ranges { } }',
      '  split_clients $b $c { 50% a; * { } }',
      '  charset_map a b { C0 D0 { } }',
      '  server { location / { types { text/html { } } } }',
      '}',
      'stream { map $d $e { f { } } }',
      '',
    ].join('\n');
    deepStrictEqual(
      errorsOf(text, { context: mainContext }).map(({ message, line, range }) => [message, line, range.start.character]),
      [
        ['unexpected "{"', 2, 38],
        ['unexpected "{"', 3, 29],
        ['unexpected "{"', 4, 33],
        ['unexpected "{"', 5, 26],
        ['unexpected "{"', 6, 42],
        ['unexpected "{"', 8, 23],
      ],
    );
    // nginx reads a file included in a map with the map's handler too
    deepStrictEqual(errorsOf('example.com 1;\nnested { }\n', { context: ['http', 'map'] }), [{ message: 'unexpected "{"', line: 2, range: range(1, 7, 1, 8) }]);
    deepStrictEqual(errorsOf(text, { context: mainContext, invalidDirectives: 'crossplane' }), []);
  });

  it('reads a word as nginx does: "}" is part of it, and "{" only after "$"', () => {
    const text = 'location / {\n  set $a b};\n  return 200}\n}\n';
    const file = parseNginx(text, '/test/a.conf');
    deepStrictEqual(
      file.directives[0].block?.map((directive) => [directive.name, directive.args.map((argument) => argument.value)]),
      [
        ['set', ['$a', 'b}']],
        ['return', ['200}']],
      ],
    );
    // the "}" standing alone ends no statement: "return 200}" goes on to it
    deepStrictEqual(
      file.errors.map(({ message, line }) => [message, line]),
      [['unexpected "}"', 4]],
    );
    // crossplane ends the word, and the location, at the "}"
    const crossplane = parseNginx(text, '/test/a.conf', { invalidDirectives: 'crossplane' });
    deepStrictEqual(
      crossplane.errors.slice(0, 1).map(({ message, line }) => [message, line]),
      [['directive "set" is not terminated by ";"', 2]],
    );
    const variables = parseNginx('set $a ${{b}}c;\nset $d a{b;\n}\n', '/test/a.conf');
    deepStrictEqual(
      variables.directives.map((directive) => [directive.name, directive.args.map((argument) => argument.value), directive.block?.length]),
      [
        ['set', ['$a', '${{b}}c'], undefined],
        ['set', ['$d', 'a'], 1],
      ],
    );
  });

  it('names a directive of characters no directive has, where the statements are directives', () => {
    deepStrictEqual(fullErrorsOf('http {\n\u00a0 server { }\n}\n', { context: mainContext }), [
      {
        kind: 'analysis',
        message: 'unknown directive "\u00a0"',
        line: 2,
        span: range(1, 0, 1, 1),
        note: "The name holds U+00A0 (a no-break space), which no directive's name has.",
      },
    ]);
    deepStrictEqual(
      errorsOf('http {\n  \fgzip on;\n}\n', { context: mainContext }).map(({ message }) => message),
      ['unknown directive "\fgzip"'],
    );
    // a map's keys are no directives, and a snippet's context is not known
    deepStrictEqual(errorsOf('http {\n  map $a $b { \u00a0x 1; }\n}\n', { context: mainContext }), []);
    deepStrictEqual(errorsOf('\u00a0server { }\n'), []);
    // crossplane takes a form feed for a space and skips names it does not know
    deepStrictEqual(errorsOf('http {\n  \fgzip on;\n}\n', { context: mainContext, invalidDirectives: 'crossplane' }), []);
  });

  it('reports the byte order mark nginx reads as the start of the first word, and keeps it out of the tree', () => {
    const note =
      "The file starts with a UTF-8 byte order mark (U+FEFF), which nginx reads as part of the first directive's name: save the file as UTF-8 without a byte order mark.";
    deepStrictEqual(fullErrorsOf('user a;\n', { byteOrderMark: true }), [
      { kind: 'analysis', message: 'unknown directive "\ufeffuser"', line: 1, span: range(0, 0, 0, 7), note },
    ]);
    // a comment right after the mark is no comment, and the name ends at the first space
    deepStrictEqual(fullErrorsOf('# site\nserver {\n  listen 80 x y;\n}\n', { byteOrderMark: true, context: ['http'] }), [
      {
        kind: 'analysis',
        message: 'unknown directive "\ufeff#"',
        line: 2,
        span: range(1, 0, 1, 8),
        related: { message: 'the byte order mark stands before this word', span: range(0, 0, 0, 1) },
        note,
      },
    ]);
    deepStrictEqual(
      errorsOf('\nuser a;\n', { byteOrderMark: true }).map(({ message, line }) => [message, line]),
      [['unknown directive "\ufeff"', 2]],
    );
    const file = parseNginx('# site\nserver {\n}\n', '/test/a.conf', { byteOrderMark: true });
    deepStrictEqual(
      file.directives.map((directive) => directive.name),
      ['server'],
    );
    // read by a map's handler, the mark is part of a key; crossplane's handling reads it in the text
    deepStrictEqual(errorsOf('a 1;\n', { byteOrderMark: true, context: ['http', 'map'] }), []);
    deepStrictEqual(errorsOf('user a;\n', { byteOrderMark: true, invalidDirectives: 'crossplane' }), []);
  });

  it("rejects a token longer than nginx's 4096-byte read buffer as nginx does, counting UTF-8 bytes", () => {
    const messages = (statement: string): [string, number][] =>
      errorsOf(`events {}\nhttp {\n  ${statement}\n}\n`, { context: mainContext }).map(({ message, line }) => [message, line]);
    const notAllowed: [string, number][] = [['"server_name" directive is not allowed here', 3]];
    const started: [string, number][] = [['too long parameter "xxxxxxxxxx..." started', 3]];
    // a word followed by a space holds the buffer one character longer than one followed by ";"
    deepStrictEqual(messages(`server_name ${'x'.repeat(4094)} a;`), notAllowed);
    deepStrictEqual(messages(`server_name ${'x'.repeat(4095)} a;`), started);
    deepStrictEqual(messages(`server_name ${'x'.repeat(4095)};`), notAllowed);
    deepStrictEqual(messages(`server_name ${'x'.repeat(4096)};`), started);
    deepStrictEqual(messages(`server_name "${'x'.repeat(4093)}" a;`), notAllowed);
    deepStrictEqual(messages(`server_name "${'x'.repeat(4094)}" a;`), started);
    deepStrictEqual(messages(`server_name "${'x'.repeat(4096)}" a;`), [['too long parameter, probably missing terminating """ character', 3]]);
    deepStrictEqual(messages(`#${'x'.repeat(4094)}`), []);
    deepStrictEqual(messages(`#${'x'.repeat(4095)}`), [['too long parameter "#xxxxxxxxx..." started', 3]]);
    // "é" is two bytes: 2047 of them and an "x" make 4095; the first ten bytes cut one in two
    deepStrictEqual(messages(`server_name x${'é'.repeat(2047)} a;`), [['too long parameter "xéééé\ufffd..." started', 3]]);
    // an unterminated quote in a long file: nginx runs out of buffer before it runs out of file
    deepStrictEqual(messages(`return 200 "a;\n${'  gzip on;\n'.repeat(500)}`), [
      ['too long parameter, probably missing terminating """ character', 3],
      ['unexpected end of file, expecting ";" or "}"', 506],
    ]);
    // nginx meets the end of the file first, unless the file goes on for more than the buffer
    deepStrictEqual(errorsOf(`gzip on;\n#${'x'.repeat(4095)}`, { context: ['http'] }), []);
    deepStrictEqual(
      errorsOf(`gzip on;\n#${'x'.repeat(4096)}`, { context: ['http'] }).map(({ message, line }) => [message, line]),
      [['too long parameter "#xxxxxxxxx..." started', 2]],
    );
    // crossplane has no such limit
    deepStrictEqual(errorsOf(`#${'x'.repeat(5000)}\nuser a;\n`, { invalidDirectives: 'crossplane' }), []);
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

  it('reports the first errors by position and counts the rest, the unclosed block at the end of the file among them', () => {
    const file = parseNginx(`http {\n${';\n'.repeat(10)}`, '/test/unclosed.conf', { maximumErrors: 2 });
    deepStrictEqual(
      file.errors.map((error) => [error.message, error.span.startLine]),
      [
        ['unexpected ";"', 1],
        ['unexpected ";"', 2],
        ['too many errors; 9 more after the first 2 are not reported', 3],
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
