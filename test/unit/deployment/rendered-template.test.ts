import { deepStrictEqual, strictEqual } from 'node:assert';
import { RenderedTemplate } from '../../../server/src/model/rendered-template';

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

describe('a template the nginx image renders', () => {
  const template = 'server {\n    server_name ${DOMAIN} www.$DOMAIN;\n    root $UNSET/html;\n}\n';
  const rendered = new RenderedTemplate('/r/templates/default.conf.template', template, { DOMAIN: 'example.com' });

  it('renders as envsubst does: set variables replaced, unset ones kept', () => {
    strictEqual(rendered.text, 'server {\n    server_name example.com www.example.com;\n    root $UNSET/html;\n}\n');
  });

  it('locates a rendered range in the template, a substituted value as its whole variable', () => {
    // `example.com` (16-27) is `${DOMAIN}` (16-25); `www.example.com` (28-43) is `www.$DOMAIN` (26-37)
    deepStrictEqual(rendered.locate(range(1, 16, 1, 27)), { file: '/r/templates/default.conf.template', range: range(1, 16, 1, 25) });
    deepStrictEqual(rendered.locate(range(1, 28, 1, 43)), { file: '/r/templates/default.conf.template', range: range(1, 26, 1, 37) });
    // a range inside a value covers the variable; text after it moves by the difference
    deepStrictEqual(rendered.locate(range(1, 20, 1, 44))?.range, range(1, 16, 1, 38));
    deepStrictEqual(rendered.locate(range(2, 4, 2, 21))?.range, range(2, 4, 2, 21));
  });

  it('locates nothing when a value spans lines, as the lines no longer match', () => {
    strictEqual(new RenderedTemplate('/t', 'a $V\nb\n', { V: '1\n2' }).locate(range(1, 0, 1, 1)), undefined);
  });
});
