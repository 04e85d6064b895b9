/**
 * From the C files of one version of nginx (or of a module), the directives it declares: each
 * ngx_command_t entry tied to its module through the ngx_module_t that names its array, its
 * contexts and argument counts from the type flags, and the deprecation warnings its handler or
 * post prints. Then, over all versions, each distinct declaration with the versions that have it.
 */
import { allDirectiveContexts, type DirectiveContext } from '../../server/src/languages/nginx/directives';
import type { DeprecationData, DirectiveData, ModuleData, ParameterDeprecationData } from '../../server/src/languages/nginx/directive-tables/format';
import { type CommandDeclaration, type CSource, type DeprecatedPost, type FunctionSummary, readCSource, type Warning } from './c-source';

export class DirectiveTableError extends Error {}

export type Declaration = Omit<DirectiveData, 'versions'>;

export interface VersionTable {
  readonly declarations: readonly Declaration[];
  readonly modules: Readonly<Record<string, ModuleData>>;
}

const moduleTypes: Record<string, string> = {
  NGX_CORE_MODULE: 'core',
  NGX_CONF_MODULE: 'conf',
  NGX_EVENT_MODULE: 'event',
  NGX_HTTP_MODULE: 'http',
  NGX_STREAM_MODULE: 'stream',
  NGX_MAIL_MODULE: 'mail',
};

// src/core/ngx_conf_file.h, src/http/ngx_http_config.h, src/stream/ngx_stream.h, src/mail/ngx_mail.h,
// src/event/ngx_event.h: the context bits, which mean a context only within their module type
const contextFlags: Record<string, Readonly<Record<string, DirectiveContext>>> = {
  core: { NGX_MAIN_CONF: 'main' },
  event: { NGX_EVENT_CONF: 'events' },
  http: {
    NGX_HTTP_MAIN_CONF: 'http',
    NGX_HTTP_SRV_CONF: 'server',
    NGX_HTTP_LOC_CONF: 'location',
    NGX_HTTP_UPS_CONF: 'upstream',
    NGX_HTTP_SIF_CONF: 'server-if',
    NGX_HTTP_LIF_CONF: 'location-if',
    NGX_HTTP_LMT_CONF: 'limit_except',
  },
  stream: { NGX_STREAM_MAIN_CONF: 'stream', NGX_STREAM_SRV_CONF: 'stream-server', NGX_STREAM_UPS_CONF: 'stream-upstream' },
  mail: { NGX_MAIL_MAIN_CONF: 'mail', NGX_MAIL_SRV_CONF: 'mail-server' },
  conf: {},
};

// ngx_conf_handler() in src/core/ngx_conf_file.c: argument_number[] maps a count to these bits
const countFlags: Record<string, readonly number[]> = {
  NGX_CONF_NOARGS: [0],
  NGX_CONF_TAKE1: [1],
  NGX_CONF_TAKE2: [2],
  NGX_CONF_TAKE3: [3],
  NGX_CONF_TAKE4: [4],
  NGX_CONF_TAKE5: [5],
  NGX_CONF_TAKE6: [6],
  NGX_CONF_TAKE7: [7],
  NGX_CONF_TAKE12: [1, 2],
  NGX_CONF_TAKE13: [1, 3],
  NGX_CONF_TAKE23: [2, 3],
  NGX_CONF_TAKE123: [1, 2, 3],
  NGX_CONF_TAKE1234: [1, 2, 3, 4],
};
// flags that say nothing a configuration can get wrong
const ignoredFlags = new Set(['NGX_DIRECT_CONF', 'NGX_CONF_MULTI']);

/** The argument rule ngx_conf_handler() applies: ANY first, then FLAG, 1MORE, 2MORE, then the exact counts. */
function argumentsOf(flags: readonly string[], where: string): string {
  if (flags.includes('NGX_CONF_ANY')) return '0+';
  if (flags.includes('NGX_CONF_FLAG')) return 'flag';
  if (flags.includes('NGX_CONF_1MORE')) return '1+';
  if (flags.includes('NGX_CONF_2MORE')) return '2+';
  const counts = [...new Set(flags.flatMap((flag) => countFlags[flag] ?? []))].sort((a, b) => a - b);
  if (counts.length === 0) throw new DirectiveTableError(`${where}: no argument count in ${flags.join('|')}`);
  return counts.join('|');
}

