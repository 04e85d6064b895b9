import { deepStrictEqual } from 'node:assert';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { fixturesRoot } from '../../support/paths';

// The init-letsencrypt.sh pattern: a script writes a placeholder certificate and downloads
// certbot's options-ssl-nginx.conf / ssl-dhparams.pem before nginx starts. Every rule that
// asks whether nginx fails on first boot must read that the same way.
describe('files a repository script provides before nginx starts', () => {
  it('are not a restart loop, and leave only the placeholder notes', async () => {
    const directory = join(fixturesRoot, 'rules', 'certbot-nginx-options-missing', 'good-init-script-downloads-options');
    const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
    deepStrictEqual(
      analysis.findings.map((finding) => [finding.ruleId, finding.severity, finding.location.range.start.line]),
      [
        ['missing-certificate-on-first-boot', 'info', 19],
        ['missing-certificate-on-first-boot', 'info', 20],
      ],
    );
  });

  it('places the files of openssl run on the host through the bind mount of their host path', async () => {
    const project = {
      '/r/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    restart: always\n    volumes: [./conf.d:/etc/nginx/conf.d, ./certs:/etc/ssl/site]\n',
      '/r/conf.d/site.conf':
        'server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/site/live/a/fullchain.pem;\n    ssl_certificate_key /etc/ssl/site/live/a/privkey.pem;\n}\n',
    };
    const openssl = (directory: string) =>
      `openssl req -x509 -nodes -keyout ${directory}/live/a/privkey.pem -out ${directory}/live/a/fullchain.pem -subj /CN=localhost\n`;
    const findings = async (path: string, script: string) => {
      const analysis = await analyzeWorkspace(new MemoryFileSystem({ ...project, [path]: script }), '/r');
      return analysis.findings.map((finding) => [finding.ruleId, finding.severity]);
    };
    const placeholder = [
      ['missing-certificate-on-first-boot', 'info'],
      ['missing-certificate-on-first-boot', 'info'],
    ];
    const missing = [
      ['missing-certificate-on-first-boot', 'error'],
      ['missing-certificate-on-first-boot', 'error'],
      ['restart-loop-on-first-boot', 'error'],
    ];
    deepStrictEqual(await findings('/r/bin/init.sh', openssl('./certs')), placeholder, 'from the repository root');
    deepStrictEqual(await findings('/r/bin/init.sh', openssl('../certs')), placeholder, 'from the script directory');
    deepStrictEqual(await findings('/r/bin/init.sh', `cd "$(dirname "$0")/.."\n${openssl('certs')}`), placeholder, 'after cd to the root');
    deepStrictEqual(await findings('/r/init.sh', openssl('/srv/certs')), missing, 'another host path');
    deepStrictEqual(await findings('/r/init.sh', `cd /srv/deploy\n${openssl('./certs')}`), missing, 'after cd elsewhere');
  });
});
