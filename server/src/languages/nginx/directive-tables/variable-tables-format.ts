/**
 * The shape of variable-tables.json, which scripts/nginx-directives/extract.ts writes from the
 * C source of nginx (every release from 1.18.0 on) and of njs, next to the directive tables.
 * Nothing in it is written by hand: regenerate it with `npm run generate:nginx-directives`.
 */
export interface VariableTablesData {
  /** Per source: `nginx`, `njs`. A source without a table here may define variables certboot does not know. */
  readonly tables: Readonly<Record<string, VariableSourceTable>>;
}

export interface VariableSourceTable {
  /** The repository and the tags read. */
  readonly source: string;
  /** The versions read, oldest first; `versions` of an entry index into this order. */
  readonly versions: readonly string[];
  /**
   * The variables modules declare: the entries of their `ngx_http_variable_t` and
   * `ngx_stream_variable_t` arrays, and the names they add with ngx_http_add_variable() from a
   * `static ngx_str_t` (`$gzip_ratio`, `$uid_got`…).
   */
  readonly variables: readonly VariableData[];
  /**
   * Directives whose handler adds a variable the configuration names (`set`, `map`, `geo`…):
   * the handler, or a function of its file it calls, passes a name that is not a constant to
   * ngx_http_add_variable() or ngx_stream_add_variable().
   */
  readonly definers: readonly DefinerData[];
}

export interface VariableData {
  /** Without the `$`; for a prefix variable the prefix, `http_`. */
  readonly name: string;
  /** The ngx_module_t that declares it. */
  readonly module: string;
  readonly type: 'http' | 'stream';
  /** NGX_HTTP_VAR_PREFIX: every name that starts with it (`$http_x_real_ip`). */
  readonly prefix?: true;
  /** NGX_HTTP_VAR_CHANGEABLE: `set` may assign it; otherwise `set $name` is "the duplicate … variable". */
  readonly changeable?: true;
  /** The #if around the entry, as in the directive tables. */
  readonly guard?: string;
  /** Runs of the table's versions, as in the directive tables: `1.18.0-1.25.0`, `1.25.1-`. */
  readonly versions: string;
}

export interface DefinerData {
  readonly directive: string;
  /** The ngx_module_t whose command array declares the directive. */
  readonly module: string;
  readonly type: 'http' | 'stream';
  readonly versions: string;
}
