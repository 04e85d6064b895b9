import { deepStrictEqual, strictEqual } from 'node:assert';
import { lstatSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { findRepositoryRoot, FreshClone, type FreshCloneResult, freshCloneState } from '../../../server/src/workspace/fresh-clone';
import { describeIgnoreRule, GitIgnore } from '../../../server/src/workspace/git-ignore';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { CountingFileSystem, git, temporaryRepository } from './support';

/** A deployment repository with the shapes that break first boots. */
const deployment: Record<string, string> = {
  '.gitignore': 'certbot/conf/\n.env\ndata/*\n!data/.gitkeep\n*.tmp\nignored-link\n',
  'compose.yaml': 'services: {}\n',
  '.env': 'DOMAIN=example.org\n',
  'nginx/conf.d/default.conf': 'server { listen 80; }\n',
  'certbot/conf/live/example.org/fullchain.pem': 'certificate\n',
  'certbot/www/': '',
  'certbot/www-nested/.well-known/acme-challenge/': '',
  'data/.gitkeep': '',
  'data/db.sqlite': 'rows\n',
  'cache/a.tmp': '',
  'cache/b/c.tmp': '',
  'self-ignoring/.gitignore': '*\n',
  'self-keeping/.gitignore': '*\n!.gitignore\n',
  'deep/a/b/c/file.txt': 'found breadth first\n',
  'vendor/lib/.git/HEAD': 'ref: refs/heads/main\n',
  'vendor/lib/readme': 'a separate clone\n',
};

describe('fresh clone states on a real repository', () => {
  let repository: { root: string; dispose(): void };
  let fileSystem: DiskFileSystem;
  let gitIgnore: GitIgnore;
  const state = (path: string, maximumEntries?: number): FreshCloneResult =>
    freshCloneState(fileSystem, gitIgnore, join(repository.root, path), { maximumEntries });

  before(() => {
    repository = temporaryRepository(deployment);
    symlinkSync('/etc', join(repository.root, 'host-certs'));
    symlinkSync('/etc', join(repository.root, 'ignored-link'));
    // the container holds the repository and git's home, so a path beside the repository is readable
    fileSystem = new DiskFileSystem([dirname(repository.root)]);
    gitIgnore = GitIgnore.load(fileSystem, repository.root);
  });

  after(() => repository.dispose());

  it('finds committed files and directories present', () => {
    deepStrictEqual(state('compose.yaml'), { state: 'present', reason: 'not-ignored', kind: 'file' });
    deepStrictEqual(state('nginx/conf.d'), { state: 'present', reason: 'not-ignored', kind: 'directory' });
    deepStrictEqual(state('data'), { state: 'present', reason: 'not-ignored', kind: 'directory' });
    deepStrictEqual(state('deep'), { state: 'present', reason: 'not-ignored', kind: 'directory' });
    deepStrictEqual(state('self-keeping'), { state: 'present', reason: 'not-ignored', kind: 'directory' });
    deepStrictEqual(state(''), { state: 'present', reason: 'repository-root', kind: 'directory' });
  });

  it('explains an ignored path with the .gitignore line', () => {
    const result = state('certbot/conf');
    strictEqual(result.state, 'absent');
    strictEqual(result.reason, 'ignored');
    if (result.reason !== 'ignored') return;
    strictEqual(describeIgnoreRule(result.ignoredBy.rule!, repository.root), '.gitignore:1');
    strictEqual(result.ignoredBy.rule?.pattern, 'certbot/conf/');
  });

  it('explains a path inside an ignored directory with the directory', () => {
    const result = state('certbot/conf/live/example.org/fullchain.pem');
    strictEqual(result.reason, 'ignored');
    if (result.reason !== 'ignored') return;
    strictEqual(result.ignoredBy.matchedPath, join(repository.root, 'certbot/conf'));
  });

  it('finds ignored and missing files absent', () => {
    strictEqual(state('.env').reason, 'ignored');
    strictEqual(state('data/db.sqlite').reason, 'ignored');
    deepStrictEqual(state('certbot/conf/options-ssl-nginx.conf'), { state: 'absent', reason: 'missing' });
    deepStrictEqual(state('no/such/directory'), { state: 'absent', reason: 'missing' });
  });

  it('finds a directory with nothing committable absent, because git stores no directories', () => {
    deepStrictEqual(state('certbot/www'), { state: 'absent', reason: 'no-committable-files', kind: 'directory', ignoredBy: undefined });
    deepStrictEqual(state('certbot/www-nested'), { state: 'absent', reason: 'no-committable-files', kind: 'directory', ignoredBy: undefined });
    const certbot = state('certbot');
    strictEqual(certbot.reason, 'no-committable-files');
    if (certbot.reason !== 'no-committable-files') return;
    strictEqual(certbot.ignoredBy?.matchedPath, join(repository.root, 'certbot/conf'));
    const selfIgnoring = state('self-ignoring');
    strictEqual(selfIgnoring.reason, 'no-committable-files');
    if (selfIgnoring.reason !== 'no-committable-files') return;
    strictEqual(describeIgnoreRule(selfIgnoring.ignoredBy!.rule!, repository.root), 'self-ignoring/.gitignore:1');
  });

  it('answers unknown when the search bound is hit before a committable file', () => {
    strictEqual(state('cache').reason, 'no-committable-files');
    deepStrictEqual(state('cache', 2), { state: 'unknown', reason: 'search-limit' });
    // a committable file found within the bound is enough
    strictEqual(state('data', 1).state, 'present');
  });

  it('stays unknown about nested repositories, git metadata and paths outside the repository', () => {
    deepStrictEqual(state('vendor/lib'), { state: 'unknown', reason: 'nested-repository' });
    deepStrictEqual(state('vendor/lib/readme'), { state: 'unknown', reason: 'nested-repository' });
    deepStrictEqual(state('vendor'), { state: 'unknown', reason: 'nested-repository' });
    deepStrictEqual(state('.git/HEAD'), { state: 'unknown', reason: 'git-metadata' });
    deepStrictEqual(state('../home'), { state: 'unknown', reason: 'outside-repository' });
  });

  it('does not call a link it cannot follow absent, unless it is ignored', () => {
    deepStrictEqual(state('host-certs'), { state: 'unknown', reason: 'unreadable' });
    strictEqual(state('ignored-link').reason, 'ignored');
  });

  it('agrees with a real clone for every path that is not unknown', function () {
    this.timeout(30_000);
    git(repository.root, ['add', '--all']);
    git(repository.root, ['commit', '-q', '-m', 'first boot']);
    const clone = join(dirname(repository.root), 'clone');
    git(dirname(repository.root), ['clone', '-q', repository.root, clone]);
    const paths = [...walk(repository.root, ''), 'no/such/file', 'certbot/conf/missing.pem'];
    let compared = 0;
    for (const path of paths) {
      const result = state(path);
      if (result.state === 'unknown') continue;
      compared++;
      strictEqual(result.state === 'present', exists(join(clone, path)), `${path}: ${JSON.stringify(result)}`);
    }
    strictEqual(compared > 25, true, `only ${compared} paths compared`);
  });
});

function walk(directory: string, prefix: string): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(directory, prefix), { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    paths.push(relative);
    if (entry.isDirectory()) paths.push(...walk(directory, relative));
  }
  return paths;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('repository roots', () => {
  const fileSystem = new MemoryFileSystem({
    '/srv/app/.git/HEAD': 'ref: refs/heads/main\n',
    '/srv/app/deploy/compose.yaml': '',
    '/srv/app/vendor/lib/.git': 'gitdir: ../../.git/modules/lib\n',
    '/srv/app/vendor/lib/readme': '',
    '/srv/plain/compose.yaml': '',
  });

  it('finds the nearest directory holding .git, as a directory or a file', () => {
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy/compose.yaml', ['/srv']), '/srv/app');
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app', ['/srv']), '/srv/app');
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/vendor/lib/readme', ['/srv']), '/srv/app/vendor/lib');
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy/not/yet/created', ['/srv']), '/srv/app');
  });

  it('never looks above the workspace roots', () => {
    strictEqual(findRepositoryRoot(fileSystem, '/srv/plain/compose.yaml', ['/srv']), undefined);
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy', ['/srv/app/deploy']), undefined);
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy', ['/elsewhere']), undefined);
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy', ['/elsewhere', '/srv/app']), '/srv/app');
    strictEqual(findRepositoryRoot(fileSystem, '/srv/app/deploy', ['/srv/app/deploy', '/srv']), '/srv/app');
  });
});

describe('deployments without a repository', () => {
  it('counts every existing path present, an empty directory too', () => {
    const fileSystem = new MemoryFileSystem({ '/srv/plain/compose.yaml': '', '/srv/plain/certs/.gitignore': '*\n' });
    deepStrictEqual(freshCloneState(fileSystem, undefined, '/srv/plain/certs'), { state: 'present', reason: 'no-repository', kind: 'directory' });
    deepStrictEqual(freshCloneState(fileSystem, undefined, '/srv/plain/certs/.gitignore'), { state: 'present', reason: 'no-repository', kind: 'file' });
    deepStrictEqual(freshCloneState(fileSystem, undefined, '/srv/plain/missing'), { state: 'absent', reason: 'missing' });
  });

  it('answers unknown where the file system refuses to look', () => {
    const repository = temporaryRepository({ 'compose.yaml': '' }, false);
    try {
      const fileSystem = new DiskFileSystem([repository.root]);
      deepStrictEqual(freshCloneState(fileSystem, undefined, join(repository.root, '..', 'home')), { state: 'unknown', reason: 'unreadable' });
    } finally {
      repository.dispose();
    }
  });
});

describe('FreshClone', () => {
  it('judges paths by the repository the deployment runs from, reading each .gitignore once', () => {
    const memory = new MemoryFileSystem({
      '/srv/app/.git/HEAD': '',
      '/srv/app/.gitignore': 'secrets/\n',
      '/srv/app/compose.yaml': '',
      '/srv/app/secrets/key': '',
      '/srv/app/nginx/default.conf': '',
      '/srv/app/tools/.git/HEAD': '',
      '/srv/app/tools/compose.yaml': '',
    });
    const fileSystem = new CountingFileSystem(memory);
    const freshClone = new FreshClone(fileSystem, ['/srv']);
    strictEqual(freshClone.state('/srv/app/nginx/default.conf', '/srv/app').state, 'present');
    strictEqual(freshClone.state('/srv/app/secrets/key', '/srv/app').state, 'absent');
    strictEqual(freshClone.state('/srv/app/secrets', '/srv/app/nginx').state, 'absent');
    strictEqual(freshClone.state('/srv/app/tools/compose.yaml', '/srv/app').state, 'unknown');
    strictEqual(freshClone.state('/srv/app/tools/compose.yaml', '/srv/app/tools').state, 'present');
    deepStrictEqual(
      fileSystem.reads.filter((path) => path === '/srv/app/.gitignore'),
      ['/srv/app/.gitignore'],
    );
  });
});
