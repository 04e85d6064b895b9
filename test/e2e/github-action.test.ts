// The GitHub Action (action.yml) run step by step on a fixture workspace, as a runner would run
// it, from a committed copy of this checkout: its install step builds certboot there with npm ci
// (the registry is reachable), and the SARIF it writes for code scanning is checked against the
// OASIS SARIF 2.1.0 schema.

import { deepStrictEqual, strictEqual } from 'node:assert';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from '../support/paths';
import { sarifSchemaErrors } from '../support/sarif-schema';
import { commitCheckoutCopy } from './support/checkout-copy';
import { type ActionRun, runCompositeAction } from './support/composite-action';
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary';

interface SarifLog {
  runs: {
    originalUriBaseIds: { '%SRCROOT%': { uri: string } };
    results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
  }[];
}

/** What each step did: name, whether it ran, and its exit status or what a `uses:` step was given. */
function summary(run: ActionRun): unknown[] {
  return run.steps.map((step) => [step.name, step.ran, step.uses !== undefined ? (step.with ?? null) : step.status]);
}

describe('GitHub Action', function () {
  // each run's install step is an npm ci of certboot and its build
  this.timeout(10 * 60_000);

  let action: string;
  const workspaceWith = (example: string): string => {
    const workspace = temporaryDirectory('action-workspace');
    cpSync(join(repositoryRoot, 'examples', example), workspace, { recursive: true });
    return workspace;
  };

  before(() => {
    action = join(temporaryDirectory('action'), 'certboot');
    commitCheckoutCopy(action);
  });

  after(() => removeTemporaryDirectories());

  it("uploads valid SARIF for the story's project to code scanning, then fails the job", () => {
    const workspace = workspaceWith('certbot-deadlock');
    const run = runCompositeAction(action, workspace, { 'upload-sarif': 'true' });
    deepStrictEqual(summary(run), [
      ['Set up Node.js', true, { 'node-version': '20' }],
      ['Install certboot', true, 0],
      ['certboot lint', true, 0],
      ['Upload SARIF to code scanning', true, { sarif_file: 'certboot.sarif', category: 'certboot' }],
      ["Fail on certboot's findings", true, 1],
    ]);
    strictEqual(run.steps[2].stdout, 'certboot: wrote the sarif report to certboot.sarif (exit code 1)\n');
    strictEqual(run.steps[2].stderr, '');
    deepStrictEqual(run.outputs, { 'exit-code': '1', report: 'certboot.sarif' });
    strictEqual(run.failed, true);
    const log = JSON.parse(readFileSync(join(workspace, 'certboot.sarif'), 'utf8')) as SarifLog;
    deepStrictEqual(sarifSchemaErrors(log), []);
    // paths relative to the repository's root, which is what code scanning resolves them against
    strictEqual(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri, `${pathToFileURL(workspace).href}/`);
    deepStrictEqual(
      log.runs[0].results.map((result) => [result.locations[0].physicalLocation.artifactLocation.uri, result.ruleId]),
      [
        ['docker-compose.yml', 'restart-loop-on-first-boot'],
        ['docker-compose.yml', 'certificate-never-renewed'],
        ['docker-compose.yml', 'acme-challenge-not-served'],
        ['nginx/conf.d/example.com.conf', 'missing-certificate-on-first-boot'],
        ['nginx/conf.d/example.com.conf', 'missing-certificate-on-first-boot'],
        ['nginx/conf.d/example.com.conf', 'certbot-nginx-options-missing'],
        ['nginx/conf.d/example.com.conf', 'certbot-nginx-options-missing'],
      ],
    );
  });

  it('writes a GitLab report for the fixed project and passes, with the runner’s own node and extra options', () => {
    const workspace = workspaceWith('certbot-http-first');
    const run = runCompositeAction(action, workspace, {
      format: 'gitlab',
      output: 'gl-code-quality-report.json',
      args: '--max-warnings 0',
      'node-version': '',
    });
    deepStrictEqual(summary(run), [
      ['Set up Node.js', false, null],
      ['Install certboot', true, 0],
      ['certboot lint', true, 0],
      ['Upload SARIF to code scanning', false, null],
      ["Fail on certboot's findings", false, undefined],
    ]);
    deepStrictEqual(run.outputs, { 'exit-code': '0', report: 'gl-code-quality-report.json' });
    strictEqual(run.failed, false);
    strictEqual(readFileSync(join(workspace, 'gl-code-quality-report.json'), 'utf8'), '[]\n');
  });

  it('uploads nothing and fails with exit code 2 on bad usage', () => {
    const workspace = workspaceWith('certbot-deadlock');
    const run = runCompositeAction(action, workspace, { 'upload-sarif': 'true', paths: 'docker-compose.yml\nno-such-dir' });
    deepStrictEqual(summary(run), [
      ['Set up Node.js', true, { 'node-version': '20' }],
      ['Install certboot', true, 0],
      ['certboot lint', true, 0],
      ['Upload SARIF to code scanning', false, null],
      ["Fail on certboot's findings", true, 2],
    ]);
    strictEqual(run.steps[2].stderr, 'certboot: cannot lint no-such-dir: no such file or directory\n');
    deepStrictEqual(run.outputs, { 'exit-code': '2', report: '' });
  });
});
