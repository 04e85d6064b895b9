import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { applyLintConfiguration, emptyLintConfiguration, findLintConfigurationFile, loadLintConfigurationFile } from '../../server/src/engine/lint-config';
import { applySuppressions, suppressibleFiles } from '../../server/src/engine/suppressions';
import { applyFileEdits, type EditedFile } from '../../server/src/fixes/apply-edits';
import { unifiedDiff } from '../../server/src/fixes/unified-diff';
import { readComposeFile } from '../../server/src/languages/compose/yaml-reader';
import { parseJsonDocument } from '../../server/src/languages/json/json-document';
import { parseNginx } from '../../server/src/languages/nginx/parser';
import { initializeShellParser, parseShell } from '../../server/src/languages/shell/shell-parser';
import { initializeTerraformParser, parseHcl } from '../../server/src/languages/terraform/hcl-parser';
import type { FileEdit, Finding, Fix } from '../../server/src/text/findings';
import { LineIndex } from '../../server/src/text/line-index';
import type { Position } from '../../server/src/text/source-location';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import type { FileSystem } from '../../server/src/workspace/file-system';
import { MemoryFileSystem } from '../../server/src/workspace/memory-file-system';
import { OverlayFileSystem } from '../../server/src/workspace/overlay-file-system';
import { readTextFile } from '../../server/src/workspace/text-files';
import { fixturesRoot } from '../support/paths';

// Every rule has fixture projects on disk under test/fixtures/rules/<rule-id>/: a `good-` project
// (a working setup, the known-good patterns of RULES.md) reports nothing for that rule; any other
// reports exactly what its expected.json holds (messages, ranges, related locations, fixes), after
// the project's certboot.json and suppression comments are applied, as `certboot lint` reports it.
//
// Each fix of a bad fixture is then applied on its own, in memory: the files it edits must still
// parse, a safe fix must make its finding go away without a new error in its place, and what it
// writes must equal expected.fixes.diff beside expected.json, which a reviewer reads to see what
// the fixes do. `UPDATE_FIXTURES=1 npm test` rewrites those diffs; a plain run only compares.
interface ExpectedFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: Finding['location']['range'];
  related: { file: string; range: Finding['location']['range']; message: string }[];
  fixes: Finding['fixes'];
}

function relativeTo(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

function comparable(finding: Finding, root: string): ExpectedFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: relativeTo(root, finding.location.file),
    range: finding.location.range,
    related: finding.related.map((related) => ({ file: relativeTo(root, related.file), range: related.range, message: related.message })),
    fixes: finding.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => ({ ...edit, file: relativeTo(root, edit.file) })),
    })),
  };
}

const rulesRoot = join(fixturesRoot, 'rules');

/** What `certboot lint DIRECTORY` reports: suppression comments applied (unused-suppression runs then). */
async function lintDirectory(fileSystem: FileSystem, directory: string): Promise<{ findings: Finding[]; internalErrors: readonly unknown[] }> {
  const configurationFile = findLintConfigurationFile(fileSystem, directory, directory);
  const configuration = configurationFile ? loadLintConfigurationFile(fileSystem, configurationFile) : undefined;
  deepStrictEqual(configuration?.problems ?? [], []);
  const sharedHosts = configuration?.configuration.sharedHosts;
  const analysis = await analyzeWorkspace(fileSystem, directory, sharedHosts ? { sharedHosts } : {});
  const findings = applyLintConfiguration(
    applySuppressions(analysis.findings, fileSystem, suppressibleFiles(fileSystem, directory)),
    configuration?.configuration ?? emptyLintConfiguration,
  );
  return { findings, internalErrors: analysis.internalErrors };
}
const fixesDiffName = 'expected.fixes.diff';
const updating = process.env.UPDATE_FIXTURES === '1';

function isCronFile(path: string): boolean {
  const name = posix.basename(path);
  const directory = posix.basename(posix.dirname(path));
  return name === 'crontab' || name.endsWith('.cron') || directory === 'cron.d' || directory === 'crontabs';
}

/** The errors of a crontab: each schedule line keeps its five time fields (or `@daily`) and a command that parses. */
function cronErrors(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#') || /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) return [];
    const schedule = /^\s*(@\w+|(\S+\s+){4}\S+)\s+/.exec(line);
    if (!schedule) return [`line ${index + 1} is no schedule`];
    return parseShell(line.slice(schedule[0].length)).errors.map((error) => `line ${index + 1}: ${error.message}`);
  });
}

/**
 * The syntax errors of a file a fix wrote, read by the project's own parser for its language: a
 * fix must never turn a file the tools accept into one they reject. A file in no language known
 * here fails, so a fix to a new kind of file comes with its check.
 */
