import { deepStrictEqual, strictEqual } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type FileKind, type FileSystem, FileSystemError } from '../../../server/src/workspace/file-system';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { describeIgnoreRule, GitIgnore, wildmatch } from '../../../server/src/workspace/git-ignore';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { CountingFileSystem, gitCheckIgnore, temporaryRepository } from './support';
import { seededRandom as random } from '../../support/seeded-random';

const root = '/repo';

function memoryRepository(files: Record<string, string>): MemoryFileSystem {
  const tree: Record<string, string> = { [`${root}/.git/HEAD`]: 'ref: refs/heads/main\n' };
  for (const [path, content] of Object.entries(files)) tree[posix.join(root, path)] = content;
  return new MemoryFileSystem(tree);
}

function load(files: Record<string, string>): GitIgnore {
  return GitIgnore.load(memoryRepository(files), root);
}

type Case = readonly [gitignore: string, path: string, kind: FileKind, ignored: boolean];

function runCases(cases: readonly Case[]): void {
  for (const [gitignore, path, kind, ignored] of cases) {
    it(`${JSON.stringify(gitignore)} ${ignored ? 'ignores' : 'keeps'} ${kind} ${JSON.stringify(path)}`, () => {
      strictEqual(load({ '.gitignore': gitignore }).isIgnored(posix.join(root, path), kind), ignored);
    });
  }
}

