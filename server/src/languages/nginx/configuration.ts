import { posix } from 'node:path';
import type { RoundCache } from '../../workspace/round-cache';
import { sameBytes } from '../../text/same-bytes';
import { describeFileSystemError, type FileSystem, FileSystemError } from '../../workspace/file-system';
import { type BlockContext, mainContext } from './analyzer';
import { BlockContexts } from './block-contexts';
import { expandGlob, GlobLimitError, hasGlobMagic } from './glob';
import { type InvalidDirectiveHandling, parseNginx } from './parser';
import { type NginxDirective, type NginxError, type NginxFile, TextSpan } from './syntax-tree';
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
  },
): NginxFile {
  const failed = (message: string): NginxFile => ({
    path,
    directives: [],
    comments: [],
    errors: [{ kind: 'file', message, line: 1, span: fileStart }],
  });
  const read = readConfigurationBytes(fileSystem, path, options.maximumFileBytes);
  if ('problem' in read) return failed(read.problem);
  const bytes = read.bytes;
  const parse = (): NginxFile => {
    const text = decodeConfigurationText(bytes);
    if (text === undefined) return failed(binaryFileProblem);
    return parseNginx(text, path, {
      // the decoder drops a UTF-8 byte order mark, which nginx reads as part of the first word
      byteOrderMark: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
      context: options.context,
      invalidDirectives: options.invalidDirectives,
      ignore: options.ignore,
      contexts: options.contexts,
    });
  };
  // the parse options the CLI alone sets change the tree: such parses are not kept
  if (!options.parsed || options.invalidDirectives !== undefined || options.ignore !== undefined) return parse();
  return options.parsed.get(
    `${path}\0${contextKey(options.context)}`,
    (kept) => sameBytes(kept.bytes, bytes),
    () => ({ bytes, file: parse() }),
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

/**
 * Loads a configuration the way nginx does: the main file, then every file its includes name,
 * relative paths resolved against the main file's directory, globs expanded and sorted, a glob
 * matching nothing accepted, a missing file an error. Each file is parsed once, in the context of
 * its first include; include cycles are reported once each.
 */
export function loadNginxConfiguration(fileSystem: FileSystem, mainPath: string, options: LoadOptions = {}): NginxConfiguration {
  const maximumFiles = options.maximumFiles ?? defaultMaximumFiles;
  const mainDisplay = options.displayPath ?? mainPath;
  const configDirectory = { path: posix.dirname(mainPath), display: pythonDirname(mainDisplay) };
  const files: { path: string; displayPath: string; context: BlockContext | undefined; syntax: NginxFile; errors: NginxError[] }[] = [];
  const indexOfPath = new Map<string, number>();
  const includes = new Map<NginxDirective, number[]>();
  /** Per file, its resolved include directives in file order. */
  const includesOf: NginxDirective[][] = [];
  const contexts = new BlockContexts();
  /**
   * Each glob's matches, by pattern: files that all include `conf.d/*.conf` asked the disk for
   * the same directory's entries and each entry's real path once per include.
   */
  const globMatches = new Map<string, { path: string; display: string }[]>();
  const parseOptions = {
    invalidDirectives: options.invalidDirectives,
    ignore: options.ignore,
    maximumFileBytes: options.maximumFileBytes,
    contexts,
    parsed: options.parsed,
  };

  const addFile = (path: string, displayPath: string, context: BlockContext | undefined): number => {
    const known = indexOfPath.get(path);
    if (known !== undefined) return known;
    const syntax = readConfigurationFile(fileSystem, path, { ...parseOptions, context });
    indexOfPath.set(path, files.length);
    files.push({ path, displayPath, context, syntax, errors: [...syntax.errors] });
    includesOf.push([]);
    return files.length - 1;
  };

  addFile(mainPath, mainDisplay, 'context' in options ? options.context : mainContext);
  for (let fileIndex = 0; fileIndex < files.length && !options.single; fileIndex++) {
    const file = files[fileIndex];
    // the names of the blocks around the directive visited: the context is worked out from them
    // only at an include, as most of a big file's blocks hold none
    const blockNames: string[] = [];
    const contextHere = (): BlockContext | undefined => {
      let context = file.context;
      for (const name of blockNames) if (context !== undefined) context = contexts.enter(context, name);
      return context;
    };
    const visit = (directives: readonly NginxDirective[]): void => {
      for (const directive of directives) {
        if (directive.name === 'include' && directive.args.length === 1) {
          includes.set(directive, resolveInclude(directive, contextHere()));
          includesOf[fileIndex].push(directive);
        }
        const block = directive.block;
        if (block !== undefined && block.length > 0) {
          blockNames.push(directive.name);
          visit(block);
          blockNames.pop();
        }
      }
    };
    const resolveInclude = (directive: NginxDirective, context: BlockContext | undefined): number[] => {
      const argument = directive.args[0];
      const pattern = argument.value;
      const report = (error: NginxError): number[] => {
        file.errors.push(error);
        return [];
      };
      let matches: { path: string; display: string }[];
      if (hasGlobMagic(pattern)) {
        try {
          matches = globMatches.get(pattern) ?? expandGlob(fileSystem, pattern, configDirectory, maximumFiles);
          globMatches.set(pattern, matches);
        } catch (error) {
          if (error instanceof FileSystemError) return report(includeFailure(error, error.path, pattern, directive.line, argument.span));
          if (!(error instanceof GlobLimitError)) throw error;
          return report({
            kind: 'include',
            message: `include "${pattern}" ${error.message}; none of them were read`,
            line: directive.line,
            span: argument.span,
          });
        }
      } else {
        const path = posix.resolve(configDirectory.path, pattern);
        matches = [{ path, display: pythonJoin(configDirectory.display, pattern) }];
        const stat = fileSystem.stat(path);
        if (stat === undefined || stat.kind !== 'file') {
          try {
            fileSystem.readFile(path);
          } catch (error) {
            if (error instanceof FileSystemError && error.code === 'UNKNOWN') return [];
            if (error instanceof FileSystemError) return report(includeFailure(error, path, matches[0].display, directive.line, argument.span));
            throw error;
          }
        }
      }
      const indexes: number[] = [];
      for (const match of matches) {
        if (!indexOfPath.has(match.path) && files.length >= maximumFiles) {
          report({
            kind: 'include',
            message: `the configuration includes more than ${maximumFiles} files; the rest are not read`,
            line: directive.line,
            span: argument.span,
          });
          break;
        }
        indexes.push(addFile(match.path, match.display, context));
      }
      return indexes;
    };
    visit(file.syntax.directives);
  }

  reportIncludeCycles(files, includes, includesOf);
  for (const file of files)
    file.errors.sort((left, right) => left.span.startLine - right.span.startLine || left.span.startCharacter - right.span.startCharacter);
  return { files, includes };
}

/**
 * nginx would include such files forever; report each cycle once, at the include that closes it.
 * Files that all include each other (each `include conf.d/*.conf;`) close a cycle at every pair,
 * each naming up to every file: a cycle through a file of a cycle already reported is left out,
 * so the reports name each file at most once and stay as big as the file list.
 */
function reportIncludeCycles(
  files: { path: string; displayPath: string; syntax: NginxFile; errors: NginxError[] }[],
  includes: ReadonlyMap<NginxDirective, readonly number[]>,
  includesOf: readonly (readonly NginxDirective[])[],
): void {
  const state = new Array<'new' | 'open' | 'done'>(files.length).fill('new');
  const reported = new Array<boolean>(files.length).fill(false);
  const chain: number[] = [];
  /** Where each open file stands in the chain. */
  const depthOf = new Array<number>(files.length).fill(-1);
  /** For each depth of the chain: the deepest depth at or above it whose file is on a reported cycle, -1 for none. */
  const reportedUpTo: number[] = [];
  // iterative depth-first search: include chains can be as long as the file count
  const stack: { file: number; next: number; targets: { directive: NginxDirective; target: number }[] }[] = [];
  const push = (file: number): void => {
    state[file] = 'open';
    const depth = chain.length;
    depthOf[file] = depth;
    chain.push(file);
    reportedUpTo[depth] = reported[file] ? depth : depth > 0 ? reportedUpTo[depth - 1] : -1;
    const targets = includesOf[file].flatMap((directive) => (includes.get(directive) ?? []).map((target) => ({ directive, target })));
    stack.push({ file, next: 0, targets });
  };
  for (let root = 0; root < files.length; root++) {
    if (state[root] !== 'new') continue;
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next >= top.targets.length) {
        state[top.file] = 'done';
        chain.pop();
        stack.pop();
        continue;
      }
      const { directive, target } = top.targets[top.next++];
      if (state[target] === 'new') push(target);
      else if (state[target] === 'open') {
        // the cycle is the chain from the target down to the file including it
        const first = depthOf[target];
        const last = chain.length - 1;
        if (reportedUpTo[last] >= first) continue;
        const cycle = chain.slice(first);
        for (let depth = first; depth <= last; depth++) {
          reported[chain[depth]] = true;
          reportedUpTo[depth] = depth;
        }
        files[top.file].errors.push({
          kind: 'include',
          message: `include cycle: ${[...cycle, target].map((index) => files[index].displayPath).join(' → ')}`,
          line: directive.line,
          span: directive.args[0].span,
        });
      }
    }
  }
}
