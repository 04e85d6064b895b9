import { deepStrictEqual, throws } from 'node:assert';
import { readCSource } from '../../../scripts/nginx-directives/c-source';
import { buildVariableVersionTable, mergeVariableVersions, type VariableVersionTable } from '../../../scripts/nginx-directives/variable-table';

// Excerpts written for these tests in the shape nginx's sources have (src/http/ngx_http_variables.h):
// a module's ngx_http_variable_t array ended by ngx_http_null_variable, a variable kept in a
// `static ngx_str_t`, and a command whose handler adds the variable the configuration names.

function demoModule(options: { withRatio: boolean }): string {
  return `
static ngx_str_t  ngx_demo_ratio = ngx_string("demo_ratio");
static ngx_str_t  ngx_demo_text = ngx_string("text/plain");

static ngx_command_t  ngx_demo_commands[] = {

    { ngx_string("demo_set"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_demo_set,
      0,
      0,
      NULL },

    { ngx_string("demo_type"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_demo_type,
      0,
      0,
      NULL },

      ngx_null_command
};

static ngx_http_module_t  ngx_demo_module_ctx = {
    ngx_demo_add_variables,                /* preconfiguration */
    NULL
};

ngx_module_t  ngx_demo_module = {
    NGX_MODULE_V1,
    &ngx_demo_module_ctx,                  /* module context */
    ngx_demo_commands,                     /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,
    NGX_MODULE_V1_PADDING
};

static ngx_http_variable_t  ngx_demo_vars[] = {

    { ngx_string("demo_status"), NULL, ngx_demo_status_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("demo_header_"), NULL, ngx_demo_header_variable, 0,
      NGX_HTTP_VAR_PREFIX, 0 },

#if (NGX_DEMO_TLS)
    { ngx_string("demo_tls"), NULL, ngx_demo_tls_variable, 0,
      NGX_HTTP_VAR_CHANGEABLE|NGX_HTTP_VAR_NOCACHEABLE, 0 },
#endif

#if 0
    { ngx_string("demo_unused"), NULL, ngx_demo_unused_variable, 0, 0, 0 },
#endif

      ngx_http_null_variable
};

static ngx_int_t
ngx_demo_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_demo_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }
    }
${options.withRatio ? '\n    var = ngx_http_add_variable(cf, &ngx_demo_ratio, NGX_HTTP_VAR_NOHASH);\n' : ''}
    return NGX_OK;
}

static char *
ngx_demo_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value = cf->args->elts;

    value[1].len--;
    value[1].data++;

    return ngx_demo_define(cf, &value[1]);
}

static char *
ngx_demo_define(ngx_conf_t *cf, ngx_str_t *name)
{
    ngx_http_variable_t  *v;

    v = ngx_http_add_variable(cf, name, NGX_HTTP_VAR_CHANGEABLE);
    if (v == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}

static char *
ngx_demo_type(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_demo_use(cf, &ngx_demo_text);
}
`;
}

// ngx_http_variables.c declares the core variables for ngx_http_core_module, which it does not define
const coreVariables = `
static ngx_http_variable_t  ngx_http_core_variables[] = {

    { ngx_string("host"), NULL, ngx_http_variable_host, 0, 0, 0 },

      ngx_http_null_variable
};
`;

function version(options: { withRatio: boolean }): VariableVersionTable {
  return buildVariableVersionTable([
    { path: 'src/http/ngx_http_variables.c', source: readCSource(coreVariables, 'src/http/ngx_http_variables.c') },
    { path: 'src/http/modules/ngx_demo_module.c', source: readCSource(demoModule(options), 'src/http/modules/ngx_demo_module.c') },
  ]);
}

describe('nginx variable table generator', () => {
  it('reads the variable arrays with their flags and #if guards, leaving out what #if 0 hides', () => {
    const source = readCSource(demoModule({ withRatio: false }), 'demo.c');
    deepStrictEqual(
      source.variableArrays.map((array) => [array.name, array.type, array.entries.map((entry) => [entry.name, entry.flags.join('|'), entry.guard ?? ''])]),
      [
        [
          'ngx_demo_vars',
          'http',
          [
            ['demo_status', 'NGX_HTTP_VAR_NOCACHEABLE', ''],
            ['demo_header_', 'NGX_HTTP_VAR_PREFIX', ''],
            ['demo_tls', 'NGX_HTTP_VAR_CHANGEABLE|NGX_HTTP_VAR_NOCACHEABLE', 'NGX_DEMO_TLS'],
            ['demo_unused', '', '0'],
          ],
        ],
      ],
    );
    deepStrictEqual(
      [...source.staticStrings],
      [
        ['ngx_demo_ratio', 'demo_ratio'],
        ['ngx_demo_text', 'text/plain'],
      ],
    );
  });

  it('gives each variable its module, and finds the directives whose handler adds a variable the configuration names', () => {
    deepStrictEqual(version({ withRatio: true }), {
      variables: [
        { name: 'host', module: 'ngx_http_core_module', type: 'http' },
        { name: 'demo_status', module: 'ngx_demo_module', type: 'http' },
        { name: 'demo_header_', module: 'ngx_demo_module', type: 'http', prefix: true },
        { name: 'demo_tls', module: 'ngx_demo_module', type: 'http', changeable: true, guard: 'NGX_DEMO_TLS' },
        { name: 'demo_ratio', module: 'ngx_demo_module', type: 'http' },
      ],
      // demo_set reaches ngx_http_add_variable() through ngx_demo_define(); demo_type adds nothing
      definers: [{ directive: 'demo_set', module: 'ngx_demo_module', type: 'http' }],
    });
  });

  it('merges the releases into runs of versions', () => {
    const merged = mergeVariableVersions(
      new Map([
        ['1.0.0', version({ withRatio: false })],
        ['1.1.0', version({ withRatio: true })],
      ]),
    );
    deepStrictEqual(
      merged.variables.map((variable) => [variable.name, variable.versions]),
      [
        ['demo_header_', '1.0.0-'],
        ['demo_ratio', '1.1.0-'],
        ['demo_status', '1.0.0-'],
        ['demo_tls', '1.0.0-'],
        ['host', '1.0.0-'],
      ],
    );
    deepStrictEqual(merged.definers, [{ directive: 'demo_set', module: 'ngx_demo_module', type: 'http', versions: '1.0.0-' }]);
  });

  it('names the file and line of what it cannot read', () => {
    throws(() => readCSource('static ngx_http_variable_t  v[] = {\n    { ngx_string("x"), NULL, h, 0, 0 },\n    ngx_http_null_variable\n};\n', 'bad.c'), {
      message: 'bad.c:2: a variable of v has 5 fields, not 6',
    });
    throws(
      () =>
        buildVariableVersionTable([
          { path: 'src/http/orphan.c', source: readCSource('static ngx_http_variable_t  v[] = {\n    ngx_http_null_variable\n};\n', 'orphan.c') },
        ]),
      { message: 'src/http/orphan.c: declares http variables but defines no http modules ()' },
    );
  });
});
