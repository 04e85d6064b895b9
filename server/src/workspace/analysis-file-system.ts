import { type FileStat, type FileSystem, realPathOf } from './file-system';
import { RememberingFileSystem } from './remembering-file-system';

/**
 * The file system as one analysis sees it: each question is asked of the workspace once while
 * the analysis runs, though the walk, the compose loader, the nginx loader of every service and
 * the first-boot checks stat the same paths and list the same directories, and every question
 * gets the answer the first one got. After
 * `close()` every question goes to the workspace again, so the model the analysis built (hovers,
 * links, the bootstrap) reads what the workspace holds then.
 */
export class AnalysisFileSystem implements FileSystem {
  private remembered: RememberingFileSystem | undefined;

  constructor(private readonly workspace: FileSystem) {
    this.remembered = new RememberingFileSystem(workspace);
  }

  close(): void {
    this.remembered = undefined;
  }

  stat(path: string): FileStat | undefined {
    return (this.remembered ?? this.workspace).stat(path);
  }

  readFile(path: string): Uint8Array {
    return (this.remembered ?? this.workspace).readFile(path);
  }

  readDirectory(path: string): string[] {
    return (this.remembered ?? this.workspace).readDirectory(path);
  }

  realPath(path: string): string | undefined {
    return realPathOf(this.remembered ?? this.workspace, path);
  }
}
