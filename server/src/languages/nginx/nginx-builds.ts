import { nginxVersionsRead, officialImagesData, openrestyReleases } from './directive-tables/directive-table';
import type { OfficialRelease, OpenrestyRelease } from './directive-tables/format';
import type { DynamicModule, NginxBuild } from './directive-tables/nginx-build';
import { compareVersions } from './directive-tables/versions';
import { type ImageReference, parseImageReference } from '../dockerfile/image-reference';

/**
 * Which nginx an image reference (or a host package) runs: its release, configure arguments and
 * modules, for directiveTableFor(). undefined: certboot does not know the image, and rules that
 * need the build stay silent.
 *
 * The official images' versions, variants and module packages come from docker-nginx and
 * pkg-oss, OpenResty's from its repository (see scripts/nginx-directives/); the Debian packages'
 * from the packages themselves (below).
 */

/** The newest release of the tables in a channel: mainline has odd minor versions, stable even. */
function newestOfChannel(channel: 'mainline' | 'stable'): string {
  const versions = nginxVersionsRead().filter((version) => (Number(version.split('.')[1]) % 2 === 1) === (channel === 'mainline'));
  return versions[versions.length - 1];
}

type VersionChoice = { readonly version: string; readonly guess: boolean };

/** `1.27` → its newest release, a guess while the branch is still the newest of its channel. */
function newestOfBranch(branch: string): VersionChoice | undefined {
  const versions = nginxVersionsRead().filter((version) => version.startsWith(`${branch}.`));
  if (versions.length === 0) return undefined;
  const minor = Number(branch.split('.')[1]);
  const channelNewest = newestOfChannel(minor % 2 === 1 ? 'mainline' : 'stable');
  return { version: versions[versions.length - 1], guess: channelNewest.startsWith(`${branch}.`) };
}

/**
 * The release a tag's version names. undefined for a release older than the tables (`1.17.8`,
 * `1.15`): its directives are not known, and the newest release would be a wrong guess.
 */
function officialVersion(version: string | undefined): VersionChoice | undefined {
  // a branch (`1.17`) stands for its last release
  const newestMeant = version !== undefined && /^\d+\.\d+$/.test(version) ? `${version}.99999` : version;
  if (newestMeant !== undefined && /^\d+\.\d+\.\d+$/.test(newestMeant) && compareVersions(newestMeant, nginxVersionsRead()[0]) < 0) return undefined;
  if (version === undefined || version === 'latest' || version === 'mainline' || version === '1') return { version: newestOfChannel('mainline'), guess: true };
  if (version === 'stable') return { version: newestOfChannel('stable'), guess: true };
  if (/^\d+\.\d+$/.test(version)) return newestOfBranch(version) ?? { version: newestOfChannel('mainline'), guess: true };
  if (nginxVersionsRead().includes(version)) return { version, guess: false };
  return { version: newestOfChannel('mainline'), guess: true };
}

const debianCodeNames = /^(stretch|buster|bullseye|bookworm|trixie|forky)$/;

/**
 * `1.27.5-alpine-slim` → version 1.27.5, variant alpine-slim. The tags of docker-nginx's
 * generate-stackbrew-library.sh: a version (full, `1.27`, `1`), `mainline`, `stable` or
 * `latest`, then the variant words (`alpine`, `alpine3.21`, `slim`, `perl`, `otel`, a Debian
 * code name). undefined for a tag of another shape.
 */
export function parseOfficialTag(tag: string): { version: string | undefined; variant: string } | undefined {
  const words = tag.split('-');
  let version: string | undefined;
  if (/^(\d+(\.\d+){0,2}|latest|mainline|stable)$/.test(words[0])) version = words.shift();
  let base = 'debian';
  const extras: string[] = [];
  for (const word of words) {
    if (/^alpine(\d+\.\d+)?$/.test(word)) base = 'alpine';
    else if (debianCodeNames.test(word)) base = 'debian';
    else if (word === 'slim' || word === 'perl' || word === 'otel') extras.push(word);
    else return undefined;
  }
  if (version === 'latest' && words.length > 0) return undefined;
  return { version, variant: [base, ...extras].join('-') };
}

/**
 * The first release whose official images render /etc/nginx/templates/*.template with envsubst
 * at start (docker-entrypoint.d/20-envsubst-on-templates.sh). The image documentation says "new
 * in 1.19" (docker-library/docs, nginx/content.md, "Using environment variables in nginx
 * configuration"), but docker-nginx added the entrypoint and that script to the stable images as
 * well (commit cd98e75, 2020-05-26, stable/*: nginx 1.18.0), and the official-images library has
 * built `1.18.0`, `1.18` and the stable tags from those Dockerfiles since 2020-07-10 (library/nginx,
 * GitCommit 793319d). The images of earlier releases (1.17.10 last, from 594ce7a) have no
 * entrypoint script at all: nginx reads no template.
 */
