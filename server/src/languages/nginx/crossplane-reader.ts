import { type BlockContext, type DirectiveChecks, directiveChecksIn } from './analyzer';
import type { BlockContexts } from './block-contexts';
import type { ByteValues, StatementWriter } from './crossplane-payload';
import { defaultMaximumErrors, ErrorLimit, firstErrors } from './error-limit';
import { crossplaneWordEnd, isLuaBlockDirective, isSpace, luaBlockEnd, TokenKind } from './lexer';
import { defaultMaximumDepth, stripIfParentheses } from './parser';
import { type NginxArgument, type NginxError, TextSpan } from './syntax-tree';

const backslash = 0x5c;
const newline = 0x0a;
const carriageReturn = 0x0d;
const hash = 0x23;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const semicolon = 0x3b;
const doubleQuote = 0x22;
const singleQuote = 0x27;
const dollar = 0x24;

/** Whether the payload prints a byte of a value as it is: printable ASCII but `"` and `\`. */
function isPlain(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e && byte !== doubleQuote && byte !== backslash;
}

const enum WordByte {
  /** Part of the word, printed as it is. */
  Plain,
  /** Part of the word, escaped in the payload. */
  Escaped,
  /** Ends the word: a space, `{`, `}` or `;`. */
  Stop,
  Backslash,
}

/** What each byte is to an unquoted word: one look-up per byte tells both where the word ends and whether it prints as it is. */
const wordBytes = Uint8Array.from({ length: 256 }, (_, byte) => {
  if (isSpace(byte) || byte === openBrace || byte === closeBrace || byte === semicolon) return WordByte.Stop;
  if (byte === backslash) return WordByte.Backslash;
  return isPlain(byte) ? WordByte.Plain : WordByte.Escaped;
});

/** 1 for each byte a quoted word's loop looks at: a quote, and what the payload does not print as it is (a backslash, a line feed…). */
const quotedBytes = Uint8Array.from({ length: 256 }, (_, byte) => (byte === singleQuote || !isPlain(byte) ? 1 : 0));

