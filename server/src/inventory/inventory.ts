import { posix } from 'node:path';
import { readConfigurationFile } from '../languages/nginx/configuration';
import type { NginxFile } from '../languages/nginx/syntax-tree';
import { describeFileSystemError, type FileSystem, FileSystemError } from '../workspace/file-system';
import { findFiles, readTextFile } from '../workspace/text-files';
import type { AnalysisCache } from './analysis-cache';
import { blockContextOf, classifyFile, type FileKind, type FileKindName, type NginxContext } from './file-kinds';
import { holdsRejectedPlaceholder, mayHoldPlaceholder, nginxContextOfContent } from './nginx-content';
import { LineIndex } from '../text/line-index';
import type { SourceLocation } from '../text/source-location';

interface KindBounds {
  readonly maximumFiles: number;
  /** How deep below the root (0: the root directory alone), unless the analysis sets its own search depth. */
  readonly maximumDepth: number;
  readonly maximumFileBytes: number;
}

const megabyte = 1024 * 1024;

/**
 * How many files of each kind certboot takes, in the walk's breadth-first order, how deep and
 * how large: a repository of thousands of files, or a root such as /usr, costs a bounded amount.
 * Compose projects are looked for deeper than the rest; nginx files are checked for syntax
 * whatever their size.
 */
const bounds: Readonly<Record<FileKindName, KindBounds>> = {
  compose: { maximumFiles: Number.POSITIVE_INFINITY, maximumDepth: 16, maximumFileBytes: Number.POSITIVE_INFINITY },
  nginx: { maximumFiles: 2000, maximumDepth: 6, maximumFileBytes: Number.POSITIVE_INFINITY },
  shell: { maximumFiles: 200, maximumDepth: 6, maximumFileBytes: megabyte },
  dockerfile: { maximumFiles: 200, maximumDepth: 6, maximumFileBytes: megabyte },
  terraform: { maximumFiles: 500, maximumDepth: 6, maximumFileBytes: megabyte },
  cloudformation: { maximumFiles: 500, maximumDepth: 6, maximumFileBytes: megabyte },
  env: { maximumFiles: 200, maximumDepth: 6, maximumFileBytes: megabyte },
  schedule: { maximumFiles: 200, maximumDepth: 6, maximumFileBytes: megabyte },
};

/** How many directories the walk lists before it stops, whatever it has found. */
const maximumDirectories = 10_000;

/** How deep below the root, and how large, the files are that Inventory.filesConsidered counts. */
const consideredDepth = 6;
const consideredFileBytes = megabyte;

export interface InventoryOptions {
  /**
   * How deep below the root the walk goes for every kind (0: the root directory alone); by
   * default each kind's own bound. The language server looks no deeper for a file opened outside
   * the workspace folders, whose directory may be any directory of the machine.
   */
  readonly searchDepth?: number;
  /** What earlier analyses of the same root parsed (the language server's); none by default. */
  readonly cache?: AnalysisCache;
}

/** A directory below the root that exists but could not be listed: nothing below it was seen. */
export interface UnlistableDirectory {
  readonly path: string;
  /** Why, in a few words: `permission denied`. */
  readonly reason: string;
}

/** A file of the workspace that is something to certboot. */
export interface InventoryFile {
  readonly path: string;
  readonly size: number;
  /** False for a compose or nginx file's name taken by no regular file (a pipe, a directory, a link in a loop or out of the workspace): reading it says why. */
  readonly readable: boolean;
  readonly kinds: readonly FileKind[];
}

/** A file of one kind, with what the inventory knows of it as that kind. */
export interface FileOfKind<Name extends FileKindName> {
  readonly path: string;
  readonly size: number;
  readonly readable: boolean;
  readonly kind: Extract<FileKind, { readonly kind: Name }>;
}

/** Where the facts and fixes of an analysis read a file's text: the inventory, once per file. */
export interface SourceTexts {
  /** A workspace file's text (see readTextFile); undefined when it cannot be read or is not text. */
  text(path: string): string | undefined;
}

/**
 * What each file of one workspace root is, from one bounded walk per analysis: every later layer
 * reads it instead of searching the tree again. It also keeps the text of each file read through
 * it, so that the model, the facts and the fixes of one analysis read a file once and see the
 * same text.
 */