const firstReleaseRenderingTemplates = '1.18.0';

/**
 * Whether the official image (or nginx-unprivileged, built from the same Dockerfiles) that a
 * reference names renders /etc/nginx/templates when its entrypoint runs: false only when the tag
 * names a release before 1.18 (`1.15-alpine`, `1.17.8`); a tag naming no release (`latest`,
 * `stable`, `1`), a digest alone, or a tag of another shape keeps the newer images' behaviour.
 */
export function officialImageRendersTemplates(image: string): boolean {
  const tag = parseImageReference(image).tag;
  const version = tag === undefined ? undefined : parseOfficialTag(tag)?.version;
  if (version === undefined || !/^\d+\.\d+(\.\d+)?$/.test(version)) return true;
  // a branch (`1.17`) stands for its last release
  const release = /^\d+\.\d+$/.test(version) ? `${version}.99999` : version;
  return compareVersions(release, firstReleaseRenderingTemplates) >= 0;
}

function releaseFor(version: string): OfficialRelease | undefined {
  const releases = officialImagesData().releases.filter((release) => compareVersions(release.version, version) <= 0);
  return releases[releases.length - 1];
}

function dynamicModulesOf(packages: readonly string[], njsVersion: string | undefined): DynamicModule[] {
  const data = officialImagesData();
  return packages.flatMap((name) => {
    const modulePackage = data.modulePackages[name];
    if (modulePackage === undefined) return [];
    return modulePackage.files.map((file) => ({
      file,
      table: modulePackage.table,
      ...(modulePackage.table === 'njs' && njsVersion !== undefined ? { version: njsVersion } : {}),
      modules: [file.slice(file.lastIndexOf('/') + 1, -'.so'.length)],
    }));
  });
}

/** The variants nginxinc/docker-nginx-unprivileged publishes (it has no otel images). */
const unprivilegedVariants = new Set(['debian', 'debian-perl', 'alpine', 'alpine-slim', 'alpine-perl']);

function officialBuild(image: string, reference: ImageReference, unprivileged: boolean): NginxBuild | undefined {
  const parsed = reference.tag === undefined ? { version: undefined, variant: 'debian' } : parseOfficialTag(reference.tag);
  if (parsed === undefined) return undefined;
  if (unprivileged && !unprivilegedVariants.has(parsed.variant)) return undefined;
  // a digest alone pins an image certboot cannot look up; with a tag, the tag says what it was
  const choice =
    reference.tag === undefined && reference.digest !== undefined ? { version: newestOfChannel('mainline'), guess: true } : officialVersion(parsed.version);
  if (choice === undefined) return undefined;
  const release = releaseFor(choice.version);
  const packages = release?.variants[parsed.variant];
  // a variant the images did not have at that version (otel before 1.25.3): no such image
  if (release === undefined || packages === undefined) return undefined;
  const data = officialImagesData();
  const configure = data.configure.filter((entry) => compareVersions(entry.since, choice.version) <= 0);
  const njs = release.version === choice.version ? release.njs : undefined;
  return {
    description: `${image} (nginx ${choice.version}${choice.guess ? ', the newest certboot knows' : ''})`,
    version: choice.version,
    versionIsGuess: choice.guess,
    configureArguments: configure[configure.length - 1]?.arguments ?? [],
    staticModules: [],
    dynamicModules: dynamicModulesOf(packages, njs ?? newestNjs()),
    patchDirectives: [],
    mayHaveUnknownModules: false,
    sources: [data.source, ...(unprivileged ? ['github.com/nginxinc/docker-nginx-unprivileged: the same packages, as a non-root user'] : [])],
  };
}

function newestNjs(): string | undefined {
  const releases = officialImagesData().releases.filter((release) => release.njs !== undefined);
  return releases[releases.length - 1]?.njs;
}

/*
 * docker-openresty: the alpine images build OpenResty from source with these RESTY_CONFIG_OPTIONS
 * (alpine/Dockerfile); the Debian, Ubuntu and RHEL-family images install OpenResty's packages,
 * configured as openresty-packaging's deb/openresty/debian/rules says. Both leave out the
 * rds-json and rds-csv modules (`--without-http_rds_json_module --without-http_rds_csv_module`).
 */
