// The load-time rules (listen-conflict, duplicate-location, ssl-listen-without-certificate,
// unknown-variable, server-names-hash-too-small, undefined- and conflicting-shared-memory-zone)
// claim to know what nginx refuses once it has parsed the configuration. Here real nginx
// (Debian's 1.22 package, in an emulated container laid out as the service's first boot,
// support/first-boot-file-system.ts) judges every fixture project of those rules: where certboot
// reports, `nginx -t` must fail with the same first error — nginx's words, and the file and line
// nginx names; where it is silent, nginx must pass.
//
// nginx prints no position for some of these errors (`unknown "x" variable`, `zero size shared
// memory zone`, the server names hash): there a probe proves the token instead — the finding's
// range is replaced by a harmless value, and nginx must then stop failing that way.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { nginxLoadFailures } from '../../server/src/facts/nginx-load-failures';
import type { LoadCheck, LoadFailure } from '../../server/src/facts/nginx-load-failure';
import type { DeployedService } from '../../server/src/model/deployment';
import type { Finding } from '../../server/src/text/findings';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { runContainer, type CommandResult } from './support/container';
import { firstBootLayout, replaceRange, type FirstBootLayout } from './support/first-boot-file-system';
import { bootableImages, describeResult, firstEmergency, imageOf, nginxCommand, renderTemplates } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';

const ruleOfCheck: Readonly<Record<LoadCheck, string>> = {
  'listen-conflict': 'listen-conflict',
  'duplicate-location': 'duplicate-location',
  'ssl-listen-without-certificate': 'ssl-listen-without-certificate',
  'unknown-variable': 'unknown-variable',
  'server-names-hash': 'server-names-hash-too-small',
  'undefined-shared-memory-zone': 'undefined-shared-memory-zone',
  'conflicting-shared-memory-zone': 'conflicting-shared-memory-zone',
};
const ruleIds = new Set(Object.values(ruleOfCheck));
const ruleDirectories = ruleFixtureDirectories([...ruleIds]);

/** What a probe writes over the finding's token: a value nginx accepts where the token stood. */
const probeValues: Readonly<Record<LoadCheck, string>> = {
  'listen-conflict': '',
  'duplicate-location': '',
  'ssl-listen-without-certificate': '',
  'unknown-variable': '$host',
  'server-names-hash': 'probe.example.org',
  'undefined-shared-memory-zone': 'off',
  'conflicting-shared-memory-zone': '',
};

async function nginxTest(service: DeployedService, layout: FirstBootLayout, hostnames: string[]): Promise<CommandResult> {
  return runContainer({ command: nginxCommand(service, '-t'), mounts: layout.mounts, hostnames });
}

/** nginx's full message as certboot quotes it: its words, then ` in FILE:LINE` when nginx names a position. */
function fullMessage(result: CommandResult): string | undefined {
  const emergency = firstEmergency(result.stderr);
  if (emergency === undefined) return undefined;
  return emergency.file === undefined ? emergency.message : `${emergency.message} in ${emergency.file}:${emergency.line}`;
}

