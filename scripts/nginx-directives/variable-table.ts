/**
 * From the C files of one version of nginx (or of njs), the variables its modules declare and
 * the directives that define variables the configuration names; then, over all versions, each
 * distinct entry with the versions that have it (the runs of directive-table.ts).
 *
 * nginx registers variables in two ways (src/http/ngx_http_variables.c, ngx_http_add_variable()):
 * a module's preconfiguration walks its `ngx_http_variable_t` array (`{ ngx_string("ssl_protocol"),
 * …, flags, 0 }`, ended by ngx_http_null_variable), or adds one name kept in a
 * `static ngx_str_t` (`$gzip_ratio`); and a directive's handler adds the name the configuration
 * gives (`set $x`, `map … $x`). A variable nobody added is `unknown "x" variable` when
 * ngx_http_variables_init_vars() runs, unless a prefix variable (`http_`, `arg_`…) covers it.
 */
import type { DefinerData, VariableData, VariableSourceTable } from '../../server/src/languages/nginx/directive-tables/variable-tables-format';
import type { CSource, FunctionSummary } from './c-source';
import { versionRuns } from './directive-table';

export class VariableTableError extends Error {}

export type VariableDeclaration = Omit<VariableData, 'versions'>;
export type DefinerDeclaration = Omit<DefinerData, 'versions'>;

export interface VariableVersionTable {
  readonly variables: readonly VariableDeclaration[];
  readonly definers: readonly DefinerDeclaration[];
}

const moduleTypes: Readonly<Record<string, 'http' | 'stream'>> = { NGX_HTTP_MODULE: 'http', NGX_STREAM_MODULE: 'stream' };

/*
 * Files that declare variables for a module defined elsewhere: ngx_http_core_module's
 * preconfiguration calls ngx_http_variables_add_core_vars() (src/http/ngx_http_core_module.c),
 * ngx_stream_core_module's ngx_stream_variables_add_core_vars() (src/stream/ngx_stream_core_module.c).
 */
const moduleOfFile: Readonly<Record<string, string>> = {
  'src/http/ngx_http_variables.c': 'ngx_http_core_module',
  'src/stream/ngx_stream_variables.c': 'ngx_stream_core_module',
};

function flagName(type: 'http' | 'stream', flag: string): string {
  return `NGX_${type.toUpperCase()}_VAR_${flag}`;
}

/** The module a file declares variables of a type for: its one module of that type, or the known exception. */
function moduleFor(path: string, source: CSource, type: 'http' | 'stream'): string {
  const own = source.modules.filter((module) => moduleTypes[module.type] === type).map((module) => module.name);
  if (own.length === 1) return own[0];
  const known = moduleOfFile[path];
  if (known !== undefined) return known;
  throw new VariableTableError(`${path}: declares ${type} variables but defines ${own.length === 0 ? 'no' : 'several'} ${type} modules (${own.join(', ')})`);
}

/** The functions of the file a handler runs, itself included. */
function reachable(start: string, functions: ReadonlyMap<string, FunctionSummary>): FunctionSummary[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  const result: FunctionSummary[] = [];
  while (queue.length > 0) {
    const summary = functions.get(queue.shift() as string);
    if (summary === undefined) continue;
    result.push(summary);
    for (const callee of summary.calls) {
      if (seen.has(callee)) continue;
      seen.add(callee);
      queue.push(callee);
    }
  }
  return result;
}

/** Reads one version's variables and definers from its parsed C files. */
export function buildVariableVersionTable(files: readonly { readonly path: string; readonly source: CSource }[]): VariableVersionTable {
  const variables: VariableDeclaration[] = [];
  const definers: DefinerDeclaration[] = [];
  for (const { path, source } of files) {
    for (const array of source.variableArrays) {
      const module = moduleFor(path, source, array.type);
      for (const entry of array.entries) {
        // under `#if 0`: never compiled
        if (entry.guard?.split(' && ').includes('0')) continue;
        variables.push({
          name: entry.name,
          module,
          type: array.type,
          ...(entry.flags.includes(flagName(array.type, 'PREFIX')) ? { prefix: true as const } : {}),
          ...(entry.flags.includes(flagName(array.type, 'CHANGEABLE')) ? { changeable: true as const } : {}),
          ...(entry.guard === undefined ? {} : { guard: entry.guard }),
        });
      }
    }
    for (const summary of source.functions.values()) {
      for (const addition of summary.variableAdditions) {
        const constant = /^&(\w+)$/.exec(addition.name)?.[1];
        const name = constant === undefined ? undefined : source.staticStrings.get(constant);
        if (name === undefined) continue;
        variables.push({
          name,
          module: moduleFor(path, source, addition.type),
          type: addition.type,
          ...(addition.flags.split('|').includes(flagName(addition.type, 'CHANGEABLE')) ? { changeable: true as const } : {}),
        });
      }
    }
    if (source.commands.length === 0) continue;
    const moduleOfArray = new Map(source.modules.filter((module) => module.commands !== undefined).map((module) => [module.commands, module]));
    for (const command of source.commands) {
      const module = moduleOfArray.get(command.array);
      const type = module === undefined ? undefined : moduleTypes[module.type];
      if (module === undefined || type === undefined) continue;
      const additions = reachable(command.handler, source.functions).flatMap((summary) => summary.variableAdditions);
      // a name that is not a constant of the file comes from the directive's arguments
      const named = additions.filter((addition) => {
        const constant = /^&(\w+)$/.exec(addition.name)?.[1];
        return constant === undefined || !source.staticStrings.has(constant);
      });
      if (named.length > 0) definers.push({ directive: command.name, module: module.name, type });
    }
  }
  return { variables, definers };
}

function variableKey(variable: VariableDeclaration): string {
  return JSON.stringify([variable.type, variable.name, variable.module, variable.prefix ?? false, variable.changeable ?? false, variable.guard ?? '']);
}

function definerKey(definer: DefinerDeclaration): string {
  return JSON.stringify([definer.type, definer.directive, definer.module]);
}

function mergeEntries<Entry>(
  tables: ReadonlyMap<string, readonly Entry[]>,
  key: (entry: Entry) => string,
  versions: readonly string[],
): (Entry & { versions: string })[] {
  const seen = new Map<string, { entry: Entry; indexes: number[] }>();
  versions.forEach((version, index) => {
    for (const entry of tables.get(version) ?? []) {
      const identity = key(entry);
      const known = seen.get(identity) ?? { entry, indexes: [] };
      seen.set(identity, known);
      if (known.indexes[known.indexes.length - 1] !== index) known.indexes.push(index);
    }
  });
  const merged = [...seen.entries()].map(([identity, { entry, indexes }]) => ({ identity, entry: { ...entry, versions: versionRuns(indexes, versions) } }));
  merged.sort((left, right) => (left.identity < right.identity ? -1 : left.identity > right.identity ? 1 : 0));
  return merged.map(({ entry }) => entry);
}

/** Merges the tables of each version (given oldest first) into entries with their version runs. */
export function mergeVariableVersions(tables: ReadonlyMap<string, VariableVersionTable>): Omit<VariableSourceTable, 'source'> {
  const versions = [...tables.keys()];
  const variables = mergeEntries(new Map([...tables].map(([version, table]) => [version, table.variables])), variableKey, versions);
  const definers = mergeEntries(new Map([...tables].map(([version, table]) => [version, table.definers])), definerKey, versions);
  return { versions, variables, definers };
}