function syntaxErrors(file: EditedFile): string[] {
  const path = file.file;
  const text = file.after;
  const name = posix.basename(path);
  if (path.endsWith('.tf')) return parseHcl(text).errors.map((error) => error.message);
  if (path.endsWith('.json')) {
    try {
      parseJsonDocument(text);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  }
  if (path.endsWith('.yml') || path.endsWith('.yaml')) {
    const read = readComposeFile(new MemoryFileSystem({ [path]: text }), path, () => undefined, posix.dirname(path));
    return read.diagnostics.filter((diagnostic) => diagnostic.code === 'yaml-syntax').map((diagnostic) => diagnostic.message);
  }
  if (path.endsWith('.sh') || text.startsWith('#!')) return parseShell(text).errors.map((error) => error.message);
  if (isCronFile(path)) return cronErrors(text);
  if (name.endsWith('.conf') || name.endsWith('.conf.template') || name.endsWith('.nginx')) {
    return parseNginx(text, path).errors.map((error) => `${error.span.startLine + 1}:${error.span.startCharacter + 1} ${error.message}`);
  }
  return [`no syntax check for ${path}: add its language to syntaxErrors()`];
}

/**
 * Where a position of a file before a fix stands after it, as "line:character": moved by the
 * edits before it, at the start of the new text when an edit replaced it.
 */
function positionMapper(edits: readonly FileEdit[], files: readonly EditedFile[]): (file: string, position: Position) => string {
  return (file, position) => {
    const edited = files.find((candidate) => candidate.file === file);
    if (edited?.before === undefined) return `${position.line}:${position.character}`;
    const lines = new LineIndex(edited.before);
    const offset = lines.offsetAt(position);
    const spans = edits
      .flatMap((edit) => (edit.kind === 'replace' && edit.file === file ? [edit] : []))
      .map((edit) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), length: edit.newText.length }))
      .sort((left, right) => left.start - right.start);
    let shift = 0;
    let mapped: number | undefined;
    for (const span of spans) {
      if (offset < span.start || (offset === span.start && span.end === span.start)) break;
      if (offset < span.end) {
        mapped = span.start + shift;
        break;
      }
      shift += span.length - (span.end - span.start);
    }
    const { line, character } = new LineIndex(edited.after).positionAt(mapped ?? offset + shift);
    return `${line}:${character}`;
  };
}

/**
 * Whether a finding after a fix is one of those before it: the same rule and message, or the
 * same rule at the same place once the fix's edits are accounted for (a message may name what the
 * fix changed, a line the fix moved, or count what is left).
 */
function sameFinding(previous: Finding, current: Finding, where: (file: string, position: Position) => string): boolean {
  if (previous.ruleId !== current.ruleId) return false;
  if (previous.message === current.message) return true;
  const { line, character } = current.location.range.start;
  return previous.location.file === current.location.file && where(previous.location.file, previous.location.range.start) === `${line}:${character}`;
}

function describeFix(finding: Finding, fix: Fix, index: number, root: string): string {
  const { line, character } = finding.location.range.start;
  const where = `${relativeTo(root, finding.location.file)}:${line + 1}:${character + 1}`;
  return `# ${finding.ruleId} at ${where}, fix ${index + 1} of ${finding.fixes.length}${fix.safe ? ' (safe)' : ''}: ${fix.title}\n`;
}

/**
 * Applies each fix of the fixture's findings on its own and checks what it writes; resolves with
 * the readable record of all of them, the content of expected.fixes.diff.
 */
async function checkFixes(directory: string, findings: readonly Finding[], allFindings: readonly Finding[]): Promise<string> {
  const disk = new DiskFileSystem([directory]);
  let record = '';
  for (const finding of findings) {
    for (const [index, fix] of finding.fixes.entries()) {
      const title = `${finding.ruleId}: ${fix.title}`;
      ok(fix.edits.length > 0, `${title}: the fix edits nothing`);
      const files = applyFileEdits(fix.edits, (file) => readTextFile(disk, file));
      record += `${record === '' ? '' : '\n'}${describeFix(finding, fix, index, directory)}`;
      const overlay = new OverlayFileSystem(disk);
      for (const file of files) {
        const name = relativeTo(directory, file.file);
        ok(file.after !== file.before, `${title}: ${name} is left as it was`);
        deepStrictEqual(syntaxErrors(file), [], `${title}: ${name} no longer parses`);
        overlay.set(file.file, file.after);
        record += unifiedDiff(`a/${name}`, `b/${name}`, file.before, file.after);
      }
      if (!fix.safe) continue;
      const again = await lintDirectory(overlay, directory);
      deepStrictEqual(again.internalErrors, []);
      const where = positionMapper(fix.edits, files);
      const left = again.findings.filter((other) => sameFinding(finding, other, where));
      deepStrictEqual(
        left.map((other) => other.message),
        [],
        `${title}: the safe fix leaves its finding`,
      );
      const newErrors = again.findings.filter((other) => other.severity === 'error' && !allFindings.some((previous) => sameFinding(previous, other, where)));
      deepStrictEqual(
        newErrors.map((other) => `${other.ruleId}: ${other.message}`),
        [],
        `${title}: the safe fix brings a new error`,
      );
    }
  }
  return record;
}

