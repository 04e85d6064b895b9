import { deepStrictEqual, strictEqual } from 'node:assert';
import { findForeignTemplate, loadComposeProject } from '../../../server/src/languages/compose/index';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { at, range } from './support';

const file = '/p/compose.yaml';
const load = (text: string) => loadComposeProject(new MemoryFileSystem({ [file]: text }), '/p');

describe("YAML compose's go-yaml accepts", () => {
  it("reads a double-quoted value continued at its key's column, folded as go-yaml folds it", () => {
    const project = load(
      [
        'services:',
        '  keycloak:',
        '    image: keycloak',
        '    environment:',
        '        JAVA_OPTS: "-server -Xms64m',
        '        -XX:MetaspaceSize=96M',
        '        -Djava.awt.headless=true"',
        '    ports:',
        '      - "8080:8080"',
        '',
      ].join('\n'),
    );
    deepStrictEqual(project.diagnostics, []);
    const [keycloak] = project.services;
    deepStrictEqual(keycloak?.environment, { JAVA_OPTS: '-server -Xms64m -XX:MetaspaceSize=96M -Djava.awt.headless=true' });
    deepStrictEqual(
      keycloak?.ports.map((port) => port.location),
      [at(file, 8, 8, 19)],
    );
  });

  it("reads a single-quoted value continued at column 0, and a flow sequence continued at its key's column", () => {
    const project = load(["services:\n  web:\n    image: 'nginx", '  :1.27\'\n    command: ["nginx",\n    "-g", \'daemon off;\']\n'].join('\n'));
    deepStrictEqual(project.diagnostics, []);
    strictEqual(project.services[0]?.image?.value, 'nginx :1.27');
    deepStrictEqual(project.services[0]?.command, { value: ['nginx', '-g', 'daemon off;'], location: { file, range: range(4, 13, 5, 24) } });
  });

  it('still refuses what go-yaml refuses: a document marker inside a quoted value, a quoted key over two lines', () => {
    const marker = load('services:\n  web:\n    image: "nginx\n---\n1.27"\n');
    deepStrictEqual(
      marker.diagnostics.map((diagnostic) => [diagnostic.message, diagnostic.location.range]),
      [
        ['Missing closing "quote', range(2, 17, 3, 0)],
        ['Source contains multiple documents; please use YAML.parseAllDocuments()', range(3, 0, 5, 0)],
      ],
    );
    deepStrictEqual(marker.services, []);
    const key = load('services:\n  "web\n  app":\n    image: nginx\n');
    deepStrictEqual(
      key.diagnostics.map((diagnostic) => [diagnostic.message, diagnostic.location.range]),
      [['Implicit keys need to be on a single line', range(1, 2, 2, 6)]],
    );
    deepStrictEqual(key.services, []);
  });

  it('leaves block scalars alone: quotes in their content open nothing', () => {
    const project = load('services:\n  web:\n    image: nginx\n    command: |\n      echo "one\n    environment:\n      A: "b"\n');
    deepStrictEqual(project.diagnostics, []);
    deepStrictEqual(project.services[0]?.command?.value, 'echo "one\n');
    deepStrictEqual(project.services[0]?.environment, { A: 'b' });
  });
});

describe('compose files that are templates of another tool', () => {
  it('does not check a Jinja template, and says so once, at its first statement', () => {
    const project = load(
      '{% set env = "mailu.env" %}\nservices:\n  front:\n    image: nginx\n    env_file: {{ env }}\n    ports:\n    {% for port in (80, 443) %}\n      - "{{ port }}:{{ port }}"\n    {% endfor %}\n',
    );
    deepStrictEqual(project.services, []);
    deepStrictEqual(project.documents, []);
    deepStrictEqual(project.diagnostics, [
      {
        code: 'template-file',
        severity: 'information',
        message:
          'compose.yaml is a Jinja template (`{% set env = "mailu.env" %}`): another tool renders it before docker compose reads the result, so certboot does not check it',
        location: at(file, 0, 0, 27),
      },
    ]);
  });

  it('recognises Go template actions on their own line, unquoted placeholders and ERB tags', () => {
    deepStrictEqual(findForeignTemplate('services:\n  web:\n{{- if .Env.TLS }}\n    ports: ["443:443"]\n{{- end }}\n', file), {
      language: 'Go template',
      mark: '{{- if .Env.TLS }}',
      range: range(2, 0, 2, 18),
    });
    deepStrictEqual(findForeignTemplate('services:\n  web:\n    image: {{ .Env.IMAGE }}\n', file), {
      language: 'Go template',
      mark: '{{ .Env.IMAGE }}',
      range: range(2, 11, 2, 27),
    });
    deepStrictEqual(findForeignTemplate('services:\n  web:\n    dns:\n      - {{ dns }}\n', file), {
      language: 'Jinja',
      mark: '{{ dns }}',
      range: range(3, 8, 3, 17),
    });
    deepStrictEqual(findForeignTemplate('services:\n  web:\n    image: "nginx:<%= @version %>"\n', file), {
      language: 'ERB',
      mark: '<%= @version %>',
      range: range(2, 18, 2, 33),
    });
    deepStrictEqual(findForeignTemplate('services: {}\n', '/p/docker-compose.yml.j2'), { language: 'Jinja', mark: '', range: range(0, 0, 0, 0) });
  });

  it("reads a compose file that holds docker's own Go templates, Jinja in a block scalar and a commented-out statement", () => {
    const project = load(
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    hostname: "{{.Node.Hostname}}-{{.Task.Slot}}"',
        '    logging:',
        '      options:',
        "        tag: '{{.ImageName}}/{{.Name}}'",
        '    labels:',
        '      - traefik.frontend.rule=Host:{{ normalize .Name }}.example.org',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "docker inspect -f \'{{if .State.Running}}ok{{end}}\' web"]',
        '    # {% if debug %} used to be here',
        'configs:',
        '  app:',
        '    content: |',
        '      {% for user in users %}{{ user }}{% endfor %}',
        '',
      ].join('\n'),
    );
    deepStrictEqual(project.diagnostics, []);
    strictEqual(project.services[0]?.name, 'web');
  });
});
