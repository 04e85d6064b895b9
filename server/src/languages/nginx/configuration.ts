import { posix } from 'node:path';
import type { RoundCache } from '../../workspace/round-cache';
import { sameBytes } from '../../text/same-bytes';
import { describeFileSystemError, type FileSystem, FileSystemError } from '../../workspace/file-system';
import { textOfBytes } from '../../workspace/text-files';
import { type BlockContext, mainContext } from './analyzer';
import { BlockContexts } from './block-contexts';
import { expandGlob, GlobLimitError, hasGlobMagic } from './glob';
import { stronglyConnectedComponents } from './include-graph';
import {
  countDirectives,
  defaultMaximumDirectives,
  type InvalidDirectiveHandling,
  type ParseOptions,
  parseNginx,
  reparseNginx,
  tooManyDirectivesProblem,
} from './parser';
import { type NginxArgument, type NginxDirective, type NginxError, type NginxFile, TextSpan } from './syntax-tree';
import { decodeConfigurationText } from './text';

/** A parse kept between analyses: reused while the file's bytes stay the same. */
export interface ParsedNginxFile {
  readonly bytes: Uint8Array;
  readonly file: NginxFile;
}

export interface ConfigurationFile {
  /** Absolute path in the file system the configuration was read from. */
  readonly path: string;
  /** The path as nginx names it: as given for the main file, `join(dirname(main), include)` for the rest. */
  readonly displayPath: string;
  /** The block context the file was included in (main file: the main context). */
  readonly context: BlockContext | undefined;
  readonly syntax: NginxFile;
  /** Parse errors, include errors and read errors of this file, in file order. */
  readonly errors: readonly NginxError[];
}

export interface NginxConfiguration {
  /** The main file first, then included files in the order nginx meets them; each file once. */
  readonly files: readonly ConfigurationFile[];
  /** For every resolved `include` directive: the indexes of the files it includes. */
  readonly includes: ReadonlyMap<NginxDirective, readonly number[]>;
}

export interface LoadOptions {
  /** How the main file is named in messages (the command line's spelling); default: its path. */
  readonly displayPath?: string;
  /** Do not follow includes (crossplane's --single-file). */
  readonly single?: boolean;
  readonly invalidDirectives?: InvalidDirectiveHandling;
  readonly ignore?: ReadonlySet<string>;
  /** The main file's context; undefined for a snippet whose context is unknown. */
  readonly context?: BlockContext | undefined;
  readonly maximumFiles?: number;
  readonly maximumFileBytes?: number;
  /** Files parsed by earlier analyses, reused while their bytes stay the same. */
  readonly parsed?: RoundCache<ParsedNginxFile>;
}

export const defaultMaximumFiles = 20_000;
export const defaultMaximumFileBytes = 16 * 1024 * 1024;

const fileStart = new TextSpan(0, 0, 0, 0);

export const binaryFileProblem = 'binary file (it contains NUL bytes); not an nginx configuration';

/** An error about a whole file (unreadable, too big, binary), at its start. */
export function fileError(message: string): NginxError {
  return { kind: 'file', message, line: 1, span: fileStart };
}

/** A configuration file's bytes, or why they are not read: over the size limit, or unreadable. */
export function readConfigurationBytes(
  fileSystem: FileSystem,
  path: string,
  maximumFileBytes = defaultMaximumFileBytes,
): { readonly bytes: Uint8Array } | { readonly problem: string } {
  const stat = fileSystem.stat(path);
  if (stat && stat.kind === 'file' && stat.size > maximumFileBytes) {
    return { problem: `file is ${stat.size} bytes, over the ${maximumFileBytes}-byte limit for an nginx configuration; not read` };
  }
  try {
    return { bytes: fileSystem.readFile(path) };
  } catch (error) {
    return { problem: describeFileSystemError(error) };
  }
}

