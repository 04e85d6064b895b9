import type { ArgumentRule, DirectiveContext } from '../directives';
import { evaluateCondition, type Truth } from './conditions';
import type { DeprecationData, DirectiveData, DirectiveTablesData, ParameterDeprecationData, SourceTable } from './format';
import { positionOfVersion, type VersionPosition, versionRunsOf } from './versions';
import { type ConfiguredModules, configureModules, type NginxBuild, optionBuilding } from './nginx-build';

/**
 * The directives one nginx build accepts, from the tables generated out of nginx's C source (and
 * its modules'): which contexts, how many arguments, since and until which release, what nginx
 * warns about. Built per build and per set of `load_module` lines; the data itself is loaded once.
 */

export interface DirectiveDeclaration {
  readonly name: string;
  /** The ngx_module_t that declares it, e.g. ngx_http_ssl_module. */
  readonly module: string;
  /** The table it comes from: `nginx`, `njs`, `headers-more-nginx-module`…, or `patches` for what a patch of the build's nginx adds (OpenResty's, Debian's). */
  readonly source: string;
  readonly contexts: readonly DirectiveContext[];
  readonly arguments: ArgumentRule;
  /** Must be followed by `{`; otherwise ends with `;`. */
  readonly block: boolean;
  /** The first version of its source with this directive in this module; undefined: every version read has it. */
  readonly since: string | undefined;
  /** The last version that has it; undefined: the newest has it. */
  readonly until: string | undefined;
  readonly deprecated: DeprecationData | undefined;
  /** Parameters whose use nginx warns about (`listen … http2` from 1.25.1 on), of those the build compiles. */
  readonly deprecatedParameters: readonly ParameterDeprecationData[];
  /**
   * `certain`: the build has it. `possible`: it depends on what configure probes on the build
   * machine (an #if on a platform feature), so certboot must not report it missing either.
   */
  readonly certainty: 'certain' | 'possible';
}

export interface DirectiveEntry {
  readonly name: string;
  /** One per module that declares the name (`server` in http, upstream, stream and mail). */
  readonly declarations: readonly DirectiveDeclaration[];
}

/** Why a build lacks a directive that nginx or a module certboot knows has. */
export type MissingDirective =
  /** The build's version is newer than the last that had it: `ssl` after 1.25.0. */
  | { readonly kind: 'removed'; readonly module: string; readonly lastVersion: string }
  /** The build's version is older than the first that has it: `http2` before 1.25.1. */
  | { readonly kind: 'added-later'; readonly module: string; readonly firstVersion: string }
  /** A module of nginx the build was configured without; `option` builds it, when certboot can name it. */
  | { readonly kind: 'module-not-built'; readonly module: string; readonly option: string | undefined }
  /** A module the build has as a .so that no `load_module` loads. */
  | { readonly kind: 'module-not-loaded'; readonly module: string; readonly file: string }
  /** A module of another source (njs, headers-more…) this build does not have. */
  | { readonly kind: 'other-module'; readonly module: string; readonly source: string };

export interface DirectiveTable {
  readonly build: NginxBuild;
  /**
   * The configuration may use directives certboot has no table for (a build with unknown
   * modules, a `load_module` of an unknown file, a version older than the tables): a name
   * lookup() does not know must not be reported as unknown.
   */
  readonly mayHaveUnknownDirectives: boolean;
  /** undefined: the build has no such directive (as far as the tables know: see mayHaveUnknownDirectives). */
  lookup(name: string): DirectiveEntry | undefined;
  /** The declaration of `name` allowed in `context`, if any. */
  declarationIn(name: string, context: DirectiveContext): DirectiveDeclaration | undefined;
  /** The names the build accepts in a context, sorted. */
  knownDirectives(context: DirectiveContext): readonly string[];
  /** For "did you mean": the known directive of the context nearest to `name` (at most two edits, and fewer than a third of its length). */
  closestDirective(name: string, context: DirectiveContext): string | undefined;
  /** For a name lookup() does not know: why, when another version or module has it. */
  whyMissing(name: string): MissingDirective | undefined;
}

