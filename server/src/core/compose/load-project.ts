import { posix } from 'node:path';
import { FileSystem } from '../workspace/file-system';
import { ComposeMapping, childOf, mappingChild, scalarText } from './compose-node';
import { discoverComposeFiles } from './discovery';
import { readEnvFile } from './env-file';
import { resolveExtends } from './extends';
import { IncludedProject, resolveIncludes } from './include';
import { isUnknownText, VariableLookup } from './interpolation';
import { LoadContext } from './load-context';
import { mergeFiles } from './merge';
import { ComposeProject } from './model';
import { buildServices } from './service-model';
import { fileStartLocation } from './source-location';

export interface LoadComposeProjectOptions {
  /**
   * The variables of the shell that would run compose. Nothing is read from process.env: the
   * caller decides (the editor has no idea what the server's shell holds).
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Like `docker compose -f`: these files, merged in order, instead of the discovered pair. */
  readonly files?: readonly string[];
}

/**
 * Loads the compose project of `directory` as `docker compose` would: the main file and its
 * override, `.env`, interpolation, `extends`, `include`. Never throws; every problem becomes a
 * diagnostic.
 */
export function loadComposeProject(fileSystem: FileSystem, directory: string, options: LoadComposeProjectOptions = {}): ComposeProject {
  const projectDirectory = posix.resolve(directory);
  const context = new LoadContext(fileSystem);
  const environment = options.environment ?? {};
  const files = options.files?.map((file) => posix.resolve(projectDirectory, file)) ?? discoveredFiles(context, projectDirectory);
  const variableMap = readEnvFile(fileSystem, posix.join(projectDirectory, '.env'), environment, context.diagnostics);
  const variables: VariableLookup = (name) => variableMap.get(name);

  const loadModel = (modelFiles: readonly string[], modelDirectory: string, modelVariables: VariableLookup, stack: readonly string[]): ComposeMapping | undefined => {
    let merged: ComposeMapping | undefined;
    for (const file of modelFiles) {
      const root = context.readComposeFile(file, modelVariables, modelDirectory);
      if (root) merged = merged ? mergeFiles(merged, root) : root;
    }
    if (!merged) return undefined;
    const withExtends = resolveExtends(context, merged, modelVariables);
    return resolveIncludes(context, withExtends, stack, (project: IncludedProject, includeStack) => {
      const includedVariables = project.envFiles.reduce(
        (accumulated, envFile) => new Map([...accumulated, ...readEnvFile(fileSystem, envFile, environment, context.diagnostics)]),
        new Map(Object.entries(environment)),
      );
      return loadModel(project.files, project.projectDirectory, (name) => includedVariables.get(name), includeStack);
    });
  };

  const root = files.length > 0 ? loadModel(files, projectDirectory, variables, files) : undefined;
  const services = root ? buildServices(root, variables, context.diagnostics) : [];
  return {
    directory: projectDirectory,
    name: projectName(root, variableMap, projectDirectory),
    files: context.files,
    includedFiles: context.includedFiles,
    services,
    namedVolumes: [...(mappingChild(root, 'volumes')?.entries.keys() ?? [])],
    documents: context.documents,
    diagnostics: context.diagnostics,
  };
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
  return posix.basename(directory).toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}
