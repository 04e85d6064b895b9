import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import { readCSource, tokenize } from '../../../scripts/nginx-directives/c-source';
import { readConfigureModules, readConfigureOptions, readShellCondition } from '../../../scripts/nginx-directives/configure';
import { buildVersionTable, mergeVersions, type VersionTable } from '../../../scripts/nginx-directives/directive-table';
import { readConfigureModuleList, readMirrorTarballs, readNginxPatches, readPatchCommands } from '../../../scripts/nginx-directives/openresty';
import { readConfigureArguments, readDockerfile, readModulePackage } from '../../../scripts/nginx-directives/official-images';

// Excerpts written for these tests in the shape nginx's sources have (src/core/ngx_conf_file.h):
// a module's ngx_command_t array, its ngx_module_t, handlers that warn. Three "releases" of one
// imaginary module: 1 has `tls` (deprecated through a post), 2 adds `h2` and drops `tls`, 3 makes
// `old_timeout` obsolete and deprecates the `h2` parameter of `bind`.

const confFile = `
char *
ngx_conf_deprecated(ngx_conf_t *cf, void *post, void *data)
{
    ngx_conf_deprecated_t  *d = post;

    ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                       "the \\"%s\\" directive is deprecated, "
                       "use the \\"%s\\" directive instead",
                       d->old_name, d->new_name);

    return NGX_CONF_OK;
}
`;

function release(options: { tls: boolean; h2: boolean; obsolete: boolean }): string {
  return `
static char *ngx_demo_bind(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

${options.tls ? 'static ngx_conf_deprecated_t  ngx_demo_tls_deprecated = {\n    ngx_conf_deprecated, "tls", "bind ... tls"\n};\n' : ''}
static ngx_command_t  ngx_demo_commands[] = {

    { ngx_string("demo"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_NOARGS,
      ngx_demo_block,
      0,
      0,
      NULL },

    { ngx_string("bind"),
      NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_demo_bind,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },
${
  options.tls
    ? `
    { ngx_string("tls"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_demo_srv_conf_t, tls),
      &ngx_demo_tls_deprecated },
`
    : ''
}${
  options.h2
    ? `
    { ngx_string("h2"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_demo_srv_conf_t, h2),
      NULL },
`
    : ''
}
    { ngx_string("old_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF|NGX_CONF_TAKE12,
      ${options.obsolete ? 'ngx_demo_obsolete' : 'ngx_conf_set_msec_slot'},
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

#if (NGX_DEMO_CACHE)

    { ngx_string("demo_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE123,
      ngx_demo_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
#if (NGX_PCRE)
      offsetof(ngx_demo_loc_conf_t, cache),
#else
      0,
#endif
      NULL },

#else

    { ngx_string("demo_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_ANY,
      ngx_demo_no_cache,
      0,
      0,
      NULL },

#endif

      ngx_null_command
};


ngx_module_t  ngx_demo_module = {
    NGX_MODULE_V1,
    &ngx_demo_module_ctx,                  /* module context */
    ngx_demo_commands,                     /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,
    NGX_MODULE_V1_PADDING
};


static char *
ngx_demo_bind(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value;
    ngx_uint_t  n;

    value = cf->args->elts;

    for (n = 2; n < cf->args->nelts; n++) {

        if (ngx_strcmp(value[n].data, "h2") == 0) {
${options.obsolete ? '            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,\n                               "the \\"bind ... h2\\" directive "\n                               "is deprecated, use the \\"h2\\" directive instead");\n' : ''}            continue;
        }

#if (NGX_WIN32)
        if (value[n].len == 0) {
#else
        if (value[n].data[0] == '\\0') {
#endif
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}

${
  options.obsolete
    ? `
static char *
ngx_demo_obsolete(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                       "the \\"%V\\" directive is obsolete, ignored",
                       &cmd->name);

    return NGX_CONF_OK;
}
`
    : ''
}
`;
}

function table(options: { tls: boolean; h2: boolean; obsolete: boolean }): VersionTable {
  return buildVersionTable([
    { path: 'src/core/ngx_conf_file.c', text: confFile },
    { path: 'src/http/modules/ngx_demo_module.c', text: release(options) },
  ]);
}

