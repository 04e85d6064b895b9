import { deepStrictEqual, strictEqual } from 'node:assert';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixUntilStable, writeFixedFiles } from '../../../server/src/engine/lint-fixes';
import type { Finding } from '../../../server/src/text/findings';
import { LineIndex } from '../../../server/src/text/line-index';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import type { FileSystem } from '../../../server/src/workspace/file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { readTextFile } from '../../../server/src/workspace/text-files';
import { finding } from './support';

/**
 * A made-up rule for the loop: each "xx" in the files is a finding whose safe fix makes it "x",
 * so "xxx" holds two findings whose fixes overlap, and the second waits for the next round (its
 * message quotes what follows, so it is not the same finding as before).
 */
function doubledLetters(files: readonly string[]) {
  return async (fileSystem: FileSystem): Promise<Finding[]> =>
    files.flatMap((file) => {
      const text = readTextFile(fileSystem, file);
      if (text === undefined) return [];
      const lines = new LineIndex(text);
      const found: Finding[] = [];
      for (let index = text.indexOf('xx'); index >= 0; index = text.indexOf('xx', index + 1)) {
        const at = lines.rangeAt(index, index + 2);
        found.push(
          finding('doubled', 'error', file, at, `"${text.slice(index, index + 3)}" at ${index}`, {
            fixes: [{ title: 'Undouble', edits: [{ kind: 'replace', file, range: at, newText: 'x' }], safe: true }],
          }),
        );
      }
      return found;
    });
}

describe('applying the safe fixes until none is left', () => {
  it('applies the fixes that conflict in later rounds, and reports what is left', async () => {
    const base = new MemoryFileSystem({ '/p/a.conf': 'one xxx;\r\ntwo xx;\r\n', '/p/b.conf': 'clean;\n' });
    const outcome = await fixUntilStable(base, doubledLetters(['/p/a.conf', '/p/b.conf']), () => undefined);
    deepStrictEqual(
      outcome.files.map((file) => [file.file, file.before, file.after]),
      [['/p/a.conf', 'one xxx;\r\ntwo xx;\r\n', 'one x;\r\ntwo x;\r\n']],
    );
    strictEqual(outcome.applied.length, 3);
    deepStrictEqual([outcome.findings, outcome.refused, outcome.unfinished], [[], [], false]);
    // nothing is written: the base is as it was
    strictEqual(readTextFile(base, '/p/a.conf'), 'one xxx;\r\ntwo xx;\r\n');
  });

  it('refuses a fix in a file it may not edit, and one in a file that is not UTF-8 text, saying why', async () => {
    const base = new MemoryFileSystem({
      '/p/a.conf': 'xx;\n',
      '/outside/b.conf': 'xx;\n',
      '/p/latin1.conf': new Uint8Array([0x78, 0x78, 0x3b, 0x20, 0xe9, 0x0a]),
    });
    const lint = async (fileSystem: FileSystem): Promise<Finding[]> => {
      const findings = await doubledLetters(['/p/a.conf', '/outside/b.conf'])(fileSystem);
      const latin1 = {
        kind: 'replace' as const,
        file: '/p/latin1.conf',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } },
        newText: 'x',
      };
      return [
        ...findings,
        finding('doubled', 'error', '/p/latin1.conf', latin1.range, 'latin-1', { fixes: [{ title: 'Undouble', edits: [latin1], safe: true }] }),
      ];
    };
    const outcome = await fixUntilStable(base, lint, (file) => (file.startsWith('/p/') ? undefined : 'which is outside the linted paths'));
    deepStrictEqual(
      outcome.files.map((file) => [file.file, file.after]),
      [['/p/a.conf', 'x;\n']],
    );
    deepStrictEqual(
      outcome.refused.map((refusal) => [refusal.file, refusal.reason]),
      [
        ['/outside/b.conf', 'which is outside the linted paths'],
        ['/p/latin1.conf', 'which is not UTF-8 text'],
      ],
    );
    deepStrictEqual(
      outcome.findings.map((left) => left.location.file),
      ['/outside/b.conf', '/p/latin1.conf'],
    );
  });

  it('applies a fix that does not remove its finding once, and stops after the bound on rounds', async () => {
    const base = new MemoryFileSystem({ '/p/a.conf': 'a\n' });
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const stubborn = async (): Promise<Finding[]> => [
      finding('stubborn', 'warning', '/p/a.conf', at, 'always here', {
        fixes: [{ title: 'Insert', edits: [{ kind: 'replace', file: '/p/a.conf', range: at, newText: '#' }], safe: true }],
      }),
    ];
    const once = await fixUntilStable(base, stubborn, () => undefined);
    deepStrictEqual([once.files.map((file) => file.after), once.applied.length, once.unfinished], [['#a\n'], 1, false]);
    // a rule whose every fix brings a new finding never runs out of work
    const endless = async (fileSystem: FileSystem): Promise<Finding[]> => {
      const text = readTextFile(fileSystem, '/p/a.conf') ?? '';
      return [
        finding('endless', 'warning', '/p/a.conf', at, `length ${text.length}`, {
          fixes: [{ title: 'Insert', edits: [{ kind: 'replace', file: '/p/a.conf', range: at, newText: '#' }], safe: true }],
        }),
      ];
    };
    const bounded = await fixUntilStable(base, endless, () => undefined, 3);
    deepStrictEqual([bounded.files.map((file) => file.after), bounded.applied.length, bounded.unfinished], [['###a\n'], 3, true]);
  });
});

describe('writing the fixed files', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'certboot-write-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function fixed(files: string[]) {
    return fixUntilStable(new DiskFileSystem([directory]), doubledLetters(files), () => undefined);
  }

  it('keeps the byte order mark, the mode, and every other byte, and leaves no temporary file', async () => {
    const file = join(directory, 'site.conf');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# für ✓\r\nxx on;\r\nend;', 'utf8')]));
    chmodSync(file, 0o640);
    const outcome = await fixed([file]);
    deepStrictEqual(writeFixedFiles(outcome.files), []);
    deepStrictEqual(readFileSync(file), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# für ✓\r\nx on;\r\nend;', 'utf8')]));
    strictEqual(statSync(file).mode & 0o7777, 0o640);
    deepStrictEqual(readdirSync(directory), ['site.conf']);
  });

  it('writes through a link to the file it leads to, and keeps the link', async () => {
    const target = join(directory, 'sites-available-default');
    const link = join(directory, 'default');
    writeFileSync(target, 'xx;\n');
    symlinkSync('sites-available-default', link);
    const outcome = await fixed([link]);
    deepStrictEqual(writeFixedFiles(outcome.files), []);
    strictEqual(readFileSync(target, 'utf8'), 'x;\n');
    strictEqual(readdirSync(directory).sort().join(' '), 'default sites-available-default');
    strictEqual(lstatSync(link).isSymbolicLink(), true);
  });

  it('leaves a file that changed on disk since it was read as it is, and says so', async () => {
    const file = join(directory, 'site.conf');
    writeFileSync(file, 'xx;\n');
    const outcome = await fixed([file]);
    writeFileSync(file, 'xx; # edited meanwhile\n');
    deepStrictEqual(writeFixedFiles(outcome.files), [{ file, message: `${file} changed while certboot was fixing it; it is left as it is` }]);
    strictEqual(readFileSync(file, 'utf8'), 'xx; # edited meanwhile\n');
    deepStrictEqual(readdirSync(directory), ['site.conf']);
  });
});