export class Inventory implements SourceTexts {
  /** The directories holding a compose file, sorted: one compose project each. */
  readonly composeDirectories: readonly string[];
  private readonly byPath: ReadonlyMap<string, InventoryFile>;
  private readonly texts = new Map<string, string | undefined>();
  /** The line index of each file a location was read from: rules ask for many spans of one file. */
  private readonly lineIndexes = new Map<string, LineIndex>();

  constructor(
    /** The file system of the analysis: the workspace with the editor's unsaved buffers. */
    readonly fileSystem: FileSystem,
    readonly root: string,
    /** In the walk's breadth-first order. */
    readonly files: readonly InventoryFile[],
    private readonly cache?: AnalysisCache,
    /**
     * How many files the walk found that an analysis considers, as the editor's progress counts
     * them: those of at most a megabyte and at most `consideredDepth` below the root (or the
     * analysis's own search depth), whatever they are.
     */
    readonly filesConsidered = 0,
    /** The directories the walk could not list: a report silent about them would read as a clean bill of health. */
    readonly unlistable: readonly UnlistableDirectory[] = [],
    /**
     * The names of the workspace's templates of provisioning tools (`nginx.conf.j2`, `site.conf.erb`):
     * a file named like one may be rendered from it before `docker compose up`.
     */
    readonly templateNames: ReadonlySet<string> = new Set(),
  ) {
    this.byPath = new Map(files.map((file) => [file.path, file]));
    const directories = new Set<string>();
    for (const file of this.filesOf('compose')) if (file.kind.role === 'main') directories.add(file.kind.projectDirectory);
    this.composeDirectories = [...directories].sort();
  }

  /** What the file is; an empty list when it is not ours or lies beyond the walk's bounds. */
  kindsOf(path: string): readonly FileKind[] {
    return this.byPath.get(path)?.kinds ?? [];
  }

  /** The files of one kind, in the walk's order. */
  filesOf<Name extends FileKindName>(name: Name): FileOfKind<Name>[] {
    const found: FileOfKind<Name>[] = [];
    for (const file of this.files) {
      const kind = file.kinds.find((candidate): candidate is Extract<FileKind, { readonly kind: Name }> => candidate.kind === name);
      if (kind) found.push({ path: file.path, size: file.size, readable: file.readable, kind });
    }
    return found;
  }

  private readonly nginxContexts = new Map<string, NginxContext | undefined>();

  /**
   * The context an nginx file no service is known to load is judged in, from its name and its
   * content (nginxContextOfContent); undefined when it is not clearly nginx (a template of
   * another tool, an envsubst template with placeholders nginx would reject, another daemon's
   * configuration), and then it gets no nginx error.
   */
  nginxContext(file: FileOfKind<'nginx'>): NginxContext | undefined {
    if (this.nginxContexts.has(file.path)) return this.nginxContexts.get(file.path);
    const text = this.text(file.path);
    const parsed = readConfigurationFile(this.fileSystem, file.path, { context: undefined, parsed: this.cache?.nginxFiles });
    // a file that cannot be read as text is judged by its name: the syntax check says why
    let context = text === undefined ? file.kind.context : nginxContextOfContent(text, parsed, file.kind.context);
    // an envsubst template, which nginx reads only once rendered, is judged in its context first
    if (context !== undefined && text !== undefined && mayHoldPlaceholder(text) && holdsRejectedPlaceholder(this.readInContext(file, context), context))
      context = undefined;
    this.nginxContexts.set(file.path, context);
    return context;
  }

  /**
   * An nginx file read on its own, in the context the inventory judges it in (nginxContext): how
   * certboot judges a file no service is known to load; undefined when it is not nginx.
   */
  nginxSyntax(file: FileOfKind<'nginx'>): NginxFile | undefined {
    const context = this.nginxContext(file);
    return context === undefined ? undefined : this.readInContext(file, context);
  }

  private readInContext(file: FileOfKind<'nginx'>, context: NginxContext): NginxFile {
    return readConfigurationFile(this.fileSystem, file.path, { context: blockContextOf(context), parsed: this.cache?.nginxFiles });
  }