describe('gitignore patterns, from the documented rules', () => {
  describe('blank lines and comments', () => {
    runCases([
      ['\n\nfoo\n\n', 'foo', 'file', true],
      ['\n\nfoo\n\n', 'bar', 'file', false],
      ['#foo\n', '#foo', 'file', false],
      ['# comment\n', '# comment', 'file', false],
      ['\\#foo\n', '#foo', 'file', true],
      ['foo#bar\n', 'foo#bar', 'file', true],
    ]);
  });

  describe('trailing spaces', () => {
    runCases([
      ['foo   \n', 'foo', 'file', true],
      ['foo   \n', 'foo   ', 'file', false],
      ['foo\\ \n', 'foo ', 'file', true],
      ['foo\\ \n', 'foo', 'file', false],
      ['foo\\  \n', 'foo ', 'file', true],
      ['foo\\  \n', 'foo  ', 'file', false],
      // only trailing spaces go: a leading space is part of the name, a tab is not trimmed
      [' foo\n', 'foo', 'file', false],
      [' foo\n', ' foo', 'file', true],
      ['foo\t\n', 'foo', 'file', false],
    ]);
  });

  describe('negation', () => {
    runCases([
      ['*.html\n!foo.html\n', 'foo.html', 'file', false],
      ['*.html\n!foo.html\n', 'bar.html', 'file', true],
      ['!foo.html\n*.html\n', 'foo.html', 'file', true],
      ['\\!important!.txt\n', '!important!.txt', 'file', true],
      ['\\!important!.txt\n', 'important!.txt', 'file', false],
      // a parent directory's exclusion cannot be undone for a file inside it
      ['build/\n!build/keep.txt\n', 'build/keep.txt', 'file', true],
      ['build\n!build/keep.txt\n', 'build/keep.txt', 'file', true],
      ['build\n!keep.txt\n', 'build/keep.txt', 'file', true],
      // excluding the contents rather than the directory leaves room to re-include
      ['build/*\n!build/keep.txt\n', 'build/keep.txt', 'file', false],
      ['build/*\n!build/keep.txt\n', 'build/drop.txt', 'file', true],
      ['build/*\n!build/keep.txt\n', 'build', 'directory', false],
      // "exclude everything except directory foo/bar"
      ['/*\n!/foo\n/foo/*\n!/foo/bar\n', 'foo/bar/baz', 'file', false],
      ['/*\n!/foo\n/foo/*\n!/foo/bar\n', 'foo/other', 'file', true],
      ['/*\n!/foo\n/foo/*\n!/foo/bar\n', 'other', 'file', true],
      ['/*\n!/foo\n/foo/*\n!/foo/bar\n', 'foo', 'directory', false],
      // a lone `!` or `/` is an empty pattern: it matches nothing
      ['*\n!\n', 'x', 'file', true],
      ['/\n', 'x', 'directory', false],
    ]);
  });

  describe('slashes', () => {
    runCases([
      ['doc/frotz/\n', 'doc/frotz', 'directory', true],
      ['doc/frotz/\n', 'a/doc/frotz', 'directory', false],
      ['doc/frotz/\n', 'doc/frotz', 'file', false],
      ['frotz/\n', 'frotz', 'directory', true],
      ['frotz/\n', 'a/frotz', 'directory', true],
      ['frotz/\n', 'frotz', 'file', false],
      ['foo/\n', 'foo/bar.txt', 'file', true],
      ['doc/frotz\n', 'doc/frotz', 'file', true],
      ['/doc/frotz\n', 'doc/frotz', 'file', true],
      ['doc/frotz\n', 'a/doc/frotz', 'file', false],
      ['hello.*\n', 'hello.txt', 'file', true],
      ['hello.*\n', 'a/hello.c', 'directory', true],
      ['hello.*\n', 'hello', 'file', false],
      ['/hello.*\n', 'hello.c', 'file', true],
      ['/hello.*\n', 'a/hello.c', 'file', false],
      ['foo/*\n', 'foo/test.json', 'file', true],
      ['foo/*\n', 'foo/bar', 'directory', true],
      // not by the pattern itself but because `foo/bar` is excluded
      ['foo/*\n', 'foo/bar/hello.c', 'file', true],
      ['foo/*\n', 'foo', 'directory', false],
    ]);
  });

  describe('wildcards', () => {
    runCases([
      ['*.conf\n', 'nginx/conf.d/site.conf', 'file', true],
      ['nginx/*.conf\n', 'nginx/site.conf', 'file', true],
      ['nginx/*.conf\n', 'nginx/conf.d/site.conf', 'file', false],
      ['a?c\n', 'abc', 'file', true],
      ['a?c\n', 'ac', 'file', false],
      ['x/a?c\n', 'x/a/c', 'file', false],
      ['[a-c].txt\n', 'b.txt', 'file', true],
      ['[a-c].txt\n', 'd.txt', 'file', false],
      ['[!a-c].txt\n', 'd.txt', 'file', true],
      ['[!a-c].txt\n', 'a.txt', 'file', false],
      ['[^a-c].txt\n', 'd.txt', 'file', true],
      // the `!` after `[` negates; it is not also a member of the set
      ['[!a]x\n', '!x', 'file', true],
      ['[]a]x\n', ']x', 'file', true],
      ['[a-]x\n', '-x', 'file', true],
      ['[a-zA-Z]*.pem\n', 'Key.pem', 'file', true],
      ['[a-zA-Z]*.pem\n', '1key.pem', 'file', false],
      ['*.[oa]\n', 'lib/x.o', 'file', true],
      ['*.[oa]\n', 'lib/x.c', 'file', false],
    ]);
  });

  describe('two consecutive asterisks', () => {
    runCases([
      ['**/foo\n', 'foo', 'file', true],
      ['**/foo\n', 'a/b/foo', 'directory', true],
      ['**/foo/bar\n', 'foo/bar', 'file', true],
      ['**/foo/bar\n', 'x/y/foo/bar', 'file', true],
      ['**/foo/bar\n', 'x/foo/y/bar', 'file', false],
      ['abc/**\n', 'abc/x', 'file', true],
      ['abc/**\n', 'abc/x/y/z', 'file', true],
      ['abc/**\n', 'abc', 'directory', false],
      ['abc/**\n', 'x/abc/y', 'file', false],
      ['a/**/b\n', 'a/b', 'file', true],
      ['a/**/b\n', 'a/x/b', 'file', true],
      ['a/**/b\n', 'a/x/y/b', 'file', true],
      ['a/**/b\n', 'a/xb', 'file', false],
      // anywhere else `**` is an ordinary `*`, which never crosses a slash
      ['a/foo**bar\n', 'a/fooxbar', 'file', true],
      ['a/foo**bar\n', 'a/foo/bar', 'file', false],
      ['a/foo**/bar\n', 'a/foox/bar', 'file', true],
      ['a/**b\n', 'a/x/b', 'file', false],
      // git's quirk: after the literal prefix the rest is matched as a pattern of its own, so a
      // `**` right after the prefix acts as a leading `**/`
      ['a/foo**/bar\n', 'a/foo/x/bar', 'file', true],
      ['a**/c\n', 'ab/c', 'file', true],
    ]);
  });

  describe('file format', () => {
    runCases([
      ['foo\r\nbar\r\n', 'foo', 'file', true],
      ['foo\r\nbar\r\n', 'bar', 'file', true],
      ['\uFEFFfoo\n', 'foo', 'file', true],
      ['first\nlast-without-newline', 'last-without-newline', 'file', true],
    ]);
  });

  it('matches a pattern against the whole path, as the documentation explains `foo/*`', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    strictEqual(wildmatch(bytes('foo/*'), bytes('foo/test.json')), true);
    strictEqual(wildmatch(bytes('foo/*'), bytes('foo/bar/hello.c')), false);
    strictEqual(wildmatch(bytes('[[:digit:]]*.pem'), bytes('1.pem')), true);
    strictEqual(wildmatch(bytes('[[:digit:]]*.pem'), bytes('a.pem')), false);
    // `?` is one byte, as in git: it does not match a two-byte UTF-8 character
    strictEqual(wildmatch(bytes('caf?'), bytes('café')), false);
    strictEqual(wildmatch(bytes('caf??'), bytes('café')), true);
    // an unterminated bracket is not a pattern git can match
    strictEqual(wildmatch(bytes('a[b'), bytes('a[b')), false);
  });
});

