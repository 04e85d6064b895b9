import { ConfigurationFile, NginxConfiguration } from './configuration';
import { LexedToken } from './lexer';
import { NginxArgument, NginxComment, NginxDirective, NginxError } from './syntax-tree';

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

export interface PayloadOutput {
  /** As JSON.stringify's third argument. */
  readonly indent?: number;
  /** Receives the text in pieces of about `chunkLength` characters, in order. */
  write(chunk: string): void;
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

/** Big enough that the sink is called rarely, small enough that no output-sized string is built. */
const chunkLength = 1 << 16;

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, lone surrogates. */
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(value: string): string {
  return needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * JSON text laid out exactly as JSON.stringify(value, null, indent) lays it out, handed to the
 * sink in chunks, so a payload of millions of statements never exists as one object tree or one
 * string. Each statement is written as one piece: with a piece per token, string building cost
 * more than everything else.
 */
class PayloadWriter {
  private pending = '';
  /** Whether the array being written has no element yet. */
  private first = true;
  /** The line break and indentation before a member at each nesting level; empty when compact. */
  private readonly breaks: string[] = [];
  private readonly gap: string;
  private readonly colon: string;
  private readonly quotedNames = new Map<string, string>();

  constructor(
    private readonly configuration: NginxConfiguration,
    private readonly options: PayloadOptions,
    private readonly sink: (chunk: string) => void,
    indent: number | undefined,
  ) {
    this.gap = ' '.repeat(Math.min(10, indent ?? 0));
    this.colon = this.gap === '' ? ':' : ': ';
  }

  /** `{"status": …, "errors": […], "config": […]}`: the statements of each file, or of all inlined into the first. */
  payload(status: CrossplanePayload['status'], errors: readonly PayloadError[]): void {
    const files = this.configuration.files;
    const b1 = this.lineBreak(1);
    const c = this.colon;
    this.write(`{${b1}"status"${c}${quote(status)},${b1}"errors"${c}${this.errors(errors, 2, true)},${b1}"config"${c}[`);
    this.first = true;
    const config = (file: string, fileErrors: readonly PayloadError[], index: number): void => {
      const b3 = this.lineBreak(3);
      const fileStatus = fileErrors.length > 0 ? 'failed' : 'ok';
      this.write(
        `${this.separator(2)}{${b3}"file"${c}${quote(file)},${b3}"status"${c}${quote(fileStatus)},${b3}"errors"${c}${this.errors(fileErrors, 4, false)},${b3}"parsed"${c}[`,
      );
      this.first = true;
      this.statementsOf(index, [index], 4);
      this.closeArray(4, `${this.lineBreak(2)}}`);
    };
    if (this.options.combine) config(files[0].displayPath, errors, 0);
    else files.forEach((file, index) => config(file.displayPath, errors.filter((error) => error.file === file), index));
    this.closeArray(2, `${this.lineBreak(0)}}`);
    if (this.pending !== '') this.sink(this.pending);
    this.pending = '';
  }

  private errors(errors: readonly PayloadError[], level: number, withFile: boolean): string {
    if (errors.length === 0) return '[]';
    const inner = this.lineBreak(level + 1);
    const c = this.colon;
    const items = errors.map(({ file, error }) => {
      const fileMember = withFile ? `${inner}"file"${c}${quote(file.displayPath)},` : '';
      const text = quote(errorText(error, file.displayPath));
      return `${this.lineBreak(level)}{${fileMember}${inner}"error"${c}${text},${inner}"line"${c}${error.line}${this.lineBreak(level)}}`;
    });
    return `[${items.join(',')}${this.lineBreak(level - 1)}]`;
  }

  /** The statements of a file as elements of the array being written (its own `parsed`, or inlined). */
  private statementsOf(fileIndex: number, chain: readonly number[], level: number): void {
    const file = this.configuration.files[fileIndex];
    const fileKey = this.options.combine ? quote(file.displayPath) : undefined;
    this.statements(file.syntax.directives, file.syntax.comments, fileKey, chain, level);
  }

  private statements(
    directives: readonly NginxDirective[],
    comments: readonly NginxComment[],
    file: string | undefined,
    chain: readonly number[],
    level: number,
  ): void {
    let commentIndex = 0;
    const flushCommentsBefore = (line: number, character: number): void => {
      while (commentIndex < comments.length) {
        const start = comments[commentIndex].span;
        if (start.startLine > line || (start.startLine === line && start.startCharacter > character)) break;
        const comment = comments[commentIndex++];
        if (this.options.includeComments) this.comment(comment, comment.line, file, level);
      }
    };
    for (const directive of directives) {
      if (comments.length > 0) flushCommentsBefore(directive.nameSpan.startLine, directive.nameSpan.startCharacter);
      this.directive(directive, file, chain, level);
      // crossplane prints comments written between arguments even without --include-comments
      for (const comment of directive.argumentComments) this.comment(comment, directive.line, file, level);
    }
    flushCommentsBefore(Number.MAX_SAFE_INTEGER, 0);
  }

  private directive(directive: NginxDirective, file: string | undefined, chain: readonly number[], level: number): void {
    const included = this.configuration.includes.get(directive);
    if (included !== undefined && this.options.combine) {
      for (const index of included) {
        // a cycle is already reported as an error; inlining it would never end
        if (!chain.includes(index)) this.statementsOf(index, [...chain, index], level);
      }
      return;
    }
    const member = this.lineBreak(level + 1);
    const c = this.colon;
    let text = `${this.separator(level)}{${file === undefined ? '' : `${member}"file"${c}${file},`}${member}"directive"${c}${this.quotedName(directive.name)},${member}"line"${c}${directive.line},${member}"args"${c}${this.args(directive.args, level + 2)}`;
    if (included !== undefined) {
      const element = this.lineBreak(level + 2);
      text += `,${member}"includes"${c}${included.length === 0 ? '[]' : `[${element}${included.join(`,${element}`)}${member}]`}`;
    }
    if (directive.block === undefined) {
      this.write(`${text}${this.lineBreak(level)}}`);
      return;
    }
    this.write(`${text},${member}"block"${c}[`);
    this.first = true;
    this.statements(directive.block, directive.blockComments ?? [], file, chain, level + 2);
    this.closeArray(level + 2, `${this.lineBreak(level)}}`);
  }

  private comment(comment: NginxComment, line: number, file: string | undefined, level: number): void {
    const member = this.lineBreak(level + 1);
    const c = this.colon;
    this.write(
      `${this.separator(level)}{${file === undefined ? '' : `${member}"file"${c}${file},`}${member}"directive"${c}"#",${member}"line"${c}${line},${member}"args"${c}[],${member}"comment"${c}${quote(comment.text)}${this.lineBreak(level)}}`,
    );
  }

  private args(args: readonly NginxArgument[], level: number): string {
    if (args.length === 0) return '[]';
    const element = this.lineBreak(level);
    let text = `[${element}${quote(args[0].value)}`;
    for (let index = 1; index < args.length; index++) text += `,${element}${quote(args[index].value)}`;
    return `${text}${this.lineBreak(level - 1)}]`;
  }

  private quotedName(name: string): string {
    let quoted = this.quotedNames.get(name);
    if (quoted === undefined) this.quotedNames.set(name, (quoted = quote(name)));
    return quoted;
  }

  /** What goes before the next element of an array whose elements stand at `level`. */
  private separator(level: number): string {
    const first = this.first;
    this.first = false;
    return first ? this.lineBreak(level) : `,${this.lineBreak(level)}`;
  }

  /** Closes an array whose elements stand at `level`, then writes `after`. */
  private closeArray(level: number, after: string): void {
    this.write(this.first ? `]${after}` : `${this.lineBreak(level - 1)}]${after}`);
    // the array is itself an element (or member) of what encloses it
    this.first = false;
  }

  private lineBreak(level: number): string {
    return (this.breaks[level] ??= this.gap === '' ? '' : `\n${this.gap.repeat(level)}`);
  }

  private write(text: string): void {
    this.pending += text;
    if (this.pending.length >= chunkLength) {
      this.sink(this.pending);
      this.pending = '';
    }
  }
}

interface PayloadError {
  readonly file: ConfigurationFile;
  readonly error: NginxError;
}

/**
 * Writes what `crossplane parse` prints for a configuration, without building it first: the
 * statements come straight from the syntax trees. Returns the payload's status.
 */
export function writeCrossplanePayload(configuration: NginxConfiguration, options: PayloadOptions, output: PayloadOutput): CrossplanePayload['status'] {
  const errors = configuration.files.flatMap((file) => file.errors.map((error) => ({ file, error })));
  const status = errors.length > 0 ? 'failed' : 'ok';
  new PayloadWriter(configuration, options, (chunk) => output.write(chunk), output.indent).payload(status, errors);
  return status;
}

/** What `crossplane parse` prints for a configuration, as objects. */
export function toCrossplanePayload(configuration: NginxConfiguration, options: PayloadOptions = {}): CrossplanePayload {
  let text = '';
  writeCrossplanePayload(configuration, options, { write: (chunk) => (text += chunk) });
  return JSON.parse(text) as CrossplanePayload;
}

/** What `crossplane lex -n` prints: every token with its line. */
export function toCrossplaneTokens(tokens: readonly LexedToken[]): [string, number][] {
  return tokens.map((token) => [token.value, token.line]);
}
