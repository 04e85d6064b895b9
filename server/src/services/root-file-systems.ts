import { DiskFileSystem } from '../workspace/disk-file-system';
import type { FileSystem } from '../workspace/file-system';
import { OverlayFileSystem } from '../workspace/overlay-file-system';
import { RememberingFileSystem } from '../workspace/remembering-file-system';

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

interface RootFileSystem {
  readonly allowed: readonly string[];
  readonly remembered: RememberingFileSystem | undefined;
  readonly overlay: OverlayFileSystem;
}

/**
 * What each analysis of the server may read. A workspace folder's analysis reads the workspace
 * folders and the editor's buffers of files in them; the analysis of a file opened outside them
 * reads that file's directory alone. So opening a file elsewhere never lets a workspace's compose
 * mount of `../private` reach a directory outside the folders, and the buffer of that file never
 * reaches the workspace's diagnostics.
 */
export class RootFileSystems {
  private folders: readonly string[] = [];
  private readonly byRoot = new Map<string, RootFileSystem>();
  private readonly buffers = new Map<string, string>();
  private remember = false;

  /** `remember`: keep the disk's answers until `forget`, safe only while the client reports every change of the disk. */
  setFolders(folders: readonly string[], remember: boolean): void {
    this.folders = [...folders];
    this.remember = remember;
    this.byRoot.clear();
  }

  /** The file system of the analysis of `root`: a workspace folder, or the directory of a file opened outside them. */
  of(root: string): FileSystem {
    let state = this.byRoot.get(root);
    if (state === undefined) {
      const allowed = this.folders.includes(root) ? this.folders : [root];
      const disk = new DiskFileSystem(allowed);
      const remembered = this.remember ? new RememberingFileSystem(disk) : undefined;
      const overlay = new OverlayFileSystem(remembered ?? disk);
      for (const [path, text] of this.buffers) if (allowed.some((folder) => isInside(path, folder))) overlay.set(path, text);
      state = { allowed, remembered, overlay };
      this.byRoot.set(root, state);
    }
    return state.overlay;
  }

  /** The root an outside file's directory was: its file system is dropped with it. */
  drop(root: string): void {
    this.byRoot.delete(root);
  }

  setBuffer(path: string, text: string): void {
    this.buffers.set(path, text);
    for (const state of this.byRoot.values()) if (state.allowed.some((folder) => isInside(path, folder))) state.overlay.set(path, text);
  }

  /** The paths of the editor's buffers. */
  bufferedPaths(): string[] {
    return [...this.buffers.keys()];
  }

  deleteBuffer(path: string): void {
    this.buffers.delete(path);
    for (const state of this.byRoot.values()) state.overlay.delete(path);
  }

  /** The disk changed: every kept answer is asked again. */
  forget(): void {
    for (const state of this.byRoot.values()) state.remembered?.forget();
  }
}