describe('nested .gitignore files', () => {
  it('applies a subdirectory .gitignore to its subtree only', () => {
    const ignore = load({ '.gitignore': '*.html\n', 'Documentation/.gitignore': '!foo.html\n' });
    strictEqual(ignore.isIgnored('/repo/foo.html', 'file'), true);
    strictEqual(ignore.isIgnored('/repo/Documentation/foo.html', 'file'), false);
    strictEqual(ignore.isIgnored('/repo/Documentation/sub/foo.html', 'file'), false);
    strictEqual(ignore.isIgnored('/repo/Documentation/bar.html', 'file'), true);
  });

  it('lets the deeper file win over the shallower one', () => {
    const ignore = load({ '.gitignore': '!keep.log\n', 'sub/.gitignore': '*.log\n' });
    strictEqual(ignore.isIgnored('/repo/sub/keep.log', 'file'), true);
    strictEqual(ignore.isIgnored('/repo/keep.log', 'file'), false);
  });

  it('re-includes vmlinux.lds.S the way the documentation example does', () => {
    const ignore = load({ '.gitignore': 'vmlinux*\n', 'arch/foo/kernel/.gitignore': '!vmlinux*\n' });
    strictEqual(ignore.isIgnored('/repo/arch/foo/kernel/vmlinux.lds.S', 'file'), false);
    strictEqual(ignore.isIgnored('/repo/arch/bar/kernel/vmlinux.lds.S', 'file'), true);
  });

  it('anchors patterns with a slash to the directory of their .gitignore', () => {
    const ignore = load({ 'sub/.gitignore': '/conf\na/b\n' });
    strictEqual(ignore.isIgnored('/repo/sub/conf', 'directory'), true);
    strictEqual(ignore.isIgnored('/repo/sub/x/conf', 'directory'), false);
    strictEqual(ignore.isIgnored('/repo/conf', 'directory'), false);
    strictEqual(ignore.isIgnored('/repo/sub/a/b', 'file'), true);
    strictEqual(ignore.isIgnored('/repo/sub/x/a/b', 'file'), false);
  });

  it('does not read a .gitignore inside an excluded directory', () => {
    const ignore = load({ '.gitignore': 'build/\n', 'build/.gitignore': '!*\n' });
    strictEqual(ignore.isIgnored('/repo/build/output.txt', 'file'), true);
  });

  it('does not apply a directory own .gitignore to the directory itself', () => {
    const ignore = load({ 'certbot/.gitignore': 'certbot\n' });
    strictEqual(ignore.isIgnored('/repo/certbot', 'directory'), false);
    strictEqual(ignore.isIgnored('/repo/certbot/certbot', 'directory'), true);
  });

  it('reads .git/info/exclude with less precedence than any .gitignore', () => {
    const ignore = load({ '.git/info/exclude': '*.[oa]\n', '.gitignore': '!keep.o\n' });
    strictEqual(ignore.isIgnored('/repo/lib/x.o', 'file'), true);
    strictEqual(ignore.isIgnored('/repo/lib/keep.o', 'file'), false);
  });

  it('never ignores the repository root or a path outside it', () => {
    const ignore = load({ '.gitignore': '*\n' });
    strictEqual(ignore.isIgnored('/repo', 'directory'), false);
    strictEqual(ignore.isIgnored('/elsewhere/x', 'file'), false);
    strictEqual(ignore.isIgnored('/repo/x', 'file'), true);
  });
});

