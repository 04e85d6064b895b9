import { deepStrictEqual, match, strictEqual } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLint } from '../../server/src/cli/cli-commands';
import { rules } from '../../server/src/rules/index';
import { checksDeployment, type Rule } from '../../server/src/rules/rule';
import { fixturesRoot, repositoryRoot } from '../support/paths';
import { runBuiltCli, unprivileged } from '../support/run-cli';
import { treeSnapshot } from '../support/tree-snapshot';

// What a hostile or careless repository did to certboot on main (issue 15), each kept fixed here.

const shop = join(fixturesRoot, 'bootstrap', 'inline-http-block');
const deadlock = join(repositoryRoot, 'examples', 'certbot-deadlock');
const bootstrapShop = ['bootstrap', 'shop', '--domain', 'shop.example.org', '--email', 'ops@example.org'];
/** As root every file is readable: the runs that must meet an unreadable one run as nobody. */
const user = process.getuid?.() === 0 ? unprivileged : undefined;

describe('hostile and unusual repositories (certboot CLI)', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-hostile-'));
    chmodSync(directory, 0o755);
  });
  afterEach(() => {
    execFileSync('chmod', ['-R', 'u+rwx', directory]);
    rmSync(directory, { recursive: true, force: true });
  });

  describe('bootstrap writes only inside DIR (1)', () => {
    beforeEach(() => {
      cpSync(shop, join(directory, 'shop'), { recursive: true });
      mkdirSync(join(directory, 'outside'));
      writeFileSync(join(directory, 'outside', 'victim'), 'precious\n');
    });

    /** bootstrap exits 2 naming each file it may not write, and nothing changes anywhere. */
    function refuses(write: readonly string[], problems: readonly string[]): void {
      const before = treeSnapshot(directory);
      const result = runBuiltCli([...bootstrapShop, ...write], directory);
      deepStrictEqual(
        [result.status, result.stdout, result.stderr],
        [
          2,
          '',
          `certboot: cannot bootstrap shop: it writes only regular files inside shop, and nothing was written:\n${problems.map((problem) => `  ${problem}\n`).join('')}`,
        ],
      );
      deepStrictEqual(treeSnapshot(directory), before);
    }

    it('refuses a script path that is a symbolic link out of the project: exit 2, nothing written anywhere', () => {
      mkdirSync(join(directory, 'shop', 'scripts'));
      symlinkSync('../../outside/victim', join(directory, 'shop', 'scripts', 'init-certificates.sh'));
      for (const write of [['--write'], []]) refuses(write, ['shop/scripts/init-certificates.sh is a symbolic link (to ../../outside/victim)']);
    });

    it('refuses a directory of the project that is a link elsewhere (certbot → outside)', () => {
      symlinkSync('../outside', join(directory, 'shop', 'certbot'));
      refuses(['--write'], ['shop/certbot is a symbolic link (to ../outside)']);
    });

    it('refuses stage directories that compose mounts from outside the project', () => {
      const compose = join(directory, 'shop', 'compose.yaml');
      writeFileSync(
        compose,
        readFileSync(compose, 'utf8').replace(
          '      - ./webroot:/srv/acme:ro\n',
          '      - ./webroot:/srv/acme:ro\n      - ../outside:/etc/nginx/https-available:ro\n      - ../outside/enabled:/etc/nginx/https-enabled:ro\n',
        ),
      );
      refuses(
        ['--write'],
        [
          'outside/shop.example.org.conf is outside shop',
          'outside/shop.example.org.redirect is outside shop',
          'outside/enabled/.gitignore is outside shop',
          // the start script goes beside stage 2
          'entrypoint.d/40-reload-on-certificate.sh is outside shop',
        ],
      );
    });
  });

  describe('bootstrap never replaces a file it did not write (2)', () => {
    beforeEach(() => cpSync(shop, join(directory, 'shop'), { recursive: true }));

    it("leaves the user's hook and script alone, writes its own beside them, says so, and --write twice gives the same tree", () => {
      mkdirSync(join(directory, 'shop', 'certbot', 'hooks'), { recursive: true });
      mkdirSync(join(directory, 'shop', 'scripts'));
      writeFileSync(join(directory, 'shop', 'certbot', 'hooks', 'enable-https.sh'), '#!/bin/sh\necho my hook\n');
      writeFileSync(join(directory, 'shop', 'scripts', 'init-certificates.sh'), '#!/bin/sh\necho my init\n');
      const written = runBuiltCli([...bootstrapShop, '--write'], directory);
      strictEqual(written.status, 0, written.stderr);
      deepStrictEqual(
        written.stdout.split('\n').filter((line) => /^(created|updated) |is not bootstrap's/.test(line)),
        [
          'updated shop/nginx.conf',
          'created shop/https-available/shop.example.org.conf',
          'created shop/https-available/shop.example.org.redirect',
          'created shop/https-enabled/.gitignore',
          'updated shop/compose.yaml',
          'created shop/certbot/hooks/certboot-enable-https.sh',
          'created shop/nginx-entrypoint.d/40-reload-on-certificate.sh',
          'created shop/scripts/certboot-init-certificates.sh',
          '  certbot/hooks/enable-https.sh is not bootstrap\'s (it has no "# Generated by certboot bootstrap" line), so it is left as it is: bootstrap\'s script is certbot/hooks/certboot-enable-https.sh; merge what yours does into it, or delete yours.',
          '  scripts/init-certificates.sh is not bootstrap\'s (it has no "# Generated by certboot bootstrap" line), so it is left as it is: bootstrap\'s script is scripts/certboot-init-certificates.sh; merge what yours does into it, or delete yours.',
        ],
      );
      strictEqual(readFileSync(join(directory, 'shop', 'certbot', 'hooks', 'enable-https.sh'), 'utf8'), '#!/bin/sh\necho my hook\n');
      strictEqual(readFileSync(join(directory, 'shop', 'scripts', 'init-certificates.sh'), 'utf8'), '#!/bin/sh\necho my init\n');
      match(readFileSync(join(directory, 'shop', 'compose.yaml'), 'utf8'), / --deploy-hook \/hooks\/certboot-enable-https\.sh\n/);
      const once = treeSnapshot(directory);
      const again = runBuiltCli([...bootstrapShop, '--write'], directory);
      deepStrictEqual([again.status, again.stdout, again.stderr], [0, '', 'certboot: nothing to change: shop is already split into HTTP-first stages\n']);
      deepStrictEqual(treeSnapshot(directory), once);
    });

    it('updates the scripts it wrote before, and makes them executable', () => {
      strictEqual(runBuiltCli([...bootstrapShop, '--write'], directory).status, 0);
      const hook = join(directory, 'shop', 'certbot', 'hooks', 'enable-https.sh');
      // an earlier bootstrap's hook, checked out without its mode
      writeFileSync(hook, readFileSync(hook, 'utf8').replace('set -eu\n', 'set -e\n'));
      chmodSync(hook, 0o644);
      const updated = runBuiltCli([...bootstrapShop, '--write'], directory);
      strictEqual(updated.status, 0, updated.stderr);
      deepStrictEqual(
        updated.stdout.split('\n').filter((line) => /^(created|updated) /.test(line)),
        ['updated shop/certbot/hooks/enable-https.sh'],
      );
      match(readFileSync(hook, 'utf8'), /\nset -eu\n/);
      strictEqual(statSync(hook).mode & 0o777, 0o755);
    });
  });

  it('reports an include cycle through a glob once, as nginx fails on it, within a small heap (4)', () => {
    // before: ten files whose location includes conf.d/*.conf grew lint to 4 GB and killed it
    mkdirSync(join(directory, 'nginx', 'conf.d'), { recursive: true });
    writeFileSync(
      join(directory, 'compose.yaml'),
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    volumes:\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n',
    );
    for (let index = 1; index <= 10; index++) {
      writeFileSync(
        join(directory, 'nginx', 'conf.d', `s${index}.conf`),
        `server {\n  listen 80;\n  server_name s${index}.example.org;\n  location / {\n    include conf.d/*.conf;\n  }\n}\n`,
      );
    }
    const result = runBuiltCli(['lint', '.'], directory, 60_000, { nodeArguments: ['--max-old-space-size=200'] });
    deepStrictEqual(
      [result.status, result.stdout, result.stderr],
      [
        1,
        'nginx/conf.d/s1.conf:5:13  error  nginx rejects this configuration: include cycle: /etc/nginx/conf.d/s1.conf → /etc/nginx/conf.d/s1.conf; ' +
          'nginx nests these files inside each other until it runs out of open files or stack, and fails or crashes.  [nginx-syntax]\n\n' +
          '✖ 1 problem (1 error, 0 warnings, 0 info)\n',
        '',
      ],
    );
  });

  it('walks a chain of 5,000 includes without any rule failing (5)', () => {
    // before: seven rules failed with "Maximum call stack size exceeded" and lint still exited 0
    mkdirSync(join(directory, 'nginx', 'conf.d'), { recursive: true });
    writeFileSync(
      join(directory, 'compose.yaml'),
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n',
    );
    writeFileSync(join(directory, 'nginx', 'nginx.conf'), 'events {}\nhttp {\n  server {\n    listen 80;\n    include conf.d/c1.conf;\n  }\n}\n');
    for (let index = 1; index < 5000; index++) writeFileSync(join(directory, 'nginx', 'conf.d', `c${index}.conf`), `include conf.d/c${index + 1}.conf;\n`);
    writeFileSync(join(directory, 'nginx', 'conf.d', 'c5000.conf'), 'location / { return 200; }\n');
    const result = runBuiltCli(['lint', '.'], directory, 120_000);
    deepStrictEqual([result.status, result.stdout, result.stderr], [0, 'no problems\n', '']);
  });

  it('walks diamonds of includes thirty deep once per bound, and reports a typo at their bottom once (4)', () => {
    // before: the rules on directives followed every path through the diamonds (2^30 of them):
    // 95 s and 4.7 GB, then a crash
    mkdirSync(join(directory, 'nginx', 'd'), { recursive: true });
    writeFileSync(
      join(directory, 'compose.yaml'),
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./nginx/d:/etc/nginx/d:ro\n',
    );
    writeFileSync(join(directory, 'nginx', 'nginx.conf'), 'events {}\nhttp {\n  include /etc/nginx/d/f0.conf;\n}\n');
    for (let index = 0; index < 30; index++) {
      writeFileSync(join(directory, 'nginx', 'd', `f${index}.conf`), `include /etc/nginx/d/f${index + 1}.conf;\ninclude /etc/nginx/d/f${index + 1}.conf;\n`);
    }
    writeFileSync(join(directory, 'nginx', 'd', 'f30.conf'), 'server_tokns off;\n');
    const result = runBuiltCli(['lint', '.'], directory, 60_000, { nodeArguments: ['--max-old-space-size=200'] });
    deepStrictEqual(
      [result.status, result.stdout, result.stderr],
      [
        1,
        'nginx/d/f30.conf:1:1  error  nginx (service `web`) exits with `[emerg] unknown directive "server_tokns"`: neither `nginx:1.27` (nginx 1.27.5) ' +
          'nor any module certboot knows has a directive `server_tokns`. Did you mean `server_tokens`?  [nginx-unknown-directive]\n' +
          '  ↳ compose.yaml:3:12  the image, nginx 1.27.5\n\n' +
          '✖ 1 problem (1 error, 0 warnings, 0 info)\n',
        '',
      ],
    );
  });

  it('exits 3 and names the rule and the file when a rule throws; the other rules still report (5)', async () => {
    cpSync(deadlock, join(directory, 'project'), { recursive: true });
    const failing: Rule = {
      id: 'failing-rule',
      category: 'first-boot',
      scope: 'project',
      fixable: 'never',
      defaultSeverity: 'error',
      summary: 'throws on any project with services',
      check: (context) => {
        if (context.deployment.projects.some((project) => project.services.length > 0)) throw new Error('broken on purpose');
        return [];
      },
    };
    const out: string[] = [];
    const errors: string[] = [];
    const cwd = process.cwd();
    process.chdir(directory);
    let code: number;
    try {
      code = await runLint(
        { paths: ['project'], format: 'json', maxWarnings: undefined, config: undefined, quiet: false, fix: undefined },
        { out: (text) => out.push(String(text)), error: (text) => errors.push(text) },
        { rules: [...rules.filter(checksDeployment), failing] },
      );
    } finally {
      process.chdir(cwd);
    }
    strictEqual(code, 3);
    strictEqual(errors.length, 1);
    match(errors[0] ?? '', /^certboot: internal error in rule failing-rule on project\/docker-compose\.yml: Error: broken on purpose\n {4}at /);
    strictEqual((JSON.parse(out.join('')) as { findings: unknown[] }).findings.length, 7);
  });

  it('finds the project once whatever links lead back into it (6)', () => {
    // before: `ln -s . a` turned the 8 findings of the day into 183; two such links took minutes and gigabytes
    cpSync(deadlock, join(directory, 'project'), { recursive: true });
    const plain = runBuiltCli(['lint', 'project'], directory);
    strictEqual(plain.status, 1);
    match(plain.stdout, /✖ 7 problems \(6 errors, 1 warning, 0 info\)\n$/);
    symlinkSync('.', join(directory, 'project', 'a'));
    symlinkSync('.', join(directory, 'project', 'b'));
    symlinkSync('..', join(directory, 'project', 'nginx', 'up'));
    const linked = runBuiltCli(['lint', 'project'], directory, 60_000, { nodeArguments: ['--max-old-space-size=200'] });
    deepStrictEqual([linked.status, linked.stdout, linked.stderr], [plain.status, plain.stdout, plain.stderr]);
  });

  it('bounds time and memory just under the size limits, not only bytes (7)', () => {
    // before: a 4.99 MB compose file of one flow sequence and 14.7 MB of `a;` took seconds to minutes and gigabytes
    mkdirSync(join(directory, 'compose'));
    const head = 'services:\n  web:\n    image: nginx\n    ports: [';
    const item = '"8080:80", ';
    writeFileSync(join(directory, 'compose', 'compose.yaml'), `${head}${item.repeat(Math.floor((4.99 * 1024 * 1024 - head.length) / item.length))}"1:1"]\n`);
    mkdirSync(join(directory, 'nginx'));
    writeFileSync(join(directory, 'nginx', 'nginx.conf'), 'a;'.repeat(Math.floor((14.7 * 1024 * 1024) / 2)));
    const result = runBuiltCli(['lint', '.'], directory, 60_000, { nodeArguments: ['--max-old-space-size=400'] });
    deepStrictEqual(
      [result.status, result.stdout, result.stderr],
      [
        0,
        `compose/compose.yaml:1:1  warning  ${join(directory, 'compose', 'compose.yaml')} has more than 100000 YAML tokens; compose files this big are not read  [compose-syntax]\n\n` +
          'nginx/nginx.conf:1:1  warning  certboot does not check this file: more than 500000 directives in the configuration, the most certboot reads; this file is not read.  [nginx-syntax]\n\n' +
          '✖ 2 problems (0 errors, 2 warnings, 0 info)\n',
        '',
      ],
    );
  });

  describe('says what it could not read, never a silent pass (9)', () => {
    const composeWithNginx = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n';

    function lint(path: string, cwd = directory): [number | null, string, string] {
      const result = runBuiltCli(['lint', path], cwd, 20_000, user ? { user } : {});
      return [result.status, result.stdout, result.stderr];
    }

    it('a compose file that is a pipe, a directory, /dev/zero, a symlink loop or a link out of the project', () => {
      writeFileSync(join(directory, 'elsewhere.yaml'), composeWithNginx);
      const shapes: [string, (path: string) => void, string][] = [
        ['fifo', (path) => execFileSync('mkfifo', [path]), 'error  cannot read {path}: {path} is not a regular file'],
        ['directory', (path) => mkdirSync(path), 'error  cannot read {path}: {path} is a directory'],
        [
          'zero',
          (path) => symlinkSync('/dev/zero', path),
          'warning  {path} links outside the workspace, where certboot does not read: its services are not checked',
        ],
        ['loop', (path) => symlinkSync('compose.yaml', path), 'error  cannot read {path}: Too many levels of symbolic links: {path}'],
        [
          'link',
          (path) => symlinkSync('../../elsewhere.yaml', path),
          'warning  {path} links outside the workspace, where certboot does not read: its services are not checked',
        ],
      ];
      for (const [name, make, message] of shapes) {
        mkdirSync(join(directory, 'projects', name), { recursive: true });
        const path = join(directory, 'projects', name, 'compose.yaml');
        make(path);
        const severity = message.startsWith('error') ? '1 error, 0 warnings' : '0 errors, 1 warning';
        // linted from projects/: what lies above it is outside the workspace
        deepStrictEqual(
          lint(name, join(directory, 'projects')),
          [
            message.startsWith('error') ? 1 : 0,
            `${name}/compose.yaml:1:1  ${message.replaceAll('{path}', path)}  [compose-syntax]\n\n✖ 1 problem (${severity}, 0 info)\n`,
            '',
          ],
          name,
        );
      }
    });

    it('an empty or null compose file is what compose calls it', () => {
      for (const [name, text] of [
        ['empty', ''],
        ['null', 'null\n'],
        ['comments', '# nothing yet\n'],
      ]) {
        mkdirSync(join(directory, name));
        writeFileSync(join(directory, name, 'compose.yaml'), text);
        deepStrictEqual(
          lint(name),
          [1, `${name}/compose.yaml:1:1  error  empty compose file  [compose-syntax]\n\n✖ 1 problem (1 error, 0 warnings, 0 info)\n`, ''],
          name,
        );
      }
    });

    it('an nginx.conf a service loads that is a pipe, a directory, /dev/zero, a symlink loop or a link out of the project', () => {
      writeFileSync(join(directory, 'elsewhere.conf'), 'events {}\n');
      const shapes: [string, (path: string) => void, string][] = [
        ['fifo', (path) => execFileSync('mkfifo', [path]), '{path} is not a regular file'],
        ['directory', (path) => mkdirSync(path), '{path} is a directory'],
        ['zero', (path) => symlinkSync('/dev/zero', path), '{path} is outside the workspace'],
        ['loop', (path) => symlinkSync('nginx.conf', path), 'Too many levels of symbolic links: {path}'],
        ['link', (path) => symlinkSync('../../elsewhere.conf', path), '{path} is outside the workspace'],
      ];
      for (const [name, make, reason] of shapes) {
        mkdirSync(join(directory, 'sites', name), { recursive: true });
        writeFileSync(join(directory, 'sites', name, 'compose.yaml'), composeWithNginx);
        const path = join(directory, 'sites', name, 'nginx.conf');
        make(path);
        deepStrictEqual(
          lint(name, join(directory, 'sites')),
          [
            0,
            `${name}/nginx.conf:1:1  warning  certboot does not check this file: ${reason.replaceAll('{path}', path)}.  [nginx-syntax]\n\n✖ 1 problem (0 errors, 1 warning, 0 info)\n`,
            '',
          ],
          name,
        );
      }
    });

    it('a directory named like an nginx file that is no single file (.nginx/, conf.d/site.conf/) is just a directory', () => {
      mkdirSync(join(directory, 'dirs', '.nginx'), { recursive: true });
      mkdirSync(join(directory, 'dirs', 'conf.d', 'site.conf'), { recursive: true });
      deepStrictEqual(lint('dirs'), [0, 'no problems\n', '']);
    });

    it('a directory it may not list', () => {
      mkdirSync(join(directory, 'project', 'private'), { recursive: true });
      writeFileSync(join(directory, 'project', 'private', 'compose.yaml'), composeWithNginx);
      chmodSync(join(directory, 'project', 'private'), 0o000);
      deepStrictEqual(lint('project'), [
        0,
        'no problems\n',
        'certboot: cannot list project/private (permission denied): the compose projects, nginx files and scripts below it are not checked\n',
      ]);
    });

    it('parse and lex exit 2 for a file that exists but may not be read', () => {
      writeFileSync(join(directory, 'nginx.conf'), 'events {}\n');
      chmodSync(join(directory, 'nginx.conf'), 0o000);
      for (const command of ['parse', 'lex']) {
        const result = runBuiltCli([command, 'nginx.conf'], directory, 20_000, user ? { user } : {});
        deepStrictEqual([result.status, result.stdout, result.stderr], [2, '', 'certboot: cannot read nginx.conf: permission denied\n'], command);
      }
    });
  });
});
