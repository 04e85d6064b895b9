import { deepStrictEqual, strictEqual } from 'node:assert';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { limitFindingsPerFile } from '../../../server/src/engine/finding-limit';
import type { Finding } from '../../../server/src/text/findings';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

function finding(file: string, line: number, character = 0): Finding {
  return {
    ruleId: 'some-rule',
    severity: 'warning',
    message: `${file}:${line}:${character}`,
    location: { file, range: { start: { line, character }, end: { line, character: character + 1 } } },
    related: [],
    fixes: [],
  };
}

const messages = (findings: readonly Finding[]): string[] => findings.map((each) => each.message);

describe('limitFindingsPerFile', () => {
  it('returns the findings as the rule reported them while no file has more than the maximum', () => {
    const reported = [finding('/b', 3), finding('/a', 1), finding('/b', 1)];
    deepStrictEqual(messages(limitFindingsPerFile('some-rule', reported, 2)), ['/b:3:0', '/a:1:0', '/b:1:0']);
  });

  it('keeps the first by position of a file with more, then one finding that counts the others', () => {
    const reported = [finding('/a', 9), finding('/b', 4), finding('/a', 2, 5), finding('/a', 7), finding('/a', 2, 1), finding('/a', 5)];
    const limited = limitFindingsPerFile('some-rule', reported, 2);
    deepStrictEqual(messages(limited), ['/a:2:1', '/a:2:5', 'too many `some-rule` findings in this file: 3 more after the first 2 are not reported', '/b:4:0']);
    deepStrictEqual(limited[2], { ...finding('/a', 5), message: 'too many `some-rule` findings in this file: 3 more after the first 2 are not reported' });
  });

  it('reads a generator of any length keeping a bounded number, and finds the first ones wherever they come', () => {
    let yielded = 0;
    const many = function* (): Generator<Finding> {
      for (let line = 20_000; line >= 1; line--) {
        yielded++;
        yield finding('/huge.conf', line);
      }
    };
    const limited = limitFindingsPerFile('some-rule', many(), 100);
    strictEqual(yielded, 20_000);
    strictEqual(limited.length, 101);
    deepStrictEqual(limited[0].message, '/huge.conf:1:0');
    deepStrictEqual(limited[99].message, '/huge.conf:100:0');
    deepStrictEqual(limited[100].message, 'too many `some-rule` findings in this file: 19,900 more after the first 100 are not reported');
    deepStrictEqual(limited[100].location.range.start, { line: 101, character: 0 });
  });

  it('reports at most 100 unknown directives of a file, and how many more there are', async () => {
    const files = new MemoryFileSystem({
      '/p/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./conf.d:/etc/nginx/conf.d:ro\n',
      '/p/conf.d/huge.conf': `server {\n    listen 80;\n${'    a;\n'.repeat(250)}}\n`,
    });
    const analysis = await analyzeWorkspace(files, '/p');
    const unknown = analysis.findings.filter((each) => each.ruleId === 'nginx-unknown-directive');
    strictEqual(unknown.length, 101);
    deepStrictEqual(unknown[99].location, { file: '/p/conf.d/huge.conf', range: { start: { line: 101, character: 4 }, end: { line: 101, character: 5 } } });
    deepStrictEqual(unknown[100], {
      ruleId: 'nginx-unknown-directive',
      severity: 'error',
      message: 'too many `nginx-unknown-directive` findings in this file: 150 more after the first 100 are not reported',
      location: { file: '/p/conf.d/huge.conf', range: { start: { line: 102, character: 4 }, end: { line: 102, character: 5 } } },
      related: [],
      fixes: [],
    });
  });
});