describe('ignore explanations', () => {
  const fileSystem = memoryRepository({
    '.gitignore': '# certificates are issued on the server\n\ncertbot/conf/\n*.env\n!example.env\n',
    'nginx/.gitignore': 'cache\n',
    '.git/info/exclude': 'scratch\n',
  });
  const ignore = GitIgnore.load(fileSystem, root);

  it('names the file, line and pattern that excluded a path', () => {
    const match = ignore.check('/repo/certbot/conf', 'directory');
    deepStrictEqual(match, {
      ignored: true,
      matchedPath: '/repo/certbot/conf',
      rule: {
        location: { file: '/repo/.gitignore', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 13 } } },
        line: 3,
        pattern: 'certbot/conf/',
        negated: false,
      },
    });
    strictEqual(describeIgnoreRule(match.rule!, root), '.gitignore:3');
  });

  it('points a path inside an excluded directory at the directory', () => {
    const match = ignore.check('/repo/certbot/conf/live/example.org/fullchain.pem', 'file');
    strictEqual(match.ignored, true);
    strictEqual(match.matchedPath, '/repo/certbot/conf');
    strictEqual(match.rule?.line, 3);
  });

  it('reports the negation that re-included a path', () => {
    const match = ignore.check('/repo/example.env', 'file');
    strictEqual(match.ignored, false);
    strictEqual(match.rule?.pattern, '!example.env');
    strictEqual(match.rule?.negated, true);
    strictEqual(describeIgnoreRule(match.rule!, root), '.gitignore:5');
  });

  it('names nested .gitignore files and .git/info/exclude relative to the root', () => {
    strictEqual(describeIgnoreRule(ignore.check('/repo/nginx/cache', 'directory').rule!, root), 'nginx/.gitignore:1');
    strictEqual(describeIgnoreRule(ignore.check('/repo/scratch', 'file').rule!, root), '.git/info/exclude:1');
  });

  it('has no rule for a path nothing matches', () => {
    deepStrictEqual(ignore.check('/repo/compose.yaml', 'file'), { ignored: false, rule: undefined, matchedPath: '/repo/compose.yaml' });
  });
});

describe('loading', () => {
  it('reads only the .gitignore files on the way to the path, once each', () => {
    const files: Record<string, string> = { '.gitignore': '*.log\n' };
    for (let index = 0; index < 2000; index++) files[`services/service-${index}/.gitignore`] = 'secret\n';
    const fileSystem = new CountingFileSystem(memoryRepository(files));
    const ignore = GitIgnore.load(fileSystem, root);
    strictEqual(ignore.isIgnored('/repo/services/service-7/secret', 'file'), true);
    strictEqual(ignore.isIgnored('/repo/services/service-7/public', 'file'), false);
    strictEqual(ignore.isIgnored('/repo/services/service-7/deep/secret', 'file'), true);
    deepStrictEqual(fileSystem.reads, ['/repo/.gitignore', '/repo/services/service-7/.gitignore']);
    strictEqual(fileSystem.listings, 0);
  });

  it('treats an unreadable .gitignore as empty', () => {
    const inner = memoryRepository({ '.gitignore': 'secret\n', 'sub/.gitignore/oops': 'a directory named .gitignore\n' });
    const refusing: FileSystem = {
      stat: (path) => inner.stat(path),
      readDirectory: (path) => inner.readDirectory(path),
      readFile: (path) => {
        throw new FileSystemError('TOO_LARGE', path, `${path} is too large`);
      },
    };
    strictEqual(GitIgnore.load(refusing, root).isIgnored('/repo/secret', 'file'), false);
    strictEqual(GitIgnore.load(inner, root).isIgnored('/repo/secret', 'file'), true);
    strictEqual(GitIgnore.load(inner, root).isIgnored('/repo/sub/oops', 'file'), false);
  });
});

/** All files and directories below root, relative, without .git. */
function listTree(directory: string, prefix = ''): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    paths.push(relative);
    if (entry.isDirectory()) paths.push(...listTree(join(directory, entry.name), relative));
  }
  return paths;
}

function compareWithGit(files: Record<string, string>): void {
  const repository = temporaryRepository(files);
  try {
    const fileSystem = new DiskFileSystem([repository.root]);
    const ignore = GitIgnore.load(fileSystem, repository.root);
    const paths = listTree(repository.root);
    const expected = gitCheckIgnore(repository.root, paths);
    strictEqual(expected.size, paths.length);
    const actual = new Map(
      paths.map((path) => {
        const absolute = join(repository.root, path);
        const match = ignore.check(absolute, fileSystem.stat(absolute)!.kind);
        const rule = match.rule ? `${describeIgnoreRule(match.rule, repository.root)}:${match.rule.pattern}` : '';
        return [path, { ignored: match.ignored, rule }];
      }),
    );
    deepStrictEqual(actual, expected, `.gitignore files: ${JSON.stringify(files, undefined, 2)}`);
  } finally {
    repository.dispose();
  }
}

