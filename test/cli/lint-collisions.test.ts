import { deepStrictEqual } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from '../support/run-cli';

const site = `services:
  web:
    image: nginx:1.27
    container_name: nginx
    ports: ["80:80"]
`;

const oneShotCertbot = `services:
  certbot:
    image: certbot/certbot
    container_name: certbot
    volumes:
      - letsencrypt:/etc/letsencrypt
    command: certonly --webroot -w /var/www/certbot -d example.com
  renew:
    image: certbot/certbot
    volumes:
      - letsencrypt:/etc/letsencrypt
    entrypoint: sh -c 'while :; do certbot renew; sleep 12h; done'
volumes:
  letsencrypt:
`;

const daemonConflict = (name: string): string =>
  `\`Error response from daemon: Conflict. The container name "/${name}" is already in use by container "…". You have to remove (or rename) that container to be able to reuse that name.\``;

function range(line: number, start: number, end: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return { start: { line, character: start }, end: { line, character: end } };
}

describe('certboot lint: collisions between the paths it is given', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'certboot-lint-collisions-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), text);
  }

  function expectedCollisions(severity: 'error' | 'info') {
    const containerName =
      severity === 'error'
        ? 'Service `web` of compose project `site-b` sets `container_name: nginx`, but service `web` of compose project `site-a` already sets it (`site-a/docker-compose.yml` line 4). ' +
          `Container names are unique on the whole Docker host, across compose projects, so whichever project starts second fails with ${daemonConflict('nginx')}`
        : 'Service `web` of compose project `site-b` sets `container_name: nginx`, but service `web` of compose project `site-a` sets it too (`site-a/docker-compose.yml` line 4). ' +
          "Container names are unique on a Docker host, across compose projects: if both run on one Docker host (certboot.json's `hosts` says which projects do), " +
          `whichever project starts second fails with ${daemonConflict('nginx')}`;
    const hostPort =
      severity === 'error'
        ? 'Service `web` of compose project `site-b` publishes host port 80/tcp on every address (`0.0.0.0` and `::`), which service `web` of compose project `site-a` already publishes (`site-a/docker-compose.yml` line 5): ' +
          'a host port goes to one container only, and whichever starts second fails with `Bind for 0.0.0.0:80 failed: port is already allocated`.'
        : 'Service `web` of compose project `site-b` publishes host port 80/tcp on every address (`0.0.0.0` and `::`), which service `web` of compose project `site-a` also publishes (`site-a/docker-compose.yml` line 5): ' +
          "if both run on one Docker host, whichever starts second fails with `Bind for 0.0.0.0:80 failed: port is already allocated`, since a host port goes to one container only. certboot.json's `hosts` says which projects share a host.";
    return {
      version: 1,
      findings: [
        {
          ruleId: 'container-name-conflict',
          severity,
          message: containerName,
          file: 'site-b/docker-compose.yml',
          range: range(3, 20, 25),
          related: [
            { file: 'site-a/docker-compose.yml', range: range(3, 20, 25), message: '`container_name: nginx` of service `web` of compose project `site-a`' },
          ],
          fixes: [
            {
              title: 'Remove `container_name: nginx` from service `web`',
              safe: false,
              preferred: true,
              edits: [{ file: 'site-b/docker-compose.yml', range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, newText: '' }],
            },
          ],
        },
        {
          ruleId: 'host-port-conflict',
          severity,
          message: hostPort,
          file: 'site-b/docker-compose.yml',
          range: range(4, 12, 19),
          related: [
            { file: 'site-a/docker-compose.yml', range: range(4, 12, 19), message: 'service `web` of compose project `site-a` publishes the port here' },
          ],
          fixes: [],
        },
      ],
    };
  }

  it('notes (info) a container name and a host port that two named paths both take, if both run on one Docker host', () => {
    write('site-a/docker-compose.yml', site);
    write('site-b/docker-compose.yml', site);
    const result = runBuiltCli(['lint', 'site-a', 'site-b', '--format', 'json'], directory);
    deepStrictEqual([result.status, JSON.parse(result.stdout), result.stderr], [0, expectedCollisions('info'), '']);
    // the same as linting the directory that holds both
    const parent = runBuiltCli(['lint', '.', '--format', 'json'], directory);
    deepStrictEqual([parent.status, parent.stdout], [result.status, result.stdout]);
  });

  it("reports them as errors when certboot.json's hosts puts both projects on one host, and not at all when it puts them apart", () => {
    write('site-a/docker-compose.yml', site);
    write('site-b/docker-compose.yml', site);
    write('certboot.json', '{ "hosts": [["site-a", "site-b"]] }\n');
    const result = runBuiltCli(['lint', 'site-a', 'site-b', '--format', 'json'], directory);
    deepStrictEqual([result.status, JSON.parse(result.stdout), result.stderr], [1, expectedCollisions('error'), '']);
    const parent = runBuiltCli(['lint', '.', '--format', 'json'], directory);
    deepStrictEqual([parent.status, parent.stdout], [result.status, result.stdout]);
    write('certboot.json', '{ "hosts": [["site-a"], ["site-b"]] }\n');
    const apart = runBuiltCli(['lint', '.', '--format', 'json'], directory);
    deepStrictEqual([apart.status, apart.stdout, apart.stderr], [0, '{"version":1,"findings":[]}\n', '']);
  });

  it('keeps a path linted alone clean', () => {
    write('site-a/docker-compose.yml', site);
    write('site-b/docker-compose.yml', site);
    const result = runBuiltCli(['lint', 'site-a', '--format', 'json'], directory);
    deepStrictEqual([result.status, result.stdout, result.stderr], [0, '{"version":1,"findings":[]}\n', '']);
  });

  it('reports nothing twice when the named paths overlap, or a named file and a directory collide', () => {
    write('site-a/docker-compose.yml', site);
    write('site-b/docker-compose.yml', site);
    const parent = runBuiltCli(['lint', '.', '--format', 'json'], directory);
    const overlapping = runBuiltCli(['lint', '.', 'site-a', 'site-b', '--format', 'json'], directory);
    const file = runBuiltCli(['lint', 'site-a/docker-compose.yml', 'site-b', '--format', 'json'], directory);
    deepStrictEqual([overlapping.status, overlapping.stdout], [parent.status, parent.stdout]);
    deepStrictEqual([file.status, file.stdout], [parent.status, parent.stdout]);
  });

  it('says nothing about the name of a one-shot certbot container nothing else asks for, and notes (info) when another project does', () => {
    write('a/compose.yaml', oneShotCertbot);
    write('b/compose.yaml', oneShotCertbot);
    const alone = runBuiltCli(['lint', 'a', '--format', 'json'], directory);
    deepStrictEqual([alone.status, alone.stdout], [0, '{"version":1,"findings":[]}\n']);
    const together = runBuiltCli(['lint', 'a', 'b', '--format', 'json'], directory);
    deepStrictEqual(
      JSON.parse(together.stdout).findings.map((finding: { ruleId: string; severity: string; file: string }) => [
        finding.ruleId,
        finding.severity,
        finding.file,
      ]),
      [['container-name-conflict', 'info', 'b/compose.yaml']],
    );
    const parent = runBuiltCli(['lint', '.', '--format', 'json'], directory);
    deepStrictEqual([together.status, together.stdout], [parent.status, parent.stdout]);
  });
});
