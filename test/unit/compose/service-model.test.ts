import { deepStrictEqual, strictEqual } from 'node:assert';
import { type ComposeProject, loadComposeProject } from '../../../server/src/languages/compose/index';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { at, range } from './support';

const file = '/p/compose.yaml';

function project(text: string, extraFiles: Record<string, string | Uint8Array> = {}, environment: Record<string, string> = {}): ComposeProject {
  return loadComposeProject(new MemoryFileSystem({ [file]: text, ...extraFiles }), '/p', { environment });
}

function service(text: string, extraFiles: Record<string, string | Uint8Array> = {}, environment: Record<string, string> = {}) {
  const loaded = project(text, extraFiles, environment);
  deepStrictEqual(loaded.diagnostics, []);
  return loaded.services[0];
}

describe('compose service model', () => {
  it('reads every short port form', () => {
    const ports = service(
      [
        'services:',
        '  web:',
        '    ports:',
        '      - 80',
        '      - "443:8443"',
        '      - "127.0.0.1:8080:80/tcp"',
        '      - "[::1]:53:53/udp"',
        '      - "::1:54:54"',
        '      - "127.0.0.1::9000"',
        '      - "8000-8010:8000-8010"',
        '      - 5000/sctp',
      ].join('\n'),
    ).ports;
    deepStrictEqual(ports, [
      { containerPort: '80', protocol: 'tcp', unknown: false, location: at(file, 3, 8, 10) },
      { hostPort: '443', containerPort: '8443', protocol: 'tcp', unknown: false, location: at(file, 4, 8, 18) },
      { hostIp: '127.0.0.1', hostPort: '8080', containerPort: '80', protocol: 'tcp', unknown: false, location: at(file, 5, 8, 31) },
      { hostIp: '::1', hostPort: '53', containerPort: '53', protocol: 'udp', unknown: false, location: at(file, 6, 8, 25) },
      { hostIp: '::1', hostPort: '54', containerPort: '54', protocol: 'tcp', unknown: false, location: at(file, 7, 8, 19) },
      { hostIp: '127.0.0.1', containerPort: '9000', protocol: 'tcp', unknown: false, location: at(file, 8, 8, 25) },
      { hostPort: '8000-8010', containerPort: '8000-8010', protocol: 'tcp', unknown: false, location: at(file, 9, 8, 29) },
      { containerPort: '5000', protocol: 'sctp', unknown: false, location: at(file, 10, 8, 17) },
    ]);
  });

  it('reads the long port syntax and keeps the known parts of an interpolated port', () => {
    const ports = service(
      [
        'services:',
        '  web:',
        '    ports:',
        '      - target: 80',
        '        published: "8080"',
        '        host_ip: 0.0.0.0',
        '        protocol: udp',
        '      - target: 443',
        '      - "${HTTP_PORT}:80"',
        '      - "${HTTPS_PORT:-443}:443"',
      ].join('\n'),
    ).ports;
    deepStrictEqual(ports, [
      { hostIp: '0.0.0.0', hostPort: '8080', containerPort: '80', protocol: 'udp', unknown: false, location: { file, range: range(3, 8, 6, 21) } },
      { containerPort: '443', protocol: 'tcp', unknown: false, location: at(file, 7, 8, 19) },
      { containerPort: '80', protocol: 'tcp', unknown: true, location: at(file, 8, 8, 25) },
      { hostPort: '443', containerPort: '443', protocol: 'tcp', unknown: false, location: at(file, 9, 8, 32) },
    ]);
  });

  it('reports an invalid port at its entry', () => {
    const loaded = project('services:\n  web:\n    ports: ["80:99999", "80:80/icmp", "80:80"]\n');
    deepStrictEqual(loaded.diagnostics, [
      { code: 'invalid-port', severity: 'error', message: 'service "web": "99999" is not a port number or range', location: at(file, 2, 12, 22) },
      { code: 'invalid-port', severity: 'error', message: 'service "web": "icmp" is not a protocol (tcp, udp or sctp)', location: at(file, 2, 24, 36) },
    ]);
    deepStrictEqual(
      loaded.services[0].ports.map((port) => port.hostPort),
      ['80'],
    );
  });

  it('reads short and long volume syntax: binds, named, anonymous, tmpfs, unknown', () => {
    const volumes = service(
      [
        'services:',
        '  web:',
        '    volumes:',
        '      - ./certbot/conf:/etc/letsencrypt:ro',
        '      - ../shared:/shared:rw,z',
        '      - /srv/www/:/var/www/',
        '      - certs:/certs',
        '      - /data',
        '      - ~/backup:/backup',
        '      - ${CERT_DIR}:/etc/ssl/private:ro',
        '      - type: bind',
        '        source: ./nginx',
        '        target: /etc/nginx/conf.d',
        '        read_only: true',
        '      - type: volume',
        '        source: certs',
        '        target: /more',
        '      - type: tmpfs',
        '        target: /tmp',
        '      - type: npipe',
        '        source: \\\\.\\pipe\\docker_engine',
        '        target: \\\\.\\pipe\\docker_engine',
        'volumes:',
        '  certs: {}',
      ].join('\n'),
    ).volumes;
    deepStrictEqual(volumes, [
      { type: 'bind', source: '/p/certbot/conf', target: '/etc/letsencrypt', readOnly: true, unknown: false, location: at(file, 3, 8, 42) },
      { type: 'bind', source: '/shared', target: '/shared', readOnly: false, unknown: false, location: at(file, 4, 8, 30) },
      { type: 'bind', source: '/srv/www', target: '/var/www', readOnly: false, unknown: false, location: at(file, 5, 8, 27) },
      { type: 'volume', source: 'certs', target: '/certs', readOnly: false, unknown: false, location: at(file, 6, 8, 20) },
      { type: 'volume', target: '/data', readOnly: false, unknown: false, location: at(file, 7, 8, 13) },
      { type: 'bind', target: '/backup', readOnly: false, unknown: true, location: at(file, 8, 8, 24) },
      { target: '/etc/ssl/private', readOnly: true, unknown: true, location: at(file, 9, 8, 39) },
      { type: 'bind', source: '/p/nginx', target: '/etc/nginx/conf.d', readOnly: true, unknown: false, location: { file, range: range(10, 8, 13, 23) } },
      { type: 'volume', source: 'certs', target: '/more', readOnly: false, unknown: false, location: { file, range: range(14, 8, 16, 21) } },
      { type: 'tmpfs', target: '/tmp', readOnly: false, unknown: false, location: { file, range: range(17, 8, 18, 20) } },
    ]);
  });

  it('reports a named volume that the top-level volumes do not declare', () => {
    const loaded = project('services:\n  web:\n    volumes: ["certs:/certs"]\n');
    deepStrictEqual(loaded.diagnostics, [
      {
        code: 'undefined-volume',
        severity: 'error',
        message: 'service "web": volume "certs" is not declared under the top-level volumes',
        location: at(file, 2, 14, 28),
        subject: 'certs',
      },
    ]);
  });

  it('keeps the depends_on services a service waits to complete successfully', () => {
    const web = service(
      'services:\n  web:\n    depends_on:\n      certbot:\n        condition: service_completed_successfully\n      db:\n        condition: service_healthy\n      cache:\n',
    );
    deepStrictEqual([web.dependsOn, web.awaitsCompletionOf], [['certbot', 'db', 'cache'], ['certbot']]);
    strictEqual(service('services:\n  web:\n    depends_on: [certbot]\n').awaitsCompletionOf, undefined);
  });

  it('keeps working_dir, unknown when it depends on an unset variable', () => {
    deepStrictEqual(service('services:\n  web:\n    working_dir: /srv/app\n').workingDirectory, { value: '/srv/app', location: at(file, 2, 17, 25) });
    deepStrictEqual(service('services:\n  web:\n    working_dir: ${APP_DIR}\n').workingDirectory, { value: undefined, location: at(file, 2, 17, 27) });
    strictEqual(service('services:\n  web:\n    image: nginx\n').workingDirectory, undefined);
  });

  it('takes deploy.restart_policy over restart, mapping its conditions to docker policies', () => {
    const both = service(
      'services:\n  web:\n    restart: always\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n',
    );
    deepStrictEqual(both.restart, { policy: 'on-failure', maximumRetries: 3, origin: 'deploy.restart_policy', location: at(file, 5, 19, 29) });
    const none = service('services:\n  web:\n    restart: always\n    deploy:\n      restart_policy:\n        condition: none\n');
    deepStrictEqual(none.restart?.policy, 'no');
    const defaulted = service('services:\n  web:\n    deploy:\n      restart_policy:\n        delay: 5s\n');
    deepStrictEqual(defaulted.restart, { policy: 'always', origin: 'deploy.restart_policy', location: at(file, 4, 8, 17) });
    const plain = service('services:\n  web:\n    restart: "no"\n');
    deepStrictEqual(plain.restart, { policy: 'no', origin: 'restart', location: at(file, 2, 13, 17) });
  });

  it('reports a restart value docker refuses and treats an unset variable as unknown', () => {
    const loaded = project('services:\n  a:\n    restart: sometimes\n  b:\n    restart: ${RESTART}\n  c:\n    restart: ${RESTART:-unless-stopped}\n');
    deepStrictEqual(loaded.diagnostics, [
      {
        code: 'invalid-restart',
        severity: 'error',
        message: 'service "a": "sometimes" is not a restart policy (no, always, unless-stopped, on-failure[:N])',
        location: at(file, 2, 13, 22),
      },
    ]);
    deepStrictEqual(
      loaded.services.map((entry) => entry.restart?.policy),
      [undefined, undefined, 'unless-stopped'],
    );
    deepStrictEqual(loaded.services[1].restart?.location, at(file, 4, 13, 23));
  });

  it('marks values that depend on an unset variable as unknown, keeping their location', () => {
    const web = service(
      [
        'services:',
        '  web:',
        '    image: nginx:${TAG}',
        '    container_name: ${NAME:?set a name}',
        '    command: ["certbot", "-d", "${DOMAIN}"]',
        '    entrypoint: echo $$HOME',
        '    environment:',
        '      KNOWN: yes',
        '      UNKNOWN: ${SECRET}',
        '      FROM_SHELL:',
        '      PASSED: null',
      ].join('\n'),
      {},
      { PASSED: 'passed' },
    );
    deepStrictEqual(web.image, { value: undefined, location: at(file, 2, 11, 23) });
    deepStrictEqual(web.containerName, { value: undefined, location: at(file, 3, 20, 39) });
    deepStrictEqual(web.command, { value: undefined, location: at(file, 4, 13, 43) });
    deepStrictEqual(web.entrypoint, { value: 'echo $HOME', location: at(file, 5, 16, 27) });
    deepStrictEqual(web.environment, { KNOWN: 'yes', UNKNOWN: undefined, FROM_SHELL: undefined, PASSED: 'passed' });
  });

  it('reports a malformed interpolation at its scalar', () => {
    const loaded = project('services:\n  web:\n    image: "nginx:${TAG"\n');
    deepStrictEqual(loaded.diagnostics, [
      {
        code: 'invalid-interpolation',
        severity: 'error',
        message: 'invalid interpolation format: unterminated "${" in "nginx:${TAG"',
        location: at(file, 2, 11, 24),
      },
    ]);
    strictEqual(loaded.services[0].image?.value, undefined);
  });

  it('expands anchors, aliases and << merge keys, locating values at the anchored node', () => {
    const loaded = project(
      [
        'x-base: &base',
        '  restart: unless-stopped',
        '  volumes:',
        '    - &conf ./certbot/conf:/etc/letsencrypt',
        'services:',
        '  nginx:',
        '    <<: *base',
        '    image: nginx',
        '  certbot:',
        '    <<: [{image: certbot/certbot, restart: always}, *base]',
        '    restart: "no"',
        '    volumes:',
        '      - *conf',
        '      - ./www:/var/www/certbot',
      ].join('\n'),
    );
    deepStrictEqual(loaded.diagnostics, []);
    const [nginx, certbot] = loaded.services;
    deepStrictEqual(nginx.restart, { policy: 'unless-stopped', origin: 'restart', location: at(file, 1, 11, 25) });
    deepStrictEqual(
      nginx.volumes.map((mount) => [mount.source, mount.location]),
      [['/p/certbot/conf', at(file, 3, 12, 43)]],
    );
    deepStrictEqual(certbot.image, { value: 'certbot/certbot', location: at(file, 9, 17, 32) });
    deepStrictEqual(certbot.restart, { policy: 'no', origin: 'restart', location: at(file, 10, 13, 17) });
    deepStrictEqual(
      certbot.volumes.map((mount) => [mount.target, mount.location]),
      [
        ['/etc/letsencrypt', at(file, 3, 12, 43)],
        ['/var/www/certbot', at(file, 13, 8, 30)],
      ],
    );
  });

  it('counts ranges in UTF-16 code units', () => {
    const web = service('services:\n  web:\n    labels: {note: "🔒 ünïcode"}\n    image: nginx\n    container_name: "🔒proxy"\n');
    deepStrictEqual(web.containerName, { value: '🔒proxy', location: at(file, 4, 20, 29) });
  });

  it('honours !reset and !override in an override file', () => {
    const [web] = project('services:\n  web:\n    image: nginx\n    ports: ["80:80", "443:443"]\n    volumes: ["./a:/a"]\n    restart: always\n', {
      '/p/compose.override.yaml': 'services:\n  web:\n    ports: !override ["8443:443"]\n    volumes: !reset []\n    restart: !reset null\n',
    }).services;
    deepStrictEqual(
      web.ports.map((port) => [port.hostPort, port.containerPort]),
      [['8443', '443']],
    );
    deepStrictEqual(web.volumes, []);
    strictEqual(web.restart, undefined);
  });

  it('reads build, profiles, depends_on in both forms and the project name', () => {
    const loaded = project(
      [
        'name: ${PROJECT:-certs}',
        'services:',
        '  web:',
        '    build: ./web',
        '    profiles: [edge]',
        '    depends_on: [certbot]',
        '  certbot:',
        '    build:',
        '      dockerfile: certbot.Dockerfile',
        '    depends_on:',
        '      web:',
        '        condition: service_started',
        '  remote:',
        '    build: https://github.com/example/repo.git#main',
      ].join('\n'),
    );
    deepStrictEqual(loaded.diagnostics, []);
    strictEqual(loaded.name, 'certs');
    const [web, certbot, remote] = loaded.services;
    deepStrictEqual(web.build, { context: { value: '/p/web', location: at(file, 3, 11, 16) } });
    deepStrictEqual(web.profiles, ['edge']);
    deepStrictEqual(web.dependsOn, ['certbot']);
    deepStrictEqual(certbot.build, {
      context: { value: '/p', location: at(file, 8, 6, 36) },
      dockerfile: { value: 'certbot.Dockerfile', location: at(file, 8, 18, 36) },
    });
    deepStrictEqual(certbot.dependsOn, ['web']);
    deepStrictEqual(remote.build?.context.value, 'https://github.com/example/repo.git#main');
  });

  it('names the project after its directory when nothing else names it', () => {
    const loaded = loadComposeProject(new MemoryFileSystem({ '/srv/My Site.v2/compose.yaml': 'services: {}\n' }), '/srv/My Site.v2');
    strictEqual(loaded.name, 'mysitev2');
  });

  it('reports extends problems: a missing file, a missing service, a cycle (once)', () => {
    const loaded = project(
      [
        'services:',
        '  a:',
        '    extends: {file: missing.yaml, service: x}',
        '  b:',
        '    extends: nowhere',
        '  c:',
        '    extends: d',
        '    image: c',
        '  d:',
        '    extends: c',
      ].join('\n'),
    );
    deepStrictEqual(loaded.diagnostics, [
      { code: 'extends-not-found', severity: 'error', message: 'extends: /p/missing.yaml does not exist', location: at(file, 2, 20, 32) },
      { code: 'extends-not-found', severity: 'error', message: 'extends: service "nowhere" is not defined in /p/compose.yaml', location: at(file, 4, 13, 20) },
      {
        code: 'extends-cycle',
        severity: 'error',
        message: 'extends cycle: /p/compose.yaml#c → /p/compose.yaml#d → /p/compose.yaml#c',
        location: at(file, 9, 13, 14),
      },
    ]);
    deepStrictEqual(
      loaded.services.map((entry) => entry.image?.value),
      [undefined, undefined, 'c', 'c'],
    );
  });

  it('reports an include that does not exist at its path', () => {
    const loaded = project('include:\n  - path: ./certbot/compose.yaml\nservices: {}\n');
    deepStrictEqual(loaded.diagnostics, [
      { code: 'include-not-found', severity: 'error', message: 'included file /p/certbot/compose.yaml does not exist', location: at(file, 1, 10, 32) },
    ]);
  });

  it('merges the local service over an included one with the same name, as compose 5 does', () => {
    const loaded = project('include: [other/compose.yaml]\nservices:\n  web:\n    image: local\n    ports: ["8080:80"]\n', {
      '/p/other/compose.yaml': 'services:\n  web:\n    image: included\n    restart: always\n    volumes: [./html:/usr/share/nginx/html]\n',
    });
    deepStrictEqual(loaded.diagnostics, []);
    deepStrictEqual(
      loaded.services.map((entry) => [
        entry.image?.value,
        entry.restart?.policy,
        entry.ports.map((port) => port.hostPort),
        entry.volumes.map((volume) => volume.source),
      ]),
      [['local', 'always', ['8080'], ['/p/other/html']]],
    );
  });

  it('refuses a file over 5 MB, a file that is not a mapping, and an alias loop, without throwing', () => {
    const huge = project('services: {}\n', { '/p/compose.override.yaml': `x: "${'a'.repeat(5 * 1024 * 1024)}"\n` });
    deepStrictEqual(
      huge.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.location]),
      [['file-too-large', { file: '/p/compose.override.yaml', range: range(0, 0, 0, 0) }]],
    );
    const scalar = project('just some text\n');
    deepStrictEqual(scalar.diagnostics, [
      { code: 'not-a-mapping', severity: 'error', message: `${file} is not a compose file: its top level is not a mapping`, location: at(file, 0, 0, 14) },
    ]);
    const loop = project('services:\n  web: &web\n    nested: *web\n');
    deepStrictEqual(
      loop.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.message, diagnostic.location]),
      [['yaml-syntax', 'alias *web refers to a node that contains it', at(file, 2, 12, 16)]],
    );
  });
});