  /** A workspace file's text (see readTextFile), read once per analysis. */
  text(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    const text = readTextFile(this.fileSystem, path);
    this.texts.set(path, text);
    return text;
  }

  /** The text a location spans, as written in its file; undefined when the file cannot be read. */
  textAt(location: SourceLocation): string | undefined {
    const text = this.text(location.file);
    if (text === undefined) return undefined;
    let lines = this.lineIndexes.get(location.file);
    if (lines === undefined) {
      lines = new LineIndex(text);
      this.lineIndexes.set(location.file, lines);
    }
    return text.slice(lines.offsetAt(location.range.start), lines.offsetAt(location.range.end));
  }
}

function holdsEntries(fileSystem: FileSystem, directory: string): boolean {
  try {
    return fileSystem.readDirectory(directory).length > 0;
  } catch {
    return false;
  }
}

function depthBelow(root: string, path: string): number {
  const relative = posix.relative(root, posix.dirname(path));
  return relative === '' ? 0 : relative.split('/').length;
}

/** Walks the workspace below `root` once, bounded, and says what each file found is. */
export function takeInventory(fileSystem: FileSystem, root: string, options: InventoryOptions = {}): Inventory {
  const taken = new Map<FileKindName, number>();
  const files: InventoryFile[] = [];
  const unlistable: UnlistableDirectory[] = [];
  const templateNames = new Set<string>();
  let considered = 0;
  const deepest = Math.max(...Object.values(bounds).map((bound) => bound.maximumDepth));
  findFiles(
    fileSystem,
    root,
    (path) => {
      const depth = depthBelow(root, path);
      const stat = fileSystem.stat(path);
      const size = stat?.size ?? 0;
      const readable = stat?.kind === 'file';
      if (readable && depth <= (options.searchDepth ?? consideredDepth) && size <= consideredFileBytes) considered++;
      if (readable && provisioningTemplate.test(path)) templateNames.add(posix.basename(path));
      // a pipe, a directory or a link out of the workspace or in a loop under a compose or nginx
      // file's name is kept, so that reading it says why; under other names it is no file of ours.
      // A directory counts only under a name that is one file's alone (`compose.yaml`,
      // `nginx.conf`): a directory `.nginx/` or `site.conf/` is just a directory. An `nginx.conf/`
      // with files in it is one too: what docker makes of a missing mount source is empty.
      const directory = stat?.kind === 'directory';
      const candidates = classifyFile(path, root).filter(
        (kind) =>
          readable ||
          kind.kind === 'compose' ||
          (kind.kind === 'nginx' && (!directory || (posix.basename(path) === 'nginx.conf' && !holdsEntries(fileSystem, path)))),
      );
      if (candidates.length === 0) return false;
      const kinds = candidates.filter((kind) => {
        const bound = bounds[kind.kind];
        const count = taken.get(kind.kind) ?? 0;
        if (depth > (options.searchDepth ?? bound.maximumDepth) || size > bound.maximumFileBytes || count >= bound.maximumFiles) return false;
        taken.set(kind.kind, count + 1);
        return true;
      });
      if (kinds.length > 0) files.push({ path, size, readable, kinds });
      return kinds.length > 0;
    },
    // each kind has its own bounds: the walk stops at the depth and the directory count only
    {
      maximumFiles: Number.POSITIVE_INFINITY,
      maximumDepth: options.searchDepth ?? deepest,
      maximumFileBytes: Number.POSITIVE_INFINITY,
      maximumDirectories,
      includeUnreadable: true,
      onUnlistable: (path, error) =>
        unlistable.push({ path, reason: error instanceof FileSystemError && error.code === 'EACCES' ? 'permission denied' : describeFileSystemError(error) }),
    },
  );
  return new Inventory(fileSystem, root, files, options.cache, considered, unlistable, templateNames);
}

/** Templates of provisioning tools: Ansible's and Salt's Jinja, Chef's and Puppet's ERB, Go and Mustache templates. */
const provisioningTemplate = /\.(j2|jinja2?|tmpl|tpl|template|erb|mustache|gotmpl)$/;
