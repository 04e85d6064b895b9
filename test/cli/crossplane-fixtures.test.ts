import { strictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFixtures } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

const modeArguments: Record<string, string[]> = {
  parse: ['parse'],
  comments: ['parse', '--include-comments'],
  single: ['parse', '--single-file'],
  lex: ['lex'],
};

/**
 * The expected payloads are laid out as crossplane lays them out with `--indent 2`, `\u` escapes
 * and all: with the same option, certboot prints the same bytes.
 */
describe('certboot parse / lex print what crossplane prints for its own test configs, byte for byte', () => {
  const fixtures = sharedFixtures();
  const expectedRoot = join(fixtures, 'crossplane-expected');
  const cases = readdirSync(expectedRoot).flatMap((directory) =>
    readdirSync(join(expectedRoot, directory)).flatMap((name) => {
      const match = /^(.+)\.(parse|comments|single|lex)\.json$/.exec(name);
      return match ? [{ directory, file: `${match[1]}.conf`, mode: match[2], expected: join(expectedRoot, directory, name) }] : [];
    }),
  );

  it('finds every expected payload', () => {
    strictEqual(cases.length, 84);
  });

  for (const testCase of cases) {
    it(`${testCase.directory}/${testCase.file} (${testCase.mode})`, () => {
      const result = runBuiltCli([...modeArguments[testCase.mode], '--indent', '2', testCase.file], join(fixtures, 'crossplane', testCase.directory));
      const expected = readFileSync(testCase.expected, 'utf8');
      strictEqual(result.stdout, expected, result.stderr);
      const failed = testCase.mode !== 'lex' && (JSON.parse(expected) as { status: string }).status === 'failed';
      strictEqual(result.status, failed ? 1 : 0);
    });
  }
});