describe('nginx directive table generator', () => {
  describe('the C reader', () => {
    it('keeps each token’s #if guard, the #else branch negated and #elif after the earlier branches', () => {
      const tokens = tokenize('a\n#if (NGX_A)\nb\n#elif (NGX_B || NGX_C)\nc\n#else\nd\n#endif\n#ifndef NGX_E\ne\n#endif\n');
      deepStrictEqual(
        tokens.map((token) => [token.text, token.guard ?? '', token.alternative]),
        [
          ['a', '', false],
          ['b', 'NGX_A', false],
          ['c', '!NGX_A && (NGX_B || NGX_C)', true],
          ['d', '!NGX_A && !(NGX_B || NGX_C)', true],
          ['e', '!NGX_E', false],
        ],
      );
    });

    it('reads a command array, its module and the posts', () => {
      const source = readCSource(release({ tls: true, h2: false, obsolete: false }), 'demo.c');
      deepStrictEqual(
        source.commands.map((command) => [command.name, command.flags.join('|'), command.handler, command.post ?? '', command.guard ?? '']),
        [
          ['demo', 'NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_NOARGS', 'ngx_demo_block', '', ''],
          ['bind', 'NGX_HTTP_SRV_CONF|NGX_CONF_1MORE', 'ngx_demo_bind', '', ''],
          ['tls', 'NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG', 'ngx_conf_set_flag_slot', 'ngx_demo_tls_deprecated', ''],
          ['old_timeout', 'NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF|NGX_CONF_TAKE12', 'ngx_conf_set_msec_slot', '', ''],
          ['demo_cache', 'NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE123', 'ngx_demo_cache', '', 'NGX_DEMO_CACHE'],
          ['demo_cache', 'NGX_HTTP_MAIN_CONF|NGX_CONF_ANY', 'ngx_demo_no_cache', '', '!NGX_DEMO_CACHE'],
        ],
      );
      deepStrictEqual(source.modules, [{ name: 'ngx_demo_module', commands: 'ngx_demo_commands', type: 'NGX_HTTP_MODULE', guard: undefined }]);
      deepStrictEqual(source.deprecatedPosts, [{ name: 'ngx_demo_tls_deprecated', handler: 'ngx_conf_deprecated', oldName: 'tls', newName: 'bind ... tls' }]);
    });

    it('names the file and line of what it cannot read', () => {
      throws(
        () =>
          readCSource(
            'static ngx_command_t  c[] = {\n    { ngx_string("x"), NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1, h, 0, 0 },\n    ngx_null_command\n};\n',
            'bad.c',
          ),
        {
          message: 'bad.c:2: a command of c has 5 fields, not 6',
        },
      );
      throws(() => readCSource('static ngx_command_t  c[] = {\n    { ngx_string("x"), NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1, h, 0, 0, NULL },\n};\n', 'bad.c'), {
        message: 'bad.c:1: the command array c does not end with ngx_null_command',
      });
      throws(() => tokenize('#if (A)\nx\n', 'open.c'), { message: 'open.c:3: #if without #endif' });
    });
  });

  describe('one release', () => {
    it('gives each command its module, contexts, argument counts, guard and the warnings its handler or post prints', () => {
      deepStrictEqual(table({ tls: true, h2: false, obsolete: false }), {
        declarations: [
          { name: 'demo', module: 'ngx_demo_module', contexts: ['http'], arguments: '0', block: true },
          { name: 'bind', module: 'ngx_demo_module', contexts: ['server'], arguments: '1+' },
          {
            name: 'tls',
            module: 'ngx_demo_module',
            contexts: ['http', 'server'],
            arguments: 'flag',
            deprecated: { message: 'the "tls" directive is deprecated, use the "bind ... tls" directive instead', replacement: 'bind ... tls' },
          },
          { name: 'old_timeout', module: 'ngx_demo_module', contexts: ['http', 'server', 'location', 'location-if'], arguments: '1|2' },
          { name: 'demo_cache', module: 'ngx_demo_module', contexts: ['http', 'server', 'location'], arguments: '1|2|3', guard: 'NGX_DEMO_CACHE' },
          { name: 'demo_cache', module: 'ngx_demo_module', contexts: ['http'], arguments: '0+', guard: '!NGX_DEMO_CACHE' },
        ],
        modules: { ngx_demo_module: { file: 'src/http/modules/ngx_demo_module.c', type: 'http' } },
      });
    });

    it('reads an obsolete handler as ignored, and a warning inside `if (ngx_strcmp(value[n].data, "h2") == 0)` as the parameter’s', () => {
      const declarations = table({ tls: false, h2: true, obsolete: true }).declarations;
      deepStrictEqual(
        declarations.filter((declaration) => declaration.name === 'bind' || declaration.name === 'old_timeout'),
        [
          {
            name: 'bind',
            module: 'ngx_demo_module',
            contexts: ['server'],
            arguments: '1+',
            parameters: [{ parameter: 'h2', message: 'the "bind ... h2" directive is deprecated, use the "h2" directive instead' }],
          },
          {
            name: 'old_timeout',
            module: 'ngx_demo_module',
            contexts: ['http', 'server', 'location', 'location-if'],
            arguments: '1|2',
            deprecated: { message: 'the "old_timeout" directive is obsolete, ignored', ignored: true },
          },
        ],
      );
    });

    it('refuses a context flag of another module type and a command no module names', () => {
      const stray =
        'static ngx_command_t  c[] = {\n    { ngx_string("x"), NGX_STREAM_SRV_CONF|NGX_CONF_TAKE1, h, 0, 0, NULL },\n    ngx_null_command\n};\nngx_module_t  m = { NGX_MODULE_V1, NULL, c, NGX_HTTP_MODULE };\n';
      throws(() => buildVersionTable([{ path: 'x.c', text: stray }]), { message: 'x.c:2: NGX_STREAM_SRV_CONF is not a context of a http module' });
      const orphan = 'static ngx_command_t  c[] = {\n    { ngx_string("x"), NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1, h, 0, 0, NULL },\n    ngx_null_command\n};\n';
      throws(() => buildVersionTable([{ path: 'x.c', text: orphan }]), { message: 'x.c:2: no ngx_module_t names the command array c' });
    });
  });

  describe('all releases', () => {
    it('keeps each distinct declaration once, with the runs of releases that have it', () => {
      const merged = mergeVersions(
        new Map([
          ['1.1.0', table({ tls: true, h2: false, obsolete: false })],
          ['1.1.1', table({ tls: true, h2: false, obsolete: false })],
          ['1.2.0', table({ tls: false, h2: true, obsolete: false })],
          ['1.2.1', table({ tls: false, h2: true, obsolete: true })],
        ]),
      );
      deepStrictEqual(merged.versions, ['1.1.0', '1.1.1', '1.2.0', '1.2.1']);
      deepStrictEqual(
        merged.directives.map((directive) => [directive.name, directive.versions, directive.deprecated?.message ?? '', directive.parameters?.length ?? 0]),
        [
          ['bind', '1.1.0-1.2.0', '', 0],
          ['bind', '1.2.1-', '', 1],
          ['demo', '1.1.0-', '', 0],
          ['demo_cache', '1.1.0-', '', 0],
          ['demo_cache', '1.1.0-', '', 0],
          ['h2', '1.2.0-', '', 0],
          ['old_timeout', '1.1.0-1.2.0', '', 0],
          ['old_timeout', '1.2.1-', 'the "old_timeout" directive is obsolete, ignored', 0],
          ['tls', '1.1.0-1.1.1', 'the "tls" directive is deprecated, use the "bind ... tls" directive instead', 0],
        ],
      );
    });

    it('writes a release missing from the middle as two runs', () => {
      const merged = mergeVersions(
        new Map([
          ['1.0.0', table({ tls: false, h2: false, obsolete: false })],
          ['1.0.1', table({ tls: false, h2: true, obsolete: false })],
          ['1.1.0', table({ tls: false, h2: false, obsolete: false })],
          ['1.1.1', table({ tls: false, h2: true, obsolete: false })],
        ]),
      );
      strictEqual(merged.directives.find((directive) => directive.name === 'h2')?.versions, '1.0.1,1.1.1-');
    });
  });

  describe('configure', () => {
    // in the shape of nginx's auto/options and auto/modules
    const options = `
HTTP=YES
${Array.from({ length: 20 }, (_, index) => `DUMMY_${index}=NO`).join('\n')}
HTTP_DEMO=NO
HTTP_GZIP=YES
MAIL=NO

for option
do
    case "$option" in
${Array.from({ length: 20 }, (_, index) => `        --with-dummy${index})   DUMMY_${index}=YES ;;`).join('\n')}
        --with-http_demo_module)         HTTP_DEMO=YES              ;;
        --with-http_demo_module=dynamic)
                                         HTTP_DEMO=DYNAMIC          ;;
        --without-http_gzip_module)      HTTP_GZIP=NO               ;;
        --with-mail)                     MAIL=YES                   ;;
        --with-mail=dynamic)             MAIL=DYNAMIC               ;;
        --prefix=*)                      NGX_PREFIX="$value"        ;;
    esac
done
`;
    const modules = `
if [ $HTTP = YES ]; then
    ngx_module_type=HTTP

    if [ $HTTP_GZIP = YES ]; then
        have=NGX_HTTP_GZIP . auto/have
        USE_ZLIB=YES
        ngx_module_name=ngx_http_gzip_filter_module
        ngx_module_link=$HTTP_GZIP

        . auto/module
    fi

    if [ $HTTP_DEMO != NO -a $HTTP_GZIP = YES ]; then
        ngx_module_name="ngx_http_demo_module \\
                         ngx_http_demo_filter_module"
        ngx_module_link=$HTTP_DEMO

        . auto/module
    fi
fi

if [ $MAIL != NO ]; then
    ngx_module_type=MAIL
    ngx_module_link=YES
    ngx_module_name="ngx_mail_module ngx_mail_core_module"

    . auto/module

    if [ $MAIL = DYNAMIC ]; then
        ngx_module_name=$MAIL_MODULES
        ngx_module_link=DYNAMIC

        . auto/module
    fi
fi

if test -n "$NGX_ADDONS"; then
    for ngx_addon_dir in $NGX_ADDONS
    do
        ngx_module_name=
        . $ngx_addon_dir/config
    done
fi
`;

    it('reads the defaults and what each option sets', () => {
      const read = readConfigureOptions(options);
      deepStrictEqual([read.defaults.HTTP, read.defaults.HTTP_DEMO, read.defaults.MAIL], ['YES', 'NO', 'NO']);
      deepStrictEqual(read.options['--with-http_demo_module=dynamic'], { HTTP_DEMO: 'DYNAMIC' });
      deepStrictEqual(read.options['--without-http_gzip_module'], { HTTP_GZIP: 'NO' });
      strictEqual(read.options['--prefix=*'], undefined);
    });

    it('reads the modules in order with the conditions around them', () => {
      deepStrictEqual(readShellCondition('$HTTP_GRPC = YES -a $HTTP_V2 = YES'), 'HTTP_GRPC=YES && HTTP_V2=YES');
      deepStrictEqual(readConfigureModules(modules), [
        { kind: 'have', macro: 'NGX_HTTP_GZIP', when: 'HTTP=YES && HTTP_GZIP=YES' },
        { kind: 'set', variable: 'USE_ZLIB', value: 'YES', when: 'HTTP=YES && HTTP_GZIP=YES' },
        { kind: 'module', names: ['ngx_http_gzip_filter_module'], type: 'HTTP', link: 'HTTP_GZIP', when: 'HTTP=YES && HTTP_GZIP=YES' },
        {
          kind: 'module',
          names: ['ngx_http_demo_module', 'ngx_http_demo_filter_module'],
          type: 'HTTP',
          link: 'HTTP_DEMO',
          when: 'HTTP=YES && HTTP_DEMO!=NO && HTTP_GZIP=YES',
        },
        { kind: 'module', names: ['ngx_mail_module', 'ngx_mail_core_module'], type: 'MAIL', link: 'YES', when: 'MAIL!=NO' },
        { kind: 'relink', type: 'MAIL', link: 'DYNAMIC', when: 'MAIL!=NO && MAIL=DYNAMIC' },
      ]);
    });
  });

  describe('OpenResty and the official images', () => {
    it('reads the bundles, the modules configure enables and the nginx patches of a release', () => {
      const mirror = [
        'ver="$main_ver"',
        '$root/util/get-tarball "https://openresty.org/download/nginx-$ver.tar.gz" -O nginx-$ver.tar.gz || exit 1',
        'patch -p1 < $root/patches/nginx/$main_ver/nginx-$main_ver-demo_directive.patch || exit 1',
        '#patch -p1 < $root/patches/nginx/$main_ver/nginx-$main_ver-off.patch || exit 1',
        'ver=0.12',
        '$root/util/get-tarball "https://github.com/someone/demo-nginx-module/tarball/v$ver" -O demo-nginx-module-$ver.tar.gz || exit 1',
        'mv someone-demo-nginx-module-* demo-nginx-module-$ver || exit 1',
        'ver=2.1',
        '$root/util/get-tarball "https://example.org/other-$ver.tar.gz" -O other-nginx-module-$ver.tar.gz || exit 1',
        'mv other-* other-nginx-module-$ver || exit 1',
      ].join('\n');
      deepStrictEqual(
        [...readMirrorTarballs(mirror).values()],
        [
          { directory: 'demo-nginx-module', repository: 'demo-nginx-module', version: '0.12' },
          { directory: 'other-nginx-module', repository: 'other-nginx-module', version: '2.1' },
        ],
      );
      deepStrictEqual(readNginxPatches(mirror, '1.27.1'), ['patches/nginx/1.27.1/nginx-1.27.1-demo_directive.patch']);
      deepStrictEqual(
        readConfigureModuleList("my @modules = (\n    [http_demo => 'demo-nginx-module'],\n    [http_other => 'other-nginx-module', 'disabled'],\n);\n"),
        new Map([
          ['demo-nginx-module', true],
          ['other-nginx-module', false],
        ]),
      );
    });

    it('reads the commands a patch adds, as the patched file’s module declares them', () => {
      const patch = [
        '--- nginx-1.27.1/src/http/ngx_http_core_module.c',
        '+++ nginx-1.27.1-patched/src/http/ngx_http_core_module.c',
        '@@ -100,6 +100,13 @@ static ngx_command_t  ngx_http_core_commands[] = {',
        '       NULL },',
        ' ',
        '+    { ngx_string("demo_pages"),',
        '+      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_NOARGS,',
        '+      ngx_demo_pages,',
        '+      NGX_HTTP_LOC_CONF_OFFSET,',
        '+      0,',
        '+      NULL },',
        '+',
      ].join('\n');
      deepStrictEqual(
        readPatchCommands(patch, (file) => (file === 'src/http/ngx_http_core_module.c' ? { name: 'ngx_http_core_module', type: 'http' } : undefined)),
        [{ name: 'demo_pages', module: 'ngx_http_core_module', contexts: ['http', 'server'], arguments: '0' }],
      );
    });

    it('reads a Dockerfile’s versions and module packages, the package’s configure arguments and a module package’s files', () => {
      const dockerfile = [
        'FROM nginx:1.27.5-alpine-slim',
        'ENV NGINX_VERSION   1.27.5',
        'ENV NJS_VERSION     0.8.10',
        'RUN set -x \\',
        '    && nginxPackages=" \\',
        '        nginx=${NGINX_VERSION}-r${PKG_RELEASE} \\',
        '        nginx-module-xslt=${NGINX_VERSION}-r${DYNPKG_RELEASE} \\',
        '        nginx-module-njs=${NGINX_VERSION}.${NJS_VERSION}-r${NJS_RELEASE} \\',
        '    " \\',
      ].join('\n');
      deepStrictEqual(readDockerfile(dockerfile), { nginx: '1.27.5', njs: '0.8.10', packages: ['njs', 'xslt'], from: 'alpine-slim' });
      deepStrictEqual(readConfigureArguments('X=1\nBASE_CONFIGURE_ARGS=\\\n\t--prefix=/etc/nginx \\\n\t--with-threads \\\n\t--with-http_ssl_module\n\nifeq'), [
        '--prefix=/etc/nginx',
        '--with-threads',
        '--with-http_ssl_module',
      ]);
      deepStrictEqual(
        readModulePackage(
          'MODULE_CONFARGS_image_filter=\t--with-http_image_filter_module=dynamic\n    load_module modules/ngx_http_image_filter_module.so;\n',
          'image-filter',
        ),
        {
          files: ['modules/ngx_http_image_filter_module.so'],
          table: 'nginx',
        },
      );
    });
  });
});
