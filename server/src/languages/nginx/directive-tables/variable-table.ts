import { baseName, inFile, inRuns, nginxModulesOf } from './directive-table';
import type { NginxBuild } from './nginx-build';
import type { VariableData, VariableTablesData } from './variable-tables-format';
import { positionOfVersion, versionRunsOf } from './versions';

/**
 * The variables one nginx build knows before the configuration adds its own, from the tables
 * generated out of nginx's and njs's C source: the built-in variables of the modules the build
 * has (`$host`, `$ssl_server_name`…) and the prefix variables (`$http_…`, `$arg_…`, `$cookie_…`,
 * `$upstream_http_…`…). The tables' `definers` (the directives that add a variable the
 * configuration names) are what variable-arguments.ts must know, which a test holds it to.
 */

import type { VariableBlock } from '../variable-arguments';

export type { VariableBlock };

export interface BuiltInVariable {
  readonly name: string;
  readonly module: string;
  /** A prefix variable that covers the name looked up. */
  readonly prefix: boolean;
  /** `set` may assign it (NGX_HTTP_VAR_CHANGEABLE). */
  readonly changeable: boolean;
  /** `possible`: the build has it when a configure probe or an #if certboot cannot evaluate says so. */
  readonly certainty: 'certain' | 'possible';
}

export interface VariableTable {
  readonly build: NginxBuild;
  /**
   * The build may have variables the tables do not list (modules of a source certboot has no
   * variable table for, a version the tables lack): a name lookup() does not know is not unknown.
   */
  readonly mayHaveUnknownVariables: boolean;
  /**
   * The built-in variable of that name (case does not matter, as in ngx_http_add_variable()), or
   * the prefix variable that covers it — the longest, as ngx_http_variables_init_vars() picks.
   */
  lookup(block: VariableBlock, name: string): BuiltInVariable | undefined;
  /** The built-in names of a block (prefix variables left out), for "did you mean". */
  builtInNames(block: VariableBlock): readonly string[];
  /** Whether any release or module the tables read declares the name: a build whose version is a guess may have it. */
  declaredAnywhere(block: VariableBlock, name: string): boolean;
}

let loadedData: VariableTablesData | undefined;

/** The tables, read on first use as the directive tables are (directive-table.ts says why). */
function variablesData(): VariableTablesData {
  loadedData ??= require('./variable-tables.json') as VariableTablesData;
  return loadedData;
}

interface IndexedEntries<Entry> {
  readonly versions: readonly string[];
  readonly entries: readonly { readonly entry: Entry; readonly runs: readonly (readonly [number, number])[] }[];
}

const indexed = new Map<string, IndexedEntries<VariableData>>();

function indexTable(name: string) {
  const known = indexed.get(name);
  if (known !== undefined) return known;
  const table = variablesData().tables[name];
  if (table === undefined) return undefined;
  const { runs } = versionRunsOf(table.versions);
  const result = { versions: table.versions, entries: table.variables.map((entry) => ({ entry, runs: runs(entry.versions) })) };
  indexed.set(name, result);
  return result;
}

/** Whether any release or module the tables read declares the name (or a prefix variable covers it), case aside. */
export function declaredInAnyTable(block: VariableBlock, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.values(variablesData().tables).some((table) =>
    table.variables.some((variable) => variable.type === block && (variable.prefix === true ? lower.startsWith(variable.name) : variable.name === lower)),
  );
}

const recentTables = new Map<string, VariableTable>();
const recentTablesLimit = 16;

/** The variables `build` knows, given the configuration's `load_module` lines. */
export function variableTableFor(build: NginxBuild, loadedModules: readonly string[] = []): VariableTable {
  const key = JSON.stringify([build, loadedModules]);
  const known = recentTables.get(key);
  if (known !== undefined) return known;
  const table = buildVariableTable(build, loadedModules);
  if (recentTables.size >= recentTablesLimit) recentTables.delete(recentTables.keys().next().value as string);
  recentTables.set(key, table);
  return table;
}

function buildVariableTable(build: NginxBuild, loadedModules: readonly string[]): VariableTable {
  const modules = nginxModulesOf(build, loadedModules);
  const variables = new Map<string, BuiltInVariable>();
  const prefixes: Record<VariableBlock, BuiltInVariable[]> = { http: [], stream: [] };
  const variableKey = (block: VariableBlock, name: string) => `${block} ${name.toLowerCase()}`;
  let unknown = build.mayHaveUnknownModules || modules.configured.addedModules.length > 0;

  const addTable = (tableName: string, version: string, present: (module: string) => boolean | undefined): void => {
    const table = indexTable(tableName);
    const position = table === undefined ? undefined : positionOfVersion(table.versions, version);
    if (table === undefined || position === undefined || !position.exact) unknown = true;
    if (table === undefined || position === undefined) return;
    for (const { entry, runs } of table.entries) {
      if (!inRuns(runs, position.index)) continue;
      const module = present(entry.module);
      const guard = modules.guardTruth(entry.guard);
      if (module === false || guard === false) continue;
      const variable: BuiltInVariable = {
        name: entry.name,
        module: entry.module,
        prefix: entry.prefix === true,
        changeable: entry.changeable === true,
        certainty: module === true && guard === true ? 'certain' : 'possible',
      };
      if (variable.prefix) prefixes[entry.type].push(variable);
      else if (!variables.has(variableKey(entry.type, entry.name)) || variable.certainty === 'certain')
        variables.set(variableKey(entry.type, entry.name), variable);
    }
  };

  addTable('nginx', build.version, (module) => modules.moduleTruth(module));
  // modules of other sources: njs's table is read; any other may declare variables certboot does not know
  if (build.staticModules.length > 0) unknown = true;
  for (const dynamic of build.dynamicModules) {
    if (dynamic.table === 'nginx' || !modules.loaded.has(baseName(dynamic.file))) continue;
    if (dynamic.table !== 'njs' || dynamic.version === undefined) {
      unknown = true;
      continue;
    }
    addTable('njs', dynamic.version, (module) => dynamic.modules.some((fileModule) => inFile(module, fileModule)));
  }
  const knownFiles = new Set([...modules.configured.files.values(), ...build.dynamicModules.map((dynamic) => dynamic.file)].map(baseName));
  if ([...modules.loaded].some((file) => !knownFiles.has(file))) unknown = true;

  return {
    build,
    mayHaveUnknownVariables: unknown,
    lookup(block, name) {
      const exact = variables.get(variableKey(block, name));
      if (exact !== undefined) return exact;
      const lower = name.toLowerCase();
      let best: BuiltInVariable | undefined;
      for (const prefix of prefixes[block]) {
        if (lower.startsWith(prefix.name) && (best === undefined || prefix.name.length > best.name.length)) best = prefix;
      }
      return best;
    },
    declaredAnywhere: declaredInAnyTable,
    builtInNames(block) {
      return [...variables.keys()].filter((key) => key.startsWith(`${block} `)).map((key) => key.slice(block.length + 1));
    },
  };
}
