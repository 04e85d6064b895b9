import { deepStrictEqual } from 'node:assert';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/core/analyze-workspace';
import { DiskFileSystem } from '../../../server/src/core/workspace/disk-file-system';
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
});