/** Reads and parses one file; a file that cannot be read becomes an error, never an exception. */
export function readConfigurationFile(
  fileSystem: FileSystem,
  path: string,
  options: {
    context: BlockContext | undefined;
    invalidDirectives?: InvalidDirectiveHandling;
    ignore?: ReadonlySet<string>;
    maximumFileBytes?: number;
    contexts?: BlockContexts;
    parsed?: RoundCache<ParsedNginxFile>;
    /** What is left of the configuration's directive budget (parser.ts). */
    maximumDirectives?: number;
  },
): NginxFile {
  const failed = (message: string): NginxFile => ({ path, directives: [], comments: [], errors: [fileError(message)] });
  if (options.maximumDirectives !== undefined && options.maximumDirectives <= 0) return failed(tooManyDirectivesProblem);
  const read = readConfigurationBytes(fileSystem, path, options.maximumFileBytes);
  if ('problem' in read) return failed(read.problem);
  const bytes = read.bytes;
  /** `stale`: earlier parses of the file, one of which an edit inside one statement may be applied to. */
  const parse = (stale: readonly ParsedNginxFile[] = []): NginxFile => {
    // crossplane reads a UTF-8 byte order mark as a character; nginx reads it as part of the
    // first word, and the parser says so when told the decoder dropped it. Otherwise UTF-8 text,
    // as the editor's buffers and the inventory read it, is decoded once for all of them
    const crossplane = options.invalidDirectives === 'crossplane';
    const text = crossplane ? decodeConfigurationText(bytes, true) : (textOfBytes(bytes) ?? decodeConfigurationText(bytes));
    if (text === undefined) return failed(binaryFileProblem);
    const parseOptions: ParseOptions = {
      byteOrderMark: !crossplane && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
      context: options.context,
      invalidDirectives: options.invalidDirectives,
      ignore: options.ignore,
      contexts: options.contexts,
      maximumDirectives: options.maximumDirectives,
    };
    for (const earlier of stale) {
      const reparsed = reparseNginx(earlier.file, text, path, parseOptions);
      if (reparsed !== undefined) return reparsed;
    }
    return parseNginx(text, path, parseOptions);
  };
  // the parse options the CLI alone sets change the tree: such parses are not kept
  if (!options.parsed || options.invalidDirectives !== undefined || options.ignore !== undefined) return parse();
  return options.parsed.get(
    `${path}\0${contextKey(options.context)}`,
    (kept) => sameBytes(kept.bytes, bytes),
    (stale) => ({ bytes, file: parse(stale) }),
  ).file;
}

function contextKey(context: BlockContext | undefined): string {
  return context === undefined ? '(unknown)' : context.join(' ');
}

const errnoMessages: Record<string, string> = {
  ENOENT: '2: No such file or directory',
  EACCES: '13: Permission denied',
  EISDIR: '21: Is a directory',
  ENOTDIR: '20: Not a directory',
  ELOOP: '40: Too many levels of symbolic links',
};

/** nginx's message for an include it cannot open. */
function includeFailure(error: FileSystemError, path: string, display: string, line: number, span: TextSpan): NginxError {
  const reason = errnoMessages[error.code];
  const message = reason ? `open() "${path}" failed (${reason})` : error.message;
  return { kind: 'include', message, line, span, unreadable: { code: error.code, path: display } };
}

