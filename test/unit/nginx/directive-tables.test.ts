import { deepStrictEqual, strictEqual } from 'node:assert';
import { directiveTableFor, editDistance } from '../../../server/src/languages/nginx/directive-tables/directive-table';
import { compareVersions } from '../../../server/src/languages/nginx/directive-tables/versions';
import tables from '../../../server/src/languages/nginx/directive-tables/directive-tables.json';
import type { DirectiveTablesData } from '../../../server/src/languages/nginx/directive-tables/format';
import type { NginxBuild } from '../../../server/src/languages/nginx/directive-tables/nginx-build';
import { debianNginxBuild, nginxBuildOfImage, officialImageRendersTemplates, officialImageVersionAt } from '../../../server/src/languages/nginx/nginx-builds';

const data = tables as unknown as DirectiveTablesData;

function declarations(table: string, name: string): unknown[] {
  return data.tables[table].directives.filter((directive) => directive.name === name);
}

function build(image: string): NginxBuild {
  const found = nginxBuildOfImage(image);
  if (found === undefined) throw new Error(`no build for ${image}`);
  return found;
}

describe('nginx directive tables', () => {
  // The committed data, as `npm run generate:nginx-directives` wrote it from nginx's own source.
  describe('the data generated from nginx’s source', () => {
    it('covers every release from 1.18.0 on', () => {
      const versions = data.tables.nginx.versions;
      deepStrictEqual([versions[0], versions.includes('1.25.1'), versions.includes('1.27.4')], ['1.18.0', true, true]);
    });

    it('has `ssl` until 1.25.0, deprecated in favour of `listen … ssl` (src/http/modules/ngx_http_ssl_module.c)', () => {
      deepStrictEqual(declarations('nginx', 'ssl'), [
        {
          name: 'ssl',
          module: 'ngx_http_ssl_module',
          contexts: ['http', 'server'],
          arguments: 'flag',
          deprecated: { message: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead', replacement: 'listen ... ssl' },
          versions: '1.18.0-1.25.0',
        },
        {
          name: 'ssl',
          module: 'ngx_mail_ssl_module',
          contexts: ['mail', 'mail-server'],
          arguments: 'flag',
          deprecated: { message: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead', replacement: 'listen ... ssl' },
          versions: '1.18.0-1.25.0',
        },
      ]);
    });

    it('has `http2` from 1.25.1 on, and warns about `listen … http2` from then (src/http/v2/ngx_http_v2_module.c, ngx_http_core_listen())', () => {
      deepStrictEqual(declarations('nginx', 'http2'), [
        { name: 'http2', module: 'ngx_http_v2_module', contexts: ['http', 'server'], arguments: 'flag', versions: '1.25.1-' },
      ]);
      deepStrictEqual(
        declarations('nginx', 'listen').filter((declaration) => (declaration as { module: string }).module === 'ngx_http_core_module'),
        [
          {
            name: 'listen',
            module: 'ngx_http_core_module',
            contexts: ['server'],
            arguments: '1+',
            parameters: [{ parameter: 'spdy', message: 'invalid parameter "spdy": ngx_http_spdy_module was superseded by ngx_http_v2_module' }],
            versions: '1.18.0-1.19.6',
          },
          { name: 'listen', module: 'ngx_http_core_module', contexts: ['server'], arguments: '1+', versions: '1.19.7-1.25.0' },
          {
            name: 'listen',
            module: 'ngx_http_core_module',
            contexts: ['server'],
            arguments: '1+',
            parameters: [
              { parameter: 'http2', message: 'the "listen ... http2" directive is deprecated, use the "http2" directive instead', guard: 'NGX_HTTP_V2' },
            ],
            versions: '1.25.1-',
          },
        ],
      );
    });

    it('has the directives 1.27.x added: ssl_certificate_cache and keepalive_min_timeout in 1.27.4, proxy_pass_trailers in 1.27.2 (docs/xml/nginx/changes.xml)', () => {
      deepStrictEqual(declarations('nginx', 'ssl_certificate_cache'), [
        { name: 'ssl_certificate_cache', module: 'ngx_http_ssl_module', contexts: ['http', 'server'], arguments: '1|2|3', versions: '1.27.4-' },
        { name: 'ssl_certificate_cache', module: 'ngx_stream_ssl_module', contexts: ['stream', 'stream-server'], arguments: '1|2|3', versions: '1.27.4-' },
      ]);
      deepStrictEqual(declarations('nginx', 'keepalive_min_timeout'), [
        { name: 'keepalive_min_timeout', module: 'ngx_http_core_module', contexts: ['http', 'server', 'location'], arguments: '1', versions: '1.27.4-' },
      ]);
      deepStrictEqual(declarations('nginx', 'proxy_pass_trailers'), [
        { name: 'proxy_pass_trailers', module: 'ngx_http_proxy_module', contexts: ['http', 'server', 'location'], arguments: 'flag', versions: '1.27.2-' },
      ]);
    });

    it('makes the HTTP/2 settings of 1.19.7 obsolete, ignored, naming their replacement', () => {
      deepStrictEqual(declarations('nginx', 'http2_idle_timeout'), [
        { name: 'http2_idle_timeout', module: 'ngx_http_v2_module', contexts: ['http', 'server'], arguments: '1', versions: '1.18.0-1.19.6' },
        {
          name: 'http2_idle_timeout',
          module: 'ngx_http_v2_module',
          contexts: ['http', 'server'],
          arguments: '1',
          deprecated: {
            message: 'the "http2_idle_timeout" directive is obsolete, use the "keepalive_timeout" directive instead',
            replacement: 'keepalive_timeout',
            ignored: true,
          },
          versions: '1.19.7-',
        },
      ]);
    });

    it('records the #if a declaration is compiled under', () => {
      deepStrictEqual(declarations('nginx', 'proxy_cache_path'), [
        { name: 'proxy_cache_path', module: 'ngx_http_proxy_module', contexts: ['http'], arguments: '2+', guard: 'NGX_HTTP_CACHE', versions: '1.18.0-' },
      ]);
    });
  });

  describe('a build’s table', () => {
    it('knows `ssl` as deprecated on 1.24 and `http2` as added later', () => {
      const table = directiveTableFor(build('nginx:1.24'));
      deepStrictEqual(table.declarationIn('ssl', 'server'), {
        name: 'ssl',
        module: 'ngx_http_ssl_module',
        source: 'nginx',
        contexts: ['http', 'server'],
        arguments: { kind: 'flag' },
        block: false,
        since: undefined,
        until: '1.25.0',
        deprecated: { message: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead', replacement: 'listen ... ssl' },
        deprecatedParameters: [],
        certainty: 'certain',
      });
      strictEqual(table.lookup('http2'), undefined);
      deepStrictEqual(table.whyMissing('http2'), { kind: 'added-later', module: 'ngx_http_v2_module', firstVersion: '1.25.1' });
      strictEqual(table.mayHaveUnknownDirectives, false);
    });

    it('knows `ssl` as removed on 1.25.1, and `http2` since then', () => {
      const table = directiveTableFor(build('nginx:1.25.1-alpine'));
      strictEqual(table.lookup('ssl'), undefined);
      deepStrictEqual(table.whyMissing('ssl'), { kind: 'removed', module: 'ngx_http_ssl_module', lastVersion: '1.25.0' });
      deepStrictEqual(
        table.lookup('http2')?.declarations.map((declaration) => [declaration.module, declaration.since, declaration.until]),
        [['ngx_http_v2_module', '1.25.1', undefined]],
      );
      deepStrictEqual(table.declarationIn('listen', 'server')?.deprecatedParameters, [
        { parameter: 'http2', message: 'the "listen ... http2" directive is deprecated, use the "http2" directive instead', guard: 'NGX_HTTP_V2' },
      ]);
    });

    it('counts the image’s dynamic modules once load_module loads them', () => {
      const image = build('nginx:1.27-alpine');
      const bare = directiveTableFor(image);
      strictEqual(bare.lookup('js_content'), undefined);
      deepStrictEqual(bare.whyMissing('js_content'), { kind: 'module-not-loaded', module: 'ngx_http_js_module', file: 'modules/ngx_http_js_module.so' });
      deepStrictEqual(bare.whyMissing('image_filter'), {
        kind: 'module-not-loaded',
        module: 'ngx_http_image_filter_module',
        file: 'modules/ngx_http_image_filter_module.so',
      });
      const loaded = directiveTableFor(image, { loadedModules: ['modules/ngx_http_js_module.so', '/etc/nginx/modules/ngx_http_image_filter_module.so'] });
      deepStrictEqual(
        loaded.lookup('js_content')?.declarations.map((declaration) => [declaration.source, declaration.module, declaration.contexts]),
        [['njs', 'ngx_http_js_module', ['location', 'location-if', 'limit_except']]],
      );
      strictEqual(loaded.lookup('image_filter')?.declarations[0].module, 'ngx_http_image_filter_module');
      strictEqual(loaded.mayHaveUnknownDirectives, false);
    });

    it('names the module a directive of another source needs, and the option a module of nginx needs', () => {
      const table = directiveTableFor(build('nginx:1.27-alpine'));
      strictEqual(table.lookup('more_set_headers'), undefined);
      deepStrictEqual(table.whyMissing('more_set_headers'), {
        kind: 'other-module',
        module: 'ngx_http_headers_more_filter_module',
        source: 'headers-more-nginx-module',
      });
      strictEqual(table.whyMissing('no_such_directive'), undefined);
      const minimal = directiveTableFor({ ...build('nginx:1.27-alpine'), configureArguments: [] });
      deepStrictEqual(minimal.whyMissing('ssl_certificate'), { kind: 'module-not-built', module: 'ngx_http_ssl_module', option: '--with-http_ssl_module' });
      deepStrictEqual(minimal.whyMissing('grpc_pass'), { kind: 'module-not-built', module: 'ngx_http_grpc_module', option: '--with-http_v2_module' });
    });

    it('stays open to unknown directives when an unknown module is loaded, or the version is older than the tables', () => {
      strictEqual(
        directiveTableFor(build('nginx:1.27-alpine'), { loadedModules: ['modules/ngx_http_brotli_filter_module.so'] }).mayHaveUnknownDirectives,
        true,
      );
      strictEqual(directiveTableFor({ ...build('nginx:1.27-alpine'), version: '1.16.1' }).mayHaveUnknownDirectives, true);
      strictEqual(directiveTableFor({ ...build('nginx:1.27-alpine'), version: '1.99.0' }).mayHaveUnknownDirectives, true);
      strictEqual(directiveTableFor({ ...build('nginx:1.27-alpine'), configureArguments: ['--add-module=/src/brotli'] }).mayHaveUnknownDirectives, true);
    });

    it('finds the nearest known directive of the context', () => {
      const table = directiveTableFor(build('nginx:1.27-alpine'));
      deepStrictEqual(
        [
          table.closestDirective('proxy_pas', 'location'),
          table.closestDirective('ssl_certficate', 'server'),
          table.closestDirective('proxy_set_headers', 'location'),
          table.closestDirective('more_set_headers', 'server'),
          table.closestDirective('lisen', 'http'),
          table.closestDirective('lisen', 'server'),
        ],
        ['proxy_pass', 'ssl_certificate', 'proxy_set_header', undefined, undefined, 'listen'],
      );
      deepStrictEqual([editDistance('abcd', 'abdc', 2), editDistance('kitten', 'sitting', 5), editDistance('a', 'abcdef', 2)], [1, 3, 3]);
    });

    it('lists the directives of a context', () => {
      const table = directiveTableFor(build('nginx:1.25.3-alpine-slim'));
      const events = table.knownDirectives('events');
      deepStrictEqual(events, [
        'accept_mutex',
        'accept_mutex_delay',
        'debug_connection',
        'epoll_events',
        'include',
        'multi_accept',
        'use',
        'worker_aio_requests',
        'worker_connections',
      ]);
    });
  });

  it('orders versions as the tables do', () => {
    deepStrictEqual(['0.0.17R4', '1.10.0', '0.10.29R2', '0.0.9', '0.10.29', '1.9.15', '1.25.1-1'].sort(compareVersions), [
      '0.0.9',
      '0.0.17R4',
      '0.10.29',
      '0.10.29R2',
      '1.9.15',
      '1.10.0',
      '1.25.1-1',
    ]);
  });

  describe('OpenResty and Debian builds', () => {
    it('has OpenResty’s bundled modules and patches, and stays open where a bundled module has no table', () => {
      const table = directiveTableFor(build('openresty/openresty:1.27.1.2-alpine'));
      deepStrictEqual(
        ['more_set_headers', 'content_by_lua_block', 'echo', 'set_md5', 'no_error_pages'].map((name) =>
          table.lookup(name)?.declarations.map((declaration) => declaration.source),
        ),
        [['headers-more-nginx-module'], ['lua-nginx-module', 'stream-lua-nginx-module'], ['echo-nginx-module'], ['set-misc-nginx-module'], ['patches']],
      );
      // ngx_http_redis is bundled from a tarball certboot has no source of
      strictEqual(table.mayHaveUnknownDirectives, true);
    });

    it('has Debian’s module packages once their load_module lines run', () => {
      const table = directiveTableFor(debianNginxBuild('bookworm', 'nginx-light')!, { loadedModules: ['modules/ngx_http_echo_module.so'] });
      deepStrictEqual(
        table.lookup('echo')?.declarations.map((declaration) => declaration.source),
        ['echo-nginx-module'],
      );
      // backported by Debian's security updates: nginx -t of 1.22.1-9+deb12u12 accepts it in http and server
      deepStrictEqual(
        table.lookup('max_headers')?.declarations.map((declaration) => [declaration.source, declaration.module, declaration.contexts]),
        [['patches', 'ngx_http_header_count_module', ['http', 'server']]],
      );
      deepStrictEqual(table.whyMissing('ssl_preread'), {
        kind: 'module-not-loaded',
        module: 'ngx_stream_ssl_preread_module',
        file: 'modules/ngx_stream_module.so',
      });
      deepStrictEqual(table.whyMissing('http2'), { kind: 'added-later', module: 'ngx_http_v2_module', firstVersion: '1.25.1' });
      strictEqual(table.mayHaveUnknownDirectives, false);
    });
  });
});

describe('nginx builds of images', () => {
  function summary(image: string): string {
    const found = nginxBuildOfImage(image);
    if (found === undefined) return 'unknown';
    const modules = found.dynamicModules.map((module) => module.file.replace('modules/', '') + (module.version === undefined ? '' : `@${module.version}`));
    return `${found.version}${found.versionIsGuess ? ' (guess)' : ''}: ${modules.join(' ') || 'no dynamic modules'}`;
  }

  it('reads the version and variant of the official images’ tags', () => {
    deepStrictEqual(
      [
        'nginx:1.25.3-alpine-slim',
        'nginx:1.27.5-alpine3.21-slim',
        'nginx:1.27-alpine',
        'nginx:1.25@sha256:0123',
        'nginx:1.18.0-perl',
        'docker.io/library/nginx:1.26.2-bookworm',
      ].map(summary),
      [
        '1.25.3: no dynamic modules',
        '1.27.5: no dynamic modules',
        '1.27.5: ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.8.10 ngx_stream_js_module.so@0.8.10 ngx_http_xslt_filter_module.so',
        '1.25.5: ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.8.4 ngx_stream_js_module.so@0.8.4 ngx_http_xslt_filter_module.so',
        '1.18.0: ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.4.4 ngx_stream_js_module.so@0.4.4 ngx_http_perl_module.so ngx_http_xslt_filter_module.so',
        '1.26.2: ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.8.8 ngx_stream_js_module.so@0.8.8 ngx_http_xslt_filter_module.so',
      ],
    );
  });

  it('takes the newest release for a moving tag, a digest alone or the branch still being released, and says it is a guess', () => {
    const newest =
      '1.31.4 (guess): ngx_http_acme_module.so ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.9.6 ngx_stream_js_module.so@0.9.6 ngx_http_xslt_filter_module.so';
    deepStrictEqual(
      ['nginx', 'nginx:latest', 'nginx:mainline', 'nginx:1', 'nginx:1.31', 'nginx@sha256:0123', 'nginx:1.99.0'].map(summary),
      Array(7).fill(newest),
    );
    deepStrictEqual(summary('nginx:stable-alpine-slim'), '1.30.4 (guess): no dynamic modules');
  });

  it('knows the variants each release had: otel from 1.25.3 on, none in nginx-unprivileged', () => {
    deepStrictEqual(
      [
        'nginx:1.20-otel',
        'nginx:1.29.8-alpine-otel',
        'nginxinc/nginx-unprivileged:1.27-otel',
        'nginxinc/nginx-unprivileged:1.27.5-alpine-slim',
        'nginx:1.27-nope',
        'traefik:v3',
      ].map(summary),
      [
        'unknown',
        '1.29.8: ngx_http_acme_module.so ngx_http_geoip_module.so ngx_stream_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so@0.9.6 ngx_stream_js_module.so@0.9.6 ngx_otel_module.so ngx_http_xslt_filter_module.so',
        'unknown',
        '1.27.5: no dynamic modules',
        'unknown',
        'unknown',
      ],
    );
  });

  it('has no build for a release older than the tables, rather than the newest as a wrong guess', () => {
    deepStrictEqual(
      ['nginx:1.17.8', 'nginx:1.15-alpine', 'nginx:1.17', 'nginx:1.18', 'openresty/openresty:1.15.8.3-alpine', 'openresty/openresty:1.19.3.1-alpine'].map(
        (image) => nginxBuildOfImage(image)?.version,
      ),
      [undefined, undefined, undefined, '1.18.0', undefined, '1.19.3'],
    );
  });

  it('renders templates from the 1.18 images on, and for a tag that names no release', () => {
    const images = [
      'nginx:1.15-alpine',
      'nginx:1.17.10',
      'nginx:1.17',
      'nginxinc/nginx-unprivileged:1.16-alpine',
      'nginx:1.18',
      'nginx:1.18.0-perl',
      'nginx:1.19.0',
      'nginx:1.27-alpine',
      'nginx',
      'nginx:stable',
      'nginx:1',
      'nginx@sha256:0123',
      'nginx:custom',
    ];
    deepStrictEqual(
      images.filter((image) => !officialImageRendersTemplates(image)),
      ['nginx:1.15-alpine', 'nginx:1.17.10', 'nginx:1.17', 'nginxinc/nginx-unprivileged:1.16-alpine'],
    );
  });

  it('knows OpenResty’s releases and flavours', () => {
    deepStrictEqual(
      [
        'openresty/openresty:1.27.1.2-alpine',
        'openresty/openresty:1.21.4.1-0-bookworm-fat',
        'openresty/openresty',
        'openresty/openresty:1.27.1.2-alpine-debug',
      ].map(summary),
      [
        '1.27.1: ngx_http_geoip_module.so ngx_http_image_filter_module.so ngx_http_xslt_filter_module.so',
        '1.21.4: no dynamic modules',
        '1.31.1 (guess): no dynamic modules',
        'unknown',
      ],
    );
    deepStrictEqual(
      nginxBuildOfImage('openresty/openresty:1.27.1.2-alpine')?.staticModules.map((module) => `${module.table}@${module.version}`),
      [
        'ngx_devel_kit@0.3.3',
        'echo-nginx-module@0.63',
        'xss-nginx-module@0.06',
        'ngx_coolkit@0.2',
        'set-misc-nginx-module@0.33',
        'form-input-nginx-module@0.12',
        'encrypted-session-nginx-module@0.09',
        'srcache-nginx-module@0.33',
        'lua-nginx-module@0.10.28',
        'lua-upstream-nginx-module@0.07',
        'headers-more-nginx-module@0.37',
        'array-var-nginx-module@0.06',
        'memc-nginx-module@0.20',
        'redis2-nginx-module@0.15',
        'redis-nginx-module@0.3.9',
        'stream-lua-nginx-module@0.0.16',
      ],
    );
  });

  it('says what the moving tags meant on a date', () => {
    deepStrictEqual(
      [
        officialImageVersionAt('mainline', '2024-01-01'),
        officialImageVersionAt('stable', '2023-06-01'),
        officialImageVersionAt('latest', '2025-04-20'),
        officialImageVersionAt('stable', '2019-01-01'),
      ],
      ['1.25.3', '1.24.0', '1.27.5', undefined],
    );
  });

  it('knows Debian 12’s packages and no other release yet', () => {
    deepStrictEqual(
      debianNginxBuild('bookworm', 'nginx-full')?.dynamicModules.map((module) => module.file),
      [
        'modules/ngx_http_auth_pam_module.so',
        'modules/ngx_http_dav_ext_module.so',
        'modules/ngx_http_echo_module.so',
        'modules/ngx_http_geoip2_module.so',
        'modules/ngx_http_subs_filter_module.so',
        'modules/ngx_http_upstream_fair_module.so',
        'modules/ngx_stream_geoip2_module.so',
      ],
    );
    strictEqual(debianNginxBuild('trixie', 'nginx'), undefined);
  });
});