const openrestyAlpineArguments = [
  '--with-compat',
  '--without-mail_pop3_module',
  '--without-mail_imap_module',
  '--without-mail_smtp_module',
  '--with-http_addition_module',
  '--with-http_auth_request_module',
  '--with-http_dav_module',
  '--with-http_flv_module',
  '--with-http_geoip_module=dynamic',
  '--with-http_gunzip_module',
  '--with-http_gzip_static_module',
  '--with-http_image_filter_module=dynamic',
  '--with-http_mp4_module',
  '--with-http_random_index_module',
  '--with-http_realip_module',
  '--with-http_secure_link_module',
  '--with-http_slice_module',
  '--with-http_ssl_module',
  '--with-http_stub_status_module',
  '--with-http_sub_module',
  '--with-http_v2_module',
  '--with-http_v3_module',
  '--with-http_xslt_module=dynamic',
  '--with-mail',
  '--with-mail_ssl_module',
  '--with-stream',
  '--with-stream_ssl_module',
  '--with-stream_ssl_preread_module',
  '--with-threads',
];
const openrestyPackageArguments = [
  '--with-pcre-jit',
  '--with-stream',
  '--with-stream_ssl_module',
  '--with-stream_ssl_preread_module',
  '--with-http_v2_module',
  '--with-http_v3_module',
  '--without-mail_pop3_module',
  '--without-mail_imap_module',
  '--without-mail_smtp_module',
  '--with-http_stub_status_module',
  '--with-http_realip_module',
  '--with-http_addition_module',
  '--with-http_auth_request_module',
  '--with-http_secure_link_module',
  '--with-http_random_index_module',
  '--with-http_gzip_static_module',
  '--with-http_sub_module',
  '--with-http_dav_module',
  '--with-http_flv_module',
  '--with-http_mp4_module',
  '--with-http_slice_module',
  '--with-http_gunzip_module',
  '--with-threads',
  '--with-compat',
];
// OpenResty's configure turns on the SSL module itself (util/configure: "enable ngx_http_ssl_module (default on)")
const openrestyDefaults = ['--with-http_ssl_module'];
const openrestyLeftOut = new Set(['rds-json-nginx-module', 'rds-csv-nginx-module']);
// the package-built flavours of docker-openresty (its directories: bookworm, bullseye, jammy, noble, resolute, alma, fedora…)
const openrestyPackageFlavours = /^(bookworm|bullseye|buster|trixie|focal|jammy|noble|resolute|alma|centos|fedora|rocky|amzn)/;

function openrestyBuild(image: string, reference: ImageReference): NginxBuild | undefined {
  const releases = openrestyReleases();
  const words = (reference.tag ?? 'latest').split('-');
  const named = /^\d+\.\d+\.\d+\.\d+$/.test(words[0]) ? words.shift() : undefined;
  // docker-openresty's own revision: 1.27.1.2-0-alpine
  if (named !== undefined && /^\d+$/.test(words[0] ?? '')) words.shift();
  const flavour = words.join('-');
  const alpine = /^alpine(-fat|-apk)?$/.test(flavour);
  // `latest` is the default flavour, bookworm in docker-openresty's Taskfile
  const packaged = flavour === 'latest' || flavour === '' || (openrestyPackageFlavours.test(flavour) && !/debug|valgrind/.test(flavour));
  if (!alpine && !packaged) return undefined;
  const exact: OpenrestyRelease | undefined = named === undefined ? undefined : releases.find((release) => release.version === named);
  // a release older than those read: its modules and nginx are not known, and the newest would be a wrong guess
  if (named !== undefined && releases.length > 0 && compareVersions(named, releases[0].version) < 0) return undefined;
  const release = exact ?? releases[releases.length - 1];
  if (release === undefined) return undefined;
  const guess = exact === undefined;
  const dynamicModules: DynamicModule[] = alpine
    ? [
        { file: 'modules/ngx_http_geoip_module.so', table: 'nginx', modules: ['ngx_http_geoip_module'] },
        { file: 'modules/ngx_http_image_filter_module.so', table: 'nginx', modules: ['ngx_http_image_filter_module'] },
        { file: 'modules/ngx_http_xslt_filter_module.so', table: 'nginx', modules: ['ngx_http_xslt_filter_module'] },
      ]
    : [];
  return {
    description: `${image} (OpenResty ${release.version}, nginx ${release.nginx}${guess ? ', the newest certboot knows' : ''})`,
    version: release.nginx,
    versionIsGuess: guess,
    configureArguments: [...openrestyDefaults, ...(alpine ? openrestyAlpineArguments : openrestyPackageArguments)],
    staticModules: Object.entries(release.modules)
      .filter(([table]) => !openrestyLeftOut.has(table))
      .map(([table, version]) => ({ table, version })),
    dynamicModules,
    patchDirectives: release.patchDirectives,
    mayHaveUnknownModules: false,
    sources: [
      'github.com/openresty/openresty (util/ver, util/configure, util/mirror-tarballs, patches/)',
      alpine ? 'github.com/openresty/docker-openresty alpine/Dockerfile' : 'github.com/openresty/openresty-packaging deb/openresty/debian/rules',
    ],
  };
}