describe('agreement with git check-ignore', function () {
  this.timeout(60_000);

  it('agrees on a deployment-shaped repository with every documented kind of pattern', () => {
    compareWithGit({
      '.gitignore': [
        '# secrets and certificates stay on the server',
        '.env',
        '*.env',
        '!example.env',
        'certbot/conf/',
        '/data',
        'logs/**',
        '!logs/.keep',
        '**/cache',
        'nginx/**/*.tmp',
        'build/*',
        '!build/keep',
        'foo\\ ',
        '\\#hash',
        '\\!bang',
        'a?c',
        '[0-9]*.pem',
        '[!k]ey.*',
        'trailing   ',
        'x/**/y/',
        '/*.bak',
        'deep/*/leaf',
        'weird**star',
        '',
      ].join('\n'),
      'nginx/.gitignore': '!keep.tmp\n/local.conf\nsites/*.conf\n!sites/default.conf\n',
      'services/api/.gitignore': '*\n!.gitignore\n!src/\n!*.ts\n',
      '.git/info/exclude': 'scratch/\n*.swp\n',
      'example.env': '',
      'prod.env': '',
      '.env': '',
      'certbot/conf/live/example.org/fullchain.pem': '',
      'certbot/www/.well-known/acme-challenge/token': '',
      'certbot/conf.d': '',
      'data/db': '',
      'sub/data/db': '',
      'logs/.keep': '',
      'logs/today.log': '',
      'app/cache/entry': '',
      cache: '',
      'nginx/x/y/z.tmp': '',
      'nginx/keep.tmp': '',
      'nginx/local.conf': '',
      'nginx/sub/local.conf': '',
      'nginx/sites/default.conf': '',
      'nginx/sites/other.conf': '',
      'build/keep': '',
      'build/drop': '',
      'build/sub/file': '',
      'foo ': '',
      foo: '',
      '#hash': '',
      '!bang': '',
      abc: '',
      ac: '',
      '1.pem': '',
      'one.pem': '',
      'key.txt': '',
      'hey.txt': '',
      trailing: '',
      'x/y/': '',
      'x/a/b/y/': '',
      'x/a/y': '',
      'backup.bak': '',
      'sub/backup.bak': '',
      'deep/a/leaf': '',
      'deep/a/b/leaf': '',
      weirdostar: '',
      'weird/star': '',
      'services/api/src/main.ts': '',
      'services/api/src/main.js': '',
      'services/api/package.json': '',
      'services/api/lib/util.ts': '',
      'scratch/notes': '',
      'file.swp': '',
      'caf\u00e9.conf': '',
    });
  });

  it('agrees on generated patterns and trees', () => {
    const next = random(20240611);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const segments = [
      '\\*',
      '[[:alpha:]]*',
      '[a-]',
      '[]a]*',
      'a\\ ',
      'a  ',
      '\\#a',
      '\\!a',
      '[a',
      'a',
      'b',
      'ab',
      'a.conf',
      '*',
      '?',
      'a*',
      '*b',
      '*.conf',
      '[ab]',
      '[!a]',
      '[a-b]*',
      '**',
      'a**',
      '**b',
      '[!b]*',
      '\\a',
      'a?',
      'b/',
    ];
    const names = ['*', 'a ', '#a', '!a', '1', 'a]', '[a', 'a', 'b', 'ab', 'ba', 'a.conf', 'b.conf'];
    for (let round = 0; round < 80; round++) {
      const files: Record<string, string> = {};
      const directories = [''];
      for (let index = 0; index < 30; index++) {
        const parent = pick(directories);
        const child = parent === '' ? pick(names) : `${parent}/${pick(names)}`;
        if (files[child] !== undefined || directories.includes(child) || Object.keys(files).some((path) => child.startsWith(`${path}/`))) continue;
        if (next() < 0.5 && child.split('/').length < 4) directories.push(child);
        else files[child] = '';
      }
      for (const directory of directories)
        if (directory !== '' && !Object.keys(files).some((path) => path.startsWith(`${directory}/`))) files[`${directory}/`] = '';
      const patternFile = () => {
        const lines: string[] = [];
        for (let index = 1 + Math.floor(next() * 6); index > 0; index--) {
          let pattern = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(segments)).join('/');
          if (next() < 0.2) pattern = `/${pattern}`;
          if (next() < 0.2) pattern = `${pattern}/`;
          if (next() < 0.3) pattern = `!${pattern}`;
          lines.push(pattern.replace(/\/\/+/g, '/'));
        }
        return `${lines.join('\n')}\n`;
      };
      const ignoreFiles: Record<string, string> = { '.gitignore': patternFile() };
      for (const directory of directories.slice(1, 3)) ignoreFiles[`${directory}/.gitignore`] = patternFile();
      if (next() < 0.5) ignoreFiles['.git/info/exclude'] = patternFile();
      compareWithGit({ ...files, ...ignoreFiles });
    }
  });
});
