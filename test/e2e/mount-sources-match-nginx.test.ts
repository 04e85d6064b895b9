// mount-source-missing claims that a bind mount of a file missing from a fresh clone, where nginx
// includes a file, leaves nginx a directory to read and stops it. Here real nginx (Debian's
// package, in an emulated container laid out as docker lays out the first boot: a missing bind
// source becomes an empty directory, support/first-boot-file-system.ts) judges every fixture of
// the rule whose finding is about nginx (a mount over a file of the image fails in the OCI runtime
// before nginx runs, which the emulation cannot show): nginx -t fails with the words the finding
// quotes; on the good fixtures the image's nginx passes.

import { strict as assert } from 'node:assert';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { missingMountSources } from '../../server/src/facts/missing-mount-sources';
import { takeInventory } from '../../server/src/inventory/inventory';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { runContainer } from './support/container';
import { firstBootLayout } from './support/first-boot-file-system';
import { imageOf, nginxCommand } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';

const ruleId = 'mount-source-missing';
const ruleDirectories = ruleFixtureDirectories([ruleId]);

describe('mount-source-missing agrees with real nginx where nginx is the one that fails', function () {
  this.timeout(120_000);
  keepHostAndFixturesUnchanged(ruleDirectories);

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const fileSystem = new DiskFileSystem([directory]);
      const analysis = await analyzeWorkspace(fileSystem, directory);
      assert.deepEqual(analysis.internalErrors, []);
      const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
      const service = analysis.deployment.projects.flatMap((project) => project.services).find((candidate) => candidate.nginx !== undefined);
      assert.ok(service !== undefined, `${fixture}: no nginx service`);
      const missing = missingMountSources(analysis.deployment, takeInventory(fileSystem, directory), service);
      if (missing.some((entry) => entry.outcome.kind === 'image-file')) {
        console.log(`      ${fixture}: a mount over a file of the image, refused before nginx runs; not booted`);
        return;
      }
      const absentSources = service.compose.volumes.filter(
        (mount) =>
          mount.type === 'bind' && mount.target !== undefined && /\.[a-z]+$/.test(mount.target) && service.view.firstBootState(mount.target).state === 'absent',
      );
      if (missing.length === 0 && absentSources.length > 0) {
        // a file mount certboot leaves to a script or an example to copy, which provide the file before `docker compose up`, which this test does not run
        assert.deepEqual(findings, []);
        console.log(`      ${fixture}: certboot silent; the missing file comes from a script or an example to copy; not booted`);
        return;
      }
      const layout = firstBootLayout(service.compose.volumes, {
        image: imageOf(service),
        repositoryRoot: analysis.deployment.workspaceRoot,
        namedVolumes: new Map(),
      });
      const result = await runContainer({ command: nginxCommand(service, '-t'), mounts: layout.mounts, hostnames: [] });
      const [first] = missing;
      if (first === undefined) {
        assert.deepEqual(findings, []);
        assert.equal(result.exitCode, 0, `${fixture}: certboot is silent, but nginx -t fails:\n${result.stderr}`);
        return;
      }
      const words = `[crit] pread() "${first.mount.target}" failed (21: Is a directory)`;
      assert.ok(
        findings.some((finding) => finding.message.includes(`\`${words}\``)),
        `${fixture}: no finding quotes ${words}`,
      );
      assert.notEqual(result.exitCode, 0, `${fixture}: nginx -t passes:\n${result.stderr}`);
      assert.ok(result.stderr.includes(words.replace('[crit] ', '')), `${fixture}: nginx does not say ${words}:\n${result.stderr}`);
      console.log(`      ${fixture}: nginx -t fails as certboot says: ${words}`);
    });
  }
});
