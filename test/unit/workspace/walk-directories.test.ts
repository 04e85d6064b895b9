import { deepStrictEqual } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { FileSystemError, type FileSystem } from '../../../server/src/workspace/file-system';
import { findFiles, walkDirectories } from '../../../server/src/workspace/text-files';

describe('walking directories by real path', () => {
  let directory: string;
  beforeEach(() => {
    directory = realpathSync(mkdtempSync(join(tmpdir(), 'certboot-walk-')));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('visits each directory once: links to the root, an ancestor or a sibling are not a second tree', () => {
    const project = join(directory, 'project');
    mkdirSync(join(project, 'nginx', 'conf.d'), { recursive: true });
    writeFileSync(join(project, 'nginx', 'conf.d', 'site.conf'), 'server {}\n');
    writeFileSync(join(project, 'compose.yaml'), 'services: {}\n');
    symlinkSync('.', join(project, 'a'));
    symlinkSync('..', join(project, 'nginx', 'up'));
    symlinkSync('nginx', join(project, 'aa-nginx'));
    const listed: string[] = [];
    walkDirectories(new DiskFileSystem([project]), project, (path) => {
      listed.push(path);
      return undefined;
    });
    deepStrictEqual(listed, [project, join(project, 'nginx'), join(project, 'nginx', 'conf.d')]);
    deepStrictEqual(
      findFiles(new DiskFileSystem([project]), project, () => true, { maximumDepth: 16 }),
      [join(project, 'compose.yaml'), join(project, 'nginx', 'conf.d', 'site.conf')],
    );
  });

  it('follows a link to a directory outside the walk that the file system may read, once', () => {
    const project = join(directory, 'project');
    const shared = join(directory, 'shared');
    mkdirSync(project);
    mkdirSync(shared);
    writeFileSync(join(shared, 'snippet.conf'), 'listen 80;\n');
    symlinkSync('../shared', join(project, 'one'));
    symlinkSync('../shared', join(project, 'two'));
    deepStrictEqual(
      findFiles(new DiskFileSystem([project, shared]), project, () => true),
      [join(project, 'one', 'snippet.conf')],
    );
    // outside the roots it is not read at all
    deepStrictEqual(
      findFiles(new DiskFileSystem([project]), project, () => true),
      [],
    );
  });

  it('reports what it cannot list, and what it takes but cannot read when asked to', () => {
    mkdirSync(join(directory, 'closed'));
    mkdirSync(join(directory, 'nginx.conf'));
    symlinkSync('loop.conf', join(directory, 'loop.conf'));
    symlinkSync('missing.conf', join(directory, 'dangling.conf'));
    const unlistable: string[] = [];
    const fileSystem = new DiskFileSystem([directory]);
    const closed = join(directory, 'closed');
    const refusing: FileSystem = {
      stat: (path: string) => fileSystem.stat(path),
      readFile: (path: string) => fileSystem.readFile(path),
      readDirectory: (path: string) => {
        if (path === closed) throw new FileSystemError('EACCES', path, `Cannot list ${path}: permission denied`);
        return fileSystem.readDirectory(path);
      },
      realPath: (path: string) => fileSystem.realPath(path),
    };
    const found = findFiles(refusing, directory, (path) => path.endsWith('.conf'), { includeUnreadable: true, onUnlistable: (path) => unlistable.push(path) });
    deepStrictEqual(found, [join(directory, 'loop.conf'), join(directory, 'nginx.conf')]);
    deepStrictEqual(unlistable, [closed]);
  });
});
