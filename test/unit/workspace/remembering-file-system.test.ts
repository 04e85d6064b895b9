import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import type { FileStat, FileSystem } from '../../../server/src/workspace/file-system';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { RememberingFileSystem } from '../../../server/src/workspace/remembering-file-system';

class CountingFileSystem implements FileSystem {
  calls = 0;
  constructor(readonly memory: MemoryFileSystem) {}
  stat(path: string): FileStat | undefined {
    this.calls++;
    return this.memory.stat(path);
  }
  readFile(path: string): Uint8Array {
    this.calls++;
    return this.memory.readFile(path);
  }
  readDirectory(path: string): string[] {
    this.calls++;
    return this.memory.readDirectory(path);
  }
}

describe('RememberingFileSystem', () => {
  it('asks the disk once per question until told it changed, errors included', () => {
    const memory = new MemoryFileSystem({ '/p/nginx.conf': 'events {}\n' });
    const counting = new CountingFileSystem(memory);
    const remembering = new RememberingFileSystem(counting);
    for (let round = 0; round < 3; round++) {
      strictEqual(new TextDecoder().decode(remembering.readFile('/p/nginx.conf')), 'events {}\n');
      deepStrictEqual(remembering.readDirectory('/p'), ['nginx.conf']);
      strictEqual(remembering.stat('/p/missing.conf'), undefined);
      throws(() => remembering.readFile('/p/missing.conf'), /No such file or directory/);
    }
    // the stat of missing.conf is answered by the listing of /p, which lacks it
    strictEqual(counting.calls, 3);
    memory.writeFile('/p/missing.conf', 'http {}\n');
    strictEqual(remembering.stat('/p/missing.conf'), undefined);
    remembering.forget();
    strictEqual(remembering.stat('/p/missing.conf')?.kind, 'file');
    deepStrictEqual(remembering.readDirectory('/p'), ['missing.conf', 'nginx.conf']);
  });

  it("answers a stat from its directory's remembered listing when the listing lacks the name, and asks otherwise", () => {
    const memory = new MemoryFileSystem({ '/p/nginx.conf': '', '/p/conf.d/a.conf': '', '/q/caf\u00e9.conf': '' });
    const counting = new CountingFileSystem(memory);
    const remembering = new RememberingFileSystem(counting);
    deepStrictEqual(remembering.readDirectory('/p'), ['conf.d', 'nginx.conf']);
    strictEqual(counting.calls, 1);
    strictEqual(remembering.stat('/p/compose.yaml'), undefined);
    strictEqual(remembering.stat('/p/.env'), undefined);
    strictEqual(counting.calls, 1);
    // a name of the listing, one a case-insensitive disk may hold, or one below an unlisted directory: asked
    strictEqual(remembering.stat('/p/nginx.conf')?.kind, 'file');
    strictEqual(remembering.stat('/p/NGINX.conf'), undefined);
    strictEqual(remembering.stat('/p/conf.d/b.conf'), undefined);
    strictEqual(remembering.stat('/p/./compose.yaml'), undefined);
    strictEqual(counting.calls, 5);
    // a listing with a name that is not ASCII: every stat below it is asked
    deepStrictEqual(remembering.readDirectory('/q'), ['caf\u00e9.conf']);
    strictEqual(remembering.stat('/q/cafe.conf'), undefined);
    strictEqual(remembering.stat('/q/caf\u00e9.conf')?.kind, 'file');
    strictEqual(counting.calls, 8);
  });

  it('hands out directory listings the caller may change without changing its memory', () => {
    const remembering = new RememberingFileSystem(new MemoryFileSystem({ '/p/a.conf': '' }));
    remembering.readDirectory('/p').push('b.conf');
    deepStrictEqual(remembering.readDirectory('/p'), ['a.conf']);
  });
});
