import { posix } from 'node:path';
import { type ComposeEntry, type ComposeMapping, childOf, isMapping, mappingChild, scalarText } from './compose-node';
import { isUnknownText, type VariableLookup } from './interpolation';
import type { LoadContext } from './load-context';
import { mergeServices } from './merge';
import type { SourceLocation } from './source-location';

/**
 * Resolves `extends` in every service of a merged model: the referenced service (same file, or
 * `file:` relative to the file that declares `extends`) is the base, the local definition is
 * merged on top with the override rules. Relative paths of a service taken from another file
 * resolve against that file's directory, as current compose does.
 */
export function resolveExtends(context: LoadContext, root: ComposeMapping, variables: VariableLookup): ComposeMapping {
  const services = mappingChild(root, 'services');
  if (!services) return root;
  const resolver = new ExtendsResolver(context, variables);
  const resolved = new Map<string, ComposeEntry>();
  for (const [name, entry] of services.entries) {
    resolved.set(name, isMapping(entry.value) ? { ...entry, value: resolver.resolve(entry.value, services, [`${entry.keyLocation.file}#${name}`]) } : entry);
  }
  const entries = new Map(root.entries);
  const servicesEntry = root.entries.get('services') as ComposeEntry;
  entries.set('services', { ...servicesEntry, value: { ...services, entries: resolved } });
  return { ...root, entries };
}

class ExtendsResolver {
  private readonly fileServices = new Map<string, ComposeMapping | undefined>();
  /** Each service of a cycle would find it again; one report per cycle is enough. */
  private readonly reportedCycles = new Set<string>();

  constructor(
    private readonly context: LoadContext,
    private readonly variables: VariableLookup,
  ) {}

  /** `chain` lists `file#service` keys being resolved, to stop a cycle where it closes. */
  resolve(service: ComposeMapping, siblings: ComposeMapping, chain: string[]): ComposeMapping {
    const extendsNode = mappingChild(service, 'extends');
    if (!extendsNode) return service;
    const local: ComposeMapping = { ...service, entries: new Map([...service.entries].filter(([key]) => key !== 'extends')) };
    const serviceNode = childOf(extendsNode, 'service');
    const baseName = scalarText(serviceNode);
    const fileNode = childOf(extendsNode, 'file');
    const fileText = scalarText(fileNode);
    if (baseName === undefined || isUnknownText(baseName) || (fileText !== undefined && isUnknownText(fileText))) return local;

    let baseFile = extendsNode.location.file;
    let baseSiblings: ComposeMapping | undefined = siblings;
    if (fileText !== undefined) {
      baseFile = posix.resolve(posix.dirname(extendsNode.location.file), fileText);
      if (!this.context.exists(baseFile)) {
        this.report('extends-not-found', `extends: ${baseFile} does not exist`, (fileNode ?? extendsNode).location);
        return local;
      }
      baseSiblings = this.servicesOf(baseFile);
    }
    const base = baseSiblings?.entries.get(baseName)?.value;
    if (!isMapping(base)) {
      if (baseSiblings) this.report('extends-not-found', `extends: service "${baseName}" is not defined in ${baseFile}`, (serviceNode ?? extendsNode).location);
      return local;
    }
    const key = `${baseFile}#${baseName}`;
    if (chain.includes(key)) {
      const cycle = chain.slice(chain.indexOf(key));
      const identity = [...cycle].sort().join('\n');
      if (!this.reportedCycles.has(identity)) {
        this.reportedCycles.add(identity);
        this.report('extends-cycle', `extends cycle: ${[...cycle, key].join(' → ')}`, extendsNode.location);
      }
      return local;
    }
    return mergeServices(this.resolve(base, baseSiblings as ComposeMapping, [...chain, key]), local);
  }

  private servicesOf(file: string): ComposeMapping | undefined {
    if (!this.fileServices.has(file)) {
      const root = this.context.readComposeFile(file, this.variables, posix.dirname(file));
      this.fileServices.set(file, mappingChild(root, 'services'));
    }
    return this.fileServices.get(file);
  }

  private report(code: 'extends-not-found' | 'extends-cycle', message: string, location: SourceLocation): void {
    this.context.diagnostics.push({ code, severity: 'error', message, location });
  }
}
