import { analyzeDirective, BlockContext } from './analyzer';
import { BlockContexts } from './block-contexts';
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
  /** Shared by the files of one configuration. */
  readonly contexts?: BlockContexts;
}

export const defaultMaximumDepth = 200;

/** Shared by the many directives without arguments, block content or comments; never mutated. */
const noArguments: NginxArgument[] = [];
const noDirectives: NginxDirective[] = [];
const noComments: NginxComment[] = [];

interface BlockResult {
  readonly directives: NginxDirective[];
  readonly comments: NginxComment[];
  /** False when the file ended first; no span, as nothing reads where a block closed. */
  readonly closed: boolean;
}

/**
 * Directives and arguments are gathered in arrays reused from one statement to the next, then
 * copied out at their exact length: an array grown by push keeps room for 17 elements, and a
 * big configuration has hundreds of thousands of argument lists and blocks with one or two.
 */
class Scratch<Item> {
  private readonly items: Item[] = [];
  length = 0;

  push(item: Item): void {
    this.items[this.length++] = item;
  }

  /** The items pushed since `start`, removed from the scratch. */
  take(start: number, empty: Item[]): Item[] {
    const taken = this.length === start ? empty : this.items.slice(start, this.length);
    this.length = start;
    return taken;
  }
}

class Parser {
  private readonly errors: NginxError[] = [];
  private readonly handling: InvalidDirectiveHandling;
  private readonly ignore: ReadonlySet<string>;
  private readonly maximumDepth: number;
  private reportedUnclosedBlock = false;
  private readonly argumentScratch = new Scratch<NginxArgument>();
  /** Every open block's directives, innermost last. */
  private readonly directiveScratch = new Scratch<NginxDirective>();
  /** One string per directive name, not one per occurrence: the tree outlives the file's text. */
  private readonly names = new Map<string, string>();
  private readonly contexts: BlockContexts;

  constructor(
    private readonly lexer: NginxLexer,
    options: ParseOptions,
  ) {
    this.handling = options.invalidDirectives ?? 'keep';
    this.ignore = options.ignore ?? new Set();
    this.maximumDepth = options.maximumDepth ?? defaultMaximumDepth;
    this.contexts = options.contexts ?? new BlockContexts();
  }

  parseFile(path: string, context: BlockContext | undefined): NginxFile {
    let directives: NginxDirective[] = noDirectives;
    const comments: NginxComment[] = [];
    for (;;) {
      const block = this.parseBlock(context, 0, comments);
      directives = directives.length === 0 ? block.directives : directives.concat(block.directives);
      if (!block.closed) break;
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

  private spanToCurrentToken(from: TextSpan): TextSpan {
    const lexer = this.lexer;
    return new TextSpan(from.startLine, from.startCharacter, lexer.endLine, lexer.endCharacter);
  }

  private name(value: string): string {
    const known = this.names.get(value);
    if (known !== undefined) return known;
    this.names.set(value, value);
    return value;
  }

  private parseBlock(context: BlockContext | undefined, depth: number, topComments?: NginxComment[]): BlockResult {
    const lexer = this.lexer;
    const scratch = this.directiveScratch;
    const start = scratch.length;
    let comments = topComments ?? noComments;
    const result = (closed: boolean): BlockResult => ({ directives: scratch.take(start, noDirectives), comments, closed });
    for (;;) {
      const kind = lexer.next();
      if (kind === TokenKind.End) return result(false);
      if (kind === TokenKind.CloseBrace) return result(true);
      if (kind === TokenKind.Comment) {
        if (comments === noComments) comments = [];
        comments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        continue;
      }
      if (kind === TokenKind.Semicolon || kind === TokenKind.OpenBrace) {
        this.error('syntax', `unexpected "${lexer.value}"`, lexer.line, lexer.span());
        if (kind === TokenKind.OpenBrace && this.skipBlock() === undefined) return result(false);
        continue;
      }

      const name = this.name(lexer.value);
      const nameQuoted = lexer.quoted;
      const nameSpan = lexer.span();
      const line = lexer.line;
      const argumentScratch = this.argumentScratch;
      let argumentComments: NginxComment[] = noComments;
      let terminator: TokenKind;
      for (;;) {
        terminator = lexer.next();
        if (terminator === TokenKind.Word) argumentScratch.push({ value: lexer.value, quoted: lexer.quoted, span: lexer.span() });
        else if (terminator === TokenKind.Comment) {
          if (argumentComments === noComments) argumentComments = [];
          argumentComments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        } else break;
      }
      const args = argumentScratch.take(0, noArguments);
      if (name === 'if') stripIfParentheses(args);
      const lastSpan = args.length > 0 ? args[args.length - 1].span : nameSpan;

      if (terminator === TokenKind.End) {
        if (!lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting ";" or "}"', lexer.line, lastSpan);
        scratch.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: TextSpan.between(nameSpan, lastSpan) });
        return result(false);
      }
      if (terminator === TokenKind.CloseBrace) {
        const terminatorSpan = lexer.span();
        if (this.handling === 'crossplane') this.error('syntax', `directive "${name}" is not terminated by ";"`, line, nameSpan);
        else this.error('syntax', 'unexpected "}"', lexer.line, terminatorSpan);
        if (this.handling === 'keep') {
          scratch.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: TextSpan.between(nameSpan, lastSpan) });
        }
        return result(true);
      }

      const opensBlock = terminator === TokenKind.OpenBrace;
      if (this.ignore.has(name)) {
        if (opensBlock && this.skipBlock() === undefined) return result(false);
        continue;
      }

      const problem = context === undefined ? undefined : analyzeDirective(name, args, opensBlock ? '{' : ';', context);
      if (problem !== undefined) {
        this.error('analysis', problem, line, nameSpan);
        if (this.handling === 'crossplane') {
          // crossplane skips the block of a directive that should not have one, and reads on
          // inside the block of any other rejected directive as if it belonged to the parent
          if (opensBlock && problem.endsWith('is not terminated by ";"') && this.skipBlock() === undefined) return result(false);
          continue;
        }
      }

      if (!opensBlock) {
        scratch.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span: this.spanToCurrentToken(nameSpan) });
        continue;
      }
      if (depth + 1 > this.maximumDepth) {
        this.error('syntax', `blocks nested deeper than ${this.maximumDepth} levels; the rest of this block is not read`, line, nameSpan);
        const terminatorSpan = lexer.span();
        const end = this.skipBlock();
        const span = TextSpan.between(nameSpan, end ?? terminatorSpan);
        scratch.push({ name, nameQuoted, nameSpan, line, args, argumentComments, span, block: [], blockComments: [] });
        if (end === undefined) return result(false);
        continue;
      }
      const childContext = context === undefined ? undefined : this.contexts.enter(context, name);
      const inner = this.parseBlock(childContext, depth + 1);
      scratch.push({
        name,
        nameQuoted,
        nameSpan,
        line,
        args,
        argumentComments,
        span: this.spanToCurrentToken(nameSpan),
        block: inner.directives,
        blockComments: inner.comments,
      });
      if (!inner.closed) {
        // every enclosing block is unclosed too; nginx says it once, at the end of the file
        if (!this.reportedUnclosedBlock && !lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting "}"', lexer.line, nameSpan);
        this.reportedUnclosedBlock = true;
        return result(false);
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
