// The fixture projects of some rules, as the e2e tests that boot them with real nginx walk them,
// and the hooks that keep each such test from leaving a container behind or changing the host.

import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot } from '../../support/paths';
import { stopAllContainers } from './container';
import { differences, snapshotHostPaths, watchedHostPaths } from './host-state';
import { removeTemporaryDirectories } from './temporary';

/** test/fixtures/rules/<id>/ of each rule. */
export function ruleFixtureDirectories(ruleIds: readonly string[]): string[] {
  return ruleIds.map((id) => join(fixturesRoot, 'rules', id));
}

/** Every fixture project of those directories, sorted. */
export function ruleFixtureProjects(ruleDirectories: readonly string[]): string[] {
  return ruleDirectories.flatMap((directory) =>
    readdirSync(directory)
      .sort()
      .map((name) => join(directory, name))
      .filter((path) => statSync(path).isDirectory()),
  );
}

/** The fixture's name for a test title: `<rule-id>/<project>`. */
export function fixtureName(directory: string): string {
  return directory.slice(join(fixturesRoot, 'rules').length + 1);
}

/**
 * Hooks of the enclosing describe(): containers stopped and temporary copies removed after each
 * test, and neither the host's watched paths nor the fixtures changed by the whole suite.
 */
export function keepHostAndFixturesUnchanged(ruleDirectories: readonly string[]): void {
  let hostBefore: Map<string, string>;
  const watched = [...watchedHostPaths, ...ruleDirectories];
  before(() => {
    hostBefore = snapshotHostPaths(watched);
  });
  afterEach(async () => {
    await stopAllContainers();
    removeTemporaryDirectories();
  });
  after(() => {
    assert.deepEqual(differences(hostBefore, snapshotHostPaths(watched)), [], 'neither the host nor the fixtures may change');
  });
}
