import { evaluateCondition, type Truth } from './conditions';
import type { ConfigureData, DirectiveData } from './format';

/**
 * One nginx binary as certboot knows it: its release, how it was configured, and the modules that
 * come with it. nginx-builds.ts makes these from image references and host packages.
 */
export interface NginxBuild {
  /** For messages: `nginx:1.27-alpine`, `Debian 12 nginx-light`. */
  readonly description: string;
  /** The nginx release, e.g. `1.27.5`. */
  readonly version: string;
  /**
   * The version is the newest certboot knows, standing in for one it cannot tell (a digest, an
   * unknown tag, a moving tag whose meaning changed over time): findings that depend on the
   * version should be warnings, not errors.
   */
  readonly versionIsGuess: boolean;
  /** `./configure` arguments, as `nginx -V` prints them; only the module options matter here. */
  readonly configureArguments: readonly string[];
  /** Modules of other sources compiled in (OpenResty's bundle): a table of the data and its version. */
  readonly staticModules: readonly ModuleSource[];
  /** Modules shipped as .so files next to the binary: their directives count once `load_module` loads them. */
  readonly dynamicModules: readonly DynamicModule[];
  /** Directives a patched nginx adds to its own modules (OpenResty's patches, Debian's backports). */
  readonly patchDirectives: readonly Omit<DirectiveData, 'versions'>[];
  /** The build may have modules certboot has no table for: a name it does not know may be a directive. */
  readonly mayHaveUnknownModules: boolean;
  /** Where the facts come from, for the reader of a finding. */
  readonly sources: readonly string[];
}

export interface ModuleSource {
  /** A key of the data's tables (`njs`, `headers-more-nginx-module`); a name without a table means unknown directives. */
  readonly table: string;
  readonly version: string;
}

export interface DynamicModule {
  /** The file `load_module` names, matched by its base name: `ngx_http_js_module.so`. */
  readonly file: string;
  /** `nginx` for a module of nginx built `=dynamic`, else the module's table. */
  readonly table: string;
  /** For a module table, its version; a module of nginx has the build's version. */
  readonly version?: string;
  /** The ngx_module_t names in the file (a module table may have several per file, as njs has per type). */
  readonly modules: readonly string[];
}

/** How a build has a module of nginx: compiled in, as a .so, or not certain (configure probes the platform). */
export type ModuleLinkage = 'static' | 'dynamic' | 'possible';

export interface ConfiguredModules {
  /** The modules of nginx the build has, by ngx_module_t name; a module not here is not built. */
  readonly modules: ReadonlyMap<string, ModuleLinkage>;
  /** For each dynamic module, its file. */
  readonly files: ReadonlyMap<string, string>;
  /** Whether a C macro of nginx's is defined in this build. */
  macro(name: string): Truth;
  /** `--add-module=` and `--add-dynamic-module=` paths: third-party modules. */
  readonly addedModules: readonly { readonly path: string; readonly dynamic: boolean }[];
  /** A configure variable after the arguments and auto/modules ran (undefined: decided by a probe). */
  variable(name: string): string | undefined;
}

/*
 * Modules auto/modules does not add: auto/sources lists CORE_MODULES (ngx_core_module,
 * ngx_errlog_module, ngx_conf_module) and EVENT_MODULES (ngx_events_module, ngx_event_core_module)
 * for every build; auto/os/linux adds ngx_epoll_module (images and host packages are Linux
 * builds); auto/modules adds $THREAD_POOL_MODULE when USE_THREADS=YES (--with-threads). The
 * event modules of other systems (kqueue, /dev/poll, event ports, IOCP) are never in a Linux build.
 */
const alwaysBuilt = ['ngx_core_module', 'ngx_errlog_module', 'ngx_conf_module', 'ngx_events_module', 'ngx_event_core_module', 'ngx_epoll_module'];
const threadPoolModule = 'ngx_thread_pool_module';

/*
 * C macros the command arrays are guarded by that auto/modules does not define, as a Linux build
 * has them: auto/threads defines NGX_THREADS with --with-threads; auto/unix probes openat(),
 * which glibc and musl have (NGX_HAVE_OPENAT); auto/os/freebsd alone probes the sendfile() AIO
 * (NGX_HAVE_AIO_SENDFILE); auto/lib/openssl/conf defines NGX_OPENSSL and NGX_SSL when a module
 * uses OpenSSL, auto/lib/pcre/conf NGX_PCRE when one uses PCRE; NGX_WIN32 and the BSD macros are
 * other systems'.
 */
