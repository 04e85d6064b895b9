import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mainContext } from '../../../server/src/languages/nginx/analyzer';
import { type ArgumentRangeView, noRanges, type ParseOptions, parseNginx, readArgumentRanges, reparseNginx } from '../../../server/src/languages/nginx/parser';
import type { NginxDirective, NginxFile } from '../../../server/src/languages/nginx/syntax-tree';
import { fixturesRoot, repositoryRoot } from '../../support/paths';
import { seededRandom } from '../../support/seeded-random';

const path = '/etc/nginx/nginx.conf';

/** Everything a parse gives, as plain JSON, with the argument value ranges certboot parse reads. */
function everything(file: NginxFile): unknown {
  const ranges: unknown[] = [];
  const view: ArgumentRangeView = { text: '', ranges: noRanges, first: 0, count: 0 };
  const walk = (directives: readonly NginxDirective[]): void => {
    for (const directive of directives) {
      if (readArgumentRanges(directive, view)) {
        const values: string[] = [];
        for (let index = view.first; index < view.first + view.count; index++) values.push(view.text.slice(view.ranges[2 * index], view.ranges[2 * index + 1]));
        ranges.push(values);
      } else ranges.push(null);
      if (directive.block) walk(directive.block);
    }
  };
  walk(file.directives);
  return JSON.parse(JSON.stringify({ file, ranges }));
}

/** The text with [start, end) replaced by `inserted`. */
function edit(text: string, start: number, end: number, inserted: string): string {
  return text.slice(0, start) + inserted + text.slice(end);
}

function configurationFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const entryPath = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...configurationFiles(entryPath));
    else if (entry.isFile() && entry.name.endsWith('.conf')) found.push(entryPath);
  }
  return found.sort();
}

