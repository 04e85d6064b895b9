import { deepStrictEqual } from 'node:assert';
import { parseEnvFile } from '../../../server/src/languages/compose/env-file';
import { unknownMarker } from '../../../server/src/languages/compose/interpolation';

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

describe('.env files', () => {
  it('reads comments, export, quotes, inline comments and escapes as compose does', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      '  export EXPORTED=yes',
      'SPACED = padded value  ',
      'COMMENTED=value # a comment',
      'HASH=value#not-a-comment',
      "SINGLE='literal $PLAIN \\t # kept'",
      "ESCAPED_QUOTE='Let\\'s go'",
      'DOUBLE="tab\\there \\"quoted\\" $PLAIN" # comment',
      'DOLLAR="\\$PLAIN"',
      'EMPTY=',
      'MULTI="line one',
      'line two"',
      'CRLF=windows\r',
      '',
    ].join('\n');
    const { variables, diagnostics } = parseEnvFile(text, '/p/.env', {});
    deepStrictEqual(diagnostics, []);
    deepStrictEqual(Object.fromEntries(variables), {
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded value',
      COMMENTED: 'value',
      HASH: 'value#not-a-comment',
      SINGLE: 'literal $PLAIN \\t # kept',
      ESCAPED_QUOTE: "Let's go",
      DOUBLE: 'tab\there "quoted" value',
      DOLLAR: '$PLAIN',
      EMPTY: '',
      MULTI: 'line one\nline two',
      CRLF: 'windows',
    });
  });

  it('interpolates earlier lines and the environment, and the environment wins over the file', () => {
    const { variables } = parseEnvFile('HOST=file\nURL=https://${HOST}/${DOMAIN:-none}\nPORT=${PORT_FROM_SHELL}\nINHERITED\nLOST\n', '/p/.env', {
      HOST: 'shell',
      INHERITED: 'from-shell',
    });
    deepStrictEqual(Object.fromEntries(variables), {
      URL: 'https://shell/none',
      PORT: unknownMarker,
      INHERITED: 'from-shell',
      HOST: 'shell',
    });
  });

  it('reads the names and separators compose-go reads: yaml-style `KEY: value`, `KEY:=value`, dots, dashes, brackets, Unicode', () => {
    const text = 'YAML_STYLE: value\nNAME:=NAME\nSPACED : x\napp.port-1=80\nlist[0]=a\nCLÉ=é\n';
    const { variables, diagnostics } = parseEnvFile(text, '/p/.env', {});
    deepStrictEqual(diagnostics, []);
    deepStrictEqual(Object.fromEntries(variables), { YAML_STYLE: 'value', NAME: '=NAME', SPACED: 'x', 'app.port-1': '80', 'list[0]': 'a', CLÉ: 'é' });
  });

  it('reports a line compose-go refuses, with its range, and keeps reading', () => {
    const { variables, diagnostics } = parseEnvFile('GOOD=1\nKEY value\n  "QUOTED"=x\nAFTER=2\n', '/p/.env', {});
    deepStrictEqual(Object.fromEntries(variables), { GOOD: '1', AFTER: '2' });
    deepStrictEqual(diagnostics, [
      {
        code: 'invalid-env-file',
        severity: 'warning',
        message: 'invalid line in .env: a variable name cannot contain a space (KEY value)',
        location: { file: '/p/.env', range: range(1, 0, 1, 9) },
      },
      {
        code: 'invalid-env-file',
        severity: 'warning',
        message: 'invalid line in .env: unexpected character """ in a variable name',
        location: { file: '/p/.env', range: range(2, 2, 2, 12) },
      },
    ]);
  });
});
