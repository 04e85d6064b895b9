import { posix } from 'node:path';
import type { FileSystem } from '../../workspace/file-system';
import { isPresent } from '../../workspace/text-files';

/** The names compose looks for, in its order of preference. */
export const composeFileNames: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const overrideFileNames: readonly string[] = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

export interface DiscoveredComposeFiles {
  /** The file compose would use, or undefined when the directory has none. */
  readonly main: string | undefined;
  /** Other files with a supported name, which compose ignores (it warns about them). */
  readonly ignored: string[];
  /** The override file compose merges on top of the main one. */
  readonly override: string | undefined;
}

export function discoverComposeFiles(fileSystem: FileSystem, directory: string): DiscoveredComposeFiles {
  // compose asks only whether the name exists: a directory, a pipe or a link it cannot follow under
  // that name is its file too, and reading it fails; a dangling link is no file
  const existing = (names: readonly string[]): string[] => names.map((name) => posix.join(directory, name)).filter((path) => isPresent(fileSystem, path));
  const [main, ...ignored] = existing(composeFileNames);
  const override = main === undefined ? undefined : existing(overrideFileNames)[0];
  return { main, ignored, override };
}
