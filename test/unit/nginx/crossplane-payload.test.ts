import { deepStrictEqual, strictEqual } from 'node:assert';
import { loadNginxConfiguration } from '../../../server/src/languages/nginx/configuration';
import { toCrossplanePayload, writeCrossplanePayload } from '../../../server/src/languages/nginx/crossplane-payload';
import { type ArgumentRangeView, noRanges, parseNginx, readArgumentRanges } from '../../../server/src/languages/nginx/parser';
import type { NginxDirective } from '../../../server/src/languages/nginx/syntax-tree';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

/** Arguments that every escape path of the writer meets: quotes, backslashes, control characters, non-ASCII text. */
const trickyConfiguration = [
  '# a comment, then "quotes" and a \\ backslash',
  'http {',
  '    log_format main \'$remote_addr "$request" \\t tab\';',
  '    server {',
  '        server_name пример.рф 例子.测试 "emoji 🔒";',
  '        location ~* \\.(png|jpg)$ { return 200 "line\\nbreak"; }',
  '        set $a "\ufffd";',
  '        add_header X-Test "\u0001\u001f\u007f";',
  '        add_header X-Quote "say \\"hi\\"";',
  '        include extra.conf; # between',
  '        if ($host = "a b") { return 301 https://$host$request_uri; }',
  '    }',
  '}',
  '',
].join('\n');

function payloadText(indent: number | undefined, options: { includeComments?: boolean; combine?: boolean }): string {
  const fileSystem = new MemoryFileSystem({ '/etc/nginx/nginx.conf': trickyConfiguration, '/etc/nginx/extra.conf': 'listen 443 ssl; # note\n' });
  const configuration = loadNginxConfiguration(fileSystem, '/etc/nginx/nginx.conf', { displayPath: 'nginx.conf', invalidDirectives: 'crossplane' });
  const chunks: Buffer[] = [];
  writeCrossplanePayload(configuration, options, { indent, write: (chunk) => chunks.push(Buffer.from(chunk)) });
  return Buffer.concat(chunks).toString('utf8');
}

function everyDirective(directives: readonly NginxDirective[]): NginxDirective[] {
  return directives.flatMap((directive) => [directive, ...everyDirective(directive.block ?? [])]);
}

/** JSON.stringify's layout (the payload's, see PayloadOutput.indent) with crossplane's escapes: JSON.stringify's, and every character past `~`. */
function crossplaneJson(value: unknown, indent: number | undefined): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('crossplane payload writer', () => {
  for (const indent of [undefined, 0, 2, 4]) {
    for (const options of [{}, { includeComments: true }, { combine: true, includeComments: true }]) {
      it(`writes exactly what JSON.stringify writes, with crossplane's escapes (indent ${indent}, ${JSON.stringify(options)})`, () => {
        const text = payloadText(indent, options);
        strictEqual(text, crossplaneJson(JSON.parse(text), indent));
      });
    }
  }

  it('writes every character past ~ as a \\u escape, as crossplane does', () => {
    const text = payloadText(undefined, {});
    for (const escaped of [
      '"\\u043f\\u0440\\u0438\\u043c\\u0435\\u0440.\\u0440\\u0444"',
      '"emoji \\ud83d\\udd12"',
      '"\\ufffd"',
      '"\\u0001\\u001f\\u007f"',
      '"say \\"hi\\""',
    ]) {
      strictEqual(text.includes(escaped), true, escaped);
    }
    strictEqual(/[^\x20-\x7e]/.test(text), false);
  });

  it('prints files that include each other over and over uncombined, with an error, instead of inlining them without end', () => {
    // each file includes the next one twice: combined, the last would be written 2^9 times
    const files: Record<string, string> = {};
    for (let index = 0; index < 10; index++)
      files[`/c/f${index}.conf`] = index < 9 ? `include f${index + 1}.conf;\ninclude f${index + 1}.conf;\n` : 'user nginx;\n';
    const configuration = loadNginxConfiguration(new MemoryFileSystem(files), '/c/f0.conf', { displayPath: 'f0.conf' });
    const chunks: Buffer[] = [];
    const status = writeCrossplanePayload(
      configuration,
      { combine: true, maximumRepeatedStatements: 100 },
      { write: (chunk) => chunks.push(Buffer.from(chunk)) },
    );
    strictEqual(status, 'failed');
    const error =
      'not combined: inlining the includes of f0.conf would write more than 119 statements, as files are included over and over; each file is printed on its own';
    const include = (index: number, line: number) => ({ directive: 'include', line, args: [`f${index}.conf`], includes: [index] });
    deepStrictEqual(JSON.parse(Buffer.concat(chunks).toString('utf8')), {
      status: 'failed',
      errors: [{ file: 'f0.conf', error, line: null }],
      config: Array.from({ length: 10 }, (_, index) => ({
        file: `f${index}.conf`,
        status: index === 0 ? 'failed' : 'ok',
        errors: index === 0 ? [{ error, line: null }] : [],
        parsed: index < 9 ? [include(index + 1, 1), include(index + 1, 2)] : [{ directive: 'user', line: 1, args: ['nginx'] }],
      })),
    });
    const withinLimit = toCrossplanePayload(configuration, { combine: true, maximumRepeatedStatements: 2000 });
    deepStrictEqual([withinLimit.status, withinLimit.config.length, withinLimit.config[0].parsed.length], ['ok', 1, 512]);
  });

  it('hands out the ranges of argument values that are slices of the text, and leaves the rest to args', () => {
    const file = parseNginx(trickyConfiguration, '/etc/nginx/nginx.conf');
    const kept: string[] = [];
    for (const directive of everyDirective(file.directives)) {
      const view: ArgumentRangeView = { text: '', ranges: noRanges, first: 0, count: 0 };
      if (!readArgumentRanges(directive, view)) kept.push(directive.name);
      else {
        const values = Array.from({ length: view.count }, (_, index) =>
          view.text.slice(view.ranges[2 * (view.first + index)], view.ranges[2 * (view.first + index) + 1]),
        );
        deepStrictEqual(
          values,
          directive.args.map((argument) => argument.value),
        );
      }
    }
    // an escaped quote undone, if's parentheses: kept as read; no arguments is an empty range
    deepStrictEqual(kept, ['add_header', 'if']);
  });
});
