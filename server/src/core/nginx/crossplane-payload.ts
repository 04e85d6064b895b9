import { ConfigurationFile, NginxConfiguration } from './configuration';
import { LexedToken } from './lexer';
import { NginxComment, NginxDirective, NginxError } from './syntax-tree';

/** One statement of crossplane's JSON payload; key order follows crossplane's output. */
export interface CrossplaneStatement {
  file?: string;
  directive: string;
  line: number;
  args: string[];
  includes?: number[];
  block?: CrossplaneStatement[];
  comment?: string;
}

export interface CrossplaneError {
  error: string;
  line: number | null;
}

export interface CrossplaneConfig {
  file: string;
  status: 'ok' | 'failed';
  errors: CrossplaneError[];
  parsed: CrossplaneStatement[];
}

export interface CrossplanePayload {
  status: 'ok' | 'failed';
  errors: (CrossplaneError & { file: string })[];
  config: CrossplaneConfig[];
}

export interface PayloadOptions {
  readonly includeComments?: boolean;
  readonly combine?: boolean;
}

const errnoNumbers: Record<string, number> = { ENOENT: 2, EACCES: 13, EISDIR: 21, ENOTDIR: 20, ELOOP: 40 };
const errnoTexts: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
};

/** crossplane prints parser errors as `reason in file:line` and OS errors the way Python does. */
function errorText(error: NginxError, displayPath: string): string {
  const unreadable = error.unreadable;
  if (unreadable && errnoNumbers[unreadable.code] !== undefined) {
    return `[Errno ${errnoNumbers[unreadable.code]}] ${errnoTexts[unreadable.code]}: '${unreadable.path}'`;
  }
  return `${error.message} in ${displayPath}:${error.line}`;
}

function commentStatement(comment: NginxComment, line: number, file: string | undefined): CrossplaneStatement {
  const statement: CrossplaneStatement = file === undefined ? { directive: '#', line, args: [] } : { file, directive: '#', line, args: [] };
  statement.comment = comment.text;
  return statement;
}

function statements(
  configuration: NginxConfiguration,
  directives: readonly NginxDirective[],
  comments: readonly NginxComment[],
  options: PayloadOptions,
  file: string | undefined,
): CrossplaneStatement[] {
  const result: CrossplaneStatement[] = [];
  let commentIndex = 0;
  const flushCommentsBefore = (line: number, character: number): void => {
    while (commentIndex < comments.length) {
      const start = comments[commentIndex].span;
      if (start.startLine > line || (start.startLine === line && start.startCharacter > character)) break;
      const comment = comments[commentIndex++];
      if (options.includeComments) result.push(commentStatement(comment, comment.line, file));
    }
  };
  for (const directive of directives) {
    flushCommentsBefore(directive.nameSpan.startLine, directive.nameSpan.startCharacter);
    const statement: CrossplaneStatement =
      file === undefined
        ? { directive: directive.name, line: directive.line, args: directive.args.map((argument) => argument.value) }
        : { file, directive: directive.name, line: directive.line, args: directive.args.map((argument) => argument.value) };
    const included = configuration.includes.get(directive);
    if (included) statement.includes = [...included];
    if (directive.block) statement.block = statements(configuration, directive.block, directive.blockComments ?? [], options, file);
    result.push(statement);
    // crossplane prints comments written between arguments even without --include-comments
    for (const comment of directive.argumentComments) result.push(commentStatement(comment, directive.line, file));
  }
  flushCommentsBefore(Number.MAX_SAFE_INTEGER, 0);
  return result;
}

function configOf(configuration: NginxConfiguration, file: ConfigurationFile, options: PayloadOptions): CrossplaneConfig {
  const errors = file.errors.map((error) => ({ error: errorText(error, file.displayPath), line: error.line }));
  const fileKey = options.combine ? file.displayPath : undefined;
  return {
    file: file.displayPath,
    status: errors.length > 0 ? 'failed' : 'ok',
    errors,
    parsed: statements(configuration, file.syntax.directives, file.syntax.comments, options, fileKey),
  };
}

/** Replaces each include statement by the statements of the files it includes. */
function inlineIncludes(configs: readonly CrossplaneConfig[], parsed: readonly CrossplaneStatement[], chain: readonly number[]): CrossplaneStatement[] {
  const result: CrossplaneStatement[] = [];
  for (const statement of parsed) {
    if (statement.includes) {
      for (const index of statement.includes) {
        // a cycle is already reported as an error; inlining it would never end
        if (!chain.includes(index)) result.push(...inlineIncludes(configs, configs[index].parsed, [...chain, index]));
      }
      continue;
    }
    if (statement.block) statement.block = inlineIncludes(configs, statement.block, chain);
    result.push(statement);
  }
  return result;
}

/** What `crossplane parse` prints for a configuration. */
export function toCrossplanePayload(configuration: NginxConfiguration, options: PayloadOptions = {}): CrossplanePayload {
  const configs = configuration.files.map((file) => configOf(configuration, file, options));
  const errors = configuration.files.flatMap((file, index) =>
    configs[index].errors.map((error) => ({ file: file.displayPath, error: error.error, line: error.line })),
  );
  const status = errors.length > 0 ? 'failed' : 'ok';
  if (!options.combine) return { status, errors, config: configs };
  const combined: CrossplaneConfig = {
    file: configs[0].file,
    status: configs.some((config) => config.status === 'failed') ? 'failed' : 'ok',
    errors: configs.flatMap((config) => config.errors),
    parsed: inlineIncludes(configs, configs[0].parsed, [0]),
  };
  return { status, errors, config: [combined] };
}

/** What `crossplane lex -n` prints: every token with its line. */
export function toCrossplaneTokens(tokens: readonly LexedToken[]): [string, number][] {
  return tokens.map((token) => [token.value, token.line]);
}
