import { analyzeDirective, BlockContext, enterBlockContext } from './analyzer';
import { NginxLexer, TokenKind } from './lexer';
import { NginxArgument, NginxComment, NginxDirective, NginxError, NginxFile, TextSpan } from './syntax-tree';

/**
 * Whose judgement the parser follows where nginx and crossplane differ:
 * - 'keep': nginx's errors, at nginx's lines (text glued to a quote, `}` after a directive with
 *   no `;`), and a rejected directive is kept with its block, so rules and the editor still
 *   see the whole file;
 * - 'crossplane': crossplane's errors, and rejected directives dropped exactly as crossplane
 *   drops them, so `certboot parse` prints crossplane's payload.
 */
export type InvalidDirectiveHandling = 'keep' | 'crossplane';

export interface ParseOptions {
  /** The block context the file is parsed in; undefined when unknown (no context checks then). */
  readonly context?: BlockContext;
  readonly invalidDirectives?: InvalidDirectiveHandling;
  /** Directives to leave out of the tree, blocks included (crossplane's --ignore). */
  readonly ignore?: ReadonlySet<string>;
  /** Deeper blocks are reported and skipped, so no input can exhaust the stack. */
  readonly maximumDepth?: number;
}

export const defaultMaximumDepth = 200;

/** Shared by the many directives without comments between their arguments; never mutated. */
const noComments: NginxComment[] = [];

interface BlockResult {
  readonly directives: NginxDirective[];
  readonly comments: NginxComment[];
  /** The closing brace; undefined at end of file. */
  readonly closedAt: TextSpan | undefined;
}

class Parser {
  private readonly errors: NginxError[] = [];
  private readonly handling: InvalidDirectiveHandling;
  private readonly ignore: ReadonlySet<string>;
  private readonly maximumDepth: number;
  private reportedUnclosedBlock = false;

  constructor(
    private readonly lexer: NginxLexer,
    options: ParseOptions,
  ) {
    this.handling = options.invalidDirectives ?? 'keep';
    this.ignore = options.ignore ?? new Set();
    this.maximumDepth = options.maximumDepth ?? defaultMaximumDepth;
  }

  parseFile(path: string, context: BlockContext | undefined): NginxFile {
    const directives: NginxDirective[] = [];
    const comments: NginxComment[] = [];
    for (;;) {
      const block = this.parseBlock(context, 0, directives, comments);
      if (block.closedAt === undefined) break;
      if (this.lexer.braceDepth >= 0) {
        // the brace closes the block of a directive crossplane dropped; crossplane stops here
        break;
      }
      // nginx stops at a stray `}`; reading on shows the rest of the file's problems too
      this.error('syntax', 'unexpected "}"', this.lexer.line, this.lexer.span());
      this.lexer.braceDepth = 0;
    }
    const strict = this.handling === 'keep' ? this.lexer.strictErrors : [];
    const errors = [...this.lexer.errors, ...strict, ...this.errors].sort(
      (left, right) => left.span.startLine - right.span.startLine || left.span.startCharacter - right.span.startCharacter,
    );
    return { path, directives, comments, errors };
  }

  private error(kind: NginxError['kind'], message: string, line: number, span: TextSpan): void {
    this.errors.push({ kind, message, line, span });
  }

