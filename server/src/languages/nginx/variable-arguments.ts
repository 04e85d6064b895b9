/**
 * Which arguments of a directive nginx compiles for variables, and which define one — read from
 * each handler in nginx's source (1.18.0–1.31.4) and njs's. A `$name` anywhere else is text:
 * `server_name`, `listen`, `include`, `ssl_ciphers` and most directives never look for variables,
 * and a regular expression (`location ~ …$`, `rewrite ^/(.*)$ …`) is no value at all.
 *
 * "parse": the handler compiles the value as it reads the directive (ngx_http_compile_complex_value(),
 * ngx_http_script_compile(), ngx_http_get_variable_index()); "merge": the module compiles it when
 * it merges the locations (proxy_set_header, fastcgi_param, ssl_certificate), so nginx meets it
 * after every value compiled at parse.
 */

export type VariableBlock = 'http' | 'stream';

export interface CompiledArgument {
  readonly index: number;
  /** Where the compiled value starts in the argument (`if=` of access_log, `from=` of disable_symlinks). */
  readonly offset: number;
  /**
   * The rest of the argument after `$` is one variable name, not a value: `if ($name)`, the address
   * of `geo $remote_addr $x`, `charset $x` (ngx_http_get_variable_index() of the whole word).
   */
  readonly whole?: true;
  readonly when: 'parse' | 'merge';
}

type Selector = (args: readonly string[]) => readonly CompiledArgument[];

/**
 * The arguments at fixed indexes, those the directive has: the same few objects for every
 * directive of the name (a big configuration has hundreds of `proxy_set_header`s).
 */
const fixed = (when: CompiledArgument['when'], indexes: readonly number[]): Selector => {
  const compiled: readonly CompiledArgument[] = indexes.map((index) => ({ index, offset: 0, when }));
  return (args) => (compiled.every((argument) => argument.index < args.length) ? compiled : compiled.filter((argument) => argument.index < args.length));
};
const at = (...indexes: number[]): Selector => fixed('parse', indexes);
const atMerge = (...indexes: number[]): Selector => fixed('merge', indexes);
const all: Selector = (args) => args.map((_, index) => ({ index, offset: 0, when: 'parse' as const }));
const last: Selector = (args) => (args.length === 0 ? [] : [{ index: args.length - 1, offset: 0, when: 'parse' }]);
/** The first argument unless it is one of `words` (`off`, `on`). */
const firstUnless =
  (...words: string[]): Selector =>
  (args) =>
    args.length > 0 && !words.includes(args[0]) ? [{ index: 0, offset: 0, when: 'parse' }] : [];
/** The arguments that start with `prefix=`, from after it. */
const parameter =
  (prefix: string): Selector =>
  (args) =>
    args.flatMap((value, index) => (value.startsWith(prefix) ? [{ index, offset: prefix.length, when: 'parse' as const }] : []));
const both =
  (...selectors: Selector[]): Selector =>
  (args) =>
    selectors.flatMap((selector) => selector(args));
/** A variable name as the whole argument when it starts with `$` (charset, source_charset). */
const wholeIfVariable =
  (index: number): Selector =>
  (args) =>
    args[index]?.startsWith('$') ? [{ index, offset: 1, whole: true, when: 'parse' }] : [];

/** access_log: the path (not `off`, `syslog:`, `memory:`) and `if=` (ngx_http_log_set_log()). */
const accessLog: Selector = both((args) => {
  const path = args[0];
  return path === undefined || path === 'off' || path.startsWith('syslog:') || path.startsWith('memory:') ? [] : [{ index: 0, offset: 0, when: 'parse' }];
}, parameter('if='));

/** log_format name [escape=…] string…: the strings (ngx_http_log_compile()). */
const logFormat: Selector = (args) =>
  args.flatMap((value, index) => (index === 0 || (index === 1 && value.startsWith('escape=')) ? [] : [{ index, offset: 0, when: 'parse' as const }]));

/** return code [text], return URL (ngx_http_rewrite_return()). */
const returnValue: Selector = (args) => {
  if (args.length === 2) return [{ index: 1, offset: 0, when: 'parse' }];
  if (args.length === 1 && !/^\d+$/.test(args[0])) return [{ index: 0, offset: 0, when: 'parse' }];
  return [];
};

/** `proxy_redirect default|off|redirect replacement`, `proxy_cookie_domain|path off|from to`: a `~` regex is no value. */
const fromTo: Selector = (args) => {
  if (args.length !== 2) return [];
  return args[0].startsWith('~') ? [{ index: 1, offset: 0, when: 'parse' }] : at(0, 1)(args);
};

/**
 * `if (condition)` (ngx_http_rewrite_if_condition()): `($name)`; `($name = value)` and `!=` compile
 * the value; `~` and its kin take a regular expression; `-f`, `-d`, `-e`, `-x` and their `!` forms
 * compile the path. Parentheses may stand alone or stick to the words.
 */
