import { deepStrictEqual, throws } from 'node:assert';
import { applyFileEdits } from '../../../server/src/fixes/apply-edits';
import type { FileEdit } from '../../../server/src/text/findings';
import { range } from '../lint/support';

function applied(text: string, edits: FileEdit[]): string | undefined {
  return applyFileEdits(edits, () => text)[0]?.after;
}

describe('applying the edits of fixes', () => {
  it('gives new text the line break of a CRLF file, and leaves an LF file and every byte around the edits as they are', () => {
    const edit: FileEdit = { kind: 'replace', file: '/f', range: range(1, 0, 1, 0), newText: 'added;\n  more;\n' };
    deepStrictEqual(applied('a;\r\nb;\r\n', [edit]), 'a;\r\nadded;\r\n  more;\r\nb;\r\n');
    deepStrictEqual(applied('a;\nb;\n', [edit]), 'a;\nadded;\n  more;\nb;\n');
    // new text already written with CRLF is not doubled
    deepStrictEqual(applied('a;\r\nb;\r\n', [{ ...edit, newText: 'x;\r\n' }]), 'a;\r\nx;\r\nb;\r\n');
  });

  it('keeps a file without a final line break without one, and non-ASCII text around the edit', () => {
    const text = '# Zertifikat für www.bücher.example — ✓ 🔒\nssl_stapling on;';
    deepStrictEqual(
      applied(text, [{ kind: 'replace', file: '/f', range: range(1, 13, 1, 15), newText: 'off' }]),
      '# Zertifikat für www.bücher.example — ✓ 🔒\nssl_stapling off;',
    );
  });

  it('refuses overlapping edits', () => {
    throws(
      () =>
        applied('abcdef\n', [
          { kind: 'replace', file: '/f', range: range(0, 0, 0, 3), newText: '' },
          { kind: 'replace', file: '/f', range: range(0, 2, 0, 4), newText: '' },
        ]),
      /overlapping edits in \/f/,
    );
  });
});