/** os.path.dirname: '' for a bare file name, so messages keep the spelling of the command line. */
function pythonDirname(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '';
  const head = path.slice(0, slash + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

function pythonJoin(directory: string, name: string): string {
  if (name.startsWith('/') || directory === '') return name;
  return directory.endsWith('/') ? directory + name : `${directory}/${name}`;
}

/** An include as the loader resolved it: where its argument stands and the files it names. */
export interface ResolvedInclude {
  readonly line: number;
  readonly span: TextSpan;
  readonly targets: readonly number[];
}

/** A file of a configuration as the loader meets it, before or after it is read. */
export interface ConfigurationEntry {
  readonly path: string;
  readonly displayPath: string;
  readonly context: BlockContext | undefined;
  /** Read and include errors; the loader sorts them by position once every file is read. */
  readonly errors: NginxError[];
  /** Its resolved includes, in file order. */
  readonly includes: ResolvedInclude[];
}

/**
 * The files of one configuration the way nginx meets them: the main file, then every file its
 * includes name, relative paths resolved against the main file's directory, globs expanded and
 * sorted, a glob matching nothing accepted, a missing file an error. Each file is numbered once,
 * at the first include naming it, in the context of that include. loadNginxConfiguration reads
 * each into a tree; `certboot parse` writes each one's statements while it reads it
 * (crossplane-parse.ts).
 */
export class ConfigurationFiles {
  readonly entries: ConfigurationEntry[] = [];
  private readonly indexOfPath = new Map<string, number>();
  private readonly maximumFiles: number;
  private readonly configDirectory: { readonly path: string; readonly display: string };
  /**
   * Each glob's matches, by pattern: files that all include `conf.d/*.conf` asked the disk for
   * the same directory's entries and each entry's real path once per include.
   */
  private readonly globMatches = new Map<string, { path: string; display: string }[]>();

  constructor(
    private readonly fileSystem: FileSystem,
    mainPath: string,
    mainDisplay: string,
    maximumFiles: number | undefined,
  ) {
    this.maximumFiles = maximumFiles ?? defaultMaximumFiles;
    this.configDirectory = { path: posix.dirname(mainPath), display: pythonDirname(mainDisplay) };
  }

  /** The file's number; a file met for the first time is added, to be read in its turn. */
  add(path: string, displayPath: string, context: BlockContext | undefined): number {
    const known = this.indexOfPath.get(path);
    if (known !== undefined) return known;
    this.indexOfPath.set(path, this.entries.length);
    this.entries.push({ path, displayPath, context, errors: [], includes: [] });
    return this.entries.length - 1;
  }

  /**
   * The files an `include` of file `fileIndex` names, in the block context it stands in, added
   * as they are met; what cannot be included is reported to `report`, nginx's way.
   */
  resolveInclude(fileIndex: number, argument: NginxArgument, line: number, context: BlockContext | undefined, report: (error: NginxError) => void): number[] {
    const targets = this.includeTargets(argument, line, context, report);
    this.entries[fileIndex].includes.push({ line, span: argument.span, targets });
    return targets;
  }

  private includeTargets(argument: NginxArgument, line: number, context: BlockContext | undefined, report: (error: NginxError) => void): number[] {
    const fileSystem = this.fileSystem;
    const pattern = argument.value;
    const failed = (error: NginxError): number[] => {
      report(error);
      return [];
    };
    let matches: { path: string; display: string }[];
    if (hasGlobMagic(pattern)) {
      try {
        matches = this.globMatches.get(pattern) ?? expandGlob(fileSystem, pattern, this.configDirectory, this.maximumFiles);
        this.globMatches.set(pattern, matches);
      } catch (error) {
        if (error instanceof FileSystemError) return failed(includeFailure(error, error.path, pattern, line, argument.span));
        if (!(error instanceof GlobLimitError)) throw error;
        return failed({ kind: 'include', message: `include "${pattern}" ${error.message}; none of them were read`, line, span: argument.span });
      }
    } else {
      const path = posix.resolve(this.configDirectory.path, pattern);
      matches = [{ path, display: pythonJoin(this.configDirectory.display, pattern) }];
      const stat = fileSystem.stat(path);
      if (stat === undefined || stat.kind !== 'file') {
        try {
          fileSystem.readFile(path);
        } catch (error) {
          if (error instanceof FileSystemError && error.code === 'UNKNOWN') return [];
          if (error instanceof FileSystemError) return failed(includeFailure(error, path, matches[0].display, line, argument.span));
          throw error;
        }
      }
    }
    const indexes: number[] = [];
    for (const match of matches) {
      if (!this.indexOfPath.has(match.path) && this.entries.length >= this.maximumFiles) {
        failed({
          kind: 'include',
          message: `the configuration includes more than ${this.maximumFiles} files; the rest are not read`,
          line,
          span: argument.span,
        });
        break;
      }
      indexes.push(this.add(match.path, match.display, context));
    }
    return indexes;
  }

  /** Once every file is read: the include cycles reported, each file's errors in file order. */
  finish(): void {
    reportIncludeCycles(this.entries);
    for (const entry of this.entries)
      entry.errors.sort((left, right) => left.span.startLine - right.span.startLine || left.span.startCharacter - right.span.startCharacter);
  }
}

/**
 * Loads a configuration the way nginx does (ConfigurationFiles): each file is parsed once, in
 * the context of its first include; include cycles are reported once each.
 */
export function loadNginxConfiguration(fileSystem: FileSystem, mainPath: string, options: LoadOptions = {}): NginxConfiguration {
  const mainDisplay = options.displayPath ?? mainPath;
  const configuration = new ConfigurationFiles(fileSystem, mainPath, mainDisplay, options.maximumFiles);
  const syntaxes: NginxFile[] = [];
  const includes = new Map<NginxDirective, number[]>();
  const contexts = new BlockContexts();
  const parseOptions = {
    invalidDirectives: options.invalidDirectives,
    ignore: options.ignore,
    maximumFileBytes: options.maximumFileBytes,
    contexts,
    parsed: options.parsed,
  };

  // one budget for all files: ten thousand files of 100,000 directives cost what one of a billion would
  let directivesLeft = defaultMaximumDirectives;
  configuration.add(mainPath, mainDisplay, 'context' in options ? options.context : mainContext);
  for (let fileIndex = 0; fileIndex < configuration.entries.length; fileIndex++) {
    const entry = configuration.entries[fileIndex];
    const syntax = readConfigurationFile(fileSystem, entry.path, { ...parseOptions, context: entry.context, maximumDirectives: directivesLeft });
    directivesLeft -= countDirectives(syntax.directives);
    syntaxes.push(syntax);
    entry.errors.push(...syntax.errors);
    if (options.single) break;
    // the names of the blocks around the directive visited: the context is worked out from them
    // only at an include, as most of a big file's blocks hold none
    const blockNames: string[] = [];
    const contextHere = (): BlockContext | undefined => {
      let context = entry.context;
      for (const name of blockNames) if (context !== undefined) context = contexts.enter(context, name);
      return context;
    };
    const report = (error: NginxError): void => {
      entry.errors.push(error);
    };
    const visit = (directives: readonly NginxDirective[]): void => {
      for (const directive of directives) {
        if (directive.name === 'include' && directive.args.length === 1) {
          includes.set(directive, configuration.resolveInclude(fileIndex, directive.args[0], directive.line, contextHere(), report));
        }
        const block = directive.block;
        if (block !== undefined && block.length > 0) {
          blockNames.push(directive.name);
          visit(block);
          blockNames.pop();
        }
      }
    };
    visit(syntax.directives);
  }
  configuration.finish();
  const files = configuration.entries
    .slice(0, syntaxes.length)
    .map((entry, index) => ({ path: entry.path, displayPath: entry.displayPath, context: entry.context, syntax: syntaxes[index], errors: entry.errors }));
  return { files, includes };
}

/**
 * What nginx 1.22 does with an include cycle, tried on Debian's package: it opens the files again
 * and again, each inside the last, keeping each open, until `open()` fails with "(24: Too many
 * open files)" or the stack overflows and it dies of a segmentation fault (a glob that can no
 * longer be read then matches nothing, and nginx may even start, with the files nested a
 * thousand deep).
 */
export const includeCycleOutcome = 'nginx nests these files inside each other until it runs out of open files or stack, and fails or crashes';

/**
 * nginx would include such files forever; each set of files that include each other (a strongly
 * connected component of the include graph) is reported once, at the include that closes the
 * first cycle met. Ten files that each include `conf.d/*.conf` make one report, not one a file
 * or one a pair.
 */
function reportIncludeCycles(files: readonly ConfigurationEntry[]): void {
  const targetsOf = files.map((file) => file.includes.flatMap((include) => include.targets.map((target) => ({ include, target }))));
  const component = stronglyConnectedComponents(targetsOf.map((targets) => targets.map(({ target }) => target)));
  const members: number[][] = [];
  component.forEach((number, file) => {
    members[number] ??= [];
    members[number].push(file);
  });
  const reported = new Uint8Array(files.length);
  const state = new Uint8Array(files.length);
  const open = 1;
  const done = 2;
  const chain: number[] = [];
  /** Where each open file stands in the chain. */
  const depthOf = new Int32Array(files.length).fill(-1);
  // iterative depth-first search: include chains can be as long as the file count
  const stack: { file: number; next: number }[] = [];
  const push = (file: number): void => {
    state[file] = open;
    depthOf[file] = chain.length;
    chain.push(file);
    stack.push({ file, next: 0 });
  };
  for (let root = 0; root < files.length; root++) {
    if (state[root] !== 0) continue;
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = targetsOf[top.file][top.next++];
      if (next === undefined) {
        state[top.file] = done;
        chain.pop();
        stack.pop();
        continue;
      }
      const { include, target } = next;
      if (state[target] === 0) push(target);
      else if (state[target] === open && reported[target] === 0) {
        // the cycle is the chain from the target down to the file including it
        const cycle = chain.slice(depthOf[target]);
        for (const member of members[component[target]]) reported[member] = 1;
        files[top.file].errors.push({
          kind: 'include',
          message: `include cycle: ${[...cycle, target].map((index) => files[index].displayPath).join(' → ')}; ${includeCycleOutcome}`,
          line: include.line,
          span: include.span,
        });
      }
    }
  }
}
