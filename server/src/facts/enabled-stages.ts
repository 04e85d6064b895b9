import { posix } from 'node:path';
import { expandGlob, GlobLimitError, hasGlobMagic } from '../languages/nginx/glob';
import { loadNginxConfiguration, type ConfigurationFile, type NginxConfiguration } from '../languages/nginx/configuration';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { ShellAssignment, ShellCommand, ShellWord } from '../languages/shell/shell-script';
import { basename } from '../languages/shell/container-launch';
import { hookRunsOfScript, type RenewalPicture } from './certbot-runs';
import { isWithin, type PathOrigin } from '../model/container-view';
import { configurationPrefixOf } from '../model/nginx-blocks';
import type { DeployedService, Deployment, RepositoryScript } from '../model/deployment';

/**
 * Stage 2 of an HTTP-first setup: nginx files that an `include` glob loads only once a script
 * (certbot's deploy hook, typically) has linked them into the glob's directory — which is empty
 * on a fresh clone, so the configuration nginx loads at first boot does not show them.
 */
export interface EnabledStage {
  /** The `include` whose glob the script fills. */
  readonly include: NginxDirective;
  /** The glob's directory, as nginx sees it: `/etc/nginx/https-enabled`. */
  readonly enabledDirectory: string;
  /** The script that makes the links, and the `ln` command. */
  readonly script: RepositoryScript;
  readonly link: ShellCommand;
  /** The stage-2 files (as nginx sees them, through the links) and what they include. */
  readonly configuration: NginxConfiguration;
}

/** One include glob: `/etc/nginx/https-enabled/*.conf` → its directory and the name pattern. */
interface IncludeGlob {
  readonly include: NginxDirective;
  readonly directory: string;
  readonly namePattern: string;
}

function includeGlobs(files: readonly ConfigurationFile[], configurationPrefix: string): IncludeGlob[] {
  const globs: IncludeGlob[] = [];
  const visit = (directives: readonly NginxDirective[]): void => {
    for (const directive of directives) {
      const argument = directive.args[0];
      if (directive.name === 'include' && directive.args.length === 1 && argument && !argument.value.includes('$')) {
        // nginx resolves a relative include against the main configuration's directory
        const pattern = posix.resolve(configurationPrefix, argument.value);
        const directory = posix.dirname(pattern);
        if (hasGlobMagic(posix.basename(pattern)) && !hasGlobMagic(directory))
          globs.push({ include: directive, directory, namePattern: posix.basename(pattern) });
      }
      if (directive.block) visit(directive.block);
    }
  };
  for (const file of files) visit(file.syntax.directives);
  return globs;
}

/** Variables a script sets once, unconditionally, to a literal value: `enabled=/etc/nginx/https-enabled`. */
function literalVariables(assignments: readonly ShellAssignment[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const assignment of assignments) if (!assignment.prefix) counts.set(assignment.name, (counts.get(assignment.name) ?? 0) + 1);
  const variables = new Map<string, string>();
  for (const assignment of assignments) {
    const value = assignment.value;
    if (assignment.prefix || assignment.append || assignment.conditional || counts.get(assignment.name) !== 1 || !value?.literal) continue;
    variables.set(assignment.name, value.value);
  }
  return variables;
}

/**
 * A word as a glob: the script's literal variables substituted, and whatever else the shell
 * expands at run time (a loop variable, `${name:?…}`, `$(basename …)`) read as `*`. undefined
 * for what this cannot follow (backquotes, arithmetic).
 */
