import { strictEqual } from 'node:assert';
import { applyFileEdits } from '../../../server/src/fixes/apply-edits';
import { unifiedDiff } from '../../../server/src/fixes/unified-diff';

describe('unified diff', () => {
  it('writes a creation as a diff from /dev/null', () => {
    strictEqual(unifiedDiff('a/x', 'b/x', undefined, 'one\ntwo\n'), '--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+one\n+two\n');
  });

  it('keeps three lines of context and merges close hunks', () => {
    const before = `${['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16'].join('\n')}\n`;
    const after = before.replace('2\n', 'two\n').replace('4\n', 'four\n').replace('15\n', '');
    strictEqual(
      unifiedDiff('a/f', 'b/f', before, after),
      [
        '--- a/f',
        '+++ b/f',
        '@@ -1,7 +1,7 @@',
        ' 1',
        '-2',
        '+two',
        ' 3',
        '-4',
        '+four',
        ' 5',
        ' 6',
        ' 7',
        '@@ -12,5 +12,4 @@',
        ' 12',
        ' 13',
        ' 14',
        '-15',
        ' 16',
        '',
      ].join('\n'),
    );
  });

  it('marks a last line without a line break', () => {
    strictEqual(unifiedDiff('a/f', 'b/f', 'a\nb', 'a\nc\n'), '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n');
    strictEqual(unifiedDiff('a/f', 'b/f', 'same\n', 'same\n'), '');
  });

  it('names the line before an insertion into an empty range', () => {
    strictEqual(unifiedDiff('a/f', 'b/f', 'a\n', 'a\nb\n', 0), '--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+b\n');
  });
});

describe('applying edits', () => {
  it('applies non-overlapping ranges against the original text, in order', () => {
    const [file] = applyFileEdits(
      [
        { kind: 'replace', file: '/f', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: 'TWO' },
        { kind: 'replace', file: '/f', range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } }, newText: '!' },
      ],
      () => 'one\ntwo\n',
    );
    strictEqual(file?.after, 'one!\nTWO\n');
  });
});
