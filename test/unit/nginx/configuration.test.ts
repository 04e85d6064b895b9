import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainContext } from '../../../server/src/languages/nginx/analyzer';
import { includeCycleOutcome, loadNginxConfiguration, type ParsedNginxFile, readConfigurationFile } from '../../../server/src/languages/nginx/configuration';
import { parseNginx } from '../../../server/src/languages/nginx/parser';
import type { NginxFile } from '../../../server/src/languages/nginx/syntax-tree';
import { RoundCache } from '../../../server/src/workspace/round-cache';
import { toCrossplanePayload } from '../../../server/src/languages/nginx/crossplane-payload';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

function messages(configuration: ReturnType<typeof loadNginxConfiguration>): [string, string, number][] {
  return configuration.files.flatMap((file) => file.errors.map((error): [string, string, number] => [file.displayPath, error.message, error.line]));
}

describe('nginx configuration loading (includes)', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-config-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('resolves includes against the main file directory, sorts globs, accepts an empty glob, reports a missing file', () => {
    const fileSystem = new MemoryFileSystem({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites/*.conf;\n    include missing.conf;\n}\n',
      '/etc/nginx/conf.d/b.conf': 'server { listen 81; }\n',
      '/etc/nginx/conf.d/a.conf': 'server { listen 80; include snippets/acme.conf; }\n',
      '/etc/nginx/conf.d/.hidden.conf': 'server { listen 82; }\n',
      '/etc/nginx/snippets/acme.conf': 'location ^~ /.well-known/acme-challenge/ { root /var/www/certbot; }\n',
    });
    const configuration = loadNginxConfiguration(fileSystem, '/etc/nginx/nginx.conf');
    deepStrictEqual(
      configuration.files.map((file) => [file.path, file.context]),
      [
        ['/etc/nginx/nginx.conf', []],
        ['/etc/nginx/conf.d/a.conf', ['http']],
        ['/etc/nginx/conf.d/b.conf', ['http']],
        ['/etc/nginx/snippets/acme.conf', ['http', 'server']],
      ],
    );
    deepStrictEqual(messages(configuration), [['/etc/nginx/nginx.conf', 'open() "/etc/nginx/missing.conf" failed (2: No such file or directory)', 5]]);
    const missing = configuration.files[0].errors[0];
    deepStrictEqual(missing.span.toRange(), { start: { line: 4, character: 12 }, end: { line: 4, character: 24 } });
  });

  it('reports an include cycle once, at the include that closes it, and prints a finite combined payload', () => {
    const fileSystem = new MemoryFileSystem({
      '/c/nginx.conf': 'http { include a.conf; }\n',
      '/c/a.conf': 'include b.conf;\n',
      '/c/b.conf': 'server { include a.conf; }\n',
    });
    const configuration = loadNginxConfiguration(fileSystem, '/c/nginx.conf', { displayPath: 'nginx.conf' });
    deepStrictEqual(messages(configuration), [['b.conf', `include cycle: a.conf → b.conf → a.conf; ${includeCycleOutcome}`, 1]]);
    const combined = toCrossplanePayload(configuration, { combine: true });
    deepStrictEqual(JSON.parse(JSON.stringify(combined.config[0].parsed)), [
      {
        file: 'nginx.conf',
        directive: 'http',
        line: 1,
        args: [],
        block: [{ file: 'b.conf', directive: 'server', line: 1, args: [], block: [] }],
      },
    ]);
  });

  it('reports files that all include each other once: one report for the 50 files of one glob', () => {
    // before: every pair of the 50 files closed a cycle of its own, 1,275 reports of up to 51 names; then one self-include each
    const files: Record<string, string> = { '/c/nginx.conf': 'include d/*.conf;\n' };
    const names = Array.from({ length: 50 }, (_, index) => `d/f${String(index).padStart(2, '0')}.conf`);
    for (const name of names) files[`/c/${name}`] = 'include d/*.conf;\n';
    const configuration = loadNginxConfiguration(new MemoryFileSystem(files), '/c/nginx.conf', { displayPath: 'nginx.conf' });
    deepStrictEqual(messages(configuration), [[names[0], `include cycle: ${names[0]} → ${names[0]}; ${includeCycleOutcome}`, 1]]);
  });

  it('reports two cycles that share no file, and not a third through a file of the first', () => {
    const fileSystem = new MemoryFileSystem({
      '/c/nginx.conf': 'include a.conf;\ninclude d.conf;\n',
      '/c/a.conf': 'include b.conf;\ninclude c.conf;\n',
      '/c/b.conf': 'include a.conf;\n',
      '/c/c.conf': 'include a.conf;\n',
      '/c/d.conf': 'include d.conf;\n',
    });
    const configuration = loadNginxConfiguration(fileSystem, '/c/nginx.conf', { displayPath: 'nginx.conf' });
    deepStrictEqual(messages(configuration), [
      ['d.conf', `include cycle: d.conf → d.conf; ${includeCycleOutcome}`, 1],
      ['b.conf', `include cycle: a.conf → b.conf → a.conf; ${includeCycleOutcome}`, 1],
    ]);
  });

  it('parses a glob matching 10,000 files, and refuses one over the limit with a clear error', () => {
    const sites = join(directory, 'sites');
    mkdirSync(sites);
    for (let index = 0; index < 10_000; index++)
      writeFileSync(join(sites, `site${String(index).padStart(5, '0')}.conf`), `server { server_name s${index}; }\n`);
    writeFileSync(join(directory, 'nginx.conf'), 'http { include sites/*.conf; }\n');
    const fileSystem = new DiskFileSystem([directory]);
    const all = loadNginxConfiguration(fileSystem, join(directory, 'nginx.conf'));
    strictEqual(all.files.length, 10_001);
    strictEqual(all.files[10_000].path, join(sites, 'site09999.conf'));
    deepStrictEqual(messages(all), []);
    const limited = loadNginxConfiguration(fileSystem, join(directory, 'nginx.conf'), { maximumFiles: 1000 });
    strictEqual(limited.files.length, 1);
    deepStrictEqual(messages(limited), [[join(directory, 'nginx.conf'), 'include "sites/*.conf" matches more than 1000 files; none of them were read', 1]]);
  });

  it('stops at symlink loops and never reads outside the allowed roots', () => {
    const project = join(directory, 'project');
    mkdirSync(join(project, 'loop'), { recursive: true });
    symlinkSync(join(project, 'loop'), join(project, 'loop', 'again'));
    symlinkSync('self.conf', join(project, 'self.conf'));
    writeFileSync(join(directory, 'secret.conf'), 'user root;\n');
    symlinkSync(join(directory, 'secret.conf'), join(project, 'escape.conf'));
    writeFileSync(join(project, 'nginx.conf'), 'include loop/*/*/*/*.conf;\ninclude self.conf;\ninclude escape.conf;\ninclude ../secret.conf;\n');
    const configuration = loadNginxConfiguration(new DiskFileSystem([project]), join(project, 'nginx.conf'), { displayPath: 'nginx.conf' });
    strictEqual(configuration.files.length, 1);
    deepStrictEqual(messages(configuration), [
      ['nginx.conf', `open() "${join(project, 'self.conf')}" failed (40: Too many levels of symbolic links)`, 2],
      ['nginx.conf', `${join(project, 'escape.conf')} is outside the workspace`, 3],
      ['nginx.conf', `${join(directory, 'secret.conf')} is outside the workspace`, 4],
    ]);
  });

  it('refuses binary files and files over the size limit with a clear error, without parsing them', () => {
    writeFileSync(join(directory, 'nginx.conf'), 'include binary.conf;\ninclude huge.conf;\n');
    writeFileSync(join(directory, 'binary.conf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x7b]));
    writeFileSync(join(directory, 'huge.conf'), Buffer.alloc(50 * 1024 * 1024, 'server { listen 80; }\n'));
    const configuration = loadNginxConfiguration(new DiskFileSystem([directory]), join(directory, 'nginx.conf'), { displayPath: 'nginx.conf' });
    deepStrictEqual(messages(configuration), [
      ['binary.conf', 'binary file (it contains NUL bytes); not an nginx configuration', 1],
      ['huge.conf', 'file is 52428800 bytes, over the 16777216-byte limit for an nginx configuration; not read', 1],
    ]);
    ok(configuration.files.every((file) => file.syntax.directives.length === 0 || file.displayPath === 'nginx.conf'));
  });
});

describe('readConfigurationFile with the parses of the last analysis', () => {
  it('parses a file again from its earlier parse after an edit inside one argument, and from scratch after any other', () => {
    const path = '/etc/nginx/nginx.conf';
    const files = new MemoryFileSystem({ [path]: '# the site\nevents {}\nhttp { server { listen 80; root /srv/a; } }\n' });
    const parsed = new RoundCache<ParsedNginxFile>();
    const read = (): NginxFile => readConfigurationFile(files, path, { context: mainContext, parsed });
    const first = read();
    parsed.nextRound();
    files.writeFile(path, '# the site\nevents {}\nhttp { server { listen 80; root /srv/abc; } }\n');
    const edited = read();
    // the earlier parse's comments are kept: the tree was not read again from the start
    strictEqual(edited.comments, first.comments);
    deepStrictEqual(
      JSON.parse(JSON.stringify(edited)),
      JSON.parse(JSON.stringify(parseNginx(new TextDecoder().decode(files.readFile(path)), path, { context: mainContext }))),
    );
    parsed.nextRound();
    files.writeFile(path, '# the site\nevents {}\nhttp { server { listen 80; root /srv/abc /srv/d; } }\n');
    const another = read();
    ok(another.comments !== edited.comments);
    deepStrictEqual(
      another.errors.map((error) => error.message),
      ['invalid number of arguments in "root" directive'],
    );
  });
});
