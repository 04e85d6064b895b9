// upstream-host-not-found claims to know which host names nginx resolves while it starts and what
// it prints when one does not resolve. Here real nginx (Debian's package, in an emulated container
// laid out as the service's first boot, support/first-boot-file-system.ts) judges every fixture of
// the rule. The container's /etc/hosts holds the names certboot says compose provides on nginx's
// networks (and those it cannot judge), as docker's DNS would answer them; every other name fails,
// as in a compose network where nothing is called so (or only a container a profile leaves stopped,
// or one a repository script does not start with nginx). Where certboot reports, `nginx -t` must fail
// with one of the reported messages, word for word with its file and line; where it is silent,
// nginx must pass.

import { strict as assert } from 'node:assert';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { resolveUpstreamHost, startWithout, upstreamHosts } from '../../server/src/facts/upstream-hosts';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { type CommandResult, runContainer } from './support/container';
import { firstBootLayout } from './support/first-boot-file-system';
import { firstEmergency, imageOf, nginxCommand } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';

const ruleId = 'upstream-host-not-found';
const ruleDirectories = ruleFixtureDirectories([ruleId]);

/** What docker's DNS does not answer: no such name on nginx's networks, or only a container a profile leaves stopped. */
const unresolved = new Set(['not-found', 'other-network', 'profile-stopped']);

function describeResult(result: CommandResult): string {
  return `exit ${result.exitCode}\n${result.stderr}`;
}

/** What a finding quotes nginx saying. */
function quotedEmergency(message: string): string | undefined {
  return /exits? at start with `\[emerg\] ([^`]*)`/.exec(message)?.[1];
}

describe('upstream-host-not-found agrees with real nginx on every fixture', function () {
  this.timeout(120_000);
  keepHostAndFixturesUnchanged(ruleDirectories);

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
      assert.deepEqual(analysis.internalErrors, []);
      const reported = analysis.findings.filter((finding) => finding.ruleId === ruleId).map((finding) => quotedEmergency(finding.message));
      let booted = 0;
      for (const project of analysis.deployment.projects) {
        for (const service of project.services) {
          if (service.nginx?.configuration === undefined || service.nginx.imageKind === 'host') continue;
          // as a repository script starts nginx: without the service it leaves stopped
          const answered = (host: string): boolean => {
            const resolution = resolveUpstreamHost(project, service, host);
            if (resolution.kind === 'resolves' && resolution.provider !== undefined)
              return startWithout(analysis.deployment, project, service, resolution.provider.name) === undefined;
            return !unresolved.has(resolution.kind);
          };
          const hostnames = upstreamHosts(service)
            .filter((upstream) => answered(upstream.host))
            .map((upstream) => upstream.host);
          const layout = firstBootLayout(service.compose.volumes, {
            image: imageOf(service),
            repositoryRoot: analysis.deployment.workspaceRoot,
            namedVolumes: new Map(),
          });
          const result = await runContainer({ command: nginxCommand(service, '-t'), mounts: layout.mounts, hostnames });
          booted += 1;
          if (reported.length === 0) {
            assert.equal(result.exitCode, 0, `${fixture}: certboot is silent, but nginx -t fails:\n${describeResult(result)}`);
            continue;
          }
          const emergency = firstEmergency(result.stderr);
          assert.notEqual(result.exitCode, 0, `${fixture}: certboot reports, but nginx -t passes:\n${describeResult(result)}`);
          const printed = emergency?.file === undefined ? emergency?.message : `${emergency.message} in ${emergency.file}:${emergency.line}`;
          assert.ok(
            printed !== undefined && reported.includes(printed),
            `${fixture}: nginx fails with "${printed}", certboot reports ${JSON.stringify(reported)}`,
          );
          console.log(`      ${fixture}: nginx -t fails as certboot says: [emerg] ${printed}`);
        }
      }
      assert.ok(booted > 0, `${fixture}: no nginx service was booted`);
    });
  }
});