function contextsOf(flags: readonly string[], type: string, where: string): DirectiveContext[] {
  if (flags.includes('NGX_ANY_CONF')) return [...allDirectiveContexts];
  const names = contextFlags[type];
  const contexts: DirectiveContext[] = [];
  for (const flag of flags) {
    if (flag in countFlags || ignoredFlags.has(flag) || ['NGX_CONF_ANY', 'NGX_CONF_FLAG', 'NGX_CONF_1MORE', 'NGX_CONF_2MORE', 'NGX_CONF_BLOCK'].includes(flag))
      continue;
    const context = names[flag];
    if (context === undefined) throw new DirectiveTableError(`${where}: ${flag} is not a context of a ${type} module`);
    contexts.push(context);
  }
  if (contexts.length === 0) throw new DirectiveTableError(`${where}: no context in ${flags.join('|')}`);
  return allDirectiveContexts.filter((context) => contexts.includes(context));
}

const deprecationWords = /deprecated|obsolete|superseded/;

/**
 * A warning's text with its arguments filled in, or undefined when the warning belongs to the
 * other branch (`if (d) { …d->old_name… } else { …&cmd->name… }` in ngx_http_v2_obsolete()).
 */
function render(warning: Warning, name: string, post: DeprecatedPost | undefined, where: string): string | undefined {
  const values: string[] = [];
  for (const argument of warning.arguments) {
    if (argument === '&cmd->name' || argument === '&value[0]') values.push(name);
    else if (argument === 'd->old_name' || argument === 'd->new_name') {
      if (post === undefined) return undefined;
      values.push(argument === 'd->old_name' ? post.oldName : post.newName);
    } else throw new DirectiveTableError(`${where}: cannot fill in the argument ${argument} of the warning "${warning.format}"`);
  }
  let next = 0;
  const message = warning.format.replace(/%[sV]/g, () => values[next++] ?? '%?');
  if (next !== values.length || /%[a-zA-Z]/.test(message))
    throw new DirectiveTableError(`${where}: the warning "${warning.format}" does not take ${values.length} arguments`);
  return message;
}

/*
 * ngx_conf_deprecated() of src/core/ngx_conf_file.c (the same in every release read), for the
 * modules outside nginx whose ngx_conf_deprecated_t posts call it.
 */
const nginxConfDeprecated: FunctionSummary = {
  name: 'ngx_conf_deprecated',
  warnings: [
    {
      format: 'the "%s" directive is deprecated, use the "%s" directive instead',
      arguments: ['d->old_name', 'd->new_name'],
      parameter: undefined,
      guard: undefined,
      line: 0,
    },
  ],
  onlyWarns: true,
  calls: [],
  variableAdditions: [],
};

interface Deprecations {
  readonly deprecated?: DeprecationData;
  readonly parameters?: ParameterDeprecationData[];
}

