// `missing-certificate-on-first-boot` and `missing-include-on-first-boot` claim to know where nginx
// dies on first boot. Here
// real nginx (Debian's package) judges every fixture project of the first-boot rules,
// each official-nginx service in an emulated container laid out as docker would on a
// fresh server (support/first-boot-file-system.ts): where the rule reports, nginx must
// fail with the message the finding quotes, on the token the finding underlines; where
// it is silent, nginx must boot.
//
// nginx names no file or line for certificate errors: it loads certificates while
// merging the server's settings, after the parser has left the file. So the token is
// proven by a probe instead: the finding's range is replaced by a path no one has, and
// nginx must then fail naming exactly that path.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import type { DeployedService } from '../../server/src/model/deployment';
import type { Finding } from '../../server/src/text/findings';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { runContainer, startContainer, type CommandResult, type Mount, type RunningContainer } from './support/container';
import { firstBootLayout, replaceRange, type FirstBootLayout } from './support/first-boot-file-system';
import { bootableImages, describeResult, firstEmergency, imageOf, nginxCommand, renderTemplates } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';

// nginx opens an include while it parses, and loads certificates after: a missing include is met first
const ruleIds = ['missing-include-on-first-boot', 'missing-certificate-on-first-boot'];
const ruleDirectories = ruleFixtureDirectories(['missing-certificate-on-first-boot', 'missing-include-on-first-boot', 'restart-loop-on-first-boot']);

/** What the finding says nginx prints: "nginx exits with `[emerg] …`". */
function quotedEmergency(finding: Finding): string | undefined {
  return /nginx exits with `\[emerg\] ([^`]*)`/.exec(finding.message)?.[1];
}

/** The rules name the service in their messages; findings of other services are theirs to prove. Includes first. */
function findingsFor(service: DeployedService, findings: readonly Finding[]): Finding[] {
  return ruleIds.flatMap((ruleId) => findings.filter((finding) => finding.ruleId === ruleId && finding.message.includes(`(service \`${service.name}\`)`)));
}

