import { deepStrictEqual, strictEqual } from 'node:assert';
import { join } from 'node:path';
import { loadComposeProject } from '../../../server/src/languages/compose/index';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { fixturesRoot } from '../../support/paths';
import { at, range } from './support';

const root = join(fixturesRoot, 'compose');
const disk = new DiskFileSystem([root]);
const load = (name: string) => loadComposeProject(disk, join(root, name), { environment: {} });

describe('compose projects on disk', () => {
  it('merges the override file: ports and volumes by key, command replaced, environment by name', () => {
    const project = load('override');
    const main = join(root, 'override/compose.yaml');
    const override = join(root, 'override/compose.override.yaml');
    deepStrictEqual(project.files, [main, override]);
    deepStrictEqual(project.diagnostics, []);
    strictEqual(project.name, 'override');
    const [nginx, certbot] = project.services;
    deepStrictEqual(nginx.nameLocation, at(main, 4, 2, 7));
    deepStrictEqual(nginx.image, { value: 'nginx:1.27', location: at(main, 6, 11, 33) });
    deepStrictEqual(nginx.containerName, { value: 'proxy', location: at(main, 7, 20, 40) });
    deepStrictEqual(nginx.restart, { policy: 'unless-stopped', origin: 'restart', location: at(override, 10, 13, 27) });
    deepStrictEqual(nginx.ports, [
      { hostPort: '80', containerPort: '80', protocol: 'tcp', unknown: false, location: at(override, 4, 8, 15) },
      { hostPort: '443', containerPort: '443', protocol: 'tcp', unknown: false, location: at(main, 10, 8, 15) },
      { hostPort: '8080', containerPort: '80', protocol: 'tcp', unknown: false, location: at(override, 3, 8, 17) },
    ]);
    deepStrictEqual(nginx.volumes, [
      { type: 'bind', source: join(root, 'override/nginx/conf.d'), target: '/etc/nginx/conf.d', readOnly: true, unknown: false, location: at(main, 12, 8, 43) },
      { type: 'bind', source: join(root, 'override/dev/certs'), target: '/etc/letsencrypt', readOnly: true, unknown: false, location: at(override, 6, 8, 39) },
    ]);
    deepStrictEqual(nginx.command, { value: "nginx-debug -g 'daemon off;'", location: at(override, 7, 13, 41) });
    deepStrictEqual(nginx.environment, { DOMAIN: 'example.org', MODE: 'development' });
    strictEqual(certbot.restart, undefined);
    deepStrictEqual(certbot.entrypoint, {
      value: "/bin/sh -c 'trap exit TERM; while :; do certbot renew; sleep 12h; done'",
      location: at(main, 20, 16, 87),
    });
  });

  it('lets the caller environment win over .env, and never reads process.env', () => {
    process.env.NGINX_NAME = 'from-process-env';
    try {
      const project = loadComposeProject(disk, join(root, 'override'), { environment: { NGINX_VERSION: '1.25' } });
      strictEqual(project.services[0].image?.value, 'nginx:1.25');
      strictEqual(project.services[0].containerName?.value, 'proxy');
    } finally {
      delete process.env.NGINX_NAME;
    }
  });

  it('includes a project with its own directory and .env', () => {
    const project = load('include');
    const included = join(root, 'include/certbot/compose.yaml');
    deepStrictEqual(project.files, [join(root, 'include/compose.yaml'), included]);
    deepStrictEqual(project.diagnostics, []);
    deepStrictEqual(project.namedVolumes, ['certbot-www']);
    const certbot = project.services.find((service) => service.name === 'certbot');
    deepStrictEqual(certbot?.nameLocation, at(included, 1, 2, 9));
    deepStrictEqual(certbot?.image, { value: 'certbot/certbot:v2.11.0', location: at(included, 2, 11, 41) });
    deepStrictEqual(
      certbot?.volumes.map((mount) => [mount.type, mount.source, mount.target]),
      [
        ['bind', join(root, 'include/certbot/conf'), '/etc/letsencrypt'],
        ['volume', 'certbot-www', '/var/www/certbot'],
      ],
    );
  });

  it('reports an include cycle once, where it closes, and keeps every service', () => {
    const project = load('include-cycle');
    const [a, b] = [join(root, 'include-cycle/a.yaml'), join(root, 'include-cycle/b.yaml')];
    deepStrictEqual(project.diagnostics, [
      { code: 'include-cycle', severity: 'error', message: `include cycle: ${a} → ${b} → ${a}`, location: at(b, 1, 11, 17) },
    ]);
    deepStrictEqual(
      project.services.map((service) => service.name),
      ['web', 'a', 'b'],
    );
  });

  it('extends a service of another file, then a service of the same file', () => {
    const project = load('extends');
    const main = join(root, 'extends/docker-compose.yml');
    const common = join(root, 'extends/common/services.yml');
    deepStrictEqual(project.diagnostics, []);
    const [proxy, renewer] = project.services;
    deepStrictEqual(proxy.image, { value: 'nginx:1.27', location: at(common, 2, 11, 21) });
    deepStrictEqual(proxy.restart, { policy: 'on-failure', maximumRetries: 5, origin: 'restart', location: at(common, 3, 13, 25) });
    deepStrictEqual(
      proxy.ports.map((port) => [port.hostPort, port.location]),
      [
        ['80', at(common, 5, 8, 15)],
        ['443', at(main, 6, 8, 17)],
      ],
    );
    deepStrictEqual(
      proxy.volumes.map((mount) => [mount.source, mount.target, mount.readOnly, mount.location]),
      [
        [join(root, 'extends/common/templates'), '/etc/nginx/templates', false, at(common, 7, 8, 40)],
        [join(root, 'extends/certbot/conf'), '/etc/letsencrypt', true, at(main, 8, 8, 42)],
      ],
    );
    deepStrictEqual(proxy.command?.value, ['nginx', '-g', 'daemon off;']);
    deepStrictEqual(renewer.image?.value, 'certbot/certbot');
    deepStrictEqual(renewer.command, { value: 'renew', location: at(main, 12, 13, 18) });
    deepStrictEqual(
      renewer.volumes.map((mount) => mount.target),
      ['/etc/nginx/templates', '/etc/letsencrypt'],
    );
  });

  it('turns malformed YAML into a diagnostic at the exact spot, with no half-read services', () => {
    const project = load('malformed');
    const file = join(root, 'malformed/compose.yaml');
    deepStrictEqual(project.diagnostics, [
      {
        code: 'yaml-syntax',
        severity: 'error',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
        location: { file, range: range(4, 2, 4, 3) },
      },
    ]);
    deepStrictEqual(project.services, []);
  });

  it('refuses a binary file with one diagnostic', () => {
    const project = load('binary');
    const file = join(root, 'binary/compose.yaml');
    deepStrictEqual(project.diagnostics, [
      {
        code: 'binary-file',
        severity: 'error',
        message: `${file} is a binary file (it holds NUL bytes), not a compose file`,
        location: { file, range: range(0, 0, 0, 0) },
      },
    ]);
    deepStrictEqual(project.services, []);
  });

  it('uses compose.yml over docker-compose.yaml and warns about the ignored one', () => {
    const project = load('precedence');
    deepStrictEqual(project.files, [join(root, 'precedence/compose.yml')]);
    deepStrictEqual(
      project.services.map((service) => service.name),
      ['chosen'],
    );
    deepStrictEqual(
      project.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.location.file]),
      [['multiple-compose-files', join(root, 'precedence/docker-compose.yaml')]],
    );
  });
});

