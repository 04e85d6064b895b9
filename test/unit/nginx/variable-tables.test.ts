import { deepStrictEqual, strictEqual } from 'node:assert';
import variableTables from '../../../server/src/languages/nginx/directive-tables/variable-tables.json';
import type { VariableTablesData } from '../../../server/src/languages/nginx/directive-tables/variable-tables-format';
import { variableTableFor } from '../../../server/src/languages/nginx/directive-tables/variable-table';
import type { NginxBuild } from '../../../server/src/languages/nginx/directive-tables/nginx-build';
import { debianNginxBuild, nginxBuildOfImage } from '../../../server/src/languages/nginx/nginx-builds';
import { knownDefiners } from '../../../server/src/languages/nginx/variable-arguments';

const data = variableTables as unknown as VariableTablesData;

function build(image: string): NginxBuild {
  const found = nginxBuildOfImage(image);
  if (found === undefined) throw new Error(`no build for ${image}`);
  return found;
}

describe('nginx variable tables', () => {
  // The committed data, as `npm run generate:nginx-directives` wrote it from nginx's and njs's source.
  describe('the data generated from the source', () => {
    it('covers the releases of the directive tables', () => {
      const versions = data.tables.nginx.versions;
      deepStrictEqual([versions[0], versions.includes('1.25.0'), versions.includes('1.27.5')], ['1.18.0', true, true]);
    });

    it('has $http3 from 1.25.0 on (src/http/v3/ngx_http_v3_module.c) and $proxy_protocol_tlv_ from 1.23.2 (src/http/ngx_http_variables.c)', () => {
      const entry = (name: string) => data.tables.nginx.variables.filter((variable) => variable.name === name && variable.type === 'http');
      deepStrictEqual(entry('http3'), [{ name: 'http3', module: 'ngx_http_v3_module', type: 'http', versions: '1.25.0-' }]);
      deepStrictEqual(entry('proxy_protocol_tlv_'), [
        { name: 'proxy_protocol_tlv_', module: 'ngx_http_core_module', type: 'http', prefix: true, versions: '1.23.2-' },
      ]);
    });

    it('finds every directive that defines a variable, and certboot knows which argument each one names', () => {
      const definers = Object.values(data.tables).flatMap((table) => table.definers.map((definer) => definer.directive));
      deepStrictEqual([...new Set(definers)].sort(), ['auth_request_set', 'geo', 'js_set', 'js_var', 'map', 'perl_set', 'set', 'split_clients']);
      deepStrictEqual(
        definers.filter((directive) => !knownDefiners.has(directive)),
        [],
      );
    });
  });

  describe('per build', () => {
    it('knows the core, ssl and upstream variables of the official image, and the prefix variables', () => {
      const table = variableTableFor(build('nginx:1.27'));
      strictEqual(table.mayHaveUnknownVariables, false);
      deepStrictEqual(
        ['host', 'HOST', 'ssl_server_name', 'upstream_response_time', 'realip_remote_addr', 'domain'].map((name) => table.lookup('http', name)?.name),
        ['host', 'host', 'ssl_server_name', 'upstream_response_time', 'realip_remote_addr', undefined],
      );
      deepStrictEqual(
        ['http_x_forwarded_proto', 'arg_page', 'cookie_session', 'sent_http_x_frame_options', 'upstream_http_location', 'http_'].map(
          (name) => table.lookup('http', name)?.name,
        ),
        ['http_', 'arg_', 'cookie_', 'sent_http_', 'upstream_http_', 'http_'],
      );
    });

    it('has a module’s variables once load_module loads its .so: $geoip_country_code of the geoip package', () => {
      strictEqual(variableTableFor(build('nginx:1.27')).lookup('http', 'geoip_country_code'), undefined);
      strictEqual(
        variableTableFor(build('nginx:1.27'), ['modules/ngx_http_geoip_module.so']).lookup('http', 'geoip_country_code')?.module,
        'ngx_http_geoip_module',
      );
    });

    it('keeps http and stream apart', () => {
      const table = variableTableFor(build('nginx:1.27'));
      deepStrictEqual(
        [table.lookup('stream', 'ssl_preread_server_name')?.module, table.lookup('http', 'ssl_preread_server_name'), table.lookup('stream', 'request_uri')],
        ['ngx_stream_ssl_preread_module', undefined, undefined],
      );
    });

    it('tells a name some release or module declares from one none does, for builds whose version is a guess', () => {
      const table = variableTableFor(build('nginx:1.27'));
      deepStrictEqual(
        ['geoip_country_code', 'http3', 'upstream_http_x', 'domain'].map((name) => table.declaredAnywhere('http', name)),
        [true, true, true, false],
      );
    });

    it('cannot know every variable of OpenResty (its bundled modules) or of a module file it does not know', () => {
      strictEqual(variableTableFor(build('openresty/openresty:1.27.1.2-alpine')).mayHaveUnknownVariables, true);
      strictEqual(variableTableFor(build('nginx:1.27'), ['modules/ngx_http_vts_module.so']).mayHaveUnknownVariables, true);
      const debian = debianNginxBuild('bookworm', 'nginx');
      strictEqual(debian !== undefined && variableTableFor(debian).mayHaveUnknownVariables, false);
    });
  });
});
