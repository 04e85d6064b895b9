// envsubst-empties-nginx-variables claims to know what envsubst makes of a template and what nginx
// then says of the file. Here each nginx service of the rule's fixtures runs its own start script
// (a compose `sh -c` body, or the repository's script it mounts) with real bash and Debian's
// envsubst, in an emulated container laid out as the service's first boot, with the service's
// environment; `nginx`, when the script starts it, is `nginx -t`. Where the rule reports that
// nginx exits, nginx must fail with those words, file and line; where it reports what a line
// becomes, the rendered file must hold that line and nginx must pass; where it is silent, the
// template's variables that the environment does not set must come out as written.

import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { templateVariables } from '../../server/src/facts/envsubst-renders';
import { envsubstCommands } from '../../server/src/languages/shell/envsubst-commands';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { runContainer } from './support/container';
import { type FirstBootLayout, firstBootLayout } from './support/first-boot-file-system';
import { asOfficialImage, describeResult, firstEmergency, hostDirectoryOf } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';
import { temporaryDirectory } from './support/temporary';

const ruleId = 'envsubst-empties-nginx-variables';
const ruleDirectories = ruleFixtureDirectories([ruleId]);
const containerPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The host file behind a container path of the layout: a file mounted there, or one in the directory mounted over it. */
function hostFileOf(layout: FirstBootLayout, containerFile: string): string | undefined {
  const mounted = [...layout.mounts].reverse().find((mount) => mount.containerPath === containerFile);
  if (mounted !== undefined) return mounted.hostPath;
  const directory = hostDirectoryOf(layout, posix.dirname(containerFile));
  return directory === undefined ? undefined : join(directory, posix.basename(containerFile));
}

/** A directory holding an `nginx` that checks the configuration instead of serving it. */
function checkingNginx(): string {
  const directory = temporaryDirectory('checking-nginx');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'nginx'), '#!/bin/sh\nexec /usr/sbin/nginx -t\n');
  chmodSync(join(directory, 'nginx'), 0o755);
  chmodSync(directory, 0o755);
  return directory;
}

describe('envsubst-empties-nginx-variables agrees with real envsubst and nginx on every fixture', function () {
  this.timeout(120_000);
  keepHostAndFixturesUnchanged(ruleDirectories);

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
      assert.deepEqual(analysis.internalErrors, []);
      let ran = 0;
      for (const project of analysis.deployment.projects) {
        for (const service of project.services) {
          const scripts = (service.startScripts ?? []).filter((script) => envsubstCommands(script.text).length > 0);
          if (scripts.length === 0) continue;
          if (service.nginx?.imageKind !== 'official') {
            console.log(`      ${fixture}: ${service.nginx?.imageKind} nginx ${service.name}: built from a Dockerfile, not run`);
            continue;
          }
          const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId && finding.message.includes(`(service \`${service.name}\`)`));
          const layout = firstBootLayout(service.compose.volumes, { repositoryRoot: analysis.deployment.workspaceRoot, namedVolumes: new Map() });
          const bin = checkingNginx();
          // docker sets HOSTNAME in every container, then the service's environment
          const environment: Record<string, string> = {
            HOSTNAME: service.name,
            ...Object.fromEntries(Object.entries(service.compose.environment).filter((entry): entry is [string, string] => entry[1] !== undefined)),
          };
          for (const script of scripts) {
            // the script as the container runs it: the compose body through bash, a file by its path
            const command = script.containerPath === undefined ? ['bash', '-c', script.text] : ['bash', script.containerPath];
            const result = await runContainer({
              command: asOfficialImage(...command),
              mounts: [...layout.mounts, { hostPath: bin, containerPath: '/certboot-bin' }],
              env: { ...environment, PATH: `/certboot-bin:${containerPath}` },
              // the project's services resolve, as compose's DNS answers them
              hostnames: project.services.map((each) => each.name),
            });
            ran += 1;
            for (const envsubst of envsubstCommands(script.text)) {
              const output = hostFileOf(layout, envsubst.destination);
              assert.ok(output !== undefined, `${fixture}: no host file behind ${envsubst.destination}`);
              const rendered = readFileSync(output, 'utf8');
              const finding = findings.find((candidate) => candidate.message.startsWith(`\`envsubst < ${envsubst.source} > ${envsubst.destination}\``));
              if (finding === undefined) {
                const source = hostFileOf(layout, envsubst.source);
                assert.ok(source !== undefined, `${fixture}: no host file behind ${envsubst.source}`);
                const template = readFileSync(source, 'utf8');
                for (const variable of templateVariables(template)) {
                  // nginx's variables, in lower case; what envsubst empties in a comment line does no harm
                  const lineStart = template.lastIndexOf('\n', variable.start) + 1;
                  if (variable.name !== variable.name.toLowerCase() || Object.hasOwn(environment, variable.name)) continue;
                  if (template.slice(lineStart, variable.start).trimStart().startsWith('#')) continue;
                  assert.ok(rendered.includes(`$${variable.name}`), `${fixture}: certboot is silent, but envsubst emptied $${variable.name}:\n${rendered}`);
                }
                assert.equal(result.exitCode, 0, `${fixture}: certboot is silent, but nginx -t fails:\n${describeResult(result)}`);
                console.log(`      ${fixture}: silent; envsubst keeps nginx's variables and nginx -t passes`);
                continue;
              }
              const becomes = /, becomes `([^`]*)`\)/.exec(finding.message)?.[1];
              assert.ok(becomes !== undefined, `${fixture}: the finding says no line: ${finding.message}`);
              assert.ok(
                rendered.split('\n').some((line) => line.trim() === becomes),
                `${fixture}: certboot says a line becomes \`${becomes}\`, envsubst wrote:\n${rendered}`,
              );
              const quoted = /nginx exits with `\[emerg\] ([^`]*)`/.exec(finding.message)?.[1];
              if (quoted === undefined) {
                assert.equal(result.exitCode, 0, `${fixture}: certboot says nginx reads the file, but nginx -t fails:\n${describeResult(result)}`);
                console.log(`      ${fixture}: envsubst writes \`${becomes}\`, as certboot says; nginx -t passes`);
                continue;
              }
              const emergency = firstEmergency(result.stderr);
              const printed = emergency?.file === undefined ? emergency?.message : `${emergency.message} in ${emergency.file}:${emergency.line}`;
              assert.equal(printed, quoted, `${fixture}: certboot says nginx exits with "${quoted}":\n${describeResult(result)}`);
              console.log(`      ${fixture}: envsubst writes \`${becomes}\` and nginx -t fails as certboot says: [emerg] ${printed}`);
            }
          }
        }
      }
      const derivedOnly = analysis.deployment.projects.every((project) =>
        project.services.every(
          (service) => service.nginx?.imageKind !== 'official' || (service.startScripts ?? []).every((script) => envsubstCommands(script.text).length === 0),
        ),
      );
      assert.ok(ran > 0 || derivedOnly, `${fixture}: no start script was run`);
    });
  }
});
