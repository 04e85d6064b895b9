import { deepStrictEqual } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';

// A certificate that exists in the working tree but is ignored by git is not on a fresh server:
// the repository has to be a real git repository for that, so it is built in a temp directory.
describe('first boot follows what a fresh clone holds', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-clone-'));
    execFileSync('git', ['init', '-q', directory]);
    mkdirSync(join(directory, 'certs'));
    mkdirSync(join(directory, 'conf.d'));
    writeFileSync(join(directory, 'certs', 'site.crt'), 'certificate\n');
    writeFileSync(join(directory, 'certs', 'site.key'), 'key\n');
    writeFileSync(
      join(directory, 'compose.yaml'),
      'services:\n  nginx:\n    image: nginx\n    volumes:\n      - ./conf.d:/etc/nginx/conf.d:ro\n      - ./certs:/etc/nginx/certs:ro\n',
    );
    writeFileSync(join(directory, 'conf.d', 'site.conf'), 'server {\n    listen 443 ssl;\n    ssl_certificate /etc/nginx/certs/site.crt;\n}\n');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function messages(): Promise<string[]> {
    const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
    return analysis.findings.filter((finding) => finding.ruleId === 'missing-certificate-on-first-boot').map((finding) => finding.message);
  }

  it('reports a certificate kept out of the repository by .gitignore, naming the rule', async () => {
    writeFileSync(join(directory, '.gitignore'), '# secrets\n*.key\ncerts/\n');
    deepStrictEqual(await messages(), [
      '`ssl_certificate` "/etc/nginx/certs/site.crt" does not exist when nginx (service `nginx`) first starts: it is ignored by .gitignore:3, ' +
        'so a fresh clone of the repository does not have it (`./certs` → `/etc/nginx/certs`). ' +
        'nginx exits with `[emerg] cannot load certificate "/etc/nginx/certs/site.crt": BIO_new_file() failed`.',
    ]);
  });

  it('stays silent when the repository tracks the certificate', async () => {
    writeFileSync(join(directory, '.gitignore'), '*.key\n');
    deepStrictEqual(await messages(), []);
  });
});
