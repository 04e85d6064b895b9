import type { FileSystem } from '../../workspace/file-system';
import type { ComposeMapping } from './compose-node';
import type { VariableLookup } from './interpolation';
import type { ComposeDocument } from './model';
import { normalizeServices } from './normalize-service';
import type { ComposeDiagnostic } from './source-location';
import { readComposeFile } from './yaml-reader';

/** What one project load accumulates: every file read, its document, and every diagnostic. */
export class LoadContext {
  readonly diagnostics: ComposeDiagnostic[] = [];
  readonly files: string[] = [];
  readonly documents: ComposeDocument[] = [];
  /** The files `include` brought in, at any depth. */
  readonly includedFiles: string[] = [];
  /** Files that are templates of another tool (Jinja, Go templates, ERB): the project is not what compose would read. */
  readonly templateFiles: string[] = [];

  constructor(readonly fileSystem: FileSystem) {}

  /** A compose file with its services in normalized form; undefined when it cannot be used. */
  readComposeFile(file: string, variables: VariableLookup, baseDirectory: string): ComposeMapping | undefined {
    const content = readComposeFile(this.fileSystem, file, variables, baseDirectory);
    for (const diagnostic of content.diagnostics) this.diagnostics.push(diagnostic);
    if (content.template) this.templateFiles.push(file);
    if (!this.files.includes(file)) {
      this.files.push(file);
      if (content.document && content.lineCounter) this.documents.push({ file, document: content.document, lineCounter: content.lineCounter });
    }
    return content.root && normalizeServices(content.root);
  }

  exists(file: string): boolean {
    return this.fileSystem.stat(file)?.kind === 'file';
  }
}
