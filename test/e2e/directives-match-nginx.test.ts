// The rules on directives claim to know what the nginx of a service's image says of each
// directive. Here real nginx (Debian 12's package, 1.22.1) judges every fixture project of those
// rules where its verdict is the image's: services whose image runs the same release
// (`nginx:1.22.1`), and findings that no release changes (a name no module of any release has, a
// module no official image has). The service's files are laid out as docker would on a fresh
// server (support/first-boot-file-system.ts); nginx on a host reads the repository's nginx.conf.
//
// Where the rules report an error, `nginx -t` must fail with one of the reported messages, at the
// reported file and line; where they report none, it must pass. The warnings nginx prints about
// deprecated directives in the repository's files must be exactly the deprecation warnings
// reported, message, file and line.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { analyzeWorkspace } from '../../server/src/engine/analyze-workspace';
import { serviceDirectives } from '../../server/src/facts/directive-verdicts';
import { describeNginx } from '../../server/src/facts/nginx-names';
import type { DeployedService } from '../../server/src/model/deployment';
import type { Finding } from '../../server/src/text/findings';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { type CommandResult, runContainer } from './support/container';
import { firstBootLayout } from './support/first-boot-file-system';
import { firstEmergency, imageOf, type NginxMessage, nginxCommand, nginxMessages } from './support/nginx-command';
import { fixtureName, keepHostAndFixturesUnchanged, ruleFixtureDirectories, ruleFixtureProjects } from './support/rule-fixtures';

const ruleIds = ['nginx-unknown-directive', 'nginx-directive-removed', 'nginx-directive-too-new', 'nginx-directive-deprecated', 'nginx-directive-usage'];
const ruleDirectories = ruleFixtureDirectories(ruleIds);

/** Where a host nginx's directory is mounted: nginx -t -c reads it there. */
const hostConfiguration = '/fixture';

/** Debian's nginx release, as `nginx -v` prints it. */
function debianNginxVersion(): string {
  const version = /nginx\/(\d+\.\d+\.\d+)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr)?.[1];
  assert.ok(version !== undefined, 'nginx -v printed no version');
  return version;
}

/** What a finding quotes nginx saying: "exits with `[emerg] …`", "warns `[warn] …`". */
function quoted(finding: Finding): { level: 'emerg' | 'warn'; message: string } | undefined {
  const match = /(?:exits with|warns) `\[(emerg|warn)\] ([^`]*)`/.exec(finding.message);
  return match === null ? undefined : { level: match[1] as 'emerg' | 'warn', message: match[2] as string };
}

/**
 * Whether Debian's nginx judges the service as its image's nginx would: the same release, or
 * only findings no release of nginx changes. undefined: it does; else why not.
 */
function notProvable(service: DeployedService, findings: readonly Finding[], debianVersion: string): string | undefined {
  const build = service.nginx?.build;
  const directives = serviceDirectives(service);
  if (build === undefined || directives === undefined) return 'certboot knows no build of it';
  if (build.origin.kind === 'image' && build.build.version === debianVersion && !build.build.versionIsGuess && !build.modulesAreGuess) return undefined;
  const versionIndependent = directives.verdicts.every(
    (verdict) => verdict.kind === 'unknown' && (verdict.why === undefined || verdict.why.kind === 'other-module' || verdict.why.kind === 'module-not-loaded'),
  );
  if (findings.length > 0 && versionIndependent) return undefined;
  return `${build.build.description} is not Debian's nginx ${debianVersion}, and its verdicts depend on the release or on modules`;
}

interface NginxRun {
  result: CommandResult;
  /** The repository file behind a path nginx names. */
  repositoryFile(path: string): string | undefined;
}

async function runNginx(service: DeployedService, workspaceRoot: string, hostnames: string[]): Promise<NginxRun> {
  if (service.nginx?.imageKind === 'host') {
    const result = await runContainer({
      command: ['nginx', '-t', '-c', `${hostConfiguration}/nginx.conf`],
      mounts: [{ hostPath: service.projectDirectory, containerPath: hostConfiguration, readOnly: true }],
    });
    return {
      result,
      repositoryFile: (path) => (path.startsWith(`${hostConfiguration}/`) ? join(service.projectDirectory, relative(hostConfiguration, path)) : undefined),
    };
  }
  const layout = firstBootLayout(service.compose.volumes, { image: imageOf(service), repositoryRoot: workspaceRoot, namedVolumes: new Map() });
  const result = await runContainer({ command: nginxCommand(service, '-t'), mounts: layout.mounts, hostnames });
  return {
    result,
    repositoryFile: (path) => {
      const origin = layout.origin(path);
      return origin.kind === 'bind' ? origin.hostPath : undefined;
    },
  };
}

