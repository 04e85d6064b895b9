import type { FileEdit } from '../text/findings';
import { LineIndex } from '../text/line-index';

/** A file after the edits: its new text, and whether the edits create it. */
export interface EditedFile {
  readonly file: string;
  /** undefined when the file did not exist before. */
  readonly before: string | undefined;
  readonly after: string;
}

/** The line break a text uses: its first one, "\n" when it has none. */
function lineBreakOf(text: string): string {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Applies edits as an editor applies a WorkspaceEdit: ranges refer to the text before any edit,
 * and must not overlap. New text takes the file's line break, as an editor writes it, so a CRLF
 * file stays CRLF. Files come out in the order the edits first name them.
 */
export function applyFileEdits(edits: readonly FileEdit[], read: (file: string) => string | undefined): EditedFile[] {
  const files = new Map<string, FileEdit[]>();
  for (const edit of edits) files.set(edit.file, [...(files.get(edit.file) ?? []), edit]);
  return [...files].map(([file, fileEdits]) => {
    const created = fileEdits.find((edit) => edit.kind === 'create');
    if (created?.kind === 'create') return { file, before: undefined, after: created.content };
    const before = read(file);
    if (before === undefined) throw new Error(`cannot edit ${file}: it cannot be read`);
    const lines = new LineIndex(before);
    const crlf = lineBreakOf(before) === '\r\n';
    const spans = fileEdits
      .flatMap((edit) =>
        edit.kind === 'replace'
          ? [
              {
                start: lines.offsetAt(edit.range.start),
                end: lines.offsetAt(edit.range.end),
                text: crlf ? edit.newText.replace(/\r?\n/g, '\r\n') : edit.newText,
              },
            ]
          : [],
      )
      .sort((left, right) => left.start - right.start || left.end - right.end);
    let after = '';
    let cursor = 0;
    for (const span of spans) {
      if (span.start < cursor) throw new Error(`overlapping edits in ${file}`);
      after += before.slice(cursor, span.start) + span.text;
      cursor = span.end;
    }
    return { file, before, after: after + before.slice(cursor) };
  });
}
