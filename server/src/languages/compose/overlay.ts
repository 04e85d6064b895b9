import { posix } from 'node:path';
import type { FileSystem } from '../../workspace/file-system';
import { composeFileNames, discoverComposeFiles, overrideFileNames } from './discovery';
import { loadComposeProject } from './load-project';

/**
 * A compose file named like compose's own but with a word between (`docker-compose.multi-php.yml`,
 * `compose.prod.yaml`): compose never reads it by itself; its users pass it with `-f` after the
 * main file beside it (`docker compose -f docker-compose.yml -f docker-compose.multi-php.yml`).
 */
const overlayName = /^(docker-)?compose\.[^.]+\.ya?ml$/;

export interface ComposeOverlay {
  /** The overlay file that includes the project's file. */
  readonly file: string;
  /** The main compose file beside it, which the overlay is used with. */
  readonly base: string;
}

/**
 * The overlay that brings `projectFile` in with `include`, looked for in the directories from
 * the project's up to `root`: a project that only runs as part of one is judged with its base.
 */
export function overlayIncluding(fileSystem: FileSystem, projectFile: string, root: string): ComposeOverlay | undefined {
  for (let directory = posix.dirname(projectFile); directory === root || directory.startsWith(`${root}/`); directory = posix.dirname(directory)) {
    const base = discoverComposeFiles(fileSystem, directory).main;
    if (base !== undefined) {
      let names: string[] = [];
      try {
        names = fileSystem.readDirectory(directory);
      } catch {
        names = [];
      }
      for (const name of names
        .filter((candidate) => overlayName.test(candidate) && !overrideFileNames.includes(candidate) && !composeFileNames.includes(candidate))
        .sort()) {
        const file = posix.join(directory, name);
        if (loadComposeProject(fileSystem, directory, { files: [file] }).includedFiles.includes(projectFile)) return { file, base };
      }
    }
    if (directory === root) break;
  }
  return undefined;
}
