/**
 * Writes server/src/languages/nginx/directive-tables/directive-tables.json, and beside it
 * variable-tables.json (the variables of nginx's and njs's modules, see variable-table.ts), from
 * C source:
 *
 *   npm run generate:nginx-directives -- --nginx <git dir of github.com/nginx/nginx> \
 *     [--njs <git dir of github.com/nginx/njs>] \
 *     [--docker-nginx <git dir of github.com/nginx/docker-nginx> --pkg-oss <git dir of github.com/nginx/pkg-oss>] \
 *     [--openresty <git dir of github.com/openresty/openresty>] \
 *     [--module <repository name>=<git dir>]...
 *
 * --nginx: every `release-*` tag from 1.18.0 on; the configure model from the newest.
 * --njs: every tag from 0.4.0 on (the njs the official images ship), the nginx/ directory.
 * --openresty: every release from 1.19.3.1 on: util/ver gives its nginx, util/mirror-tarballs the
 *   modules it bundles and their versions, its nginx patches the directives they add.
 * --docker-nginx, --pkg-oss (together): the official images (see official-images.ts).
 * --module: a module OpenResty bundles (headers-more-nginx-module=<dir>…); the versions read are
 *   those the OpenResty releases name, as tags `v<version>` (or `<version>`).
 * Tables of sources not named on the command line are kept from the existing file, so one source
 * can be regenerated alone. The git directories are read with git; nothing is built or run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DirectiveTablesData, OpenrestyRelease, SourceTable } from '../../server/src/languages/nginx/directive-tables/format';
import { readCSource } from './c-source';
import { readConfigureModules, readConfigureOptions } from './configure';
import { compareVersions } from '../../server/src/languages/nginx/directive-tables/versions';
import { buildVersionTable, type Declaration, mergeVersions, type SourceFile, type VersionTable } from './directive-table';
import { GitReader } from './git-reader';
import { readOfficialImages } from './official-images';
import { readOpenrestyRelease } from './openresty';
import { buildVariableVersionTable, mergeVariableVersions, type VariableVersionTable } from './variable-table';
import type { VariableSourceTable, VariableTablesData } from '../../server/src/languages/nginx/directive-tables/variable-tables-format';

export const dataPath = join(resolve(__dirname, '..', '..'), 'server/src/languages/nginx/directive-tables/directive-tables.json');
export const variableDataPath = join(resolve(__dirname, '..', '..'), 'server/src/languages/nginx/directive-tables/variable-tables.json');

const parsed = new Map<string, ReturnType<typeof readCSource>>();

function parse(file: SourceFile & { id: string }, label: string): ReturnType<typeof readCSource> {
  let source = parsed.get(file.id);
  if (source === undefined) parsed.set(file.id, (source = readCSource(file.text, `${label}:${file.path}`)));
  return source;
}

/** The C files below `directories` at `revision`. */
function sourceFiles(git: GitReader, revision: string, directories: readonly string[], leaveOut?: RegExp): (SourceFile & { id: string })[] {
  const files = [...git.files(revision, directories)].filter(([path]) => path.endsWith('.c') && !leaveOut?.test(path));
  const contents = git.read(files.map(([, id]) => id));
  return files.map(([path, id]) => ({ path, id, text: contents.get(id)! }));
}

/** The table of the C files below `directories` at `revision` that declare commands. */
function versionTable(git: GitReader, revision: string, directories: readonly string[], label: string, leaveOut?: RegExp): VersionTable {
  const sources = sourceFiles(git, revision, directories, leaveOut).filter((file) => file.text.includes('ngx_command_t'));
  return buildVersionTable(sources, (file) => parse(file as SourceFile & { id: string }, label));
}