export interface DirectiveTableOptions {
  /** The arguments of the configuration's `load_module` directives (paths or file names). */
  readonly loadedModules?: readonly string[];
}

let loadedData: DirectiveTablesData | undefined;

/**
 * The tables, read on first use: a workspace without an nginx service certboot knows the build of
 * never pays for them. A require() call, not an import: esbuild bundles a required JSON file as a
 * module that runs when first required.
 */
function tablesData(): DirectiveTablesData {
  loadedData ??= require('./directive-tables.json') as DirectiveTablesData;
  return loadedData;
}

/** A table's versions as indexes, and each declaration's runs of versions as index pairs. */
interface IndexedTable {
  readonly name: string;
  readonly table: SourceTable;
  readonly versionIndex: ReadonlyMap<string, number>;
  /** Every directive name of the table. */
  readonly names: () => Iterable<string>;
  /** A name's declarations, read from the table when first asked for. */
  readonly declarationsNamed: (name: string) => readonly IndexedDeclaration[] | undefined;
}

interface IndexedDeclaration {
  readonly data: DirectiveData;
  readonly runs: readonly (readonly [number, number])[];
  readonly since: string | undefined;
  readonly until: string | undefined;
}

const indexed = new Map<string, IndexedTable>();

function indexTable(name: string): IndexedTable | undefined {
  const known = indexed.get(name);
  if (known !== undefined) return known;
  const table = tablesData().tables[name];
  if (table === undefined) return undefined;
  const { versionIndex, runs: runsOf } = versionRunsOf(table.versions);
  const newest = table.versions.length - 1;
  const grouped = new Map<string, DirectiveData[]>();
  for (const directive of table.directives) {
    const list = grouped.get(directive.name);
    if (list === undefined) grouped.set(directive.name, [directive]);
    else list.push(directive);
  }
  const byName = new Map<string, readonly IndexedDeclaration[]>();
  const declarationsNamed = (directiveName: string): readonly IndexedDeclaration[] | undefined => {
    const known = byName.get(directiveName);
    if (known !== undefined) return known;
    const directives = grouped.get(directiveName);
    if (directives === undefined) return undefined;
    const list = directives.map((directive) => ({ data: directive, runs: runsOf(directive.versions) }));
    const declarations = list.map(({ data: directive, runs }) => {
      // since and until: over every declaration of the name by the same module
      const sameModule = list.filter((other) => other.data.module === directive.module).flatMap((other) => other.runs);
      const first = Math.min(...sameModule.map(([start]) => start));
      const last = Math.max(...sameModule.map(([, end]) => end));
      return { data: directive, runs, since: first === 0 ? undefined : table.versions[first], until: last === newest ? undefined : table.versions[last] };
    });
    byName.set(directiveName, declarations);
    return declarations;
  };
  const result = { name, table, versionIndex, names: () => grouped.keys(), declarationsNamed };
  indexed.set(name, result);
  return result;
}

/** A module of a .so: the one it is named after, or one sharing its prefix (ngx_http_js_core_module in ngx_http_js_module.so). */
export function inFile(module: string, fileModule: string): boolean {
  return module === fileModule || module.startsWith(`${fileModule.replace(/_module$/, '')}_`);
}

export function inRuns(runs: readonly (readonly [number, number])[], index: number): boolean {
  return runs.some(([start, end]) => index >= start && index <= end);
}

/** The rule ngx_conf_handler() applies, in the vocabulary of directives.ts. */
function argumentRule(text: string): ArgumentRule {
  if (text === 'flag') return { kind: 'flag' };
  const atLeast = /^([012])\+$/.exec(text);
  if (atLeast) return { kind: 'atLeast', minimum: Number(atLeast[1]) as 0 | 1 | 2 };
  return { kind: 'counts', counts: text.split('|').map(Number) };
}