/** What mount-source-missing says nginx prints for the service, where it speaks instead: "stops with `[crit] …`". */
function mountSourceMissingMessage(service: DeployedService, findings: readonly Finding[]): string | undefined {
  const finding = findings.find((candidate) => candidate.ruleId === 'mount-source-missing' && candidate.message.includes(`service \`${service.name}\``));
  return finding ? /stops with `\[crit\] ([^`]*)`/.exec(finding.message)?.[1] : undefined;
}

/** Where mount-source-missing speaks, nginx must fail as it says: on the empty directory docker mounts. */
async function expectFailureOnDirectory(
  service: DeployedService,
  layout: FirstBootLayout,
  hostnames: string[],
  fixture: string,
  quoted: string,
): Promise<string> {
  const checked = await nginxTest(service, layout.mounts, hostnames);
  assert.notEqual(checked.exitCode, 0, `${fixture}: mount-source-missing says nginx stops, but nginx -t passes:\n${describeResult(checked)}`);
  assert.ok(
    checked.stderr.split('\n').some((line) => /\[crit\] \d+#\d+: /.test(line) && line.endsWith(quoted)),
    `${fixture}: mount-source-missing says nginx stops with\n  [crit] ${quoted}\nbut:\n${describeResult(checked)}`,
  );
  return `fails as mount-source-missing says: [crit] ${quoted}`;
}

async function nginxTest(service: DeployedService, mounts: Mount[], hostnames: string[]): Promise<CommandResult> {
  return runContainer({ command: nginxCommand(service, '-t'), mounts, hostnames });
}

/** Waits for the booted nginx to listen, or to die; a configuration that passes -t can still fail to bind. */
async function waitUntilListening(container: RunningContainer): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!container.running) return '';
    const sockets = await container.exec(['ss', '-Hltn']);
    if (sockets.exitCode === 0 && sockets.stdout.trim() !== '') return sockets.stdout;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return '';
}

/** A path for the probe: absolute, so it means the same wherever the finding's token was relative. */
function probePath(service: DeployedService): string {
  return `/certboot-probe/${service.name}/first-finding.pem`;
}

async function expectFailureWhereTheRuleSays(
  workspaceRoot: string,
  service: DeployedService,
  findings: Finding[],
  layout: FirstBootLayout,
  hostnames: string[],
  fixture: string,
): Promise<string> {
  const first = findings[0] as Finding;
  const where = `${first.location.file}:${first.location.range.start.line + 1}`;

  const checked = await nginxTest(service, layout.mounts, hostnames);
  assert.notEqual(checked.exitCode, 0, `${fixture}: the rule says nginx fails at ${where}, but nginx -t passes:\n${describeResult(checked)}`);
  const emergency = firstEmergency(checked.stderr);
  assert.ok(emergency !== undefined, `${fixture}: nginx -t failed without an [emerg] line:\n${describeResult(checked)}`);

  const quoted = quotedEmergency(first);
  if (first.severity === 'error') {
    assert.ok(quoted !== undefined, `${fixture}: the error finding quotes no nginx message: ${first.message}`);
  }
  if (quoted !== undefined) {
    assert.ok(
      emergency.message.startsWith(quoted),
      `${fixture}: the finding at ${where} says nginx exits with\n  [emerg] ${quoted}\nbut nginx says\n  [emerg] ${emergency.message}`,
    );
  }
  if (emergency.file !== undefined) {
    const origin = layout.origin(emergency.file);
    assert.deepEqual(
      { file: origin.kind === 'bind' ? origin.hostPath : `${emergency.file} (${origin.kind})`, line: emergency.line },
      { file: first.location.file, line: first.location.range.start.line + 1 },
      `${fixture}: nginx fails at a different position than the finding`,
    );
  }

  // Booting, not only testing, must die the same way: -t and a real start load certificates alike.
  const booted = await runContainer({ command: nginxCommand(service, '-g', 'daemon off;'), mounts: layout.mounts, hostnames });
  assert.equal(booted.exitCode, 1, `${fixture}: nginx -t failed, but nginx started:\n${describeResult(booted)}`);
  assert.deepEqual(firstEmergency(booted.stderr), emergency, `${fixture}: starting nginx fails differently from nginx -t`);

  // The probe: the same first boot with the finding's token replaced by a path no one has.
  const probe = probePath(service);
  const original = readFileSync(first.location.file, 'utf8');
  const probed = firstBootLayout(service.compose.volumes, {
    image: imageOf(service),
    repositoryRoot: workspaceRoot,
    namedVolumes: new Map(),
    replacements: new Map([[first.location.file, replaceRange(original, first.location.range, probe)]]),
  });
  renderTemplates(service, probed);
  const probeResult = await nginxTest(service, probed.mounts, hostnames);
  const probeEmergency = firstEmergency(probeResult.stderr);
  assert.ok(
    probeEmergency?.message.includes(`"${probe}"`) === true,
    `${fixture}: with the token at ${where} replaced by ${probe}, nginx should fail on ${probe}, but:\n${describeResult(probeResult)}`,
  );
  return `fails as the rule says: [emerg] ${emergency.message}`;
}

/**
 * Why the rule may be silent on a first boot that fails alone: compose starts nginx only once a
 * one-shot service completed (depends_on … service_completed_successfully), which this test does
 * not run; or another rule reports the file nginx stops on (a lineage certbot never creates).
 */
function silenceExplained(service: DeployedService, stderr: string, otherFindings: readonly Finding[]): string | undefined {
  const emergency = firstEmergency(stderr);
  const path = emergency?.message.match(/"([^"]+)"/)?.[1];
  const reporter =
    path === undefined ? undefined : otherFindings.find((finding) => finding.message.includes(`"${path}"`) || finding.message.includes(`\`${path}\``));
  if (reporter !== undefined) return `fails on ${path}, which ${reporter.ruleId} reports: [emerg] ${emergency?.message}`;
  const awaited = service.compose.awaitsCompletionOf ?? [];
  if (awaited.length > 0)
    return `fails alone, but compose starts it only after ${awaited.join(', ')} completed, which this test does not run: [emerg] ${emergency?.message}`;
  return undefined;
}

async function expectBoot(
  service: DeployedService,
  layout: FirstBootLayout,
  hostnames: string[],
  fixture: string,
  otherFindings: readonly Finding[],
): Promise<string> {
  const checked = await nginxTest(service, layout.mounts, hostnames);
  const explained = checked.exitCode === 0 ? undefined : silenceExplained(service, checked.stderr, otherFindings);
  if (explained !== undefined) return explained;
  assert.equal(checked.exitCode, 0, `${fixture}: the rule is silent for service \`${service.name}\`, but nginx -t fails:\n${describeResult(checked)}`);
  assert.match(checked.stderr, /syntax is ok/);
  assert.match(checked.stderr, /test is successful/);

  const container = await startContainer({ command: nginxCommand(service, '-g', 'daemon off;'), mounts: layout.mounts, hostnames });
  try {
    const sockets = await waitUntilListening(container);
    assert.ok(container.running && sockets !== '', `${fixture}: nginx passed -t but did not stay up listening:\n${JSON.stringify(container.logs())}`);
    return `boots (listening: ${sockets
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[3])
      .join(', ')})`;
  } finally {
    await container.stop();
  }
}