/** A finding as nginx would print it: its quoted message at its file and line. */
function asNginxPrints(finding: Finding): NginxMessage & { file: string; line: number } {
  return {
    message: quoted(finding)?.message ?? `(no quoted message) ${finding.message}`,
    file: finding.location.file,
    line: finding.location.range.start.line + 1,
  };
}

function describeResult(result: CommandResult): string {
  return `exit ${result.exitCode}\nstderr:\n${result.stderr}`;
}

describe('the rules on directives agree with real nginx where its release is the image’s', function () {
  this.timeout(60_000);
  keepHostAndFixturesUnchanged(ruleDirectories);
  let debianVersion: string;

  /** The fixtures whose verdicts real nginx proved; the others name an image of another release. */
  const proven: string[] = [];

  before(() => {
    debianVersion = debianNginxVersion();
  });

  for (const directory of ruleFixtureProjects(ruleDirectories)) {
    const fixture = fixtureName(directory);
    it(fixture, async () => {
      const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
      assert.deepEqual(analysis.internalErrors, []);
      const root = analysis.deployment.workspaceRoot;
      const reports: string[] = [];
      for (const project of analysis.deployment.projects) {
        // compose's network resolves every service name of the project
        const hostnames = project.services.map((other) => other.name);
        for (const service of project.services) {
          if (service.nginx === undefined) continue;
          const subject = describeNginx(service, root);
          const findings = analysis.findings.filter((finding) => ruleIds.includes(finding.ruleId) && finding.message.startsWith(`${subject} `));
          const skipped = notProvable(service, findings, debianVersion);
          if (skipped !== undefined) {
            reports.push(`${subject}: not run (${skipped})`);
            continue;
          }
          const { result, repositoryFile } = await runNginx(service, root, hostnames);
          const inRepository = (message: NginxMessage): NginxMessage => ({
            message: message.message,
            ...(message.file === undefined ? {} : { file: repositoryFile(message.file) ?? `${message.file} (image)`, line: message.line }),
          });
          const errors = findings.filter((finding) => finding.severity === 'error');
          if (errors.length > 0) {
            assert.notEqual(result.exitCode, 0, `${fixture}: the rules report an error, but nginx -t passes:\n${describeResult(result)}`);
            const emergency = firstEmergency(result.stderr);
            assert.ok(emergency !== undefined, `${fixture}: nginx -t failed without an [emerg] line:\n${describeResult(result)}`);
            // nginx stops at its first error: it must be one of those reported, word for word and line for line
            assert.ok(
              errors.some((finding) => JSON.stringify(asNginxPrints(finding)) === JSON.stringify(inRepository(emergency))),
              `${fixture}: nginx -t says ${JSON.stringify(inRepository(emergency))}, the rules report ${JSON.stringify(errors.map(asNginxPrints))}`,
            );
          } else {
            assert.equal(result.exitCode, 0, `${fixture}: the rules report no error, but nginx -t fails:\n${describeResult(result)}`);
          }
          const deprecations = nginxMessages(result.stderr, 'warn')
            .filter((warning) => /deprecated|obsolete/.test(warning.message))
            .map(inRepository)
            .filter((warning) => warning.file !== undefined && !warning.file.endsWith('(image)'));
          const warnings = findings.filter((finding) => finding.severity === 'warning').map(asNginxPrints);
          // nginx prints the warnings of the statements it read before its first error
          if (errors.length === 0)
            assert.deepEqual(deprecations, warnings, `${fixture}: nginx's deprecation warnings differ from the rules':\n${result.stderr}`);
          if (!proven.includes(fixture)) proven.push(fixture);
          reports.push(
            `${subject}: nginx -t ${result.exitCode === 0 ? 'passes' : `fails: [emerg] ${firstEmergency(result.stderr)?.message}`}, ${warnings.length} warning(s) as reported`,
          );
        }
      }
      assert.ok(reports.length > 0, `${fixture}: no nginx service`);
      console.log(`      ${fixture}\n${reports.map((line) => `        ${line}`).join('\n')}`);
    });
  }

  // a fixture that no longer runs under real nginx (its image changed, or the rules stopped
  // judging it as provable) must not pass unnoticed
  it('ran real nginx on every fixture whose verdict does not depend on the release', () => {
    assert.deepEqual([...proven].sort(), [
      'nginx-directive-deprecated/bad-obsolete',
      'nginx-directive-deprecated/bad-ssl-on',
      'nginx-directive-deprecated/good-listen-http2-before-1-25-1',
      'nginx-directive-too-new/bad-http2-on',
      'nginx-directive-usage/bad-not-allowed',
      'nginx-unknown-directive/bad-host-typo',
      'nginx-unknown-directive/bad-module-not-loaded',
      'nginx-unknown-directive/bad-other-module',
      'nginx-unknown-directive/bad-typo',
      'nginx-unknown-directive/bad-typo-over-lines',
      'nginx-unknown-directive/good-reverse-proxy',
    ]);
  });
});
