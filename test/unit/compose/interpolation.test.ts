import { deepStrictEqual, strictEqual } from 'node:assert';
import { interpolate, unknownMarker } from '../../../server/src/languages/compose/interpolation';

const variables: Record<string, string> = { SET: 'value', EMPTY: '', FALLBACK: 'fallback', PARTLY: `pre${unknownMarker}`, OPAQUE: unknownMarker };
const lookup = (name: string): string | undefined => variables[name];
const expand = (text: string): string => {
  const result = interpolate(text, lookup);
  deepStrictEqual(result.errors, []);
  return result.text.replaceAll(unknownMarker, '<?>');
};

describe('compose interpolation', () => {
  it('substitutes $VAR and ${VAR}, and an unset variable is unknown, not empty', () => {
    strictEqual(expand('$SET/${SET}'), 'value/value');
    strictEqual(expand('a-$UNSET-b'), 'a-<?>-b');
    strictEqual(expand('${UNSET}'), '<?>');
    strictEqual(interpolate('${UNSET}', lookup).unknown, true);
    strictEqual(interpolate('$SET', lookup).unknown, false);
  });

  it('applies :- to unset and empty, - to unset only', () => {
    strictEqual(expand('${UNSET:-x}|${EMPTY:-x}|${SET:-x}'), 'x|x|value');
    strictEqual(expand('${UNSET-x}|${EMPTY-x}|${SET-x}'), 'x||value');
  });

  it('leaves a required variable with no value unknown (the server may set it)', () => {
    strictEqual(expand('${UNSET:?need it}|${EMPTY:?need it}|${SET:?need it}'), '<?>|<?>|value');
    strictEqual(expand('${UNSET?need it}|${EMPTY?need it}|${SET?need it}'), '<?>||value');
  });

  it('applies :+ to set and non-empty, + to set', () => {
    strictEqual(expand('${UNSET:+alt}|${EMPTY:+alt}|${SET:+alt}'), '|' + '|alt');
    strictEqual(expand('${UNSET+alt}|${EMPTY+alt}|${SET+alt}'), '|alt|alt');
  });

  it('expands nested defaults and only the branch it takes', () => {
    strictEqual(expand('${UNSET:-${FALLBACK}}'), 'fallback');
    strictEqual(expand('${UNSET:-${ALSO_UNSET:-deep}}/x'), 'deep/x');
    strictEqual(expand('${SET:-${UNSET}}'), 'value');
    strictEqual(expand('${UNSET:-${ALSO_UNSET}}'), '<?>');
    strictEqual(expand('${SET:+${FALLBACK}-$SET}'), 'fallback-value');
    strictEqual(expand('${SET?$UNSET}'), 'value');
  });

  it('turns $$ into a literal dollar and keeps a $ that starts no name', () => {
    strictEqual(expand('$$VAR $${SET} cost: 5$ $1 $-'), '$VAR ${SET} cost: 5$ $1 $-');
    strictEqual(expand('${UNSET:-$$literal}'), '$literal');
  });

  it('keeps a value that holds unknown parts unknown through the operators', () => {
    strictEqual(expand('${PARTLY:-x}'), 'pre<?>');
    strictEqual(expand('${OPAQUE:-x}|${OPAQUE:+y}|${OPAQUE-x}'), '<?>|<?>|<?>');
  });

  it('reports malformed expressions and makes the whole value unknown', () => {
    deepStrictEqual(interpolate('a ${SET', lookup), {
      text: unknownMarker,
      unknown: true,
      errors: ['invalid interpolation format: unterminated "${" in "a ${SET"'],
    });
    deepStrictEqual(interpolate('${}', lookup).errors, ['invalid interpolation format: "${}" does not start with a variable name']);
    deepStrictEqual(interpolate('${SET/a/b}', lookup).errors, ['invalid interpolation format: "${SET/a/b}" uses an operator compose does not support']);
  });
});
