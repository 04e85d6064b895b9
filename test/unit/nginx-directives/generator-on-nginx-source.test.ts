import { deepStrictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildVersionTable, mergeVersions, type VersionTable } from '../../../scripts/nginx-directives/directive-table';

// The generator on nginx's own C source, per release tag: test/fixtures/nginx-source/release-<v>/
// holds excerpts of github.com/nginx/nginx at that tag (copyright header, then the module's
// ngx_command_t array through its ngx_module_t, verbatim; each file's first comment after the
// header names its lines): src/http/modules/ngx_http_ssl_module.c and src/http/v2/ngx_http_v2_module.c
// at 1.25.0, 1.25.1, 1.27.3 and 1.27.4 (nginx's CHANGES: 1.25.1 adds `http2` and removes `ssl`;
// 1.27.4 adds `ssl_certificate_cache`).

const sourceRoot = join(__dirname, '..', '..', 'fixtures', 'nginx-source');

function filesBelow(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

function tableOf(tag: string): VersionTable {
  const directory = join(sourceRoot, tag);
  return buildVersionTable(filesBelow(directory).map((path) => ({ path: relative(directory, path), text: readFileSync(path, 'utf8') })));
}

describe('the directive table generator on nginx source excerpts per release tag', () => {
  const merged = mergeVersions(new Map(['1.25.0', '1.25.1', '1.27.3', '1.27.4'].map((version) => [version, tableOf(`release-${version}`)])));
  const declared = (name: string) =>
    merged.directives
      .filter((directive) => directive.name === name)
      .map((directive) => ({ module: directive.module, contexts: directive.contexts, arguments: directive.arguments, versions: directive.versions }));

  it('reads `http2` as added in 1.25.1 (ngx_http_v2_module)', () => {
    deepStrictEqual(declared('http2'), [{ module: 'ngx_http_v2_module', contexts: ['http', 'server'], arguments: 'flag', versions: '1.25.1-' }]);
  });

  it('reads `ssl` as removed in 1.25.1 (ngx_http_ssl_module, last in 1.25.0)', () => {
    deepStrictEqual(
      declared('ssl').map((directive) => [directive.module, directive.versions]),
      [['ngx_http_ssl_module', '1.25.0']],
    );
  });

  it('reads `ssl_certificate_cache` as added in 1.27.4, not in 1.27.3', () => {
    deepStrictEqual(declared('ssl_certificate_cache'), [
      { module: 'ngx_http_ssl_module', contexts: ['http', 'server'], arguments: '1|2|3', versions: '1.27.4-' },
    ]);
  });

  it('keeps a directive every tag has as one run (`ssl_certificate`)', () => {
    deepStrictEqual(
      declared('ssl_certificate').map((directive) => [directive.module, directive.versions]),
      [['ngx_http_ssl_module', '1.25.0-']],
    );
  });
});