const platformMacros: Readonly<Record<string, string>> = {
  NGX_THREADS: 'USE_THREADS=YES',
  NGX_OPENSSL: 'USE_OPENSSL=YES',
  NGX_SSL: 'USE_OPENSSL=YES',
  NGX_PCRE: 'USE_PCRE=YES',
  NGX_HAVE_OPENAT: 'true',
  NGX_HAVE_AIO_SENDFILE: 'false',
  NGX_LINUX: 'true',
  NGX_WIN32: 'false',
  NGX_FREEBSD: 'false',
  NGX_DARWIN: 'false',
  NGX_SOLARIS: 'false',
};

/** Runs a build's configure arguments through the configure model read from nginx's source. */
export function configureModules(configure: ConfigureData, configureArguments: readonly string[]): ConfiguredModules {
  // undefined in the map: a probe decides (EVENT_FOUND, SO_COOKIE_FOUND…)
  const variables = new Map<string, string | undefined>(Object.entries(configure.defaults));
  const addedModules: { path: string; dynamic: boolean }[] = [];
  for (const argument of configureArguments) {
    const assignments = configure.options[argument];
    if (assignments !== undefined) {
      for (const [name, value] of Object.entries(assignments)) variables.set(name, value);
      continue;
    }
    const added = /^--add-(dynamic-)?module=(.*)$/.exec(argument);
    if (added) addedModules.push({ path: added[2], dynamic: added[1] !== undefined });
  }
  const variable = (name: string): string | undefined => variables.get(name);
  const haves = new Map<string, Truth>();
  const macro = (name: string): Truth => {
    if (haves.has(name)) return haves.get(name);
    const platform = platformMacros[name];
    return platform === undefined ? undefined : evaluateCondition(platform, { variable, macro: () => undefined });
  };
  const facts = { variable, macro };
  const modules = new Map<string, ModuleLinkage>();
  const files = new Map<string, string>();
  const typeOf = new Map<string, string>();
  for (const name of alwaysBuilt) modules.set(name, 'static');
  for (const step of configure.steps) {
    const when = evaluateCondition(step.when, facts);
    if (when === false) continue;
    switch (step.kind) {
      case 'set':
        variables.set(step.variable, when === true || variables.get(step.variable) === step.value ? step.value : undefined);
        break;
      case 'have': {
        const before = haves.get(step.macro) ?? false;
        haves.set(step.macro, before === true || when === true ? true : undefined);
        break;
      }
      case 'module': {
        const link = step.link === 'YES' ? 'YES' : variable(step.link);
        const linkage: ModuleLinkage = when === undefined || link === undefined ? 'possible' : link === 'DYNAMIC' ? 'dynamic' : 'static';
        for (const name of step.names) {
          modules.set(name, linkage);
          typeOf.set(name, step.type);
          if (linkage === 'dynamic') files.set(name, `modules/${step.names[0]}.so`);
        }
        break;
      }
      case 'relink': {
        if (when !== true || step.link !== 'DYNAMIC') break;
        // $STREAM_MODULES holds the modules linked in; one linked `=dynamic` has a .so of its own
        const group = [...typeOf].filter(([name, type]) => type === step.type && modules.get(name) === 'static').map(([name]) => name);
        for (const name of group) {
          modules.set(name, 'dynamic');
          files.set(name, `modules/${group[0]}.so`);
        }
        break;
      }
    }
  }
  const threads = variable('USE_THREADS');
  if (threads === 'YES') modules.set(threadPoolModule, 'static');
  else if (threads === undefined) modules.set(threadPoolModule, 'possible');
  return { modules, files, macro, addedModules, variable };
}

/**
 * The option that would build a module this build lacks: of the variables its auto/modules
 * condition tests, the first whose value fails, and the option that sets it
 * (`ngx_http_v2_module` → `--with-http_v2_module`). undefined when certboot cannot name one.
 */
export function optionBuilding(configure: ConfigureData, configured: ConfiguredModules, module: string): string | undefined {
  const step = configure.steps.find((candidate) => candidate.kind === 'module' && candidate.names.includes(module));
  if (step === undefined) return undefined;
  for (const term of step.when.split(/\s*&&\s*/)) {
    const match = /^(\w+)(!?=)(\w+)$/.exec(term);
    if (!match) continue;
    const [, name, operator, value] = match;
    const current = configured.variable(name);
    if (current !== undefined && (current === value) === (operator === '=')) continue;
    const wanted = operator === '=' ? value : 'YES';
    const option = Object.entries(configure.options).find(([, assignments]) => assignments[name] === wanted);
    if (option !== undefined) return option[0];
  }
  return undefined;
}
