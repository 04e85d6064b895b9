import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/**
 * The layers of server/src, from the ground up (docs/architecture.md says what each holds). A file
 * may import its own layer and the layers below it; the two adapters at the top import nothing of
 * each other. Packages that speak to an editor are for the adapters only.
 */
export const layers: readonly string[] = [
  'protocol',
  'text',
  'workspace',
  'languages',
  'inventory',
  'model',
  'facts',
  'fixes',
  'rules',
  'engine',
  'bootstrap',
  'services',
  'cli',
  'language-server',
];

/** Layers that nothing else may import (the adapters). */
const adapters: ReadonlySet<string> = new Set(['cli', 'language-server']);
const editorPackages = /^vscode($|[-/])/;

/** Repository-relative file → the repository-relative files and the packages it imports. */
export interface ImportGraph {
  readonly files: ReadonlyMap<string, { readonly local: readonly string[]; readonly packages: readonly string[] }>;
}

const specifierPattern =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

function listTypeScript(root: string, directory: string, out: string[]): void {
  for (const entry of readdirSync(join(root, directory)).sort()) {
    const path = posix.join(directory, entry);
    if (statSync(join(root, path)).isDirectory()) listTypeScript(root, path, out);
    else if (entry.endsWith('.ts')) out.push(path);
  }
}

function resolveLocal(root: string, from: string, specifier: string): string {
  const base = posix.join(posix.dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (existsSync(join(root, candidate))) return candidate;
  return base;
}

/** The imports of every TypeScript file under the given directories of the repository. */
export function readImportGraph(root: string, directories: readonly string[]): ImportGraph {
  const names: string[] = [];
  for (const directory of directories) listTypeScript(root, directory, names);
  const files = new Map<string, { local: string[]; packages: string[] }>();
  for (const name of names) {
    const text = readFileSync(join(root, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    const local: string[] = [];
    const packages: string[] = [];
    for (const match of text.matchAll(specifierPattern)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) local.push(resolveLocal(root, name, specifier));
      else packages.push(specifier);
    }
    files.set(name, { local, packages });
  }
  return { files };
}

/** The layer of a file of server/src (its first folder), or undefined outside it. */
export function layerOf(file: string): string | undefined {
  const match = /^server\/src\/([^/]+)\//.exec(file);
  return match ? match[1] : undefined;
}

function mayImport(fromLayer: string, toLayer: string): boolean {
  if (fromLayer === toLayer) return true;
  if (adapters.has(toLayer)) return false;
  return layers.indexOf(toLayer) < layers.indexOf(fromLayer);
}

/** Every import that breaks the layering, as "from → to (why)". */
export function layeringViolations(graph: ImportGraph): string[] {
  const violations: string[] = [];
  for (const [file, imports] of graph.files) {
    const fromLayer = layerOf(file);
    const inClient = file.startsWith('client/');
    if (fromLayer === undefined && !inClient) continue;
    if (fromLayer !== undefined && !layers.includes(fromLayer))
      violations.push(`${file}: in no layer (server/src/${fromLayer}/ is not one of ${layers.join(', ')})`);
    for (const target of imports.local) {
      const toLayer = layerOf(target);
      if (inClient) {
        if (target.startsWith('server/') && toLayer !== 'protocol') violations.push(`${file} → ${target} (the client may import only server/src/protocol/)`);
        continue;
      }
      if (fromLayer === undefined || !layers.includes(fromLayer)) continue;
      if (toLayer === undefined) violations.push(`${file} → ${target} (outside server/src)`);
      else if (!mayImport(fromLayer, toLayer)) violations.push(`${file} → ${target} (${fromLayer} may not import ${toLayer})`);
    }
    if (fromLayer !== undefined && !adapters.has(fromLayer)) {
      for (const name of imports.packages) if (editorPackages.test(name)) violations.push(`${file} → ${name} (editor packages are for the adapters)`);
    }
  }
  return violations.sort();
}

/** Every import cycle between files, each as the files around it (Tarjan's strongly connected components). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  // iterative, so that a long chain cannot overflow the stack
  for (const start of graph.files.keys()) {
    if (index.has(start)) continue;
    const work: { file: string; next: number }[] = [{ file: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.files.get(frame.file)?.local ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!graph.files.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, next: 0 });
        } else if (onStack.has(target)) lowLink.set(frame.file, Math.min(lowLink.get(frame.file)!, index.get(target)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.file)!));
      }
      if (lowLink.get(frame.file) === index.get(frame.file)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.file);
        const selfImport = component.length === 1 && (graph.files.get(frame.file)?.local ?? []).includes(frame.file);
        if (component.length > 1 || selfImport) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

/** The table a failing test prints: each layer and what it may import. */
export function allowedEdgesTable(): string {
  return layers
    .map((layer) => {
      const allowed = layers.filter((other) => other !== layer && mayImport(layer, other));
      return `  ${layer.padEnd(16)} may import ${allowed.length > 0 ? allowed.join(', ') : '(nothing but itself)'}`;
    })
    .join('\n');
}

export function relativeTo(root: string, path: string): string {
  return relative(root, path).split('\\').join('/');
}
