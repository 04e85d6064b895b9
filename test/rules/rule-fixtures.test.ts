import { deepStrictEqual, ok } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { applySuppressions, suppressibleFiles } from '../../server/src/engine/suppressions';
import type { Finding } from '../../server/src/text/findings';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { fixturesRoot } from '../support/paths';

// Every rule has fixture projects on disk under test/fixtures/rules/<rule-id>/: a `good-` project
// (a working setup, the known-good patterns of RULES.md) reports nothing for that rule; any other
// reports exactly what its expected.json holds (messages, ranges, related locations, fixes), after
// the project's suppression comments are applied, as `certboot lint` reports it.
interface ExpectedFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: Finding['location']['range'];
  related: { file: string; range: Finding['location']['range']; message: string }[];
  fixes: Finding['fixes'];
}

function comparable(finding: Finding, root: string): ExpectedFinding {
  const relativeFile = (file: string): string => relative(root, file).split('\\').join('/');
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: relativeFile(finding.location.file),
    range: finding.location.range,
    related: finding.related.map((related) => ({ file: relativeFile(related.file), range: related.range, message: related.message })),
    fixes: finding.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => ({ ...edit, file: relativeFile(edit.file) })),
    })),
  };
}

const rulesRoot = join(fixturesRoot, 'rules');

describe('rules on fixture projects', () => {
  for (const ruleId of readdirSync(rulesRoot).sort()) {
    describe(ruleId, () => {
      // that each rule has a bad and a good fixture is checked by rule-registry.test.ts, over the registry
      const cases = readdirSync(join(rulesRoot, ruleId)).sort();
      for (const name of cases) {
        const directory = join(rulesRoot, ruleId, name);
        it(name, async () => {
          const fileSystem = new DiskFileSystem([directory]);
          const analysis = await analyzeWorkspace(fileSystem, directory);
          deepStrictEqual(analysis.internalErrors, []);
          // as `certboot lint DIRECTORY` reports: suppression comments applied (unused-suppression runs then)
          const findings = applySuppressions(analysis.findings, fileSystem, suppressibleFiles(fileSystem, directory));
          const actual = findings.filter((finding) => finding.ruleId === ruleId).map((finding) => comparable(finding, directory));
          if (name.startsWith('good-')) {
            deepStrictEqual(actual, []);
            return;
          }
          const expectedPath = join(directory, 'expected.json');
          ok(existsSync(expectedPath), `${expectedPath} is missing`);
          const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as ExpectedFinding[];
          ok(expected.length > 0, 'a bad-* fixture must expect findings');
          deepStrictEqual(actual, expected);
        });
      }
    });
  }
});
