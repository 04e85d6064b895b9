/**
 * The official nginx images, from their sources:
 * - github.com/nginx/docker-nginx: every commit that changed a Dockerfile under mainline/ or
 *   stable/: the date, the nginx version of each channel (`ENV NGINX_VERSION`), the njs version,
 *   the variants (directories: debian, alpine, alpine-slim, debian-perl…; the Debian code names of
 *   older layouts, buster…, read as debian) and the module packages each installs
 *   (`nginx-module-njs=…` in its package list, plus those of the image it is built `FROM`);
 * - github.com/nginx/pkg-oss: per release tag, the configure arguments of the nginx package
 *   (BASE_CONFIGURE_ARGS of debian/Makefile, the open-source part), and per module package the
 *   files it installs (`load_module modules/….so` in debian/Makefile.module-<name>) and how it is
 *   built (`=dynamic` of nginx itself, or `--add-dynamic-module` of another source).
 */
import type { OfficialImagesData } from '../../server/src/languages/nginx/directive-tables/format';
import { compareVersions } from '../../server/src/languages/nginx/directive-tables/versions';
import type { GitReader } from './git-reader';

const debianCodeNames = /^(stretch|buster|bullseye|bookworm|trixie|forky)/;

export function variantName(directory: string): string {
  return directory.replace(debianCodeNames, 'debian');
}

export interface DockerfileFacts {
  readonly nginx: string | undefined;
  readonly njs: string | undefined;
  readonly packages: readonly string[];
  /** The variant of the official image this one is built FROM (alpine-perl from alpine). */
  readonly from: string | undefined;
}

export function readDockerfile(text: string): DockerfileFacts {
  const nginx = /^ENV\s+NGINX_VERSION[\s=]+(\S+)/m.exec(text)?.[1];
  const njs = /^ENV\s+NJS_VERSION[\s=]+(\S+)/m.exec(text)?.[1];
  const list = /nginxPackages="([^"]*)"/.exec(text)?.[1] ?? '';
  const packages = [...list.matchAll(/\bnginx-module-([a-z][a-z0-9-]*)=/g)].map((match) => match[1]);
  const from = /^FROM\s+nginx:\S*?-([a-z][a-z-]*)\s*$/m.exec(text)?.[1];
  return { nginx, njs, packages: [...new Set(packages)].sort(), from: from === undefined ? undefined : variantName(from) };
}

interface ChannelState {
  readonly version: string;
  readonly njs: string | undefined;
  readonly variants: Record<string, readonly string[]>;
}

function readChannel(git: GitReader, commit: string, channel: 'mainline' | 'stable'): ChannelState | undefined {
  const files = [...git.files(commit, [channel])].filter(([path]) => /^[a-z]+\/[^/]+\/Dockerfile$/.test(path));
  const contents = git.read(files.map(([, id]) => id));
  const facts = new Map(files.map(([path, id]) => [variantName(path.split('/')[1]), readDockerfile(contents.get(id)!)]));
  const debian = facts.get('debian');
  if (debian?.nginx === undefined) return undefined;
  const packagesOf = (variant: string, depth = 0): string[] => {
    const own = facts.get(variant);
    if (own === undefined || depth > 3) return [];
    return [...new Set([...(own.from === undefined ? [] : packagesOf(own.from, depth + 1)), ...own.packages])].sort();
  };
  const variants: Record<string, readonly string[]> = {};
  for (const variant of [...facts.keys()].sort()) variants[variant] = packagesOf(variant);
  return { version: debian.nginx, njs: debian.njs, variants };
}

export function readConfigureArguments(makefile: string): string[] {
  const block = /^BASE_CONFIGURE_ARGS\s*=\s*\\\n((?:[^\n]*\\\n)*[^\n]*)/m.exec(makefile);
  if (!block) throw new Error('pkg-oss: no BASE_CONFIGURE_ARGS');
  return block[1]
    .split('\\\n')
    .map((line) => line.trim())
    .filter((argument) => argument.startsWith('--'));
}

export function readModulePackage(makefile: string, name: string): { files: string[]; table: string } {
  const files = [...makefile.matchAll(/load_module\s+(modules\/[\w.-]+\.so);/g)].map((match) => match[1]);
  const arguments_ = new RegExp(`MODULE_CONFARGS_${name.replaceAll('-', '_')}\\s*=([^\\n]*)`).exec(makefile)?.[1] ?? '';
  // --with-…=dynamic: a module of nginx; --add-dynamic-module=…njs-…: njs; others: no table
  const table = /=dynamic/.test(arguments_) ? 'nginx' : /\bnjs-/.test(arguments_) ? 'njs' : `nginx-module-${name}`;
  return { files: [...new Set(files)], table };
}

export function readOfficialImages(dockerNginx: GitReader, pkgOss: GitReader): OfficialImagesData {
  const commits = dockerNginx
    .log(['mainline', 'stable'])
    .filter(({ date }) => date >= '2020-04-01')
    .reverse();
  const history: { date: string; mainline: string; stable: string }[] = [];
  const releases = new Map<string, { njs: string | undefined; variants: Record<string, readonly string[]> }>();
  for (const { commit, date } of commits) {
    const mainline = readChannel(dockerNginx, commit, 'mainline');
    const stable = readChannel(dockerNginx, commit, 'stable');
    if (mainline === undefined || stable === undefined) continue;
    for (const state of [mainline, stable]) releases.set(state.version, { njs: state.njs, variants: state.variants });
    const last = history[history.length - 1];
    if (last?.mainline === mainline.version && last.stable === stable.version) continue;
    // several commits on one day: the day's last state stands
    if (last?.date === date) history.pop();
    history.push({ date, mainline: mainline.version, stable: stable.version });
  }
  const tags = pkgOss
    .tags()
    .filter((tag) => /^\d+\.\d+\.\d+-\d+$/.test(tag))
    .sort(compareVersions);
  const configure: { since: string; arguments: string[] }[] = [];
  const byVersion = new Map<string, string>();
  for (const tag of tags) byVersion.set(tag.replace(/-\d+$/, ''), tag);
  for (const [version, tag] of [...byVersion].sort(([left], [right]) => compareVersions(left, right))) {
    if (compareVersions(version, '1.18.0') < 0) continue;
    const makefile = pkgOss.show(tag, 'debian/Makefile');
    if (makefile === undefined) continue;
    const args = readConfigureArguments(makefile).filter((argument) => !/-path=|^--(user|group|prefix)=/.test(argument));
    const previous = configure[configure.length - 1];
    if (previous !== undefined && previous.arguments.join(' ') === args.join(' ')) continue;
    configure.push({ since: version, arguments: args });
  }
  const newestTag = tags[tags.length - 1];
  const packageNames = new Set([...releases.values()].flatMap((release) => Object.values(release.variants).flat()));
  const modulePackages: Record<string, { files: string[]; table: string }> = {};
  for (const name of [...packageNames].sort()) {
    const makefile = pkgOss.show(newestTag, `debian/Makefile.module-${name}`);
    if (makefile !== undefined) modulePackages[name] = readModulePackage(makefile, name);
  }
  const sortedReleases = [...releases]
    .filter(([version]) => compareVersions(version, '1.18.0') >= 0)
    .sort(([left], [right]) => compareVersions(left, right))
    .map(([version, release]) => ({ version, ...(release.njs === undefined ? {} : { njs: release.njs }), variants: release.variants }));
  return {
    source: `github.com/nginx/docker-nginx (history to ${history[history.length - 1]?.date}), github.com/nginx/pkg-oss (tags to ${newestTag})`,
    history,
    releases: sortedReleases,
    configure,
    modulePackages,
  };
}