function deprecationsOf(
  command: CommandDeclaration,
  functions: ReadonlyMap<string, FunctionSummary>,
  posts: ReadonlyMap<string, DeprecatedPost>,
  where: string,
): Deprecations {
  const post = command.post === undefined ? undefined : posts.get(command.post);
  const sources: { summary: FunctionSummary; handler: boolean }[] = [];
  const handler = functions.get(command.handler);
  if (handler !== undefined) sources.push({ summary: handler, handler: true });
  const postHandler =
    post === undefined ? undefined : (functions.get(post.handler) ?? (post.handler === nginxConfDeprecated.name ? nginxConfDeprecated : undefined));
  if (post !== undefined && postHandler === undefined)
    throw new DirectiveTableError(`${where}: the deprecation post ${post.name} calls ${post.handler}, which was not read`);
  if (postHandler !== undefined) sources.push({ summary: postHandler, handler: false });
  let deprecated: DeprecationData | undefined;
  const parameters: ParameterDeprecationData[] = [];
  for (const { summary, handler: isHandler } of sources) {
    // a handler that prints its own warning reads the post as data and never calls its handler
    // (ngx_http_v2_obsolete() with an ngx_conf_deprecated_t); the ngx_conf_set_*_slot() handlers call it
    if (!isHandler && deprecated !== undefined) continue;
    const usesPost = summary.warnings.some((warning) => warning.arguments.some((argument) => argument.startsWith('d->')));
    for (const warning of summary.warnings) {
      if (!deprecationWords.test(warning.format)) continue;
      // with a post, the warning that reads it is the one printed; without, the others
      if (usesPost && post !== undefined && !warning.arguments.some((argument) => argument.startsWith('d->'))) continue;
      const message = render(warning, command.name, post, where);
      if (message === undefined) continue;
      if (warning.parameter !== undefined) {
        parameters.push({
          parameter: warning.parameter,
          message,
          ...(warning.guard === undefined || warning.guard === command.guard ? {} : { guard: warning.guard }),
        });
        continue;
      }
      if (deprecated !== undefined) throw new DirectiveTableError(`${where}: two deprecation warnings for "${command.name}"`);
      const replacement = post?.newName ?? /use the "([^"]+)" directive instead/.exec(message)?.[1];
      deprecated = { message, ...(replacement === undefined ? {} : { replacement }), ...(isHandler && summary.onlyWarns ? { ignored: true as const } : {}) };
    }
  }
  return { ...(deprecated === undefined ? {} : { deprecated }), ...(parameters.length === 0 ? {} : { parameters }) };
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Reads one version's C files (those of them that matter: the ones with commands, handlers or posts). */
export function buildVersionTable(
  files: readonly SourceFile[],
  read: (file: SourceFile) => CSource = (file) => readCSource(file.text, file.path),
): VersionTable {
  const sources = files.map((file) => ({ path: file.path, source: read(file) }));
  // handlers and post handlers may live in another file (ngx_conf_deprecated() is in ngx_conf_file.c)
  const allFunctions = new Map<string, FunctionSummary>();
  for (const { source } of sources) for (const [name, summary] of source.functions) if (!allFunctions.has(name)) allFunctions.set(name, summary);
  const declarations: Declaration[] = [];
  const modules: Record<string, ModuleData> = {};
  for (const { path, source } of sources) {
    if (source.commands.length === 0) continue;
    const functions = new Map([...allFunctions, ...source.functions]);
    const posts = new Map(source.deprecatedPosts.map((post) => [post.name, post]));
    const moduleOfArray = new Map<string, { name: string; type: string }>();
    for (const module of source.modules) {
      if (module.commands === undefined) continue;
      const type = moduleTypes[module.type];
      if (type === undefined) throw new DirectiveTableError(`${path}: the module ${module.name} has the type ${module.type}, which certboot does not know`);
      moduleOfArray.set(module.commands, { name: module.name, type });
      modules[module.name] = { file: path, type };
    }
    for (const command of source.commands) {
      const where = `${path}:${command.line}`;
      const module = moduleOfArray.get(command.array);
      if (module === undefined) throw new DirectiveTableError(`${where}: no ngx_module_t names the command array ${command.array}`);
      const block = command.flags.includes('NGX_CONF_BLOCK');
      declarations.push({
        name: command.name,
        module: module.name,
        contexts: contextsOf(command.flags, module.type, where),
        arguments: argumentsOf(command.flags, where),
        ...(block ? { block: true as const } : {}),
        ...(command.guard === undefined ? {} : { guard: command.guard }),
        ...deprecationsOf(command, functions, posts, where),
      });
    }
  }
  return { declarations, modules };
}

/** A declaration's identity: everything but the versions, in a fixed key order. */
export function declarationKey(declaration: Declaration): string {
  const { name, module, contexts, arguments: args, block, guard, deprecated, parameters } = declaration;
  return JSON.stringify([name, module, contexts, args, block ?? false, guard ?? '', deprecated ?? null, parameters ?? []]);
}

/** `[0,1,2,5,6]` of 7 versions → `1.18.0-1.18.2,1.19.1-` style runs (an open end: up to the newest). */
export function versionRuns(indexes: readonly number[], versions: readonly string[]): string {
  const runs: string[] = [];
  let start = 0;
  while (start < indexes.length) {
    let end = start;
    while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
    const first = versions[indexes[start]];
    const last = indexes[end] === versions.length - 1 ? '' : versions[indexes[end]];
    runs.push(start === end && last !== '' ? first : `${first}-${last}`);
    start = end + 1;
  }
  return runs.join(',');
}

/** Merges the tables of each version (given oldest first) into declarations with their version runs. */
export function mergeVersions(tables: ReadonlyMap<string, VersionTable>): {
  versions: string[];
  modules: Record<string, ModuleData>;
  directives: DirectiveData[];
} {
  const versions = [...tables.keys()];
  const seen = new Map<string, { declaration: Declaration; indexes: number[] }>();
  const modules: Record<string, ModuleData> = {};
  versions.forEach((version, index) => {
    const table = tables.get(version)!;
    Object.assign(modules, table.modules);
    for (const declaration of table.declarations) {
      const key = declarationKey(declaration);
      const entry = seen.get(key) ?? { declaration, indexes: [] };
      seen.set(key, entry);
      // a module may declare the same directive twice (both branches of an #if): one entry a version
      if (entry.indexes[entry.indexes.length - 1] !== index) entry.indexes.push(index);
    }
  });
  const directives = [...seen.values()].map(({ declaration, indexes }) => ({ ...declaration, versions: versionRuns(indexes, versions) }));
  directives.sort((left, right) =>
    left.name < right.name ? -1 : left.name > right.name ? 1 : left.module < right.module ? -1 : left.module > right.module ? 1 : 0,
  );
  const sortedModules: Record<string, ModuleData> = {};
  for (const name of Object.keys(modules).sort()) sortedModules[name] = modules[name];
  return { versions, modules: sortedModules, directives };
}