function declarationOf(
  indexedDeclaration: IndexedDeclaration | { data: Omit<DirectiveData, 'versions'>; since: undefined; until: undefined },
  source: string,
  certainty: 'certain' | 'possible',
  guardTruth: (guard: string) => Truth,
): DirectiveDeclaration {
  const directive = indexedDeclaration.data;
  return {
    name: directive.name,
    module: directive.module,
    source,
    contexts: directive.contexts,
    arguments: argumentRule(directive.arguments),
    block: directive.block === true,
    since: indexedDeclaration.since,
    until: indexedDeclaration.until,
    deprecated: directive.deprecated,
    // a parameter under an #if this build may lack (`aio sendfile`: FreeBSD's) is not warned about
    deprecatedParameters: (directive.parameters ?? []).filter((parameter) => parameter.guard === undefined || guardTruth(parameter.guard) === true),
    certainty,
  };
}

/** The version's index in a table: the version itself, or the newest at or below it, or undefined below the oldest. */
function versionPosition(table: IndexedTable, version: string): VersionPosition | undefined {
  return positionOfVersion(table.table.versions, version, table.versionIndex);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Optimal string alignment distance (a swap of two neighbours is one edit), stopping above `limit`. */
export function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousRow: number[] = [];
  let row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const beforePrevious = previousRow;
    previousRow = row;
    row = [i];
    let rowMinimum = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) value = Math.min(value, beforePrevious[j - 2] + 1);
      row.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
  }
  return row[right.length];
}

// the tables of the builds asked for lately: a workspace has a few, asked for on every analysis
const recentTables = new Map<string, DirectiveTable>();
const recentTablesLimit = 16;

// the tables handed out for one build object, by its loaded modules: a service's build is asked
// for its table by several checks, and writing the build out as a key costs more than the look-up
const tablesOfBuild = new WeakMap<NginxBuild, Map<string, DirectiveTable>>();

/** The directives `build` accepts, given the configuration's `load_module` lines. */
export function directiveTableFor(build: NginxBuild, options: DirectiveTableOptions = {}): DirectiveTable {
  const modulesKey = JSON.stringify(options.loadedModules ?? []);
  let ofBuild = tablesOfBuild.get(build);
  if (ofBuild === undefined) tablesOfBuild.set(build, (ofBuild = new Map()));
  const handedOut = ofBuild.get(modulesKey);
  if (handedOut !== undefined) return handedOut;
  const key = JSON.stringify([build, options.loadedModules ?? []]);
  let table = recentTables.get(key);
  if (table === undefined) {
    table = buildDirectiveTable(build, options);
    if (recentTables.size >= recentTablesLimit) recentTables.delete(recentTables.keys().next().value as string);
    recentTables.set(key, table);
  }
  ofBuild.set(modulesKey, table);
  return table;
}

/** What a build has of nginx's own modules, given the configuration's `load_module` lines. */
export interface NginxModules {
  readonly configured: ConfiguredModules;
  /** The base names of the files `load_module` loads. */
  readonly loaded: ReadonlySet<string>;
  /** The #if around a declaration, as this build defines the macros. */
  guardTruth(guard: string | undefined): Truth;
  /** A module of nginx shipped as a .so: by configure (`=dynamic`) or as a package of its own. */
  moduleFile(module: string): string | undefined;
  /** A module of nginx: compiled in, or a .so that a load_module line loads; undefined when a configure probe decides. */
  moduleTruth(module: string): Truth;
}

export function nginxModulesOf(build: NginxBuild, loadedModules: readonly string[] = []): NginxModules {
  const loaded = new Set(loadedModules.map(baseName));
  const configured = configureModules(tablesData().configure, build.configureArguments);
  const moduleFile = (module: string): string | undefined =>
    configured.modules.get(module) === 'dynamic'
      ? configured.files.get(module)
      : build.dynamicModules.find((dynamic) => dynamic.table === 'nginx' && dynamic.modules.includes(module))?.file;
  return {
    configured,
    loaded,
    guardTruth: (guard) => (guard === undefined ? true : evaluateCondition(guard, { variable: configured.variable, macro: configured.macro })),
    moduleFile,
    moduleTruth(module) {
      const linkage = configured.modules.get(module);
      if (linkage === 'static') return true;
      if (linkage === 'possible') return undefined;
      const file = moduleFile(module);
      return file !== undefined && loaded.has(baseName(file));
    },
  };
}

