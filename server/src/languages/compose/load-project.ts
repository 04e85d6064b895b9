import { posix } from 'node:path';
import type { FileSystem } from '../../workspace/file-system';
import { type ComposeMapping, childOf, mappingChild, scalarText } from './compose-node';
import { discoverComposeFiles } from './discovery';
import { readEnvFile } from './env-file';
import { resolveExtends } from './extends';
import { type IncludedProject, resolveIncludes } from './include';
import { isUnknownText, type VariableLookup } from './interpolation';
import { LoadContext } from './load-context';
import { mergeFiles } from './merge';
import { declaredNetworks } from './networking';
import type { ComposeProject } from './model';
import { buildServices } from './service-model';
import { fileStartLocation } from './source-location';

export interface LoadComposeProjectOptions {
  /**
   * The variables of the shell that would run compose. Nothing is read from process.env: the
   * caller decides (the editor has no idea what the server's shell holds).
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Like `docker compose -f`: these files, merged in order, instead of COMPOSE_FILE or the
   * discovered pair.
   */
  readonly files?: readonly string[];
  /**
   * Like `docker compose --project-directory`: relative paths resolve against it, not against
   * the first file's directory.
   */
  readonly projectDirectory?: string;
}

/**
 * The variables the shell that runs compose always sets, when the caller's environment does not
 * say: `PWD` is the directory compose is run from, the project directory in the normal case
 * (`cd project && docker compose up`), so `$PWD/nginx.conf` is the project's own file.
 */
function shellVariable(name: string, projectDirectory: string): string | undefined {
  return name === 'PWD' ? projectDirectory : undefined;
}

/**
 * Loads the compose project of `directory` as `docker compose` run there would: the files of
 * COMPOSE_FILE, else the main file and its override, `.env`, interpolation, `extends`,
 * `include`. Never throws; every problem becomes a diagnostic.
 */
export function loadComposeProject(fileSystem: FileSystem, directory: string, options: LoadComposeProjectOptions = {}): ComposeProject {
  const projectDirectory = posix.resolve(directory);
  const context = new LoadContext(fileSystem);
  const environment = options.environment ?? {};
  const envFile = posix.join(projectDirectory, '.env');
  const variableMap = readEnvFile(fileSystem, envFile, environment, context.diagnostics);
  const variables: VariableLookup = (name) => variableMap.get(name) ?? shellVariable(name, projectDirectory);
  const chosen = options.files ?? filesFromEnvironment(context, variableMap, envFile);
  const files = chosen?.map((file) => posix.resolve(projectDirectory, file)) ?? discoveredFiles(context, projectDirectory);
  // compose resolves relative paths against the first chosen file's directory, not against its own
  const modelDirectory =
    options.projectDirectory !== undefined
      ? posix.resolve(options.projectDirectory)
      : chosen === undefined || files.length === 0
        ? projectDirectory
        : posix.dirname(files[0]);

  const loadModel = (
    modelFiles: readonly string[],
    modelDirectory: string,
    modelVariables: VariableLookup,
    stack: readonly string[],
  ): ComposeMapping | undefined => {
    let merged: ComposeMapping | undefined;
    for (const file of modelFiles) {
      const root = context.readComposeFile(file, modelVariables, modelDirectory);
      if (root) merged = merged ? mergeFiles(merged, root) : root;
    }
    if (!merged) return undefined;
    const withExtends = resolveExtends(context, merged, modelVariables);
    return resolveIncludes(context, withExtends, stack, (project: IncludedProject, includeStack) => {
      const includedVariables = new Map(Object.entries(environment));
      for (const envFile of project.envFiles)
        for (const [name, value] of readEnvFile(fileSystem, envFile, environment, context.diagnostics)) includedVariables.set(name, value);
      return loadModel(project.files, project.projectDirectory, (name) => includedVariables.get(name) ?? shellVariable(name, projectDirectory), includeStack);
    });
  };

  const loaded = files.length > 0 ? loadModel(files, modelDirectory, variables, files) : undefined;
  // a template of another tool is not what compose reads: what the rest would say about the
  // project without it (or about the template read as YAML) is made up, so only the note stays
  const template = context.templateFiles.length > 0;
  const root = template ? undefined : loaded;
  // compose-go's loader: a model without a single key after loading (an empty file, `null`, `{}`)
  if (root?.entries.size === 0) {
    context.diagnostics.push({ code: 'empty-file', severity: 'error', message: 'empty compose file', location: fileStartLocation(files[0]) });
  }
  const services = root ? buildServices(root, variables, context.diagnostics) : [];
  return {
    directory: projectDirectory,
    name: projectName(root, variableMap, projectDirectory),
    files: context.files,
    includedFiles: context.includedFiles,
    services,
    namedVolumes: [...(mappingChild(root, 'volumes')?.entries.keys() ?? [])],
    ...activeProfilesOf(variableMap),
    networks: declaredNetworks(root),
    documents: template ? [] : context.documents,
    diagnostics: template ? context.diagnostics.filter((diagnostic) => diagnostic.code === 'template-file') : context.diagnostics,
  };
}