/** The variables and variable-defining directives of the C files below `directories` at `revision`. */
function variableVersionTable(git: GitReader, revision: string, directories: readonly string[], label: string): VariableVersionTable {
  const sources = sourceFiles(git, revision, directories).filter((file) => /_variable_t\b|_add_variable\(/.test(file.text));
  return buildVariableVersionTable(sources.map((file) => ({ path: file.path, source: parse(file, label) })));
}

function readNginx(git: GitReader): { table: SourceTable; configure: DirectiveTablesData['configure']; variables: VariableSourceTable } {
  const releases = git
    .tags()
    .map((tag) => /^release-(\d+\.\d+\.\d+)$/.exec(tag)?.[1])
    .filter((version): version is string => version !== undefined && compareVersions(version, '1.18.0') >= 0)
    .sort(compareVersions);
  const tables = new Map<string, VersionTable>();
  const variableTables = new Map<string, VariableVersionTable>();
  for (const version of releases) {
    tables.set(version, versionTable(git, `release-${version}`, ['src'], `release-${version}`));
    variableTables.set(version, variableVersionTable(git, `release-${version}`, ['src'], `release-${version}`));
    process.stderr.write(
      `nginx ${version}: ${tables.get(version)!.declarations.length} declarations, ${variableTables.get(version)!.variables.length} variables\n`,
    );
  }
  const newest = `release-${releases[releases.length - 1]}`;
  const options = readConfigureOptions(git.show(newest, 'auto/options')!);
  const steps = readConfigureModules(git.show(newest, 'auto/modules')!);
  const merged = mergeVersions(tables);
  const source = `github.com/nginx/nginx, tags release-${releases[0]} to ${newest}`;
  return {
    table: { source, ...merged },
    configure: { source: `github.com/nginx/nginx ${newest}: auto/options, auto/modules`, ...options, steps },
    variables: { source, ...mergeVariableVersions(variableTables) },
  };
}

function readNjs(git: GitReader): { table: SourceTable; variables: VariableSourceTable } {
  const versions = git
    .tags()
    .filter((tag) => /^\d+\.\d+\.\d+$/.test(tag) && compareVersions(tag, '0.4.0') >= 0)
    .sort(compareVersions);
  const tables = new Map<string, VersionTable>();
  const variableTables = new Map<string, VariableVersionTable>();
  for (const version of versions) {
    tables.set(version, versionTable(git, version, ['nginx'], `njs ${version}`));
    variableTables.set(version, variableVersionTable(git, version, ['nginx'], `njs ${version}`));
  }
  const source = `github.com/nginx/njs, tags ${versions[0]} to ${versions[versions.length - 1]}, nginx/`;
  return { table: { source, ...mergeVersions(tables) }, variables: { source, ...mergeVariableVersions(variableTables) } };
}

/** The tag of a module version: v0.34 or 0.34. */
function moduleTag(git: GitReader, version: string): string | undefined {
  const tags = new Set(git.tags());
  return [`v${version}`, version].find((tag) => tags.has(tag));
}

function readModule(name: string, git: GitReader, versions: readonly string[]): SourceTable | undefined {
  const tables = new Map<string, VersionTable>();
  const missing: string[] = [];
  for (const version of [...versions].sort(compareVersions)) {
    const tag = moduleTag(git, version);
    if (tag === undefined) {
      missing.push(version);
      continue;
    }
    // a module's tests and examples declare modules that are not built (t/data/fake-shm-module…)
    tables.set(version, versionTable(git, tag, ['.'], `${name} ${tag}`, /(^|\/)(t|tests?|examples?|util|misc)\//));
  }
  if (missing.length > 0) process.stderr.write(`${name}: no tag for ${missing.join(', ')} (left out)\n`);
  if (tables.size === 0) return undefined;
  const read = [...tables.keys()];
  return { source: `github.com/<owner>/${name}, tags ${read.map((version) => moduleTag(git, version)).join(', ')}`, ...mergeVersions(tables) };
}

interface Arguments {
  nginx?: string;
  njs?: string;
  openresty?: string;
  dockerNginx?: string;
  pkgOss?: string;
  modules: Map<string, string>;
}

function parseArguments(argv: readonly string[]): Arguments {
  const result: Arguments = { modules: new Map() };
  for (let index = 0; index < argv.length; index++) {
    const option = argv[index];
    const value = argv[++index];
    if (value === undefined) throw new Error(`${option} needs a value`);
    if (option === '--nginx') result.nginx = value;
    else if (option === '--njs') result.njs = value;
    else if (option === '--openresty') result.openresty = value;
    else if (option === '--docker-nginx') result.dockerNginx = value;
    else if (option === '--pkg-oss') result.pkgOss = value;
    else if (option === '--module') {
      const [name, directory] = value.split('=');
      if (!name || !directory) throw new Error(`--module takes <repository name>=<git dir>, not ${value}`);
      result.modules.set(name, directory);
    } else throw new Error(`unknown option ${option}`);
  }
  return result;
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  const previous: DirectiveTablesData | undefined = existsSync(dataPath) ? JSON.parse(readFileSync(dataPath, 'utf8')) : undefined;
  if (options.nginx === undefined && previous === undefined) throw new Error('--nginx <git dir> is needed the first time');
  const tables: Record<string, SourceTable> = { ...previous?.tables };
  const previousVariables: VariableTablesData | undefined = existsSync(variableDataPath) ? JSON.parse(readFileSync(variableDataPath, 'utf8')) : undefined;
  const variableTables: Record<string, VariableSourceTable> = { ...previousVariables?.tables };
  let configure = previous?.configure;
  if (options.nginx !== undefined) {
    const nginx = readNginx(new GitReader(options.nginx));
    tables.nginx = nginx.table;
    variableTables.nginx = nginx.variables;
    configure = nginx.configure;
  }
  if (options.njs !== undefined) {
    const njs = readNjs(new GitReader(options.njs));
    tables.njs = njs.table;
    variableTables.njs = njs.variables;
  }
  let openresty = previous?.openresty ?? [];
  if (options.openresty !== undefined) {
    const git = new GitReader(options.openresty);
    const nginxModuleOf = (file: string): string | undefined => Object.entries(tables.nginx.modules).find(([, module]) => module.file === file)?.[0];
    openresty = git
      .tags()
      .filter((tag) => /^v\d+\.\d+\.\d+\.\d+$/.test(tag) && compareVersions(tag.slice(1), '1.19.3.1') >= 0)
      .sort((left, right) => compareVersions(left.slice(1), right.slice(1)))
      .map((tag): OpenrestyRelease => readOpenrestyRelease(git, tag, nginxModuleOf, (module) => tables.nginx.modules[module]?.type));
  }
  for (const [name, directory] of options.modules) {
    const versions = [...new Set(openresty.map((release) => release.modules[name]).filter((version): version is string => version !== undefined))];
    if (versions.length === 0) {
      process.stderr.write(`${name}: no OpenResty release enables it by default (left out)\n`);
      continue;
    }
    const table = readModule(name, new GitReader(directory), versions);
    if (table === undefined) delete tables[name];
    else tables[name] = table;
  }
  if (configure === undefined) throw new Error('no configure model');
  if ((options.dockerNginx === undefined) !== (options.pkgOss === undefined)) throw new Error('--docker-nginx and --pkg-oss go together');
  const officialImages =
    options.dockerNginx !== undefined && options.pkgOss !== undefined
      ? readOfficialImages(new GitReader(options.dockerNginx), new GitReader(options.pkgOss))
      : previous?.officialImages;
  if (officialImages === undefined) throw new Error('--docker-nginx and --pkg-oss are needed the first time');
  const sortedTables: Record<string, SourceTable> = {};
  for (const name of Object.keys(tables).sort((left, right) => (left === 'nginx' ? -1 : right === 'nginx' ? 1 : left < right ? -1 : 1)))
    sortedTables[name] = tables[name];
  const data: DirectiveTablesData = { tables: sortedTables, configure, openresty, officialImages };
  writeFileSync(dataPath, formatData(data));
  writeFileSync(variableDataPath, formatVariableData({ tables: variableTables }));
  const count = Object.values(sortedTables).reduce((sum, table) => sum + table.directives.length, 0);
  process.stderr.write(`wrote ${dataPath}: ${count} declarations in ${Object.keys(sortedTables).length} tables\n`);
}

/** `items` as JSON, one a line, indented, with the commas between them. */
function jsonLines(items: readonly unknown[], indent: string): string[] {
  return items.map((item, index) => `${indent}${JSON.stringify(item)}${index < items.length - 1 ? ',' : ''}`);
}

/** An object's entries as `"key": value` lines. */
function entryLines(object: Readonly<Record<string, unknown>>, indent: string): string[] {
  const keys = Object.keys(object);
  return keys.map((key, index) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(object[key])}${index < keys.length - 1 ? ',' : ''}`);
}

/** JSON with one declaration per line, so that a regenerated file's diff shows what changed. */
export function formatData(data: DirectiveTablesData): string {
  const lines: string[] = ['{', '  "tables": {'];
  const tableNames = Object.keys(data.tables);
  for (const [tableIndex, name] of tableNames.entries()) {
    const table = data.tables[name];
    lines.push(
      `    ${JSON.stringify(name)}: {`,
      `      "source": ${JSON.stringify(table.source)},`,
      `      "versions": ${JSON.stringify(table.versions)},`,
      '      "modules": {',
    );
    lines.push(...entryLines(table.modules, '        '), '      },', '      "directives": [', ...jsonLines(table.directives, '        '), '      ]');
    lines.push(`    }${tableIndex < tableNames.length - 1 ? ',' : ''}`);
  }
  const { source, defaults, options, steps } = data.configure;
  lines.push('  },', '  "configure": {', `    "source": ${JSON.stringify(source)},`, `    "defaults": ${JSON.stringify(defaults)},`, '    "options": {');
  lines.push(...entryLines(options, '      '), '    },', '    "steps": [', ...jsonLines(steps, '      '), '    ]', '  },');
  lines.push('  "openresty": [', ...jsonLines(data.openresty, '    '), '  ],');
  const images = data.officialImages;
  lines.push('  "officialImages": {', `    "source": ${JSON.stringify(images.source)},`);
  lines.push('    "history": [', ...jsonLines(images.history, '      '), '    ],');
  lines.push('    "releases": [', ...jsonLines(images.releases, '      '), '    ],');
  lines.push('    "configure": [', ...jsonLines(images.configure, '      '), '    ],');
  lines.push(`    "modulePackages": ${JSON.stringify(images.modulePackages)}`, '  }', '}');
  return `${lines.join('\n')}\n`;
}

/** The variable tables, one entry a line, tables in name order (nginx first). */
export function formatVariableData(data: VariableTablesData): string {
  const names = Object.keys(data.tables).sort((left, right) => (left === 'nginx' ? -1 : right === 'nginx' ? 1 : left < right ? -1 : 1));
  const lines: string[] = ['{', '  "tables": {'];
  for (const [index, name] of names.entries()) {
    const table = data.tables[name];
    lines.push(
      `    ${JSON.stringify(name)}: {`,
      `      "source": ${JSON.stringify(table.source)},`,
      `      "versions": ${JSON.stringify(table.versions)},`,
      '      "variables": [',
      ...jsonLines(table.variables, '        '),
      '      ],',
      '      "definers": [',
      ...jsonLines(table.definers, '        '),
      '      ]',
      `    }${index < names.length - 1 ? ',' : ''}`,
    );
  }
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

export type { Declaration };

if (require.main === module) main();