function buildDirectiveTable(build: NginxBuild, options: DirectiveTableOptions): DirectiveTable {
  const nginx = indexTable('nginx');
  if (nginx === undefined) throw new Error('directive tables: no nginx table');
  const position = versionPosition(nginx, build.version);
  const { configured, loaded, guardTruth, moduleFile: nginxModuleFile, moduleTruth: nginxModuleTruth } = nginxModulesOf(build, options.loadedModules);
  // a version the tables do not have (older, or newer than the newest read) may have other directives
  let unknownModules = build.mayHaveUnknownModules || position === undefined || !position.exact;
  // the tables of other sources the build has, at its version: consulted name by name, in this order
  const moduleTables: { readonly name: string; readonly table: IndexedTable; readonly index: number; readonly modules: readonly string[] | undefined }[] = [];
  const addModuleTable = (tableName: string, version: string, modules: readonly string[] | undefined) => {
    const table = indexTable(tableName);
    const modulePosition = table === undefined ? undefined : versionPosition(table, version);
    if (table === undefined || modulePosition === undefined) {
      unknownModules = true;
      return;
    }
    // a version the table lacks stands in by the one before it, and what it added is unknown
    if (!modulePosition.exact) unknownModules = true;
    moduleTables.push({ name: tableName, table, index: modulePosition.index, modules });
  };
  for (const module of build.staticModules) addModuleTable(module.table, module.version, undefined);
  const knownFiles = new Set<string>([...configured.files.values()].map(baseName));
  for (const dynamic of build.dynamicModules) {
    knownFiles.add(baseName(dynamic.file));
    if (dynamic.table === 'nginx' || !loaded.has(baseName(dynamic.file))) continue;
    addModuleTable(dynamic.table, dynamic.version ?? '', dynamic.modules);
  }
  // a load_module of a file the build is not known to ship: its directives are unknown
  if ([...loaded].some((file) => !knownFiles.has(file))) unknownModules = true;
  if (configured.addedModules.length > 0) unknownModules = true;

  // a name's declarations are worked out when it is first looked up: a configuration names a few
  // dozen of the thousand or so directives, and the table of a build is made in every process
  const entries = new Map<string, readonly DirectiveDeclaration[] | undefined>();
  const declarationsOf = (name: string): readonly DirectiveDeclaration[] | undefined => {
    if (entries.has(name)) return entries.get(name);
    const list: DirectiveDeclaration[] = [];
    if (position !== undefined) {
      for (const declaration of nginx.declarationsNamed(name) ?? []) {
        if (!inRuns(declaration.runs, position.index)) continue;
        const module = nginxModuleTruth(declaration.data.module);
        if (module === false) continue;
        const guard = guardTruth(declaration.data.guard);
        if (guard === false) continue;
        list.push(declarationOf(declaration, 'nginx', module === true && guard === true ? 'certain' : 'possible', guardTruth));
      }
    }
    for (const { name: tableName, table, index, modules } of moduleTables) {
      for (const declaration of table.declarationsNamed(name) ?? []) {
        if (!inRuns(declaration.runs, index)) continue;
        if (modules !== undefined && !modules.some((module) => inFile(declaration.data.module, module))) continue;
        const guard = guardTruth(declaration.data.guard);
        if (guard === false) continue;
        list.push(declarationOf(declaration, tableName, guard === true ? 'certain' : 'possible', guardTruth));
      }
    }
    for (const directive of build.patchDirectives) {
      if (directive.name === name) list.push(declarationOf({ data: directive, since: undefined, until: undefined }, 'patches', 'certain', guardTruth));
    }
    const declarations = list.length > 0 ? list : undefined;
    entries.set(name, declarations);
    return declarations;
  };
  const candidateNames = (): Set<string> =>
    new Set([...nginx.names(), ...moduleTables.flatMap(({ table }) => [...table.names()]), ...build.patchDirectives.map((directive) => directive.name)]);

  const byContext = new Map<DirectiveContext, string[]>();
  const knownDirectives = (context: DirectiveContext): readonly string[] => {
    let names = byContext.get(context);
    if (names === undefined) {
      names = [...candidateNames()].filter((name) => declarationsOf(name)?.some((declaration) => declaration.contexts.includes(context)));
      names.sort();
      byContext.set(context, names);
    }
    return names;
  };
  return {
    build,
    mayHaveUnknownDirectives: unknownModules,
    lookup(name) {
      const declarations = declarationsOf(name);
      return declarations === undefined ? undefined : { name, declarations };
    },
    declarationIn(name, context) {
      return declarationsOf(name)?.find((declaration) => declaration.contexts.includes(context));
    },
    knownDirectives,
    closestDirective(name, context) {
      const limit = Math.min(2, Math.floor((name.length - 1) / 3));
      let best: string | undefined;
      let bestDistance = limit + 1;
      for (const candidate of knownDirectives(context)) {
        if (candidate === name) continue;
        const distance = editDistance(name, candidate, limit);
        if (distance < bestDistance) {
          best = candidate;
          bestDistance = distance;
        }
      }
      return best;
    },
    whyMissing(name) {
      if (declarationsOf(name) !== undefined) return undefined;
      const declarations = nginx.declarationsNamed(name);
      if (declarations !== undefined && position !== undefined) {
        const index = position.index;
        const present = declarations.find((declaration) => inRuns(declaration.runs, index));
        if (present !== undefined) {
          const module = present.data.module;
          const file = nginxModuleFile(module);
          if (file !== undefined) return { kind: 'module-not-loaded', module, file };
          return { kind: 'module-not-built', module, option: optionBuilding(tablesData().configure, configured, module) };
        }
        // a later run wins: a directive backported to a stable branch was still added after this version
        const runs = declarations.flatMap((declaration) => declaration.runs.map((run) => ({ run, module: declaration.data.module })));
        const later = runs.filter(({ run }) => run[0] > index).sort((left, right) => left.run[0] - right.run[0])[0];
        if (later !== undefined) return { kind: 'added-later', module: later.module, firstVersion: nginx.table.versions[later.run[0]] };
        const earlier = runs.sort((left, right) => right.run[1] - left.run[1])[0];
        return { kind: 'removed', module: earlier.module, lastVersion: nginx.table.versions[earlier.run[1]] };
      }
      // a module of another source the build ships as a .so that no load_module loads
      for (const dynamic of build.dynamicModules) {
        if (dynamic.table === 'nginx' || loaded.has(baseName(dynamic.file))) continue;
        const declaration = tablesData().tables[dynamic.table]?.directives.find(
          (directive) => directive.name === name && dynamic.modules.some((module) => inFile(directive.module, module)),
        );
        if (declaration !== undefined) return { kind: 'module-not-loaded', module: declaration.module, file: dynamic.file };
      }
      for (const [tableName, table] of Object.entries(tablesData().tables)) {
        if (tableName === 'nginx') continue;
        const declaration = table.directives.find((directive) => directive.name === name);
        if (declaration !== undefined) return { kind: 'other-module', module: declaration.module, source: tableName };
      }
      return undefined;
    },
  };
}

export function officialImagesData(): DirectiveTablesData['officialImages'] {
  return tablesData().officialImages;
}

export function openrestyReleases(): DirectiveTablesData['openresty'] {
  return tablesData().openresty;
}

/** Every directive name of the nginx table, in any release, sorted. */
export function nginxTableDirectiveNames(): readonly string[] {
  return [...new Set(tablesData().tables.nginx.directives.map((directive) => directive.name))].sort();
}

/** The versions the nginx table covers, oldest first. */
export function nginxVersionsRead(): readonly string[] {
  return tablesData().tables.nginx.versions;
}