describe('compose file discovery', () => {
  it('prefers compose.yaml, then compose.yml, docker-compose.yaml, docker-compose.yml; same for overrides', () => {
    const fileSystem = new MemoryFileSystem({
      '/p/docker-compose.yml': 'services: {d: {image: d}}\n',
      '/p/docker-compose.yaml': 'services: {c: {image: c}}\n',
      '/p/docker-compose.override.yml': 'services: {d: {image: d2}}\n',
      '/p/docker-compose.override.yaml': 'services: {c: {image: c2}}\n',
    });
    const project = loadComposeProject(fileSystem, '/p');
    deepStrictEqual(project.files, ['/p/docker-compose.yaml', '/p/docker-compose.override.yaml']);
    deepStrictEqual(
      project.services.map((service) => [service.name, service.image?.value]),
      [['c', 'c2']],
    );
    fileSystem.writeFile('/p/compose.yaml', 'services: {a: {image: a}}\n');
    deepStrictEqual(loadComposeProject(fileSystem, '/p').files, ['/p/compose.yaml', '/p/docker-compose.override.yaml']);
  });

  it('reports a directory without a compose file', () => {
    const project = loadComposeProject(new MemoryFileSystem({ '/p/readme.md': 'x' }), '/p');
    deepStrictEqual(project.files, []);
    deepStrictEqual(
      project.diagnostics.map((diagnostic) => diagnostic.code),
      ['no-compose-file'],
    );
  });

  it('loads exactly the files it is given, like -f', () => {
    const fileSystem = new MemoryFileSystem({
      '/p/compose.yaml': 'services: {a: {image: a}}\n',
      '/p/compose.override.yaml': 'services: {a: {image: overridden}}\n',
      '/p/prod.yaml': 'services: {a: {restart: always}}\n',
    });
    const project = loadComposeProject(fileSystem, '/p', { files: ['compose.yaml', 'prod.yaml'] });
    deepStrictEqual(project.files, ['/p/compose.yaml', '/p/prod.yaml']);
    deepStrictEqual([project.services[0].image?.value, project.services[0].restart?.policy], ['a', 'always']);
  });

  it('resolves relative paths against the project directory it is given, like --project-directory', () => {
    const fileSystem = new MemoryFileSystem({ '/p/tests/compose.test.yml': 'services:\n  tls:\n    image: nginx\n    volumes: [./tests/nginx:/etc/nginx]\n' });
    const sources = (project: ReturnType<typeof loadComposeProject>) => project.services.flatMap((service) => service.volumes.map((mount) => mount.source));
    deepStrictEqual(sources(loadComposeProject(fileSystem, '/p/tests', { files: ['compose.test.yml'] })), ['/p/tests/tests/nginx']);
    deepStrictEqual(sources(loadComposeProject(fileSystem, '/p', { files: ['tests/compose.test.yml'], projectDirectory: '/p' })), ['/p/tests/nginx']);
  });

  it('loads the files COMPOSE_FILE in .env names, without the override, relative to the first one', () => {
    const fileSystem = new MemoryFileSystem({
      '/p/.env': 'COMPOSE_FILE=docker-compose.yml:deploy/docker-compose.prod.yml\n',
      '/p/docker-compose.yml': 'services:\n  nginx:\n    image: nginx:1.27\n    volumes: [./conf.d:/etc/nginx/conf.d]\n',
      '/p/docker-compose.override.yml': 'services: {nginx: {image: overridden}}\n',
      '/p/compose.yaml': 'services: {ignored: {image: x}}\n',
      '/p/deploy/docker-compose.prod.yml': 'services:\n  nginx:\n    restart: always\n    volumes: [./certs:/etc/letsencrypt]\n',
    });
    const project = loadComposeProject(fileSystem, '/p');
    const [main, prod] = ['/p/docker-compose.yml', '/p/deploy/docker-compose.prod.yml'];
    deepStrictEqual(project.files, [main, prod]);
    deepStrictEqual(project.diagnostics, []);
    deepStrictEqual(
      project.services.map((service) => [service.name, service.image, service.restart, service.volumes]),
      [
        [
          'nginx',
          { value: 'nginx:1.27', location: at(main, 2, 11, 21) },
          { policy: 'always', origin: 'restart', location: at(prod, 2, 13, 19) },
          [
            { type: 'bind', source: '/p/conf.d', target: '/etc/nginx/conf.d', readOnly: false, unknown: false, location: at(main, 3, 14, 40) },
            { type: 'bind', source: '/p/certs', target: '/etc/letsencrypt', readOnly: false, unknown: false, location: at(prod, 3, 14, 38) },
          ],
        ],
      ],
    );
  });

  it('splits COMPOSE_FILE on COMPOSE_PATH_SEPARATOR; the caller environment wins over .env, -f over both', () => {
    const fileSystem = new MemoryFileSystem({
      '/p/.env': 'COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=a.yaml;b.yaml\n',
      '/p/compose.yaml': 'services: {default: {image: d}}\n',
      '/p/a.yaml': 'services: {a: {image: a}}\n',
      '/p/b.yaml': 'services: {a: {image: b}}\n',
    });
    deepStrictEqual(loadComposeProject(fileSystem, '/p').files, ['/p/a.yaml', '/p/b.yaml']);
    deepStrictEqual(
      loadComposeProject(fileSystem, '/p').services.map((service) => [service.name, service.image?.value]),
      [['a', 'b']],
    );
    deepStrictEqual(loadComposeProject(fileSystem, '/p', { environment: { COMPOSE_FILE: 'b.yaml' } }).files, ['/p/b.yaml']);
    deepStrictEqual(loadComposeProject(fileSystem, '/p', { files: ['compose.yaml'] }).files, ['/p/compose.yaml']);
  });

  it('checks no file when COMPOSE_FILE cannot be known, and says so', () => {
    const fileSystem = new MemoryFileSystem({
      '/p/.env': 'COMPOSE_FILE=compose.yaml:${STAGE}.yaml\n',
      '/p/compose.yaml': 'services: {a: {image: a}}\n',
    });
    const project = loadComposeProject(fileSystem, '/p');
    deepStrictEqual(project.files, []);
    deepStrictEqual(project.services, []);
    deepStrictEqual(project.diagnostics, [
      {
        code: 'unknown-compose-file',
        severity: 'information',
        message: 'COMPOSE_FILE uses a variable with no value here, so which compose files docker compose reads is unknown; the project is not checked',
        location: at('/p/.env', 0, 0, 0),
      },
    ]);
  });
});
