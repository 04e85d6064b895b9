import type { DirectiveContext } from '../directives';

/**
 * The shape of directive-tables.json, which scripts/nginx-directives/extract.ts writes from the
 * C source of nginx (every release from 1.18.0 on) and of the modules images bundle. Nothing in
 * it is written by hand: regenerate it with `npm run generate:nginx-directives` (see that
 * script's header for the arguments).
 */
export interface DirectiveTablesData {
  /** Per source: `nginx`, `njs`, `headers-more-nginx-module`… */
  readonly tables: Readonly<Record<string, SourceTable>>;
  /** nginx's configure scripts, read from the newest release (auto/options, auto/modules). */
  readonly configure: ConfigureData;
  /** OpenResty releases: the nginx they bundle, the modules and their versions, the directives their nginx patches add. */
  readonly openresty: readonly OpenrestyRelease[];
  /** The official nginx images (docker-nginx) and the packages they install (pkg-oss). */
  readonly officialImages: OfficialImagesData;
}

export interface OfficialImagesData {
  readonly source: string;
  /**
   * What `mainline` and `stable` (and `latest`, `1`, `1.27`…) pointed at from each date on: the
   * dates of the docker-nginx commits that changed a version. Docker Hub follows within days.
   */
  readonly history: readonly { readonly date: string; readonly mainline: string; readonly stable: string }[];
  /** Per nginx version published as an image: its njs and, per variant, the module packages installed. */
  readonly releases: readonly OfficialRelease[];
  /** The nginx package's configure arguments (pkg-oss), each set from the version named on. */
  readonly configure: readonly { readonly since: string; readonly arguments: readonly string[] }[];
  /** Per module package (`njs`, `geoip`…): the .so files it installs and the table of their directives. */
  readonly modulePackages: Readonly<Record<string, { readonly files: readonly string[]; readonly table: string }>>;
}

export interface OfficialRelease {
  readonly version: string;
  readonly njs?: string;
  /** debian, alpine, alpine-slim, debian-perl, alpine-perl, debian-otel, alpine-otel → module packages. */
  readonly variants: Readonly<Record<string, readonly string[]>>;
}

export interface SourceTable {
  /** The repository and the tags read, for the reader of the data. */
  readonly source: string;
  /** The versions read, oldest first; `versions` of a directive index into this order. */
  readonly versions: readonly string[];
  /** The modules declaring directives, by the name of their ngx_module_t. */
  readonly modules: Readonly<Record<string, ModuleData>>;
  readonly directives: readonly DirectiveData[];
}

export interface ModuleData {
  /** The C file that declares the module's directives, as of the newest version that has it. */
  readonly file: string;
  /** core, event, http, stream, mail or conf (from NGX_CORE_MODULE, NGX_HTTP_MODULE…). */
  readonly type: string;
}

/** How many arguments a directive takes, as ngx_conf_handler() checks them. */
export type ArgumentsText = string; // "0", "1", "1|2", "1|2|3", "1+", "2+", "0+" (NGX_CONF_ANY), "flag"

export interface DirectiveData {
  readonly name: string;
  /** The ngx_module_t that declares it. */
  readonly module: string;
  readonly contexts: readonly DirectiveContext[];
  readonly arguments: ArgumentsText;
  /** Opens a block (NGX_CONF_BLOCK). */
  readonly block?: true;
  /** The #if around the declaration: `NGX_HTTP_SSL`, `NGX_HTTP_CACHE`, `!NGX_WIN32`… */
  readonly guard?: string;
  /** The warning nginx prints when the directive is used (from its handler or its ngx_conf_deprecated_t post). */
  readonly deprecated?: DeprecationData;
  /** Parameters whose use prints a deprecation warning (`listen … http2` from 1.25.1 on). */
  readonly parameters?: readonly ParameterDeprecationData[];
  /**
   * The versions of the table that have this declaration, as runs of its `versions` list:
   * `1.18.0-1.25.0`, `1.25.1-` (to the newest read), `1.26.3,1.27.4-` (two runs).
   */
  readonly versions: string;
}

export interface DeprecationData {
  /** nginx's own words, e.g. `the "ssl" directive is deprecated, use the "listen ... ssl" directive instead`. */
  readonly message: string;
  /** The directive (or form) to use instead, when nginx names one. */
  readonly replacement?: string;
  /** The handler only prints the warning: the directive has no effect. */
  readonly ignored?: true;
}

export interface ParameterDeprecationData {
  readonly parameter: string;
  readonly message: string;
  readonly guard?: string;
}

export type ConfigureValue = 'YES' | 'NO' | 'DYNAMIC' | 'NONE' | 'DISABLED';

export interface ConfigureData {
  readonly source: string;
  readonly defaults: Readonly<Record<string, ConfigureValue>>;
  readonly options: Readonly<Record<string, Readonly<Record<string, ConfigureValue>>>>;
  readonly steps: readonly ConfigureStep[];
}

/** One step of auto/modules in file order; `when` is a condition such as `HTTP=YES && HTTP_SSL=YES`. */
export type ConfigureStep =
  | { readonly kind: 'set'; readonly variable: string; readonly value: ConfigureValue; readonly when: string }
  | { readonly kind: 'have'; readonly macro: string; readonly when: string }
  | { readonly kind: 'module'; readonly names: readonly string[]; readonly type: string; readonly link: string; readonly when: string }
  | { readonly kind: 'relink'; readonly type: string; readonly link: string; readonly when: string };

export interface OpenrestyRelease {
  /** 1.27.1.2 */
  readonly version: string;
  /** The nginx release it bundles: 1.27.1 */
  readonly nginx: string;
  /** The date of the release's tag. */
  readonly date: string;
  /** Bundled nginx modules: table name (a key of `tables`, or a module certboot has no table for) → version. */
  readonly modules: Readonly<Record<string, string>>;
  /** Bundled modules its configure leaves out unless asked (`--with-http_drizzle_module`…). */
  readonly disabledModules: readonly string[];
  /** Directives OpenResty's patches add to nginx's own modules (log_escape_non_ascii, no_error_pages…). */
  readonly patchDirectives: readonly Omit<DirectiveData, 'versions'>[];
}
