import { strictEqual } from 'node:assert';
import { applyFileEdits } from '../../../server/src/fixes/apply-edits';
import { deletion, deletions } from '../../../server/src/fixes/text-edits';
import type { Range } from '../../../server/src/text/source-location';

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

function deleted(text: string, ranges: Range[]): string {
  return applyFileEdits(deletions('/f.conf', text, ranges), () => text)[0]?.after ?? text;
}

describe('deleting text for a fix', () => {
  it('removes a line whose every directive goes, not just the directives', () => {
    const text = 'http {\n    ssl_stapling on; ssl_stapling_verify on;\n    root /srv;\n}\n';
    strictEqual(deleted(text, [range(1, 21, 1, 44), range(1, 4, 1, 20)]), 'http {\n    root /srv;\n}\n');
  });

  it('removes one directive of several on a line with the blanks after it', () => {
    const text = '    a on; b on; c on;\n';
    strictEqual(deleted(text, [range(0, 10, 0, 15)]), '    a on; c on;\n');
    strictEqual(deleted(text, [range(0, 4, 0, 9), range(0, 10, 0, 15)]), '    c on;\n');
  });

  it('removes a line with the comment after the directive, and keeps the line ending of a CRLF file', () => {
    const text = 'a;\r\n  b; # why\r\nc;\r\n';
    strictEqual(deleted(text, [range(1, 2, 1, 4)]), 'a;\r\nc;\r\n');
  });

  it('keeps the last line when the file has no final line break', () => {
    const text = 'a;\n  b;';
    strictEqual(applyFileEdits([deletion('/f.conf', text, range(1, 2, 1, 4))], () => text)[0]?.after, 'a;\n  ');
  });
});
