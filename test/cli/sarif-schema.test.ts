import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../../server/src/rules/index';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';
import { sarifSchemaErrors } from '../support/sarif-schema';

interface Log {
  runs: {
    tool: { driver: { rules: { id: string; help: { text: string; markdown?: string } }[] } };
    results: { ruleId: string; fixes?: unknown[]; relatedLocations?: unknown[]; locations: { physicalLocation: { region: { startColumn: number } } }[] }[];
  }[];
}

function lintSarif(path: string): Log {
  const result = runBuiltCli(['lint', path, '--format', 'sarif'], repositoryRoot, 120_000);
  strictEqual(result.stderr, '');
  strictEqual(result.status, 1);
  return JSON.parse(result.stdout) as Log;
}

describe('certboot lint --format sarif against the OASIS SARIF 2.1.0 schema', () => {
  it("is valid for the story's project", () => {
    const log = lintSarif('examples/certbot-deadlock');
    strictEqual(log.runs[0].results.length, 7);
    deepStrictEqual(sarifSchemaErrors(log), []);
  });

  it('carries each rule page, read from the package beside dist/, as the rule help in markdown', () => {
    const log = lintSarif('examples/certbot-deadlock');
    const pages = log.runs[0].tool.driver.rules.map((rule) => [
      rule.id,
      rule.help.markdown === readFileSync(join(repositoryRoot, 'docs', 'rules', `${rule.id}.md`), 'utf8'),
    ]);
    deepStrictEqual(
      pages.filter(([, same]) => !same),
      [],
    );
    deepStrictEqual(
      pages.map(([id]) => id),
      rules.map((rule) => rule.id),
    );
  });

  it('is valid for every finding of the rule fixtures: fixes that create files, related locations, every rule', () => {
    const log = lintSarif('test/fixtures/rules');
    const results = log.runs[0].results;
    ok(results.length > 400, `${results.length} results`);
    ok(results.some((result) => (result.fixes ?? []).length > 0));
    ok(results.some((result) => (result.relatedLocations ?? []).length > 0));
    deepStrictEqual(sarifSchemaErrors(log), []);
  });

  it('would fail on a log the schema rejects', () => {
    const log = lintSarif('examples/certbot-deadlock');
    log.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    (log.runs[0].results[1] as { level?: string }).level = 'fatal';
    deepStrictEqual(sarifSchemaErrors(log), [
      '/runs/0/results/0/locations/0/physicalLocation/region/startColumn must be >= 1',
      '/runs/0/results/1/level must be equal to one of the allowed values',
    ]);
  });
});
