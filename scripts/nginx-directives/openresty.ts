/**
 * What one OpenResty release bundles, from its repository at the release tag:
 * - util/ver: the nginx release (`main_ver=1.27.1`);
 * - util/configure: the bundled nginx modules (`my @modules = ([http_echo => 'echo-nginx-module'], …)`,
 *   a third element 'disabled' for those off by default);
 * - util/mirror-tarballs: each bundle's repository and version (`ver=0.63` then the tarball URL on
 *   github.com/<owner>/<repository>, then `mv … <directory>-$ver`), and the nginx patches it
 *   applies (`patch -p1 < $root/patches/…nginx-$main_ver-<name>.patch`);
 * - the patches themselves: the ngx_command_t entries they add to nginx's own modules.
 */
import type { OpenrestyRelease } from '../../server/src/languages/nginx/directive-tables/format';
import { readCSource } from './c-source';
import { buildVersionTable, type Declaration } from './directive-table';
import type { GitReader } from './git-reader';

export interface Bundle {
  readonly directory: string;
  readonly repository: string;
  readonly version: string;
}

/** The bundles util/mirror-tarballs downloads from GitHub, by the directory they are unpacked to. */
export function readMirrorTarballs(text: string): Map<string, Bundle> {
  const bundles = new Map<string, Bundle>();
  let version: string | undefined;
  let repository: string | undefined;
  for (const line of text.split('\n')) {
    let match: RegExpExecArray | null;
    if ((match = /^ver=(\S+)\s*$/.exec(line))) {
      version = match[1].replace(/^"|"$/g, '');
      repository = undefined;
    } else if (/get-tarball\s/.test(line) && !line.trimStart().startsWith('#')) {
      // a bundle from elsewhere than GitHub goes by its tarball's name
      repository = /get-tarball\s+"https:\/\/github\.com\/[\w.-]+\/([\w.-]+)\//.exec(line)?.[1] ?? /-O\s+"?([\w.-]+?)-\$ver/.exec(line)?.[1];
    } else if ((match = /^\s*mv\s+\S+\s+([\w.-]+?)-\$ver\b/.exec(line)) && version !== undefined && repository !== undefined) {
      bundles.set(match[1], { directory: match[1], repository, version });
    }
  }
  return bundles;
}

/** util/configure's `@modules`: directory → enabled by default. */
export function readConfigureModuleList(text: string): Map<string, boolean> {
  const list = /my @modules = \(([\s\S]*?)\n\);/.exec(text);
  if (!list) throw new Error('util/configure: no @modules list');
  const modules = new Map<string, boolean>();
  for (const line of list[1].split('\n')) {
    const match = /^\s*\[\s*\w+\s*=>\s*'([\w.-]+)'\s*(,\s*'disabled'\s*)?\]/.exec(line);
    if (match) modules.set(match[1], match[2] === undefined);
  }
  return modules;
}

/** The patch files util/mirror-tarballs applies to nginx (commented-out lines are not applied). */
export function readNginxPatches(text: string, nginxVersion: string): string[] {
  const patches: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*patch\s+-p\d\s+(?:-l\s+)?<\s*\$root\/(patches\/\S*nginx-\$main_ver-[\w.-]+\.patch)/.exec(line);
    if (match) patches.push(match[1].replaceAll('$main_ver', nginxVersion));
  }
  return patches;
}

/**
 * The commands a patch adds: each hunk's added lines that form `{ ngx_string(…), … }` entries,
 * read as a command array of the module the patched file declares.
 */
export function readPatchCommands(patch: string, moduleOf: (file: string) => { name: string; type: string } | undefined): Declaration[] {
  const declarations: Declaration[] = [];
  let file: string | undefined;
  let added: string[] = [];
  const flush = () => {
    const text = added.join('\n');
    added = [];
    if (file === undefined || !/\{\s*ngx_string\("[^"]*"\)\s*,\s*NGX_\w*CONF/.test(text)) return;
    const module = moduleOf(file);
    if (module === undefined) throw new Error(`a patch adds commands to ${file}, whose module is not known`);
    const typeName = `NGX_${module.type.toUpperCase()}_MODULE`;
    // only the `{ ngx_string(…), NGX_…_CONF…, … }` entries of the added lines: a hunk may add other
    // code with them (an ngx_conf_enum_t of `{ ngx_string("v2"), 2 }`)
    const entries: string[] = [];
    for (const start of [...text.matchAll(/\{\s*ngx_string\("[^"]*"\)\s*,\s*NGX_\w*CONF/g)].map((match) => match.index)) {
      let depth = 0;
      for (let index = start; index < text.length; index++) {
        if (text[index] === '{') depth++;
        else if (text[index] === '}' && --depth === 0) {
          entries.push(text.slice(start, index + 1));
          break;
        }
      }
    }
    const source = `static ngx_command_t patch_commands[] = {\n${entries.join(',\n')},\n ngx_null_command };\nngx_module_t ${module.name} = { NGX_MODULE_V1, NULL, patch_commands, ${typeName} };\n`;
    declarations.push(...buildVersionTable([{ path: file, text: source }], (one) => readCSource(one.text, `patch of ${file}`)).declarations);
  };
  for (const line of patch.split('\n')) {
    if (line.startsWith('+++ ')) {
      flush();
      file = line
        .slice(4)
        .trim()
        .replace(/^[ab]\//, '')
        .split('\t')[0];
      // patch -p1 takes off the first directory: nginx-1.27.1/src/… or b/src/…
      file = file.replace(/^[^/]*\/(?=src\/)/, '');
    } else if (line.startsWith('@@')) flush();
    else if (line.startsWith('+')) added.push(line.slice(1));
    else if (added.length > 0 && !line.startsWith('-')) flush();
  }
  flush();
  return declarations;
}

export function readOpenrestyRelease(
  git: GitReader,
  tag: string,
  nginxModuleOf: (file: string) => string | undefined,
  nginxModuleType: (module: string) => string | undefined,
): OpenrestyRelease {
  const ver = git.show(tag, 'util/ver');
  const nginx = ver === undefined ? undefined : /^main_ver=(\S+)/m.exec(ver)?.[1];
  if (nginx === undefined) throw new Error(`${tag}: no main_ver in util/ver`);
  const mirror = git.show(tag, 'util/mirror-tarballs') ?? '';
  const bundles = readMirrorTarballs(mirror);
  const enabled = readConfigureModuleList(git.show(tag, 'util/configure') ?? '');
  const modules: Record<string, string> = {};
  const disabled: string[] = [];
  for (const [directory, on] of enabled) {
    const bundle = bundles.get(directory);
    if (bundle === undefined) throw new Error(`${tag}: util/configure names ${directory}, which util/mirror-tarballs does not download from GitHub`);
    if (on) modules[bundle.repository] = bundle.version;
    else disabled.push(bundle.repository);
  }
  const moduleOf = (file: string) => {
    const name = nginxModuleOf(file);
    const type = name === undefined ? undefined : nginxModuleType(name);
    return name === undefined || type === undefined ? undefined : { name, type };
  };
  const patchDirectives = readNginxPatches(mirror, nginx).flatMap((path) => {
    // the patches for older nginx releases sit behind `util/ver-ge` tests: a file the release
    // does not have is one of those (the unconditional ones are there, or the release would not build)
    const patch = git.show(tag, path);
    return patch === undefined ? [] : readPatchCommands(patch, moduleOf);
  });
  return { version: tag.slice(1), nginx, date: git.tagDate(tag), modules, disabledModules: disabled.sort(), patchDirectives };
}
