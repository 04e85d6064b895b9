import { execFileSync } from 'node:child_process';

/** Reads tags, trees and files of a bare git directory (as the `fetch` tool or `git clone --bare` leaves it). */
export class GitReader {
  private readonly blobs = new Map<string, string>();

  constructor(readonly gitDirectory: string) {}

  private git(args: readonly string[], input?: string): string {
    return execFileSync('git', ['--git-dir', this.gitDirectory, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, input });
  }

  tags(): string[] {
    return this.git(['tag'])
      .split('\n')
      .filter((tag) => tag !== '');
  }

  /** The date (YYYY-MM-DD) of the commit a tag points at. */
  tagDate(tag: string): string {
    return this.git(['log', '-1', '--format=%cs', `${tag}^{commit}`]).trim();
  }

  /** The commits of HEAD's history that changed something below `paths`, newest first, with their dates. */
  log(paths: readonly string[]): { commit: string; date: string }[] {
    return this.git(['log', '--format=%H %cs', 'HEAD', '--', ...paths])
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [commit, date] = line.split(' ');
        return { commit, date };
      });
  }

  /** The files below `paths` at `revision`: path → blob id. */
  files(revision: string, paths: readonly string[]): Map<string, string> {
    const files = new Map<string, string>();
    for (const line of this.git(['ls-tree', '-r', revision, '--', ...paths]).split('\n')) {
      const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line);
      if (match) files.set(match[2], match[1]);
    }
    return files;
  }

  /** The contents of blobs, read in one `git cat-file --batch` and kept (most files do not change between tags). */
  read(ids: readonly string[]): Map<string, string> {
    const missing = [...new Set(ids.filter((id) => !this.blobs.has(id)))];
    if (missing.length > 0) {
      const output = execFileSync('git', ['--git-dir', this.gitDirectory, 'cat-file', '--batch'], { input: `${missing.join('\n')}\n`, maxBuffer: 1 << 30 });
      let offset = 0;
      while (offset < output.length) {
        const headerEnd = output.indexOf(10, offset);
        const header = output.subarray(offset, headerEnd).toString('utf8');
        const match = /^([0-9a-f]+) blob (\d+)$/.exec(header);
        if (!match) throw new Error(`git cat-file: unexpected "${header}"`);
        const size = Number(match[2]);
        this.blobs.set(match[1], output.subarray(headerEnd + 1, headerEnd + 1 + size).toString('latin1'));
        offset = headerEnd + 1 + size + 1;
      }
    }
    return new Map(ids.map((id) => [id, this.blobs.get(id)!]));
  }

  /** One file's content at `revision`, or undefined when it is not there. */
  show(revision: string, path: string): string | undefined {
    const id = this.files(revision, [path]).get(path);
    return id === undefined ? undefined : this.read([id]).get(id);
  }
}