function wordPattern(word: ShellWord, variables: ReadonlyMap<string, string>): string | undefined {
  if (word.literal) return word.value;
  const pattern = word.value
    .replace(/\$\([^)]*\)/g, '*')
    .replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_match, braced?: string, plain?: string) => variables.get((braced ?? plain) as string) ?? '*',
    );
  return /[$`]/.test(pattern) ? undefined : pattern.replace(/\*+/g, '*');
}

interface LinkCommand {
  readonly command: ShellCommand;
  /** Link targets as written (globs where the shell expands). */
  readonly targets: readonly string[];
  /** Where the link goes: a directory, or the link's own path. */
  readonly destination: string;
}

/** `ln -s[f][n] TARGET... DESTINATION`; `-t DIRECTORY` and other forms are not read. */
function linkCommands(script: RepositoryScript): LinkCommand[] {
  const variables = literalVariables(script.script.assignments);
  const links: LinkCommand[] = [];
  for (const command of script.script.commands) {
    if (!command.name || basename(command.name) !== 'ln') continue;
    const options = command.arguments.filter((word) => word.value.startsWith('-'));
    if (!options.some((word) => /^-[a-zA-Z]*s/.test(word.value) || word.value === '--symbolic')) continue;
    if (options.some((word) => word.value === '-t' || word.value.startsWith('--target-directory'))) continue;
    const operands = command.arguments.filter((word) => !word.value.startsWith('-')).map((word) => wordPattern(word, variables));
    if (operands.length < 2 || operands.some((operand) => operand === undefined)) continue;
    const patterns = operands as string[];
    links.push({ command, targets: patterns.slice(0, -1), destination: patterns[patterns.length - 1] as string });
  }
  return links;
}

/** Where a path is stored, comparable between containers and the host: a host path or a place in a named volume. */
function storageKey(origin: PathOrigin): string | undefined {
  if (origin.kind === 'bind') return `host:${origin.hostPath}`;
  if (origin.kind === 'volume' && origin.volumeName !== undefined) return `volume:${origin.volumeName}:${origin.relativePath}`;
  return undefined;
}

/**
 * Where the script's `destination` directory is stored, seen from wherever it runs: inside each
 * certbot container that runs it as a hook, else on the host (relative paths from the script's
 * directory or the compose project's).
 */
function destinationKeys(picture: RenewalPicture, script: RepositoryScript, nginx: DeployedService, directory: string): string[] {
  const hooked = hookRunsOfScript(picture, script.path);
  if (hooked.length > 0) {
    return hooked.flatMap(({ service }) => {
      const key = directory.startsWith('/') ? storageKey(service.view.origin(directory)) : undefined;
      return key === undefined ? [] : [key];
    });
  }
  const candidates = directory.startsWith('/')
    ? [directory]
    : [posix.resolve(posix.dirname(script.path), directory), posix.resolve(nginx.projectDirectory, directory)];
  return candidates.map((path) => `host:${path}`);
}

/** The files in `directory` (as nginx sees it) that both patterns match, present on first boot. */
function matchingFiles(nginx: DeployedService, directory: string, patterns: readonly string[]): string[] {
  let found: string[] | undefined;
  for (const pattern of patterns) {
    let paths: string[];
    try {
      paths = expandGlob(nginx.view, posix.join(directory, pattern), { path: directory, display: directory }, 200).map((match) => match.path);
    } catch (error) {
      if (error instanceof GlobLimitError) return [];
      throw error;
    }
    found = found === undefined ? paths : found.filter((path) => paths.includes(path));
  }
  return (found ?? []).filter((path) => nginx.view.stat(path)?.kind === 'file');
}

/**
 * The stage-2 files of an nginx service: for each include glob over a directory with no content
 * on a fresh clone, the files a repository script links into that directory. A link target is
 * read where nginx follows it, in the nginx container; the link's name must match the glob,
 * which is only known when the link keeps the target's name.
 */
export function enabledStages(deployment: Deployment, picture: RenewalPicture, nginx: DeployedService): EnabledStage[] {
  const configuration = nginx.nginx?.configuration;
  if (!configuration) return [];
  const stages: EnabledStage[] = [];
  for (const glob of includeGlobs(configuration.files, configurationPrefixOf(nginx))) {
    if ((configuration.includes.get(glob.include) ?? []).length > 0) continue;
    const enabledKey = storageKey(nginx.view.origin(glob.directory));
    if (enabledKey === undefined) continue;
    for (const script of deployment.scripts) {
      for (const link of linkCommands(script)) {
        const reaches = (directory: string): boolean => !hasGlobMagic(directory) && destinationKeys(picture, script, nginx, directory).includes(enabledKey);
        // `ln -s TARGET… DIRECTORY` keeps the targets' names; `ln -s TARGET DIRECTORY/NAME` names the link
        const intoDirectory = reaches(link.destination);
        if (!intoDirectory && !reaches(posix.dirname(link.destination))) continue;
        const linkName = intoDirectory ? undefined : posix.basename(link.destination);
        const paths = link.targets.flatMap((target) => {
          // a relative link target is relative to the link's directory
          const path = posix.resolve(glob.directory, target);
          const sourceDirectory = posix.dirname(path);
          if (hasGlobMagic(sourceDirectory) || isWithin(sourceDirectory, glob.directory)) return [];
          // the link keeps the target's name: a destination directory, or the same name expression
          if (linkName !== undefined && linkName !== posix.basename(target)) return [];
          return matchingFiles(nginx, sourceDirectory, [posix.basename(path), glob.namePattern]);
        });
        for (const path of paths) {
          stages.push({
            include: glob.include,
            enabledDirectory: glob.directory,
            script,
            link: link.command,
            configuration: loadNginxConfiguration(nginx.view, path, { context: undefined }),
          });
        }
      }
    }
  }
  return stages;
}