/**
 * Values are decoded one at a time, each from its own bytes: a token starts and ends at an ASCII
 * byte or at the file's ends, which no UTF-8 sequence holds, so its text is what decoding the
 * whole file gives there. A byte order mark inside a file is a character like any other.
 */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function decode(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * The text of a word's value standing in `bytes` from `start` to `end`. `escapedQuote`: a quoted
 * value holding its quote escaped (the quote is the byte before `start`), which loses the
 * escaping backslash, as crossplane reads it.
 */
function valueText(bytes: Uint8Array, start: number, end: number, escapedQuote: boolean): string {
  const value = decode(bytes, start, end);
  if (!escapedQuote) return value;
  const quote = String.fromCharCode(bytes[start - 1]);
  return value.split(`\\${quote}`).join(quote);
}

/** Whether `bytes` hold `kept` from `start` to `end`. */
function sameBytesAt(kept: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (kept.length !== end - start) return false;
  for (let index = 0; index < kept.length; index++) if (kept[index] !== bytes[start + index]) return false;
  return true;
}

const luaBlockSuffix = Buffer.from('_by_lua_block');
const setByLuaBlock = Buffer.from('set_by_lua_block');

const enum Pending {
  None,
  LuaBody,
  LuaSemicolon,
}

/**
 * The lexer of lexer.ts with crossplane's rules, over a file's bytes instead of its decoded text:
 * the same tokens at the same lines, each a range of the bytes, so that `certboot parse` copies
 * values from the file into the payload without decoding the file or making a string of each
 * token. next() returns the token's kind; the token's fields are overwritten by each call.
 */
class ByteLexer {
  /** Where the token's value stands: a word's without its quotes, a comment's with its `#`. */
  start = 0;
  end = 0;
  quoted = false;
  /** A quoted word holding an escaped quote of its kind: its value lacks the escaping backslashes, so is not the bytes start..end. */
  escapedQuote = false;
  /** A word whose bytes the payload prints as they are (isPlain); false may also mean unknown. */
  plain = false;
  /** 1-based line the token starts on (a Lua body's: the line of its closing brace). */
  line = 1;
  /** Where the token starts, 0-based line and byte column: errors are put in file order by it. */
  startLine = 0;
  startColumn = 0;
  /** A quoted string or Lua block ran to the end of the file (already reported). */
  endedInsideToken = false;
  /** Braces opened minus closed so far, counted on raw tokens as crossplane balances them. */
  braceDepth = 0;
  readonly errors: ErrorLimit;
  private readonly length: number;
  /** Where the lexer stands; a UTF-8 byte order mark at the start is no space, but part of the first word, as crossplane reads it. */
  private offset = 0;
  private currentLine = 0;
  private lineStart = 0;
  private nextIsDirective = true;
  private pending = Pending.None;
  private luaSetArgumentPending = false;

  constructor(
    private readonly bytes: Uint8Array,
    maximumErrors: number,
  ) {
    this.errors = new ErrorLimit(maximumErrors);
    this.length = bytes.length;
  }

  /** The token's value as a string. */
  value(): string {
    return valueText(this.bytes, this.start, this.end, this.escapedQuote);
  }

  /** A comment token's text after its `#`. */
  commentText(): string {
    return decode(this.bytes, this.start + 1, this.end);
  }

  span(): TextSpan {
    return new TextSpan(this.startLine, this.startColumn, this.startLine, this.startColumn);
  }

  next(): TokenKind {
    if (this.pending !== Pending.None || this.luaSetArgumentPending) {
      const lua = this.nextInLua();
      if (lua !== undefined) return lua;
    }
    this.skipSpace();
    const bytes = this.bytes;
    const offset = this.offset;
    this.startLine = this.currentLine;
    this.startColumn = offset - this.lineStart;
    this.line = this.currentLine + 1;
    if (offset >= this.length) return TokenKind.End;
    const byte = bytes[offset];
    if (byte === openBrace || byte === closeBrace || byte === semicolon) {
      this.offset = offset + 1;
      this.nextIsDirective = true;
      if (byte === openBrace) {
        this.braceDepth++;
        return TokenKind.OpenBrace;
      }
      if (byte === closeBrace) {
        this.braceDepth--;
        return TokenKind.CloseBrace;
      }
      return TokenKind.Semicolon;
    }
    if (byte === hash) return this.readComment();
    if (byte === doubleQuote || byte === singleQuote) return this.readQuoted(byte);
    return this.readWord();
  }

  /** The token a Lua block directive's name leads to, when one is pending; undefined to lex on as usual. */
  private nextInLua(): TokenKind | undefined {
    if (this.pending === Pending.LuaSemicolon) {
      this.pending = Pending.None;
      this.nextIsDirective = true;
      return TokenKind.Semicolon;
    }
    if (this.luaSetArgumentPending) {
      this.luaSetArgumentPending = false;
      if (this.readLuaSetArgument()) return TokenKind.Word;
    }
    if (this.pending === Pending.LuaBody) {
      this.pending = Pending.None;
      if (this.readLuaBody()) return TokenKind.Word;
    }
    return undefined;
  }

  private setWord(start: number, end: number, quoted: boolean, escapedQuote: boolean, plain: boolean): TokenKind {
    this.start = start;
    this.end = end;
    this.quoted = quoted;
    this.escapedQuote = escapedQuote;
    this.plain = plain;
    return TokenKind.Word;
  }

  private markStart(): void {
    this.startLine = this.currentLine;
    this.startColumn = this.offset - this.lineStart;
  }

  /** An empty span where the lexer stands. */
  private emptySpan(): TextSpan {
    const column = this.offset - this.lineStart;
    return new TextSpan(this.currentLine, column, this.currentLine, column);
  }

  /** Moves past one byte, or past a backslash and the byte it escapes. */
  private advanceUnit(): void {
    if (this.bytes[this.offset] === backslash && this.offset + 1 < this.length) this.advanceByte();
    this.advanceByte();
  }

  private advanceByte(): void {
    if (this.bytes[this.offset] === newline) {
      this.currentLine++;
      this.lineStart = this.offset + 1;
    }
    this.offset++;
  }

  private skipSpace(): void {
    const bytes = this.bytes;
    const length = this.length;
    let offset = this.offset;
    let line = this.currentLine;
    let lineStart = this.lineStart;
    while (offset < length) {
      const byte = bytes[offset];
      if (!isSpace(byte)) break;
      offset++;
      if (byte === newline) {
        line++;
        lineStart = offset;
      }
    }
    this.offset = offset;
    this.currentLine = line;
    this.lineStart = lineStart;
  }

  private readComment(): TokenKind {
    const bytes = this.bytes;
    const length = this.length;
    const start = this.offset;
    // escapes hold inside comments too: a backslash before the newline ends the comment with it
    let stop = start;
    let consumed = false;
    while (stop < length && bytes[stop] !== newline) {
      if (bytes[stop] === backslash && stop + 1 < length) {
        if (bytes[stop + 1] === newline) {
          consumed = true;
          break;
        }
        stop++;
      }
      stop++;
    }
    this.start = start;
    // a comment ends at the newline; CR belongs to the line break, not to the comment text
    this.end = bytes[stop - 1] === carriageReturn ? stop - 1 : stop;
    this.offset = stop;
    if (consumed) {
      this.advanceByte();
      this.advanceByte();
    }
    return TokenKind.Comment;
  }

  private readWord(): TokenKind {
    const bytes = this.bytes;
    const length = this.length;
    const start = this.offset;
    // up to a space, `{`, `}`, `;` or backslash first; escapes and `${` take the careful path below
    let offset = start;
    let plain = true;
    for (; offset < length; offset++) {
      const kind = wordBytes[bytes[offset]];
      if (kind !== WordByte.Plain) {
        if (kind !== WordByte.Escaped) break;
        plain = false;
      }
    }
    this.offset = offset;
    if (offset < length && (bytes[offset] === backslash || (bytes[offset] === openBrace && bytes[offset - 1] === dollar))) {
      this.readRestOfWord();
      plain = false;
    }
    this.setWord(start, this.offset, false, false, plain);
    this.afterWord();
    return TokenKind.Word;
  }

  /** The rest of a word from an escape or a `${` (crossplaneWordEnd), the lines it holds counted. */
  private readRestOfWord(): void {
    const bytes = this.bytes;
    const end = crossplaneWordEnd((offset) => bytes[offset], this.offset, this.length);
    while (this.offset < end) this.advanceByte();
  }

  private readQuoted(quote: number): TokenKind {
    const bytes = this.bytes;
    const length = this.length;
    const contentStart = this.offset + 1;
    let offset = contentStart;
    let line = this.currentLine;
    let lineStart = this.lineStart;
    let escapedQuote = false;
    let plain = true;
    for (; offset < length; offset++) {
      const byte = bytes[offset];
      if (quotedBytes[byte] === 0) continue;
      if (byte === quote) break;
      // a single quote inside double quotes is printed as it is
      if (byte !== singleQuote) plain = false;
      if (byte === backslash && offset + 1 < length) {
        if (bytes[offset + 1] === quote) escapedQuote = true;
        offset++;
      }
      if (bytes[offset] === newline) {
        line++;
        lineStart = offset + 1;
      }
    }
    this.offset = offset;
    this.currentLine = line;
    this.lineStart = lineStart;
    this.setWord(contentStart, offset, true, escapedQuote, plain);
    if (offset >= length) {
      this.endedInsideToken = true;
      this.errors.push({ kind: 'syntax', message: 'unexpected end of file, expecting ";" or "}"', line: line + 1, span: this.emptySpan() });
    } else this.offset++;
    this.afterWord();
    return TokenKind.Word;
  }

  /** After a word: the name of a Lua block directive makes its block's body the next token. */
  private afterWord(): void {
    if (this.nextIsDirective && this.endsLikeLuaBlock()) {
      this.luaSetArgumentPending = this.escapedQuote ? this.value() === 'set_by_lua_block' : sameBytesAt(setByLuaBlock, this.bytes, this.start, this.end);
      this.pending = Pending.LuaBody;
    }
    this.nextIsDirective = false;
  }

  private endsLikeLuaBlock(): boolean {
    if (this.escapedQuote) return isLuaBlockDirective(this.value());
    const suffixStart = this.end - luaBlockSuffix.length;
    // the last letter rules out almost every word
    return this.bytes[this.end - 1] === 0x6b && suffixStart >= this.start && sameBytesAt(luaBlockSuffix, this.bytes, suffixStart, this.end);
  }

  /** set_by_lua_block takes one argument (the variable) before its Lua block. */
  private readLuaSetArgument(): boolean {
    this.skipSpace();
    const bytes = this.bytes;
    if (this.offset >= this.length || bytes[this.offset] === openBrace) return false;
    this.markStart();
    this.line = this.currentLine + 1;
    const start = this.offset;
    while (this.offset < this.length && !isSpace(bytes[this.offset]) && bytes[this.offset] !== openBrace) this.advanceUnit();
    this.setWord(start, this.offset, false, false, false);
    return true;
  }

  /** The Lua source between the braces, verbatim. Braces inside Lua strings, long brackets and `--` comments do not count. */
  private readLuaBody(): boolean {
    this.skipSpace();
    const bytes = this.bytes;
    const length = this.length;
    if (this.offset >= length || bytes[this.offset] !== openBrace) {
      this.markStart();
      this.errors.push({ kind: 'syntax', message: 'expected "{" to start Lua block', line: this.currentLine + 1, span: this.span() });
      this.nextIsDirective = true;
      return false;
    }
    this.advanceByte();
    this.markStart();
    const start = this.offset;
    const bodyEnd = luaBlockEnd((offset) => bytes[offset], start, length);
    while (this.offset < bodyEnd) this.advanceByte();
    const end = this.offset;
    this.line = this.currentLine + 1;
    this.setWord(start, end, true, false, false);
    if (this.offset >= length) {
      this.endedInsideToken = true;
      this.errors.push({ kind: 'syntax', message: 'unexpected end of file, expecting "}"', line: this.currentLine + 1, span: this.emptySpan() });
      this.nextIsDirective = true;
      return true;
    }
    this.advanceByte();
    this.pending = Pending.LuaSemicolon;
    return true;
  }
}

const enum ArgumentFlag {
  Quoted = 1,
  EscapedQuote = 2,
}

/** One argument of the statement being read, for the checks that look at it; valid until the next statement. */
class ArgumentView implements NginxArgument {
  constructor(
    private readonly args: ByteArguments,
    private readonly index: number,
  ) {}

  get value(): string {
    return this.args.value(this.index);
  }

  get quoted(): boolean {
    return this.args.quoted(this.index);
  }

  get span(): TextSpan {
    return this.args.span(this.index);
  }
}

function grown<Numbers extends Int32Array | Uint8Array>(numbers: Numbers, make: (length: number) => Numbers): Numbers {
  const larger = make(numbers.length * 2);
  larger.set(numbers);
  return larger;
}

/** The arguments of the statement being read, as ranges of the file's bytes, overwritten by the next statement's. */
class ByteArguments implements ByteValues {
  count = 0;
  ranges = new Int32Array(32);
  plain = true;
  /** Whether some value lacks backslashes its bytes have (an escaped quote undone): it is not the bytes it stands on. */
  escapedQuote = false;
  readonly view: DataView;
  private flags = new Uint8Array(16);
  /** Where each argument starts, quotes included: 0-based line and byte column. */
  private starts = new Int32Array(32);
  private readonly views: ArgumentView[][] = [];

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  clear(): void {
    this.count = 0;
    this.plain = true;
    this.escapedQuote = false;
  }

  add(lexer: ByteLexer): void {
    const index = this.count++;
    if (index === this.flags.length) {
      this.ranges = grown(this.ranges, (length) => new Int32Array(length));
      this.starts = grown(this.starts, (length) => new Int32Array(length));
      this.flags = grown(this.flags, (length) => new Uint8Array(length));
    }
    this.ranges[2 * index] = lexer.start;
    this.ranges[2 * index + 1] = lexer.end;
    this.starts[2 * index] = lexer.startLine;
    this.starts[2 * index + 1] = lexer.startColumn;
    this.flags[index] = (lexer.quoted ? ArgumentFlag.Quoted : 0) | (lexer.escapedQuote ? ArgumentFlag.EscapedQuote : 0);
    if (lexer.escapedQuote) this.escapedQuote = true;
    if (!lexer.plain) this.plain = false;
  }

  value(index: number): string {
    return valueText(this.bytes, this.ranges[2 * index], this.ranges[2 * index + 1], (this.flags[index] & ArgumentFlag.EscapedQuote) !== 0);
  }

  quoted(index: number): boolean {
    return (this.flags[index] & ArgumentFlag.Quoted) !== 0;
  }

  span(index: number): TextSpan {
    const line = this.starts[2 * index];
    const column = this.starts[2 * index + 1];
    return new TextSpan(line, column, line, column);
  }

  /** Valid until the next statement is read; for checks only, never kept. */
  checked(): readonly NginxArgument[] {
    return this.views[this.count] ?? this.makeView();
  }

  private makeView(): readonly NginxArgument[] {
    const view = Array.from({ length: this.count }, (_, index) => new ArgumentView(this, index));
    this.views[this.count] = view;
    return view;
  }

  /** The arguments as objects of their own, their values made. */
  copy(): NginxArgument[] {
    return Array.from({ length: this.count }, (_, index) => ({ value: this.value(index), quoted: this.quoted(index), span: this.span(index) }));
  }
}

/** A directive name met in the file, with what the reader asks of it. */
interface DirectiveName {
  readonly name: string;
  readonly bytes: Uint8Array | undefined;
  readonly ignored: boolean;
  readonly isIf: boolean;
  readonly isInclude: boolean;
  readonly isLua: boolean;
  /** The start of its statements at each level (StatementWriter.statementPrefix). */
  readonly prefixes: Uint8Array[];
}

/**
 * One entry per directive name, found from the name's bytes: a big configuration repeats a few
 * dozen names hundreds of thousands of times.
 */
class DirectiveNames {
  private readonly byHash = new Map<number, DirectiveName[]>();
  private readonly byValue = new Map<string, DirectiveName>();
  /** The name last found for each first byte and length: most lookups end here, without hashing. */
  private readonly recent: (DirectiveName | undefined)[] = new Array<DirectiveName | undefined>(256).fill(undefined);

  constructor(private readonly ignore: ReadonlySet<string> | undefined) {}

  /**
   * The name standing in `bytes` from `start` to `end`. Called once per statement, so no closure
   * here: V8 allocates the context of the parameters a closure captures at every call.
   */
  lookUp(bytes: Uint8Array, start: number, end: number): DirectiveName {
    const recent = this.recent[(bytes[start] * 31 + end - start) & 255];
    if (recent !== undefined && recent.bytes !== undefined && sameBytesAt(recent.bytes, bytes, start, end)) return recent;
    return this.lookUpByHash(bytes, start, end);
  }

  private lookUpByHash(bytes: Uint8Array, start: number, end: number): DirectiveName {
    let hash = end - start;
    for (let index = start; index < end; index++) hash = (Math.imul(hash, 31) + bytes[index]) | 0;
    let names = this.byHash.get(hash);
    if (names === undefined) this.byHash.set(hash, (names = []));
    let found: DirectiveName | undefined;
    for (const name of names) if (name.bytes !== undefined && sameBytesAt(name.bytes, bytes, start, end)) found = name;
    if (found === undefined) {
      found = this.make(decode(bytes, start, end), bytes.slice(start, end));
      names.push(found);
    }
    this.recent[(bytes[start] * 31 + end - start) & 255] = found;
    return found;
  }

  /** A name that is not the bytes it stands on (a quoted name with an escaped quote). */
  ofValue(name: string): DirectiveName {
    let found = this.byValue.get(name);
    if (found === undefined) this.byValue.set(name, (found = this.make(name, undefined)));
    return found;
  }

  private make(name: string, bytes: Uint8Array | undefined): DirectiveName {
    return {
      name,
      bytes,
      ignored: this.ignore?.has(name) === true,
      isIf: name === 'if',
      isInclude: name === 'include',
      isLua: isLuaBlockDirective(name),
      prefixes: [],
    };
  }
}

/** What follows a statement: more of its block, the `}` closing the block, or the end of the file. */
const enum After {
  Statement,
  ClosedBlock,
  EndOfFile,
}

/** crossplane-parse.ts's options for reading one file. */
export interface CrossplaneFileOptions {
  /** The block context the file is read in; undefined when unknown (no checks then). */
  readonly context: BlockContext | undefined;
  /** Shared by the files of one configuration. */
  readonly contexts: BlockContexts;
  /** Directives left out, blocks included (--ignore). */
  readonly ignore: ReadonlySet<string> | undefined;
  readonly includeComments: boolean;
  /** The files an include names (the include's argument, line and block context), when includes are followed. */
  readonly resolveInclude: ((argument: NginxArgument, line: number, context: BlockContext | undefined) => number[]) | undefined;
  /** Deeper blocks are reported and skipped, so no input can exhaust the stack. */
  readonly maximumDepth?: number;
  readonly maximumErrors?: number;
}

/**
 * Reads one file's bytes as parser.ts reads a text with crossplane's handling
 * (`invalidDirectives: 'crossplane'`): the same statements, the same rejected directives
 * dropped the same way, the same errors at the same lines. Each statement is written to the
 * writer as it is read, at level 4 (the elements of the file's `parsed`), its name and values
 * copied from the bytes: no tree, and no string for a value that needs none.
 */
class CrossplaneFileReader {
  private readonly lexer: ByteLexer;
  private readonly args: ByteArguments;
  private readonly names: DirectiveNames;
  private readonly errors: ErrorLimit;
  private readonly maximumDepth: number;
  private readonly maximumErrors: number;
  private reportedUnclosedBlock = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: CrossplaneFileOptions,
    private readonly writer: StatementWriter,
  ) {
    this.maximumErrors = options.maximumErrors ?? defaultMaximumErrors;
    this.maximumDepth = options.maximumDepth ?? defaultMaximumDepth;
    this.lexer = new ByteLexer(bytes, this.maximumErrors);
    this.args = new ByteArguments(bytes);
    this.names = new DirectiveNames(options.ignore);
    this.errors = new ErrorLimit(this.maximumErrors);
  }

  /** Reads the file; returns its errors in file order (error-limit.ts). */
  read(): NginxError[] {
    const lexer = this.lexer;
    for (;;) {
      if (!this.readBlock(this.options.context, 0, 4)) break;
      // the brace closes the block of a directive crossplane dropped; crossplane stops here
      if (lexer.braceDepth >= 0) break;
      this.error('syntax', 'unexpected "}"', lexer.line, lexer.span());
      lexer.braceDepth = 0;
    }
    return firstErrors([lexer.errors, this.errors], this.maximumErrors);
  }

  private error(kind: NginxError['kind'], message: string, line: number, span: TextSpan): void {
    this.errors.push({ kind, message, line, span });
  }

  /** The statements of a block, its elements at `level`; false when the file ended before the block did. */
  private readBlock(context: BlockContext | undefined, depth: number, level: number): boolean {
    const lexer = this.lexer;
    const checks = context === undefined ? undefined : directiveChecksIn(context);
    for (;;) {
      const kind = lexer.next();
      if (kind === TokenKind.Word) {
        const after = this.readStatement(context, checks, depth, level);
        if (after !== After.Statement) return after === After.ClosedBlock;
      } else if (kind === TokenKind.End) return false;
      else if (kind === TokenKind.CloseBrace) return true;
      else if (kind === TokenKind.Comment) {
        if (this.options.includeComments) this.writer.comment(lexer.commentText(), lexer.line, undefined, level);
      } else {
        this.error('syntax', `unexpected "${kind === TokenKind.Semicolon ? ';' : '{'}"`, lexer.line, lexer.span());
        if (kind === TokenKind.OpenBrace && !this.skipBlock()) return false;
      }
    }
  }

  /** The statement whose name the lexer just read, with its block; what comes after it. */
  private readStatement(context: BlockContext | undefined, checks: DirectiveChecks | undefined, depth: number, level: number): After {
    const lexer = this.lexer;
    const args = this.args;
    const writer = this.writer;
    const name = lexer.escapedQuote ? this.names.ofValue(lexer.value()) : this.names.lookUp(this.bytes, lexer.start, lexer.end);
    const line = lexer.line;
    const nameLine = lexer.startLine;
    const nameColumn = lexer.startColumn;
    args.clear();
    let argumentComments: string[] | undefined;
    let terminator: TokenKind;
    for (;;) {
      terminator = lexer.next();
      if (terminator === TokenKind.Word) args.add(lexer);
      else if (terminator === TokenKind.Comment) (argumentComments ??= []).push(lexer.commentText());
      else break;
    }
    // what lexing alone does not give (if's parentheses, Lua bodies, undone escapes) is kept as read
    let kept: NginxArgument[] | undefined;
    if (name.isIf || name.isLua || args.escapedQuote) {
      kept = args.copy();
      if (name.isIf) stripIfParentheses(kept);
    }
    const values = kept ?? args.checked();

    if (terminator === TokenKind.CloseBrace) {
      this.error('syntax', `directive "${name.name}" is not terminated by ";"`, line, new TextSpan(nameLine, nameColumn, nameLine, nameColumn));
      return After.ClosedBlock;
    }
    if (terminator === TokenKind.End) {
      if (!lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting ";" or "}"', lexer.line, lexer.span());
      this.writeStatement(name, line, level, context, kept, values, false, argumentComments);
      return After.EndOfFile;
    }

    const opensBlock = terminator === TokenKind.OpenBrace;
    if (name.ignored) return opensBlock && !this.skipBlock() ? After.EndOfFile : After.Statement;
    const problem = checks?.check(name.name, values, opensBlock ? '{' : ';');
    if (problem !== undefined) {
      this.error('analysis', problem, line, new TextSpan(nameLine, nameColumn, nameLine, nameColumn));
      // crossplane skips the block of a directive that should not have one, and reads on
      // inside the block of any other rejected directive as if it belonged to the parent
      return opensBlock && problem.endsWith('is not terminated by ";"') && !this.skipBlock() ? After.EndOfFile : After.Statement;
    }

    if (!opensBlock) {
      this.writeStatement(name, line, level, context, kept, values, false, argumentComments);
      return After.Statement;
    }
    if (depth + 1 > this.maximumDepth) {
      this.error(
        'syntax',
        `blocks nested deeper than ${this.maximumDepth} levels; the rest of this block is not read`,
        line,
        new TextSpan(nameLine, nameColumn, nameLine, nameColumn),
      );
      const closed = this.skipBlock();
      this.writeStatement(name, line, level, context, kept, values, true, argumentComments);
      return closed ? After.Statement : After.EndOfFile;
    }
    const childContext = context === undefined ? undefined : this.options.contexts.enter(context, name.name);
    this.writeHead(name, line, level, context, kept, values);
    writer.openBlock(level);
    const closed = this.readBlock(childContext, depth + 1, level + 2);
    writer.closeBlock(level);
    this.writeEnd(line, level, argumentComments);
    if (closed) return After.Statement;
    // every enclosing block is unclosed too; say it once, at the end of the file
    if (!this.reportedUnclosedBlock && !lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting "}"', lexer.line, lexer.span());
    this.reportedUnclosedBlock = true;
    return After.EndOfFile;
  }

  /** A whole statement; `emptyBlock`: with a block that holds nothing. */
  private writeStatement(
    name: DirectiveName,
    line: number,
    level: number,
    context: BlockContext | undefined,
    kept: readonly NginxArgument[] | undefined,
    values: readonly NginxArgument[],
    emptyBlock: boolean,
    argumentComments: readonly string[] | undefined,
  ): void {
    this.writeHead(name, line, level, context, kept, values);
    if (emptyBlock) {
      this.writer.openBlock(level);
      this.writer.closeBlock(level);
    }
    this.writeEnd(line, level, argumentComments);
  }

  /** The statement up to its block: name, line, arguments, and the files an include names. */
  private writeHead(
    name: DirectiveName,
    line: number,
    level: number,
    context: BlockContext | undefined,
    kept: readonly NginxArgument[] | undefined,
    values: readonly NginxArgument[],
  ): void {
    const writer = this.writer;
    const args = this.args;
    const prefix = (name.prefixes[level] ??= writer.statementPrefix(level, name.name));
    if (kept !== undefined || !writer.headFromBytes(level, prefix, line, args)) {
      writer.begin(level, name.name, line, undefined);
      writer.argumentValues(level, kept ?? args.copy());
    }
    const resolveInclude = this.options.resolveInclude;
    if (name.isInclude && values.length === 1 && resolveInclude !== undefined) writer.includes(level, resolveInclude(values[0], line, context));
  }

  /** Ends the statement; crossplane prints the comments written between its arguments after it, even without --include-comments. */
  private writeEnd(line: number, level: number, argumentComments: readonly string[] | undefined): void {
    this.writer.end(level);
    if (argumentComments !== undefined) for (const comment of argumentComments) this.writer.comment(comment, line, undefined, level);
  }

  /** Skips to the brace closing the block just opened; false at the end of the file. */
  private skipBlock(): boolean {
    let depth = 1;
    for (;;) {
      const kind = this.lexer.next();
      if (kind === TokenKind.End) return false;
      if (kind === TokenKind.OpenBrace) depth++;
      else if (kind === TokenKind.CloseBrace && --depth === 0) return true;
    }
  }
}

/**
 * Writes the statements of one file, read from its bytes with crossplane's rules, to `writer`
 * as the elements of the file's `parsed` array; returns the file's errors.
 */
export function readCrossplaneFile(bytes: Uint8Array, options: CrossplaneFileOptions, writer: StatementWriter): NginxError[] {
  return new CrossplaneFileReader(bytes, options, writer).read();
}