const ifCondition: Selector = (args) => {
  const words = args.map((value, index) => ({ value, index, offset: 0 }));
  if (words.length === 0 || !words[0].value.startsWith('(')) return [];
  words[0] = { ...words[0], value: words[0].value.slice(1), offset: 1 };
  const tail = words[words.length - 1];
  words[words.length - 1] = { ...tail, value: tail.value.endsWith(')') ? tail.value.slice(0, -1) : tail.value };
  const present = words.filter((word) => word.value !== '');
  const [first, operator, operand] = present;
  if (first === undefined) return [];
  if (first.value.startsWith('$')) {
    const compiled: CompiledArgument[] = [{ index: first.index, offset: first.offset + 1, whole: true, when: 'parse' }];
    if ((operator?.value === '=' || operator?.value === '!=') && operand !== undefined)
      compiled.push({ index: operand.index, offset: operand.offset, when: 'parse' });
    return compiled;
  }
  if (/^!?-[fdex]$/.test(first.value) && operator !== undefined) return [{ index: operator.index, offset: operator.offset, when: 'parse' }];
  return [];
};

/** `geo [$address] $variable { … }`: the address is a variable name. */
const geoSource: Selector = (args) => (args.length === 2 && args[0].startsWith('$') ? [{ index: 0, offset: 1, whole: true, when: 'parse' }] : []);

const http: Readonly<Record<string, Selector>> = {
  // ngx_http_log_module.c
  access_log: accessLog,
  log_format: logFormat,
  // ngx_http_headers_filter_module.c: the value, not the name; expires compiles its time
  add_header: at(1),
  add_trailer: at(1),
  expires: all,
  // ngx_http_core_module.c
  root: at(0),
  alias: at(0),
  error_page: last,
  limit_rate: at(0),
  limit_rate_after: at(0),
  disable_symlinks: parameter('from='),
  early_hints: all,
  // ngx_http_auth_basic_module.c, ngx_http_auth_request_module.c
  auth_basic: at(0),
  auth_basic_user_file: at(0),
  auth_request_set: at(1),
  // ngx_http_charset_filter_module.c
  charset: wholeIfVariable(0),
  source_charset: wholeIfVariable(0),
  // ngx_http_index_module.c, ngx_http_try_files_module.c
  index: all,
  try_files: all,
  // ngx_http_rewrite_module.c
  return: returnValue,
  rewrite: at(1),
  set: at(1),
  if: ifCondition,
  // ngx_http_map_module.c, ngx_http_geo_module.c, ngx_http_split_clients_module.c: the source value
  map: at(0),
  geo: geoSource,
  split_clients: at(0),
  // ngx_http_limit_req_module.c, ngx_http_limit_conn_module.c: the key
  limit_req_zone: at(0),
  limit_conn_zone: at(0),
  // ngx_http_upstream_hash_module.c
  hash: at(0),
  // ngx_http_secure_link_module.c, ngx_http_sub_filter_module.c
  secure_link: at(0),
  secure_link_md5: at(0),
  sub_filter: at(0, 1),
  // ngx_http_ssl_module.c: ngx_http_ssl_compile_certificates() at merge
  ssl_certificate: atMerge(0),
  ssl_certificate_key: atMerge(0),
  // ngx_http_image_filter_module.c, ngx_http_xslt_filter_module.c
  image_filter: all,
  image_filter_jpeg_quality: at(0),
  image_filter_webp_quality: at(0),
  image_filter_sharpen: at(0),
  xslt_param: at(1),
  xslt_string_param: at(1),
  // ngx_http_proxy_module.c
  proxy_pass: at(0),
  proxy_set_header: atMerge(1),
  proxy_redirect: fromTo,
  proxy_cookie_domain: fromTo,
  proxy_cookie_path: fromTo,
  proxy_method: at(0),
  proxy_limit_rate: at(0),
  proxy_cache: firstUnless('off'),
  proxy_cache_key: at(0),
  proxy_cache_bypass: all,
  proxy_no_cache: all,
  proxy_bind: firstUnless('off'),
  proxy_store: firstUnless('on', 'off'),
  proxy_ssl_certificate: at(0),
  proxy_ssl_certificate_key: at(0),
  proxy_ssl_name: at(0),
  // ngx_http_fastcgi_module.c, ngx_http_uwsgi_module.c, ngx_http_scgi_module.c, ngx_http_grpc_module.c: params at merge (ngx_http_*_init_params())
  fastcgi_pass: at(0),
  fastcgi_param: atMerge(1),
  fastcgi_cache: firstUnless('off'),
  fastcgi_cache_key: at(0),
  fastcgi_cache_bypass: all,
  fastcgi_no_cache: all,
  fastcgi_bind: firstUnless('off'),
  fastcgi_store: firstUnless('on', 'off'),
  fastcgi_limit_rate: at(0),
  uwsgi_pass: at(0),
  uwsgi_param: atMerge(1),
  uwsgi_cache: firstUnless('off'),
  uwsgi_cache_key: at(0),
  uwsgi_cache_bypass: all,
  uwsgi_no_cache: all,
  uwsgi_bind: firstUnless('off'),
  uwsgi_store: firstUnless('on', 'off'),
  uwsgi_limit_rate: at(0),
  uwsgi_ssl_certificate: at(0),
  uwsgi_ssl_certificate_key: at(0),
  uwsgi_ssl_name: at(0),
  scgi_pass: at(0),
  scgi_param: atMerge(1),
  scgi_cache: firstUnless('off'),
  scgi_cache_key: at(0),
  scgi_cache_bypass: all,
  scgi_no_cache: all,
  scgi_bind: firstUnless('off'),
  scgi_store: firstUnless('on', 'off'),
  scgi_limit_rate: at(0),
  grpc_pass: at(0),
  grpc_set_header: atMerge(1),
  grpc_bind: firstUnless('off'),
  grpc_ssl_certificate: at(0),
  grpc_ssl_certificate_key: at(0),
  grpc_ssl_name: at(0),
  memcached_bind: firstUnless('off'),
  // njs: ngx_http_js_module.c, js_var's value
  js_var: at(1),
};

