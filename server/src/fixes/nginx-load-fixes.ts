import type { LoadRemedy } from '../facts/nginx-load-failure';
import type { Fix } from '../text/findings';
import type { SourceTexts } from '../inventory/inventory';
import { deletion, indentationAt } from './text-edits';

/** The fix for what stops nginx at load, when certboot is sure of it; none when the file cannot be read. */
export function loadRemedyFixes(remedy: LoadRemedy | undefined, texts: SourceTexts): Fix[] {
  if (remedy === undefined) return [];
  if (remedy.kind === 'remove-directive') {
    const text = texts.text(remedy.location.file);
    if (text === undefined) return [];
    return [
      {
        title: `Remove the duplicate \`${remedy.written}\``,
        edits: [deletion(remedy.location.file, text, remedy.location.range)],
        preferred: true,
        safe: true,
      },
    ];
  }
  const title = `Set \`server_names_hash_bucket_size ${remedy.size};\` in the http block`;
  if (remedy.value !== undefined) {
    return [
      { title, edits: [{ kind: 'replace', file: remedy.value.file, range: remedy.value.range, newText: String(remedy.size) }], preferred: true, safe: true },
    ];
  }
  const before = remedy.beforeServer;
  const text = before === undefined ? undefined : texts.text(before.file);
  const indentation = before === undefined || text === undefined ? undefined : indentationAt(text, before.range);
  if (before === undefined || indentation === undefined) return [];
  const start = before.range.start;
  return [
    {
      title,
      edits: [{ kind: 'replace', file: before.file, range: { start, end: start }, newText: `server_names_hash_bucket_size ${remedy.size};\n\n${indentation}` }],
      preferred: true,
      safe: true,
    },
  ];
}
