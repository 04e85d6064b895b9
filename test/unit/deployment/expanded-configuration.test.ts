import { deepStrictEqual, strictEqual } from 'node:assert';
import { loadNginxConfiguration } from '../../../server/src/languages/nginx/configuration';
import { expandedConfiguration, maximumRepeatedDirectives, walkDirectives } from '../../../server/src/model/nginx-blocks';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

function names(files: Record<string, string>, main = '/c/nginx.conf'): string[] {
  return walkDirectives(expandedConfiguration(loadNginxConfiguration(new MemoryFileSystem(files), main))).map(({ entry }) => entry.directive.name);
}

describe('the expanded configuration (includes inlined)', () => {
  it('inlines a chain of 5,000 includes without the JavaScript stack', () => {
    // before: seven rules failed with "Maximum call stack size exceeded" on such a chain
    const files: Record<string, string> = { '/c/nginx.conf': 'http { include c1.conf; }\n' };
    for (let index = 1; index < 5000; index++) files[`/c/c${index}.conf`] = `include c${index + 1}.conf;\n`;
    files['/c/c5000.conf'] = 'server { listen 80; }\n';
    const walked = names(files);
    deepStrictEqual(walked.slice(0, 3), ['http', 'server', 'listen']);
    strictEqual(walked.filter((name) => name === 'include').length, 5000);
  });

  it('inlines each file of an include cycle once, where it is first met', () => {
    // before: ten files that each include conf.d/*.conf expanded to every order of them, gigabytes
    const files: Record<string, string> = { '/c/nginx.conf': 'http { include conf.d/*.conf; }\n' };
    for (let index = 0; index < 10; index++) files[`/c/conf.d/s${index}.conf`] = `server { listen 8${index}; location / { include conf.d/*.conf; } }\n`;
    const walked = names(files);
    strictEqual(walked.filter((name) => name === 'server').length, 10);
    strictEqual(walked.filter((name) => name === 'listen').length, 10);
  });

  it('inlines files included over and over up to a bound, then each further include stands alone', () => {
    // a diamond forty deep: 2^40 copies of the last file
    const files: Record<string, string> = {};
    for (let index = 0; index < 40; index++)
      files[`/c/f${index}.conf`] = index < 39 ? `include f${index + 1}.conf;\ninclude f${index + 1}.conf;\n` : 'user nginx;\n';
    const walked = names(files, '/c/f0.conf');
    // each file's own 79 directives, then repeats until half a million were inlined again
    deepStrictEqual([maximumRepeatedDirectives, walked.length, walked.filter((name) => name === 'user').length], [500_000, 500_088, 166_676]);
  });
});