/** Scripts stay as they are: bash reads a CR as part of the word before it, so a CRLF script is broken anyway. */
function runsAsShell(path: string, bytes: Buffer): boolean {
  return path.endsWith('.sh') || isCronFile(path) || bytes.subarray(0, 2).toString() === '#!';
}

/** A copy of the fixture with CRLF line breaks, as a checkout on Windows has it (scripts and binary files left alone). */
function crlfCopy(directory: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'certboot-crlf-'));
  const walk = (from: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const path = join(from, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const target = join(copy, relative(directory, path));
      mkdirSync(dirname(target), { recursive: true });
      const bytes = readFileSync(path);
      const binary = bytes.includes(0);
      writeFileSync(target, binary || runsAsShell(path, bytes) ? bytes : bytes.toString('utf8').replace(/\r?\n/g, '\r\n'));
    }
  };
  walk(directory);
  return copy;
}

/** Rules that offer no fix in a CRLF file, rather than one that would mix line breaks. */
const noFixInCrlf = new Set(['renewal-without-reload']);

/**
 * The rule on the fixture with CRLF line breaks reports the same findings, and each fix writes
 * what it writes on the LF fixture, with CRLF line breaks: no fix may split a CRLF pair or mix in
 * a bare LF.
 */
async function checkCrlf(ruleId: string, directory: string, findings: readonly Finding[]): Promise<void> {
  const copy = crlfCopy(directory);
  try {
    const disk = new DiskFileSystem([directory]);
    const copyDisk = new DiskFileSystem([copy]);
    const analysis = await lintDirectory(copyDisk, copy);
    const crlfFindings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
    const summary = (list: readonly Finding[], root: string) =>
      list.map((finding) => [finding.message, relativeTo(root, finding.location.file), finding.location.range.start]);
    deepStrictEqual(summary(crlfFindings, copy), summary(findings, directory));
    for (const [index, finding] of findings.entries()) {
      const crlfFixes = crlfFindings[index]?.fixes ?? [];
      const titles = noFixInCrlf.has(ruleId) && crlfFixes.length === 0 ? [] : finding.fixes.map((fix) => fix.title);
      deepStrictEqual(
        crlfFixes.map((fix) => fix.title),
        titles,
      );
      for (const [fixIndex, crlfFix] of crlfFixes.entries()) {
        const lf = applyFileEdits(finding.fixes[fixIndex]?.edits ?? [], (file) => readTextFile(disk, file));
        const crlf = applyFileEdits(crlfFix.edits, (file) => readTextFile(copyDisk, file));
        deepStrictEqual(
          crlf.map((file) => [relativeTo(copy, file.file), file.after]),
          lf.map((file) => [
            relativeTo(directory, file.file),
            runsAsShell(file.file, readFileSync(file.file)) ? file.after : file.after.replace(/\r?\n/g, '\r\n'),
          ]),
          `${ruleId}: ${crlfFix.title}: the fix writes otherwise in a CRLF file`,
        );
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

describe('rules on fixture projects', () => {
  before(async () => {
    await initializeShellParser();
    await initializeTerraformParser();
  });

  for (const ruleId of readdirSync(rulesRoot).sort()) {
    describe(ruleId, () => {
      // that each rule has a bad and a good fixture is checked by rule-registry.test.ts, over the registry
      const cases = readdirSync(join(rulesRoot, ruleId)).sort();
      for (const name of cases) {
        const directory = join(rulesRoot, ruleId, name);
        it(name, async () => {
          const analysis = await lintDirectory(new DiskFileSystem([directory]), directory);
          deepStrictEqual(analysis.internalErrors, []);
          const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
          const actual = findings.map((finding) => comparable(finding, directory));
          if (name.startsWith('good-')) {
            deepStrictEqual(actual, []);
            return;
          }
          const expectedPath = join(directory, 'expected.json');
          ok(existsSync(expectedPath), `${expectedPath} is missing`);
          const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as ExpectedFinding[];
          ok(expected.length > 0, 'a bad-* fixture must expect findings');
          deepStrictEqual(actual, expected);

          await checkCrlf(ruleId, directory, findings);
          const record = await checkFixes(directory, findings, analysis.findings);
          const diffPath = join(directory, fixesDiffName);
          if (updating) {
            if (record === '') rmSync(diffPath, { force: true });
            else writeFileSync(diffPath, record);
            return;
          }
          if (record === '') {
            ok(!existsSync(diffPath), `${diffPath} is left over: no finding here has a fix`);
            return;
          }
          ok(existsSync(diffPath), `${diffPath} is missing: run UPDATE_FIXTURES=1 npm test and review it`);
          strictEqual(record, readFileSync(diffPath, 'utf8'), `${diffPath} differs from what the fixes write`);
        });
      }
    });
  }
});
