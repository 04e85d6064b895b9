import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repositoryRoot = resolve(__dirname, '..', '..');
export const cliPath = join(repositoryRoot, 'dist', 'cli.js');
export const fixturesRoot = join(repositoryRoot, 'test', 'fixtures');

/** The shared fixtures live beside the repository; a test that needs them fails without them. */
export function sharedFixtures(): string {
  const directory = resolve(repositoryRoot, '..', 'shared', 'fixtures');
  if (!existsSync(directory)) throw new Error(`shared fixtures not found at ${directory}`);
  return directory;
}
