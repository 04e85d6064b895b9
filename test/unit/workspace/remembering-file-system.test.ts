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
    strictEqual(counting.calls, 4);
    memory.writeFile('/p/missing.conf', 'http {}\n');
    strictEqual(remembering.stat('/p/missing.conf'), undefined);
    remembering.forget();
    strictEqual(remembering.stat('/p/missing.conf')?.kind, 'file');
    deepStrictEqual(remembering.readDirectory('/p'), ['missing.conf', 'nginx.conf']);
  });

  it('hands out directory listings the caller may change without changing its memory', () => {
    const remembering = new RememberingFileSystem(new MemoryFileSystem({ '/p/a.conf': '' }));
    remembering.readDirectory('/p').push('b.conf');
    deepStrictEqual(remembering.readDirectory('/p'), ['a.conf']);
  });
});