/** What COMPOSE_PROFILES turns on: its comma-separated names (compose's `--profile` as an environment variable). */
function activeProfilesOf(variables: ReadonlyMap<string, string>): Pick<ComposeProject, 'activeProfiles'> {
  const value = variables.get('COMPOSE_PROFILES');
  if (value === undefined || value === '') return {};
  if (isUnknownText(value)) return { activeProfiles: 'unknown' };
  return {
    activeProfiles: value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  };
}

/**
 * The files COMPOSE_FILE names (from the caller's environment or `.env`), split on
 * COMPOSE_PATH_SEPARATOR, `:` by default as on Linux; undefined when it is not set. A value that
 * cannot be known chooses no file: guessing the default pair could lint files compose never reads.
 */
function filesFromEnvironment(context: LoadContext, variables: ReadonlyMap<string, string>, envFile: string): string[] | undefined {
  const value = variables.get('COMPOSE_FILE');
  if (value === undefined || value === '') return undefined;
  const separator = variables.get('COMPOSE_PATH_SEPARATOR') || ':';
  if (isUnknownText(value) || isUnknownText(separator)) {
    context.diagnostics.push({
      code: 'unknown-compose-file',
      severity: 'information',
      message: 'COMPOSE_FILE uses a variable with no value here, so which compose files docker compose reads is unknown; the project is not checked',
      location: fileStartLocation(envFile),
    });
    return [];
  }
  return value.split(separator).filter((file) => file !== '');
}

function discoveredFiles(context: LoadContext, directory: string): string[] {
  const discovered = discoverComposeFiles(context.fileSystem, directory);
  if (discovered.main === undefined) {
    context.diagnostics.push({
      code: 'no-compose-file',
      severity: 'error',
      message: `${directory} has no compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml`,
      location: fileStartLocation(directory),
    });
    return [];
  }
  for (const ignored of discovered.ignored) {
    context.diagnostics.push({
      code: 'multiple-compose-files',
      severity: 'warning',
      message: `docker compose uses ${posix.basename(discovered.main)} and ignores this file`,
      location: fileStartLocation(ignored),
    });
  }
  return discovered.override === undefined ? [discovered.main] : [discovered.main, discovered.override];
}

/** The top-level `name`, else COMPOSE_PROJECT_NAME, else the directory name made valid as compose does. */
function projectName(root: ComposeMapping | undefined, variables: ReadonlyMap<string, string>, directory: string): string {
  const declared = scalarText(childOf(root, 'name'));
  if (declared !== undefined && !isUnknownText(declared)) return declared;
  const fromEnvironment = variables.get('COMPOSE_PROJECT_NAME');
  if (fromEnvironment !== undefined && fromEnvironment !== '' && !isUnknownText(fromEnvironment)) return fromEnvironment;
  return posix
    .basename(directory)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
}