/** The build an image runs, or undefined when certboot does not know the image. */
export function nginxBuildOfImage(image: string): NginxBuild | undefined {
  if (buildsOfImages.has(image)) return buildsOfImages.get(image);
  const reference = parseImageReference(image);
  const build =
    reference.repository === 'nginx'
      ? officialBuild(image, reference, false)
      : reference.repository === 'nginxinc/nginx-unprivileged'
        ? officialBuild(image, reference, true)
        : reference.repository === 'openresty/openresty'
          ? openrestyBuild(image, reference)
          : undefined;
  // every analysis asks again for the few images of a workspace
  if (buildsOfImages.size >= 64) buildsOfImages.clear();
  buildsOfImages.set(image, build);
  return build;
}

const buildsOfImages = new Map<string, NginxBuild | undefined>();

/**
 * What `nginx:mainline` / `nginx:stable` (and `latest`, `1`) meant on a date (YYYY-MM-DD), from
 * the dates docker-nginx changed them; undefined before the history certboot has.
 */
export function officialImageVersionAt(tag: 'latest' | 'mainline' | 'stable' | '1', date: string): string | undefined {
  const entries = officialImagesData().history.filter((entry) => entry.date <= date);
  const entry = entries[entries.length - 1];
  if (entry === undefined) return undefined;
  return tag === 'stable' ? entry.stable : entry.mainline;
}

/*
 * Debian 12 (bookworm), nginx 1.22.1-9+deb12u12. configure arguments: `nginx -V` of the `nginx`
 * package's binary; modules: the libnginx-mod-* packages each flavour depends on (the packages'
 * Depends fields), each installing the `load_module` line of
 * /usr/share/nginx/modules-available/<name>.conf, which its postinst links into
 * /etc/nginx/modules-enabled/ — loaded by Debian's nginx.conf (`include /etc/nginx/modules-enabled/*.conf;`).
 */
const debianBookwormArguments = [
  '--with-compat',
  '--with-debug',
  '--with-pcre-jit',
  '--with-http_ssl_module',
  '--with-http_stub_status_module',
  '--with-http_realip_module',
  '--with-http_auth_request_module',
  '--with-http_v2_module',
  '--with-http_dav_module',
  '--with-http_slice_module',
  '--with-threads',
  '--with-http_addition_module',
  '--with-http_flv_module',
  '--with-http_gunzip_module',
  '--with-http_gzip_static_module',
  '--with-http_mp4_module',
  '--with-http_random_index_module',
  '--with-http_secure_link_module',
  '--with-http_sub_module',
  '--with-mail_ssl_module',
  '--with-stream_ssl_module',
  '--with-stream_ssl_preread_module',
  '--with-stream_realip_module',
  '--with-http_geoip_module=dynamic',
  '--with-http_image_filter_module=dynamic',
  '--with-http_perl_module=dynamic',
  '--with-http_xslt_module=dynamic',
  '--with-mail=dynamic',
  '--with-stream=dynamic',
  '--with-stream_geoip_module=dynamic',
];