describe('nginx reparse after an edit inside one statement', () => {
  it('moves what follows the change on its line, and keeps the rest of the tree', () => {
    const before = parseNginx('http {\n  server { listen 80; root /srv/a; index a.html; }\n}\n', path, { context: mainContext });
    const text = 'http {\n  server { listen 80; root /srv/abc/d; index a.html; }\n}\n';
    const after = reparseNginx(before, text, path, { context: mainContext });
    ok(after);
    deepStrictEqual(everything(after), everything(parseNginx(text, path, { context: mainContext })));
    const server = after.directives[0].block?.[0];
    deepStrictEqual(
      server?.block?.map((directive) => [directive.name, directive.args.map((argument) => argument.value), directive.span.toRange()]),
      [
        ['listen', ['80'], { start: { line: 1, character: 11 }, end: { line: 1, character: 21 } }],
        ['root', ['/srv/abc/d'], { start: { line: 1, character: 22 }, end: { line: 1, character: 38 } }],
        ['index', ['a.html'], { start: { line: 1, character: 39 }, end: { line: 1, character: 52 } }],
      ],
    );
    deepStrictEqual(server?.span.toRange(), { start: { line: 1, character: 2 }, end: { line: 1, character: 54 } });
    // the earlier parse is untouched
    deepStrictEqual(before.directives[0].block?.[0].block?.[1].args[0].value, '/srv/a');
  });

  it('gives up on every edit whose tree or errors it would have to work out anew', () => {
    const text = 'events {}\nhttp {\n  gzip on;\n  root /srv/a; # the site\n  index a.html;\n  add_header X 1;\n  ssl_protocols TLSv1.2 TLSv1.3\n    ;\n}\n';
    const before = parseNginx(text, path, { context: mainContext });
    strictEqual(before.errors.length, 0);
    const reparsed = (changed: string, options: ParseOptions = { context: mainContext }): boolean => reparseNginx(before, changed, path, options) !== undefined;
    const at = (needle: string): number => text.indexOf(needle);
    // a change inside the arguments of `index`, which stands alone on its line
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html') + 1, 'b')), true);
    // another word: nginx checks the number of arguments
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html'), 'b.html ')), false);
    // a line break, a `;`, a comment, a quote left open, an escaped quote
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html'), '\n')), false);
    strictEqual(reparsed(edit(text, at('a.html') + 1, at('a.html') + 1, ';')), false);
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html'), ' #')), false);
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html'), '"')), false);
    strictEqual(reparsed(edit(text, at('X 1'), at('X 1') + 1, '"X\\" y"')), false);
    // a word nginx reads as an error: longer than its buffer
    strictEqual(reparsed(edit(text, at('X 1') + 2, at('X 1') + 3, 'a'.repeat(5000))), false);
    // the name, and what follows the `;`
    strictEqual(reparsed(edit(text, at('index'), at('index') + 1, 'j')), false);
    strictEqual(reparsed(edit(text, at('a.html;') + 7, at('a.html;') + 7, ' ')), false);
    // a line that holds a comment; an on/off argument; a block's name
    strictEqual(reparsed(edit(text, at('/srv/a'), at('/srv/a') + 1, '/x')), false);
    strictEqual(reparsed(edit(text, at('on;'), at('on;') + 2, 'off')), false);
    strictEqual(reparsed(edit(text, at('events'), at('events') + 1, 'E')), false);
    // on the first line of a statement that ends on the next: still one line changed
    strictEqual(reparsed(edit(text, at('TLSv1.2'), at('TLSv1.2') + 7, 'TLSv1.1')), true);
    // parsed otherwise
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html') + 1, 'b'), { context: ['http'] }), false);
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html') + 1, 'b'), { context: mainContext, invalidDirectives: 'crossplane' }), false);
    strictEqual(reparsed(edit(text, at('a.html'), at('a.html') + 1, 'b'), { context: mainContext, maximumDirectives: 3 }), false);
    strictEqual(reparsed(text), false);
  });

  it('gives up when an error stands on the lines of the edited statement, and keeps errors elsewhere', () => {
    const text = 'http {\n  index a.html;\n  root /srv/a /srv/b;\n}\n';
    const before = parseNginx(text, path, { context: mainContext });
    deepStrictEqual(
      before.errors.map((error) => [error.message, error.line]),
      [['invalid number of arguments in "root" directive', 3]],
    );
    strictEqual(reparseNginx(before, text.replace('/srv/b', '/srv/c'), path, { context: mainContext }), undefined);
    const changed = text.replace('a.html', 'b.htm');
    const after = reparseNginx(before, changed, path, { context: mainContext });
    ok(after);
    deepStrictEqual(everything(after), everything(parseNginx(changed, path, { context: mainContext })));
  });

  it('gives the tree a full parse gives, for random edits of every configuration in the fixtures', () => {
    const files = [...configurationFiles(fixturesRoot), ...configurationFiles(join(repositoryRoot, 'examples'))];
    ok(files.length > 300, `${files.length} configurations`);
    const random = seededRandom(12);
    const pick = <Item>(items: readonly Item[]): Item => items[Math.floor(random() * items.length)];
    const pieces = ['a', 'Z9', '.', '/', '-', ' ', '  ', '$host', '${x}', '"', "'", '\\', ';', '{', '}', '#', '\t', '\n', 'é', '😀', ''];
    let edits = 0;
    let reparsed = 0;
    for (const file of files) {
      let text = readFileSync(file, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) continue;
      let previous = parseNginx(text, path, { context: mainContext });
      for (let round = 0; round < 12; round++) {
        // half of the edits inside an argument, where reparsing applies; the others anywhere
        const words: { start: number; end: number }[] = [];
        const lineStarts = [0];
        for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
        const walk = (directives: readonly NginxDirective[]): void => {
          for (const directive of directives) {
            for (const argument of directive.args) {
              const span = argument.span;
              if (span.startLine === span.endLine)
                words.push({ start: lineStarts[span.startLine] + span.startCharacter, end: lineStarts[span.endLine] + span.endCharacter });
            }
            if (directive.block) walk(directive.block);
          }
        };
        walk(previous.directives);
        let start: number;
        if (words.length > 0 && random() < 0.5) {
          const word = pick(words);
          start = word.start + Math.floor(random() * (word.end - word.start + 1));
        } else start = Math.floor(random() * (text.length + 1));
        const end = Math.min(text.length, start + (random() < 0.5 ? 0 : Math.floor(random() * 4)));
        const changed = edit(text, start, end, pick(pieces) + (random() < 0.3 ? pick(pieces) : ''));
        edits++;
        const full = parseNginx(changed, path, { context: mainContext });
        const incremental = reparseNginx(previous, changed, path, { context: mainContext });
        if (incremental !== undefined) {
          reparsed++;
          deepStrictEqual(
            everything(incremental),
            everything(full),
            `${file}: ${JSON.stringify(text.slice(start - 20, end + 20))} → ${JSON.stringify(changed.slice(start - 20, start + 20))}`,
          );
        }
        // the next edit starts from the reparsed tree when there is one
        text = changed;
        previous = incremental ?? full;
      }
    }
    ok(reparsed > edits / 5, `${reparsed} of ${edits} edits reparsed`);
  });
});
