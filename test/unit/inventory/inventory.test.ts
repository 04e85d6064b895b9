import { deepStrictEqual, strictEqual } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeInventory } from '../../../server/src/engine/analyze-workspace';
import { classifyFile } from '../../../server/src/inventory/file-kinds';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import type { FileStat, FileSystem } from '../../../server/src/workspace/file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { CountingFileSystem } from '../../support/counting-file-system';
import { fixturesRoot } from '../../support/paths';

/** A tree with no end: every directory holds a compose file and ten directories. */
class EndlessTree implements FileSystem {
  stat(path: string): FileStat | undefined {
    return path.endsWith('/compose.yaml') ? { kind: 'file', size: 0 } : { kind: 'directory', size: 0 };
  }

  readFile(): Uint8Array {
    return new Uint8Array();
  }

  readDirectory(): string[] {
    return ['compose.yaml', ...Array.from({ length: 10 }, (_, index) => `d${index}`)];
  }
}

describe('the inventory', () => {
  it('finds every compose project of the fixtures', () => {
    const root = join(fixturesRoot, 'compose');
    deepStrictEqual(
      takeInventory(new DiskFileSystem([root]), root).composeDirectories.map((directory) => directory.slice(root.length)),
      ['/binary', '/extends', '/include', '/include-cycle', '/include/certbot', '/malformed', '/override', '/precedence', '/walk/app'],
    );
  });

  it('skips node_modules and .git, and looks no deeper than the search depth', () => {
    const fileSystem = new MemoryFileSystem({
      '/r/compose.yaml': '',
      '/r/node_modules/x/compose.yaml': '',
      '/r/.git/compose.yaml': '',
      '/r/a/b/c/compose.yml': '',
      '/r/z/docker-compose.yml': '',
    });
    deepStrictEqual(takeInventory(fileSystem, '/r').composeDirectories, ['/r', '/r/a/b/c', '/r/z']);
    deepStrictEqual(takeInventory(fileSystem, '/r', { searchDepth: 2 }).composeDirectories, ['/r', '/r/z']);
    deepStrictEqual(takeInventory(fileSystem, '/r', { searchDepth: 0 }).composeDirectories, ['/r']);
  });

  it('stops after listing 10,000 directories', () => {
    const fileSystem = new CountingFileSystem(new EndlessTree());
    const inventory = takeInventory(fileSystem, '/r', { searchDepth: 10 });
    strictEqual(inventory.composeDirectories.length, 10_000);
    strictEqual(fileSystem.listings.size, 10_000);
    strictEqual(
      [...fileSystem.listings.values()].every((count) => count === 1),
      true,
    );
  });

  it('survives a symlink loop on disk', () => {
    const directory = mkdtempSync(join(tmpdir(), 'certboot-inventory-'));
    try {
      mkdirSync(join(directory, 'app'));
      writeFileSync(join(directory, 'app', 'compose.yaml'), 'services: {}\n');
      symlinkSync('..', join(directory, 'app', 'loop'));
      const found = takeInventory(new DiskFileSystem([directory]), directory).composeDirectories;
      strictEqual(found[0], join(directory, 'app'));
      strictEqual(found.length <= 16, true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('says what each file is from its path', () => {
    const kinds = (path: string) => classifyFile(path, '/r');
    deepStrictEqual(kinds('/r/app/compose.yaml'), [
      { kind: 'compose', projectDirectory: '/r/app', role: 'main' },
      { kind: 'cloudformation', format: 'yaml' },
    ]);
    deepStrictEqual(kinds('/r/docker-compose.override.yml'), [
      { kind: 'compose', projectDirectory: '/r', role: 'override' },
      { kind: 'cloudformation', format: 'yaml' },
    ]);
    deepStrictEqual(kinds('/r/deploy/nginx.conf'), [{ kind: 'nginx', context: 'main' }]);
    deepStrictEqual(kinds('/r/nginx/conf.d/site.conf'), [{ kind: 'nginx', context: 'unknown' }]);
    deepStrictEqual(kinds('/r/templates/default.conf.template'), [{ kind: 'nginx', context: 'unknown' }]);
    deepStrictEqual(kinds('/r/site.nginx'), [{ kind: 'nginx', context: 'unknown' }]);
    // a .conf outside nginx's directory names is some other program's
    deepStrictEqual(kinds('/r/etc/supervisord.conf'), []);
    deepStrictEqual(kinds('/r/cron.d/renew.sh'), [{ kind: 'shell' }, { kind: 'schedule', scheduler: 'cron' }]);
    deepStrictEqual(kinds('/r/crontab'), [{ kind: 'schedule', scheduler: 'cron' }]);
    deepStrictEqual(kinds('/r/systemd/certbot.timer'), [{ kind: 'schedule', scheduler: 'systemd' }]);
    deepStrictEqual(kinds('/r/web/Dockerfile.prod'), [{ kind: 'dockerfile' }]);
    deepStrictEqual(kinds('/r/web/Containerfile'), [{ kind: 'dockerfile' }]);
    deepStrictEqual(kinds('/r/infra/main.tf'), [{ kind: 'terraform' }]);
    deepStrictEqual(kinds('/r/infra/prod.tfvars.json'), [{ kind: 'terraform' }, { kind: 'cloudformation', format: 'json' }]);
    deepStrictEqual(kinds('/r/infra/.terraform/modules/x/main.tf'), []);
    deepStrictEqual(kinds('/r/stack.template'), [{ kind: 'cloudformation', format: 'yaml' }]);
    deepStrictEqual(kinds('/r/.env'), [{ kind: 'env' }]);
    deepStrictEqual(kinds('/r/README.md'), []);
  });

  it('judges an nginx file nothing loads by its content: the context its directives fit, or not nginx at all', () => {
    const files: Record<string, string> = {
      '/r/main/nginx.conf': 'user nginx;\nevents {}\nhttp { server { listen 80; } }\n',
      '/r/servers/nginx.conf': 'upstream app { server app:3000; }\nserver { listen 80; }\n',
      '/r/nginx/conf.d/locations.conf': 'location / { proxy_pass http://app; }\nlocation = /health { return 200; }\n',
      '/r/nginx/snippets/headers.conf': 'proxy_set_header Host $host;\nerror_page 404 = /404.html;\n',
      '/r/headers/nginx.conf': 'proxy_set_header Host $host;\n',
      '/r/nginx/conf.d/empty.conf': '',
      '/r/jinja/nginx.conf': 'server {\n{% if tls %}\n  listen 443 ssl;\n{% endif %}\n}\n',
      '/r/go/nginx.conf': 'worker_processes {{ .Env.WORKERS | default "4" }};\n',
      '/r/mustache/nginx/site.conf': 'server { server_name {{SERVERS}}; }\n',
      '/r/erb/nginx/site.conf': 'server { server_name <%= @name %>; }\n',
      '/r/dovecot/conf.d/fts.conf': 'plugin {\n  fts = flatcurve\n}\n',
      '/r/other/conf.d/daemon.conf': 'Listen 8080\nServerName example.org\n',
    };
    const inventory = takeInventory(new MemoryFileSystem(files), '/r');
    const contexts = Object.fromEntries(inventory.filesOf('nginx').map((file) => [file.path, inventory.nginxContext(file) ?? 'not nginx']));
    deepStrictEqual(contexts, {
      '/r/main/nginx.conf': 'main',
      '/r/servers/nginx.conf': 'http',
      '/r/nginx/conf.d/locations.conf': 'server',
      '/r/nginx/snippets/headers.conf': 'unknown',
      '/r/headers/nginx.conf': 'unknown',
      '/r/nginx/conf.d/empty.conf': 'unknown',
      '/r/jinja/nginx.conf': 'not nginx',
      '/r/go/nginx.conf': 'not nginx',
      '/r/mustache/nginx/site.conf': 'not nginx',
      '/r/erb/nginx/site.conf': 'not nginx',
      '/r/dovecot/conf.d/fts.conf': 'not nginx',
      '/r/other/conf.d/daemon.conf': 'not nginx',
    });
    strictEqual(inventory.nginxSyntax(inventory.filesOf('nginx').find((file) => file.path === '/r/dovecot/conf.d/fts.conf')!), undefined);
  });

  it('takes a file with envsubst placeholders where nginx would reject them for a template, and judges the rest as nginx', () => {
    const files: Record<string, string> = {
      // a placeholder nginx reads as text, in a directive it rejects
      '/r/text/conf.d/site.conf': 'server {\n  listen 80;\n  real_ip_recursive ${REAL_IP_RECURSIVE};\n}\n',
      // a placeholder nginx looks up as a variable it does not have: `unknown "backend" variable`
      '/r/unbraced/conf.d/site.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://$BACKEND; }\n}\n',
      '/r/stream/nginx.conf': 'stream {\n  server { listen 5432; proxy_pass ${DATABASE}; }\n}\nevents {}\n',
      '/r/map/conf.d/map.conf': 'map $host $backend {\n  default ${DEFAULT_BACKEND};\n}\n',
      // nginx's own variables, whatever their case, and those the file adds
      '/r/known/conf.d/site.conf': 'server {\n  listen 80;\n  return 301 https://${HOST}$REQUEST_URI;\n}\n',
      '/r/set/conf.d/site.conf': 'server {\n  listen 80;\n  set $Backend app;\n  location / { proxy_pass http://$BACKEND; }\n}\n',
      '/r/capture/conf.d/site.conf': 'server {\n  listen 80;\n  location ~ ^/(?<SITE>[a-z]+)/ { root /srv/${SITE}; }\n}\n',
      // a placeholder nginx takes as text and accepts, and a plain error elsewhere: nginx's file
      '/r/accepted/conf.d/site.conf': 'server {\n  listen 80;\n  server_name ${DOMAIN};\n  gzip maybe;\n}\n',
      // lower case: a fragment whose variables another file adds, not a template
      '/r/lower/conf.d/site.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://$backend; }\n  real_ip_recursive maybe;\n}\n',
    };
    const inventory = takeInventory(new MemoryFileSystem(files), '/r');
    const contexts = Object.fromEntries(inventory.filesOf('nginx').map((file) => [file.path, inventory.nginxContext(file) ?? 'not nginx']));
    deepStrictEqual(contexts, {
      '/r/text/conf.d/site.conf': 'not nginx',
      '/r/unbraced/conf.d/site.conf': 'not nginx',
      '/r/stream/nginx.conf': 'not nginx',
      '/r/map/conf.d/map.conf': 'not nginx',
      '/r/known/conf.d/site.conf': 'http',
      '/r/set/conf.d/site.conf': 'http',
      '/r/capture/conf.d/site.conf': 'http',
      '/r/accepted/conf.d/site.conf': 'http',
      '/r/lower/conf.d/site.conf': 'http',
    });
    const firstError = (path: string) => inventory.nginxSyntax(inventory.filesOf('nginx').find((file) => file.path === path)!)?.errors[0]?.message;
    deepStrictEqual(['/r/accepted/conf.d/site.conf', '/r/lower/conf.d/site.conf'].map(firstError), [
      'invalid value "maybe" in "gzip" directive, it must be "on" or "off"',
      'invalid value "maybe" in "real_ip_recursive" directive, it must be "on" or "off"',
    ]);
  });

  it('bounds each kind in depth, size and count, in the walk order', () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const scripts = Object.fromEntries(Array.from({ length: 201 }, (_, index) => [`/r/scripts/s${String(index).padStart(3, '0')}.sh`, 'true\n']));
    const inventory = takeInventory(
      new MemoryFileSystem({
        '/r/a/b/c/d/e/f/g/h/i/j/compose.yaml': '',
        '/r/a/b/c/d/e/nginx/site.conf': '',
        '/r/a/b/c/d/e/f/nginx/site.conf': '',
        '/r/big.sh': big,
        '/r/nginx/big.conf': big,
        ...scripts,
      }),
      '/r',
    );
    deepStrictEqual(inventory.composeDirectories, ['/r/a/b/c/d/e/f/g/h/i/j']);
    deepStrictEqual(
      inventory.filesOf('nginx').map((file) => file.path),
      ['/r/nginx/big.conf', '/r/a/b/c/d/e/nginx/site.conf'],
    );
    const shell = inventory.filesOf('shell').map((file) => file.path);
    strictEqual(shell.length, 200);
    strictEqual(shell.includes('/r/big.sh'), false);
    strictEqual(shell.at(-1), '/r/scripts/s199.sh');
    deepStrictEqual(inventory.kindsOf('/r/scripts/s200.sh'), []);
  });

  it('reads a file once per analysis, however often it is asked for', () => {
    const fileSystem = new CountingFileSystem(new MemoryFileSystem({ '/r/init.sh': 'certbot certonly\n', '/r/binary.sh': new Uint8Array([0, 1]) }));
    const inventory = takeInventory(fileSystem, '/r');
    strictEqual(inventory.text('/r/init.sh'), 'certbot certonly\n');
    strictEqual(inventory.text('/r/init.sh'), 'certbot certonly\n');
    strictEqual(inventory.text('/r/binary.sh'), undefined);
    strictEqual(inventory.text('/r/binary.sh'), undefined);
    deepStrictEqual(Object.fromEntries(fileSystem.reads), { '/r/init.sh': 1, '/r/binary.sh': 1 });
  });

  it('is the one walk of an analysis: the model, the facts and the rules search no further', async () => {
    const fileSystem = new CountingFileSystem(
      new MemoryFileSystem({
        '/w/compose.yaml':
          'services:\n  nginx:\n    image: nginx:1.27\n    ports: ["80:80", "443:443"]\n    volumes:\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n      - ./certbot/conf:/etc/letsencrypt:ro\n' +
          '  certbot:\n    image: certbot/certbot\n    volumes:\n      - ./certbot/conf:/etc/letsencrypt\n    command: certonly --webroot -w /var/www/certbot -d example.org\n',
        '/w/nginx/conf.d/site.conf': 'server {\n  listen 443 ssl;\n  ssl_certificate /etc/letsencrypt/live/example.org/fullchain.pem;\n}\n',
        '/w/host/nginx.conf': 'events {}\nhttp { server { listen 80; } }\n',
        '/w/scripts/init-letsencrypt.sh': 'docker compose run --rm certbot certonly --webroot -w /var/www/certbot -d example.org\n',
        '/w/ops/cron.d/renew': '0 3 * * * root certbot renew\n',
        '/w/ops/systemd/certbot.timer': '[Timer]\nOnCalendar=daily\n',
        '/w/web/Dockerfile': 'FROM nginx:1.27\n',
        '/w/infra/main.tf': 'resource "aws_acm_certificate" "site" {\n  domain_name = "example.org"\n  validation_method = "EMAIL"\n}\n',
        '/w/infra/stack.yaml': 'Resources:\n  Certificate:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: example.org\n',
      }),
    );
    const inventory = takeInventory(fileSystem, '/w');
    const walked = new Map(fileSystem.listings);
    strictEqual(walked.get('/w'), 1);
    strictEqual(
      [...walked.values()].every((count) => count === 1),
      true,
    );
    const kinds = new Set(inventory.files.flatMap((file) => file.kinds.map((kind) => kind.kind)));
    deepStrictEqual([...kinds].sort(), ['cloudformation', 'compose', 'dockerfile', 'nginx', 'schedule', 'shell', 'terraform']);

    const analysis = await analyzeInventory(inventory);
    // the rules read what the walk found: the cron file renews, the script and the Terraform module are read
    deepStrictEqual(
      analysis.findings.map((finding) => [finding.ruleId, finding.location.file]),
      [
        ['missing-certificate-on-first-boot', '/w/nginx/conf.d/site.conf'],
        ['acme-challenge-not-served', '/w/compose.yaml'],
        ['acme-challenge-not-served', '/w/scripts/init-letsencrypt.sh'],
        ['renewal-without-reload', '/w/ops/cron.d/renew'],
        ['acm-email-validation', '/w/infra/main.tf'],
      ],
    );
    // the root and the directories nothing mounts are listed by the walk alone
    for (const directory of ['/w', '/w/scripts', '/w/ops', '/w/ops/cron.d', '/w/ops/systemd', '/w/web', '/w/infra', '/w/host'])
      strictEqual(fileSystem.listings.get(directory), 1, directory);
  });
});
