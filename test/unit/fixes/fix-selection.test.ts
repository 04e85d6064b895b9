import { deepStrictEqual } from 'node:assert';
import { selectSafeFixes } from '../../../server/src/fixes/fix-selection';
import type { FileEdit, Fix } from '../../../server/src/text/findings';
import { finding, range } from '../lint/support';

function replace(file: string, at: ReturnType<typeof range>, newText = ''): FileEdit {
  return { kind: 'replace', file, range: at, newText };
}

function fix(title: string, edits: FileEdit[], extra: Partial<Fix> = { safe: true }): Fix {
  return { title, edits, ...extra };
}

function titles(fixes: Fix[][]): string[] {
  const findings = fixes.map((list, index) => finding('rule', 'error', '/p/a.conf', range(index, 0, index, 1), `finding ${index}`, { fixes: list }));
  return selectSafeFixes(findings).map((selected) => selected.fix.title);
}

describe('choosing the safe fixes to apply together', () => {
  it('takes the safe fix of each finding in order, and no unsafe one', () => {
    deepStrictEqual(
      titles([[fix('a', [replace('/p/a.conf', range(0, 0, 0, 3), 'x')])], [fix('b', [replace('/p/a.conf', range(1, 0, 1, 3))], { safe: false })], []]),
      ['a'],
    );
  });

  it("takes a finding's preferred safe fix before its other safe ones", () => {
    deepStrictEqual(
      titles([
        [fix('plain', [replace('/p/a.conf', range(0, 0, 0, 1))]), fix('preferred', [replace('/p/a.conf', range(0, 1, 0, 2))], { safe: true, preferred: true })],
      ]),
      ['preferred'],
    );
  });

  it('leaves out a fix whose edits overlap an edit already taken, in any file it edits', () => {
    deepStrictEqual(
      titles([
        [fix('first', [replace('/p/a.conf', range(0, 0, 0, 5)), replace('/p/b.yaml', range(3, 0, 4, 0))])],
        [fix('overlaps in a.conf', [replace('/p/a.conf', range(0, 4, 0, 8))])],
        [fix('overlaps in b.yaml', [replace('/p/b.yaml', range(3, 2, 3, 2), 'inserted')])],
        [fix('touches', [replace('/p/a.conf', range(0, 5, 0, 9)), replace('/p/b.yaml', range(4, 0, 4, 0), 'after')])],
      ]),
      ['first', 'touches'],
    );
  });

  it('takes one of two insertions at the same place, and a fix two findings share once', () => {
    const insertion = (title: string) => fix(title, [replace('/p/a.conf', range(2, 0, 2, 0), `${title}\n`)]);
    deepStrictEqual(titles([[insertion('one')], [insertion('two')]]), ['one']);
    const shared = fix('shared', [replace('/p/a.conf', range(0, 0, 1, 0))]);
    const findings = [0, 1].map((line) => finding('rule', 'error', '/p/a.conf', range(line, 0, line, 1), `finding ${line}`, { fixes: [shared] }));
    deepStrictEqual(
      selectSafeFixes(findings).map((selected) => selected.finding.message),
      ['finding 0'],
    );
  });

  it('leaves out anything else done to a file a fix creates', () => {
    deepStrictEqual(
      titles([[fix('create', [{ kind: 'create', file: '/p/new.conf', content: 'x\n' }])], [fix('edit it', [replace('/p/new.conf', range(0, 0, 0, 0), 'y')])]]),
      ['create'],
    );
  });

  it('asks `accept` about each fix it would take, and takes the next one when it refuses', () => {
    const findings = ['a', 'b'].map((title, line) =>
      finding('rule', 'error', '/p/a.conf', range(line, 0, line, 1), title, { fixes: [fix(title, [replace('/p/a.conf', range(0, 0, 0, 1))])] }),
    );
    deepStrictEqual(
      selectSafeFixes(findings, (selected) => selected.fix.title !== 'a').map((selected) => selected.fix.title),
      ['b'],
    );
  });
});