  private parseBlock(
    context: BlockContext | undefined,
    depth: number,
    directives: NginxDirective[] = [],
    comments: NginxComment[] = [],
  ): BlockResult {
    const lexer = this.lexer;
    for (;;) {
      const kind = lexer.next();
      if (kind === TokenKind.End) return { directives, comments, closedAt: undefined };
      if (kind === TokenKind.CloseBrace) return { directives, comments, closedAt: lexer.span() };
      if (kind === TokenKind.Comment) {
        comments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        continue;
      }
      if (kind === TokenKind.Semicolon || kind === TokenKind.OpenBrace) {
        this.error('syntax', `unexpected "${lexer.value}"`, lexer.line, lexer.span());
        if (kind === TokenKind.OpenBrace && this.skipBlock() === undefined) return { directives, comments, closedAt: undefined };
        continue;
      }

      const name = lexer.value;
      const nameQuoted = lexer.quoted;
      const nameSpan = lexer.span();
      const line = lexer.line;
      const args: NginxArgument[] = [];
      let argumentComments: NginxComment[] = noComments;
      let terminator: TokenKind;
      for (;;) {
        terminator = lexer.next();
        if (terminator === TokenKind.Word) args.push({ value: lexer.value, quoted: lexer.quoted, span: lexer.span() });
        else if (terminator === TokenKind.Comment) {
          if (argumentComments === noComments) argumentComments = [];
          argumentComments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        }
        else break;
      }
      if (name === 'if') stripIfParentheses(args);
      const terminatorSpan = lexer.span();
      const lastSpan = args.length > 0 ? args[args.length - 1].span : nameSpan;

      if (terminator === TokenKind.End) {
        if (!lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting ";" or "}"', lexer.line, lastSpan);
        directives.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: TextSpan.between(nameSpan, lastSpan) });
        return { directives, comments, closedAt: undefined };
      }
      if (terminator === TokenKind.CloseBrace) {
        if (this.handling === 'crossplane') this.error('syntax', `directive "${name}" is not terminated by ";"`, line, nameSpan);
        else this.error('syntax', 'unexpected "}"', lexer.line, terminatorSpan);
        if (this.handling === 'keep') {
          directives.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: TextSpan.between(nameSpan, lastSpan) });
        }
        return { directives, comments, closedAt: terminatorSpan };
      }

      const opensBlock = terminator === TokenKind.OpenBrace;
      if (this.ignore.has(name)) {
        if (opensBlock && this.skipBlock() === undefined) return { directives, comments, closedAt: undefined };
        continue;
      }

      const problem = context === undefined ? undefined : analyzeDirective(name, args, opensBlock ? '{' : ';', context);
      if (problem !== undefined) {
        this.error('analysis', problem, line, nameSpan);
        if (this.handling === 'crossplane') {
          // crossplane skips the block of a directive that should not have one, and reads on
          // inside the block of any other rejected directive as if it belonged to the parent
          if (opensBlock && problem.endsWith('is not terminated by ";"') && this.skipBlock() === undefined) {
            return { directives, comments, closedAt: undefined };
          }
          continue;
        }
      }

      if (!opensBlock) {
        directives.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: TextSpan.between(nameSpan, terminatorSpan) });
        continue;
      }
      if (depth + 1 > this.maximumDepth) {
        this.error('syntax', `blocks nested deeper than ${this.maximumDepth} levels; the rest of this block is not read`, line, nameSpan);
        const end = this.skipBlock();
        const span = TextSpan.between(nameSpan, end ?? terminatorSpan);
        directives.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span, block: [], blockComments: [] });
        if (end === undefined) return { directives, comments, closedAt: undefined };
        continue;
      }
      const childContext = context === undefined ? undefined : enterBlockContext(context, name);
      const inner = this.parseBlock(childContext, depth + 1);
      const end = inner.closedAt ?? lexer.span();
      directives.push({
        name,
        nameQuoted,
        nameSpan,
        line,
        args,
        argumentComments,
        span: TextSpan.between(nameSpan, end),
        block: inner.directives,
        blockComments: inner.comments,
      });
      if (inner.closedAt === undefined) {
        // every enclosing block is unclosed too; nginx says it once, at the end of the file
        if (!this.reportedUnclosedBlock && !lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting "}"', lexer.line, nameSpan);
        this.reportedUnclosedBlock = true;
        return { directives, comments, closedAt: undefined };
      }
    }
  }

  /** Skips to the brace closing the block just opened; returns where it ends, or undefined at end of file. */
  private skipBlock(): TextSpan | undefined {
    let depth = 1;
    for (;;) {
      const kind = this.lexer.next();
      if (kind === TokenKind.End) return undefined;
      if (kind === TokenKind.OpenBrace) depth++;
      else if (kind === TokenKind.CloseBrace && --depth === 0) return this.lexer.span();
    }
  }
}

/** nginx reads `if (condition)` without its parentheses; crossplane's payload drops them too. */
function stripIfParentheses(args: NginxArgument[]): void {
  if (args.length === 0 || !args[0].value.startsWith('(') || !args[args.length - 1].value.endsWith(')')) return;
  const trimmed = (argument: NginxArgument, value: string, fromStart: boolean): NginxArgument => {
    if (argument.quoted) return { ...argument, value };
    const removed = argument.value.length - value.length;
    const old = argument.span;
    const span = fromStart
      ? new TextSpan(old.startLine, old.startCharacter + removed, old.endLine, old.endCharacter)
      : new TextSpan(old.startLine, old.startCharacter, old.endLine, old.endCharacter - removed);
    return { ...argument, value, span };
  };
  args[0] = trimmed(args[0], args[0].value.slice(1).trimStart(), true);
  const last = args.length - 1;
  args[last] = trimmed(args[last], args[last].value.slice(0, -1).trimEnd(), false);
  if (args[last].value === '') args.pop();
  if (args.length > 0 && args[0].value === '') args.shift();
}

export function parseNginx(text: string, path: string, options: ParseOptions = {}): NginxFile {
  return new Parser(new NginxLexer(text), options).parseFile(path, options.context);
}