describe('missing-certificate-on-first-boot and missing-include-on-first-boot agree with real nginx on every first-boot fixture', function () {
  // Up to four containers per service, each a few hundred milliseconds.
  this.timeout(120_000);
  keepHostAndFixturesUnchanged(ruleDirectories);

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const started = performance.now();
      const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
      assert.deepEqual(analysis.internalErrors, []);
      const reports: string[] = [];
      for (const project of analysis.deployment.projects) {
        // compose's network resolves every service name of the project
        const hostnames = project.services.map((service) => service.name);
        const namedVolumes = new Map<string, string>();
        for (const service of project.services) {
          if (!bootableImages.has(service.nginx?.imageKind ?? '')) continue;
          // what a volume made outside the project holds (external, or a host directory its driver binds) is not the repository's to lay out
          const outside = service.compose.volumes.filter((volume) => volume.madeOutside).map((volume) => volume.source);
          if (outside.length > 0) {
            assert.deepEqual(
              findingsFor(service, analysis.findings),
              [],
              `${fixture}: the rules must say nothing of what volumes made outside the project hold`,
            );
            reports.push(
              `service ${service.name}: the volumes ${outside.join(', ')} are made outside the project, so there is no first boot to lay out; not booted`,
            );
            continue;
          }
          const serviceStarted = performance.now();
          const layout = firstBootLayout(service.compose.volumes, { image: imageOf(service), repositoryRoot: analysis.deployment.workspaceRoot, namedVolumes });
          renderTemplates(service, layout);
          const findings = findingsFor(service, analysis.findings);
          const onDirectory = mountSourceMissingMessage(service, analysis.findings);
          const outcome =
            findings.length > 0
              ? await expectFailureWhereTheRuleSays(analysis.deployment.workspaceRoot, service, findings, layout, hostnames, fixture)
              : onDirectory !== undefined
                ? await expectFailureOnDirectory(service, layout, hostnames, fixture, onDirectory)
                : await expectBoot(
                    service,
                    layout,
                    hostnames,
                    fixture,
                    analysis.findings.filter((finding) => !ruleIds.includes(finding.ruleId)),
                  );
          const severities = findings.length > 0 ? `${findings.length} finding(s), first ${findings[0]?.severity}` : 'silent';
          reports.push(`service ${service.name}: rule ${severities}; nginx ${outcome} (${Math.round(performance.now() - serviceStarted)} ms)`);
        }
      }
      if (reports.length === 0) {
        // nginx on a host (an nginx.conf no compose service loads) keeps files certboot cannot
        // see: the rule must say nothing about it. An image built from a Dockerfile holds what its
        // COPY steps put there, which this emulation of the official image does not build: not booted.
        // nginx in an image certboot does not know (certbot's with `apk add nginx`): nothing to boot,
        // and the rules must say nothing
        const services = analysis.deployment.projects.flatMap((project) => project.services).filter((service) => service.nginx);
        if (services.length === 0) {
          assert.deepEqual(
            analysis.findings.filter((finding) => ruleIds.includes(finding.ruleId)),
            [],
            `${fixture}: no nginx service certboot knows, yet the rules report`,
          );
          console.log(`      ${fixture}: no nginx service certboot knows; the rules are silent`);
          return;
        }
        const unbootable = new Set(['host', 'derived']);
        assert.ok(
          services.every((service) => unbootable.has(service.nginx?.imageKind ?? '')),
          `${fixture}: no nginx service this test can boot`,
        );
        for (const service of services.filter((candidate) => candidate.nginx?.imageKind === 'host'))
          assert.deepEqual(findingsFor(service, analysis.findings), [], `${fixture}: the rules report on host nginx ${service.name}`);
        reports.push(
          `${services.map((service) => `${service.nginx?.imageKind} nginx ${service.name}`).join(', ')}: ${services.some((service) => service.nginx?.imageKind === 'derived') ? 'built from a Dockerfile, not booted' : 'rule silent; its certificates come from files certboot cannot see, so there is nothing to boot'}`,
        );
      }
      console.log(`      ${fixture} (${Math.round(performance.now() - started)} ms)\n${reports.map((line) => `        ${line}`).join('\n')}`);
    });
  }
});