/** libnginx-mod-* of bookworm: the .so it installs, and the table of its directives (with the version Debian packages). */
const debianBookwormModules: Readonly<Record<string, { file: string; table: string; version?: string; modules?: readonly string[] }>> = {
  'http-geoip': { file: 'ngx_http_geoip_module.so', table: 'nginx' },
  'http-image-filter': { file: 'ngx_http_image_filter_module.so', table: 'nginx' },
  'http-perl': { file: 'ngx_http_perl_module.so', table: 'nginx' },
  'http-xslt-filter': { file: 'ngx_http_xslt_filter_module.so', table: 'nginx' },
  mail: { file: 'ngx_mail_module.so', table: 'nginx' },
  stream: { file: 'ngx_stream_module.so', table: 'nginx' },
  'stream-geoip': { file: 'ngx_stream_geoip_module.so', table: 'nginx' },
  'http-echo': { file: 'ngx_http_echo_module.so', table: 'echo-nginx-module', version: '0.63', modules: ['ngx_http_echo_module'] },
  'http-headers-more-filter': {
    file: 'ngx_http_headers_more_filter_module.so',
    table: 'headers-more-nginx-module',
    version: '0.34',
    modules: ['ngx_http_headers_more_filter_module'],
  },
  'http-lua': { file: 'ngx_http_lua_module.so', table: 'lua-nginx-module', version: '0.10.23', modules: ['ngx_http_lua_module'] },
  'http-ndk': { file: 'ndk_http_module.so', table: 'ngx_devel_kit', version: '0.3.2', modules: ['ndk_http_module'] },
  'http-auth-pam': { file: 'ngx_http_auth_pam_module.so', table: 'nginx-module-auth-pam' },
  'http-cache-purge': { file: 'ngx_http_cache_purge_module.so', table: 'nginx-module-cache-purge' },
  'http-dav-ext': { file: 'ngx_http_dav_ext_module.so', table: 'nginx-module-dav-ext' },
  'http-fancyindex': { file: 'ngx_http_fancyindex_module.so', table: 'nginx-module-fancyindex' },
  'http-geoip2': { file: 'ngx_http_geoip2_module.so', table: 'nginx-module-geoip2' },
  'http-subs-filter': { file: 'ngx_http_subs_filter_module.so', table: 'nginx-module-subs-filter' },
  'http-uploadprogress': { file: 'ngx_http_uploadprogress_module.so', table: 'nginx-module-uploadprogress' },
  'http-upstream-fair': { file: 'ngx_http_upstream_fair_module.so', table: 'nginx-module-upstream-fair' },
  nchan: { file: 'ngx_nchan_module.so', table: 'nginx-module-nchan' },
  'stream-geoip2': { file: 'ngx_stream_geoip2_module.so', table: 'nginx-module-stream-geoip2' },
};

/** The libnginx-mod-* packages each bookworm flavour depends on. */
const debianBookwormFlavours: Readonly<Record<string, readonly string[]>> = {
  nginx: [],
  'nginx-light': ['http-echo'],
  'nginx-core': ['http-geoip', 'http-image-filter', 'http-xslt-filter', 'mail', 'stream', 'stream-geoip'],
  'nginx-full': ['http-auth-pam', 'http-dav-ext', 'http-echo', 'http-geoip2', 'http-subs-filter', 'http-upstream-fair', 'stream-geoip2'],
  'nginx-extras': [
    'http-geoip',
    'http-image-filter',
    'http-perl',
    'http-xslt-filter',
    'mail',
    'stream',
    'stream-geoip',
    'http-auth-pam',
    'http-cache-purge',
    'http-dav-ext',
    'http-echo',
    'http-fancyindex',
    'http-geoip2',
    'http-headers-more-filter',
    'http-lua',
    'http-subs-filter',
    'http-uploadprogress',
    'http-upstream-fair',
    'nchan',
    'stream-geoip2',
  ],
};

/*
 * Directives Debian's patches add to 1.22.1 (changelog.Debian of 1.22.1-9+deb12u11: "backport
 * max_headers directive from upstream nginx […] move max_headers from core module to the
 * ngx_http_header_count_module"; upstream has it in ngx_http_core_module from 1.29.8 on, in the
 * http and server contexts, with one argument — and Debian's nginx -t accepts it there).
 */
const debianBookwormPatchDirectives = [{ name: 'max_headers', module: 'ngx_http_header_count_module', contexts: ['http', 'server'] as const, arguments: '1' }];

export type DebianNginxPackage = 'nginx' | 'nginx-light' | 'nginx-core' | 'nginx-full' | 'nginx-extras';

/** nginx as Debian 12 installs it, by the package installed. Other Debian and Ubuntu releases: not known yet (undefined). */
export function debianNginxBuild(release: string, flavour: DebianNginxPackage): NginxBuild | undefined {
  if (release !== 'bookworm' && release !== '12') return undefined;
  const packages = debianBookwormFlavours[flavour];
  return {
    description: `Debian 12 ${flavour} (nginx 1.22.1)`,
    version: '1.22.1',
    versionIsGuess: false,
    configureArguments: debianBookwormArguments,
    staticModules: [],
    dynamicModules: packages.map((name) => {
      const module = debianBookwormModules[name];
      return {
        file: `modules/${module.file}`,
        table: module.table,
        ...(module.version === undefined ? {} : { version: module.version }),
        modules: module.modules ?? [module.file.slice(0, -'.so'.length)],
      };
    }),
    patchDirectives: debianBookwormPatchDirectives,
    mayHaveUnknownModules: false,
    sources: ['Debian 12 packages nginx and libnginx-mod-* 1.22.1-9+deb12u12: `nginx -V`, Depends, /usr/share/nginx/modules-available/, changelog.Debian'],
  };
}