const stream: Readonly<Record<string, Selector>> = {
  // ngx_stream_log_module.c
  access_log: accessLog,
  log_format: logFormat,
  // ngx_stream_set_module.c, ngx_stream_return_module.c, ngx_stream_pass_module.c
  set: at(1),
  return: at(0),
  pass: at(0),
  // ngx_stream_map_module.c, ngx_stream_geo_module.c, ngx_stream_split_clients_module.c
  map: at(0),
  geo: geoSource,
  split_clients: at(0),
  // ngx_stream_limit_conn_module.c, ngx_stream_upstream_hash_module.c
  limit_conn_zone: at(0),
  hash: at(0),
  // ngx_stream_proxy_module.c
  proxy_pass: at(0),
  proxy_bind: firstUnless('off'),
  proxy_ssl_name: at(0),
  proxy_ssl_certificate: at(0),
  proxy_ssl_certificate_key: at(0),
  proxy_download_rate: at(0),
  proxy_upload_rate: at(0),
  // ngx_stream_ssl_module.c: at merge
  ssl_certificate: atMerge(0),
  ssl_certificate_key: atMerge(0),
  js_var: at(1),
};

/** Whether nginx compiles any argument of the directive for variables. */
export function compilesVariables(block: VariableBlock, directive: string): boolean {
  return (block === 'http' ? http : stream)[directive] !== undefined;
}

/** The arguments of a directive that nginx compiles for variables; empty for a directive that compiles none. */
export function compiledArguments(block: VariableBlock, directive: string, args: readonly string[]): readonly CompiledArgument[] {
  const selector = (block === 'http' ? http : stream)[directive];
  return selector === undefined ? [] : selector(args);
}

/**
 * The directives that add a variable the configuration names, and which argument names it:
 * ngx_http_rewrite_set() (`set $x …`), ngx_http_map_block() (`map $source $x`),
 * ngx_http_geo_block() (`geo [$address] $x`, the last), ngx_conf_split_clients_block(),
 * ngx_http_auth_request_set(), ngx_http_perl_set(), and njs's js_set and js_var; the stream
 * modules' likewise. The directive tables' `definers` (read from the source) must all be here.
 */
const definerArgument: Readonly<Record<string, (args: readonly string[]) => number | undefined>> = {
  set: () => 0,
  map: () => 1,
  geo: (args) => (args.length === 2 ? 1 : args.length === 1 ? 0 : undefined),
  split_clients: () => 1,
  auth_request_set: () => 0,
  perl_set: () => 0,
  js_set: () => 0,
  js_var: () => 0,
};

export const knownDefiners: ReadonlySet<string> = new Set(Object.keys(definerArgument));

/** The variable a defining directive adds, without `$`; undefined for another directive. */
export function definedVariable(directive: string, args: readonly string[]): string | undefined {
  const index = definerArgument[directive]?.(args);
  const value = index === undefined ? undefined : args[index];
  return value?.startsWith('$') ? value.slice(1) : undefined;
}

/**
 * The entries of these blocks are data, not directives: map and geo keys, split_clients shares,
 * types, charset_map. Their values are compiled only in a map (ngx_http_map(): every value but
 * that of `include`, `hostnames` and `volatile`).
 */
export const dataBlocks: ReadonlySet<string> = new Set(['map', 'geo', 'split_clients', 'types', 'charset_map', 'match']);

/** A map's entries that are no key and value (ngx_http_map()). */
export const mapKeywords: ReadonlySet<string> = new Set(['include', 'hostnames', 'volatile']);

/**
 * The directives whose regular expressions go through ngx_http_regex_compile() (or the stream
 * module's), which adds each named capture as a variable: `location`, `if`, `rewrite`,
 * `server_name`, `proxy_redirect` and the proxy_cookie_* directives, and a map's keys. Others
 * compile theirs with ngx_regex_compile() (`fastcgi_split_path_info`, `valid_referers`): their
 * names add nothing.
 */
export const captureDefiners: ReadonlySet<string> = new Set([
  'location',
  'if',
  'rewrite',
  'server_name',
  'proxy_redirect',
  'proxy_cookie_domain',
  'proxy_cookie_path',
  'proxy_cookie_flags',
]);
