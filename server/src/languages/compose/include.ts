import { posix } from 'node:path';
import { type ComposeEntry, type ComposeMapping, type ComposeNode, childOf, isMapping, mappingChild, scalarText } from './compose-node';
import { isUnknownText } from './interpolation';
import type { LoadContext } from './load-context';
import { mergeServices } from './merge';

export interface IncludedProject {
  /** Files merged into the included model: its `path` list. */
  readonly files: string[];
  readonly projectDirectory: string;
  /** Env files, absolute; the default `.env` of the included project when none is given. */
  readonly envFiles: string[];
}

/** Loads an included project the way the main one is loaded; `stack` is the chain of including files. */
export type LoadIncluded = (project: IncludedProject, stack: readonly string[]) => ComposeMapping | undefined;

/**
 * Copies the services and volumes of every `include` entry (short syntax: a path; long syntax:
 * `path`, `project_directory`, `env_file`) into the model. Each included file is its own
 * project: paths resolve against its directory. A service the model already defines is merged
 * over the imported one with the same name, as an override file is.
 */
export function resolveIncludes(context: LoadContext, root: ComposeMapping, stack: readonly string[], load: LoadIncluded): ComposeMapping {
  const include = childOf(root, 'include');
  if (include?.kind !== 'sequence') return root;
  let result: ComposeMapping = { ...root, entries: new Map([...root.entries].filter(([key]) => key !== 'include')) };
  for (const item of include.items) {
    const project = includedProject(context, item, stack);
    if (!project) continue;
    context.includedFiles.push(...project.files);
    const included = load(project, [...stack, ...project.files]);
    if (included) result = importResources(result, included);
  }
  return result;
}

function includedProject(context: LoadContext, item: ComposeNode, stack: readonly string[]): IncludedProject | undefined {
  const pathNodes = item.kind === 'mapping' ? listOf(childOf(item, 'path')) : [item];
  const files: string[] = [];
  for (const node of pathNodes) {
    const text = scalarText(node);
    if (text === undefined || isUnknownText(text)) return undefined;
    const file = posix.resolve(node.baseDirectory, text);
    if (stack.includes(file)) {
      const cycle = [...stack.slice(stack.indexOf(file)), file].join(' → ');
      context.diagnostics.push({ code: 'include-cycle', severity: 'error', message: `include cycle: ${cycle}`, location: node.location });
      return undefined;
    }
    if (!context.exists(file)) {
      context.diagnostics.push({ code: 'include-not-found', severity: 'error', message: `included file ${file} does not exist`, location: node.location });
      return undefined;
    }
    files.push(file);
  }
  if (files.length === 0) return undefined;
  const directoryText = item.kind === 'mapping' ? scalarText(childOf(item, 'project_directory')) : undefined;
  const projectDirectory =
    directoryText === undefined || isUnknownText(directoryText) ? posix.dirname(files[0]) : posix.resolve(item.baseDirectory, directoryText);
  const envFileNodes = item.kind === 'mapping' ? listOf(childOf(item, 'env_file')) : [];
  const envFiles = envFileNodes.map(scalarText).filter((text): text is string => text !== undefined && !isUnknownText(text));
  return {
    files,
    projectDirectory,
    envFiles: envFiles.length > 0 ? envFiles.map((text) => posix.resolve(item.baseDirectory, text)) : [posix.join(projectDirectory, '.env')],
  };
}

function listOf(node: ComposeNode | undefined): ComposeNode[] {
  if (node === undefined) return [];
  return node.kind === 'sequence' ? [...node.items] : [node];
}

function importResources(root: ComposeMapping, included: ComposeMapping): ComposeMapping {
  const entries = new Map(root.entries);
  for (const section of ['services', 'volumes']) {
    const imported = mappingChild(included, section);
    if (!imported) continue;
    const existingEntry = entries.get(section);
    const merged = new Map<string, ComposeEntry>(existingEntry?.value.kind === 'mapping' ? existingEntry.value.entries : []);
    for (const [name, entry] of imported.entries) {
      const local = merged.get(name);
      if (local === undefined) merged.set(name, entry);
      // compose-go's importResource() (loader/include.go, since compose-spec/compose-go#835, in
      // Docker Compose 5.0) merges what the model already holds over the imported definition, as an
      // override file does; compose 2.24 to 2.40 refused it ("services.db conflicts with imported resource")
      else if (section === 'services' && isMapping(local.value) && isMapping(entry.value))
        merged.set(name, { ...local, value: mergeServices(entry.value, local.value) });
    }
    const location = existingEntry?.value.location ?? imported.location;
    const sectionEntry: ComposeEntry = existingEntry ?? { key: section, keyLocation: imported.location, value: imported };
    entries.set(section, { ...sectionEntry, value: { kind: 'mapping', entries: merged, location, baseDirectory: root.baseDirectory } });
  }
  return { ...root, entries };
}