async function expectSameFirstError(
  workspaceRoot: string,
  service: DeployedService,
  failure: LoadFailure,
  findings: readonly Finding[],
  layout: FirstBootLayout,
  hostnames: string[],
  fixture: string,
): Promise<string> {
  const rule = ruleOfCheck[failure.check];
  const finding = findings.find((candidate) => candidate.ruleId === rule && candidate.message.includes(`\`[emerg] ${failure.nginxMessage}\``));
  assert.ok(finding !== undefined, `${fixture}: no ${rule} finding quotes the first failure "${failure.nginxMessage}"`);

  const checked = await nginxTest(service, layout, hostnames);
  assert.notEqual(checked.exitCode, 0, `${fixture}: certboot says nginx exits with ${failure.nginxMessage}, but nginx -t passes:\n${describeResult(checked)}`);
  assert.equal(fullMessage(checked), failure.nginxMessage, `${fixture}: nginx's first error differs from certboot's first:\n${describeResult(checked)}`);

  // where nginx stops while parsing, it names the line the finding is on
  const emergency = firstEmergency(checked.stderr);
  if (failure.stage === 'parse' && emergency?.file !== undefined) {
    const origin = layout.origin(emergency.file);
    assert.deepEqual(
      { file: origin.kind === 'bind' ? origin.hostPath : `${emergency.file} (${origin.kind})`, line: emergency.line },
      { file: finding.location.file, line: finding.location.range.end.line + 1 },
      `${fixture}: nginx stops at a different place than the finding`,
    );
  }

  // the probe: the token replaced, nginx no longer fails that way
  const original = readFileSync(finding.location.file, 'utf8');
  const probed = firstBootLayout(service.compose.volumes, {
    image: imageOf(service),
    repositoryRoot: workspaceRoot,
    namedVolumes: new Map(),
    replacements: new Map([[finding.location.file, replaceRange(original, finding.location.range, probeValues[failure.check])]]),
  });
  renderTemplates(service, probed);
  const probe = await nginxTest(service, probed, hostnames);
  assert.notEqual(
    fullMessage(probe),
    failure.nginxMessage,
    `${fixture}: with the finding's token replaced, nginx still fails the same way, so the finding points elsewhere:\n${describeResult(probe)}`,
  );
  return `fails as certboot says: [emerg] ${failure.nginxMessage}`;
}

async function expectPass(service: DeployedService, layout: FirstBootLayout, hostnames: string[], fixture: string): Promise<string> {
  const checked = await nginxTest(service, layout, hostnames);
  assert.equal(
    checked.exitCode,
    0,
    `${fixture}: certboot finds no load failure for service \`${service.name}\`, but nginx -t fails:\n${describeResult(checked)}`,
  );
  assert.match(checked.stderr, /test is successful/);
  return 'passes nginx -t';
}

describe('the load-time rules agree with real nginx on every fixture', function () {
  // Two or three containers per service, each a few hundred milliseconds.
  this.timeout(120_000);
  keepHostAndFixturesUnchanged(ruleDirectories);

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
      assert.deepEqual(analysis.internalErrors, []);
      const findings = analysis.findings.filter((finding) => ruleIds.has(finding.ruleId));
      const reports: string[] = [];
      for (const project of analysis.deployment.projects) {
        const hostnames = project.services.map((service) => service.name);
        for (const service of project.services) {
          if (service.nginx === undefined) continue;
          const failures = nginxLoadFailures(service);
          if (!bootableImages.has(service.nginx.imageKind)) {
            // an image certboot cannot boot here (built by a Dockerfile, a host's nginx): it must say nothing it cannot know
            assert.ok(fixture.split('/')[1]?.startsWith('good-'), `${fixture}: a bad fixture needs a service this test can boot`);
            assert.deepEqual(failures, [], `${fixture}: certboot reports on ${service.nginx.imageKind} nginx ${service.name}`);
            reports.push(`service ${service.name} (${service.nginx.imageKind}): certboot silent; not booted`);
            continue;
          }
          const layout = firstBootLayout(service.compose.volumes, {
            image: imageOf(service),
            repositoryRoot: analysis.deployment.workspaceRoot,
            namedVolumes: new Map(),
          });
          renderTemplates(service, layout);
          const [first] = failures;
          const outcome =
            first === undefined
              ? await expectPass(service, layout, hostnames, fixture)
              : await expectSameFirstError(analysis.deployment.workspaceRoot, service, first, findings, layout, hostnames, fixture);
          reports.push(`service ${service.name}: ${failures.length} load failure(s); nginx ${outcome}`);
        }
      }
      assert.ok(reports.length > 0, `${fixture}: no nginx service`);
      if (fixture.split('/')[1]?.startsWith('bad-')) assert.ok(findings.length > 0, `${fixture}: a bad fixture without a finding`);
      console.log(`      ${fixture}\n${reports.map((line) => `        ${line}`).join('\n')}`);
    });
  }
});
