import { deepStrictEqual } from 'node:assert';
import { fileOperands } from '../../../server/src/languages/shell/file-operands';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

describe('the files a command makes, writes and removes', () => {
  before(initializeShellParser);

  it('reads them from the arguments as each program takes them', () => {
    const words = (text: string) => parseShell(text).commands[0]?.arguments ?? [];
    const read = (text: string) => {
      const [program, ...rest] = text.split(' ');
      const found = fileOperands(program as string, words(`x ${rest.join(' ')}`));
      return {
        directories: found.directories.map((word) => word.value),
        written: found.written.map((word) => word.value),
        removed: found.removed.map((word) => word.value),
        anything: found.anything,
      };
    };
    const none = { directories: [], written: [], removed: [], anything: false };
    deepStrictEqual(read('mkdir -p -m 700 /a/b'), { ...none, directories: ['/a/b'] });
    deepStrictEqual(read('install -d /a/b'), { ...none, directories: ['/a/b'] });
    deepStrictEqual(read('cp -r src1 src2 /dst/'), { ...none, written: ['/dst/'] });
    deepStrictEqual(read('cp -t /dst src'), { ...none, written: ['/dst'] });
    deepStrictEqual(read('mv /a /b /dst'), { ...none, written: ['/dst'], removed: ['/a', '/b'] });
    deepStrictEqual(read('rm -rf /a -- -b'), { ...none, removed: ['/a', '-b'] });
    deepStrictEqual(read('openssl req -x509 -keyout /k.pem -out /c.pem'), { ...none, written: ['/k.pem', '/c.pem'] });
    deepStrictEqual(read('curl -fsSLo /f https://example.net/f'), { ...none, written: ['/f'] });
    deepStrictEqual(read('wget --output-document=/f https://example.net/f'), { ...none, written: ['/f'] });
    deepStrictEqual(read('dd if=/dev/zero of=/f'), { ...none, written: ['/f'] });
    deepStrictEqual(read('find /etc/letsencrypt -name x -delete'), { ...none, anything: true });
    deepStrictEqual(read('ln -s /target'), none);
  });
});
