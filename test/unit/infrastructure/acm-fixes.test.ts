import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/core/analyze-workspace';
import { parseTemplateText } from '../../../server/src/core/cloudformation/template';
import type { FileEdit } from '../../../server/src/core/findings';
import type { Position } from '../../../server/src/core/source-location';
import { initializeTerraformParser, parseHcl } from '../../../server/src/core/terraform/hcl-parser';
import { MemoryFileSystem } from '../../../server/src/core/workspace/memory-file-system';
import { fixturesRoot } from '../../support/paths';

const ruleIds = ['acm-email-validation', 'acm-validation-missing', 'acm-replace-without-create-before-destroy'];
const root = '/project';

function filesOf(directory: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) Object.assign(files, filesOf(path, `${prefix}${name}/`));
    else if (name !== 'expected.json') files[`${root}/${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return files;
}

function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + position.character;
}

/** Applies one file's replace edits from the last to the first, as an editor does. */
function applyEdits(files: Record<string, string>, edits: readonly FileEdit[]): Record<string, string> {
  const result = { ...files };
  for (const edit of edits) if (edit.kind === 'create') result[edit.file] = edit.content;
  const replacements = edits.flatMap((edit) => (edit.kind === 'replace' ? [edit] : []));
  for (const file of new Set(replacements.map((edit) => edit.file))) {
    const text = result[file] ?? '';
    const ordered = replacements
      .filter((edit) => edit.file === file)
      .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
      .sort((first, second) => second.start - first.start);
    ordered.forEach((edit, index) => assert.ok(index === 0 || edit.end <= (ordered[index - 1]?.start ?? 0), `edits of ${file} overlap`));
    result[file] = ordered.reduce((current, edit) => current.slice(0, edit.start) + edit.newText + current.slice(edit.end), text);
  }
  return result;
}

function assertParses(path: string, text: string): void {
  if (path.endsWith('.tf')) assert.deepEqual(parseHcl(text).errors, [], `${path}:\n${text}`);
  else if (/\.(ya?ml|json)$/.test(path)) assert.deepEqual(parseTemplateText(text, path.endsWith('.json') ? 'json' : 'yaml').errors, [], `${path}:\n${text}`);
}

describe('ACM quick fixes', () => {
  before(() => initializeTerraformParser());

  for (const ruleId of ruleIds) {
    const directory = join(fixturesRoot, 'rules', ruleId);
    for (const name of readdirSync(directory).filter((candidate) => candidate.startsWith('bad-'))) {
      it(`${ruleId}/${name}: the fix parses again and silences the rule`, async () => {
        const files = filesOf(join(directory, name));
        const before = await analyzeWorkspace(new MemoryFileSystem(files), root);
        const findings = before.findings.filter((finding) => finding.ruleId === ruleId);
        assert.ok(findings.length > 0);
        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const fixed = applyEdits(files, fix.edits);
            for (const edit of fix.edits) assertParses(edit.file, fixed[edit.file] ?? '');
            const after = await analyzeWorkspace(new MemoryFileSystem(fixed), root);
            assert.deepEqual(after.internalErrors, []);
            assert.deepEqual(
              after.findings.filter((candidate) => candidate.ruleId === ruleId).map((candidate) => candidate.message),
              [],
              Object.entries(fixed)
                .map(([path, text]) => `${path}:\n${text}`)
                .join('\n'),
            );
          }
        }
      });
    }
  }
});
