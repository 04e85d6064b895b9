import { defaultMaximumErrors, ErrorLimit, firstErrors } from './error-limit';
import { type NginxError, TextSpan } from './syntax-tree';

export const enum TokenKind {
  Word,
  Comment,
  OpenBrace,
  CloseBrace,
  Semicolon,
  End,
}

const backslash = 0x5c;
const newline = 0x0a;
const hash = 0x23;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const closeParenthesis = 0x29;
const semicolon = 0x3b;
const doubleQuote = 0x22;
const singleQuote = 0x27;
const dollar = 0x24;
const dash = 0x2d;
const openBracket = 0x5b;

/** Space, or one of tab, line feed, vertical tab, form feed and carriage return (0x09-0x0d): crossplane's spaces. */
export function isSpace(code: number): boolean {
  return code === 0x20 || (code <= 0x0d && code >= 0x09);
}

/**
 * nginx's spaces: space, tab, carriage return and line feed only (ngx_conf_read_token in
 * src/core/ngx_conf_file.c); a vertical tab or a form feed is part of a word.
 */
function isNginxSpace(code: number): boolean {
  return code === 0x20 || code === newline || code === 0x09 || code === 0x0d;
}

/**
 * NGX_CONF_BUFFER (src/core/ngx_conf_file.c): nginx reads a file through a buffer of this many
 * bytes and rejects a token that does not fit in it ("too long parameter").
 */
const configurationBufferBytes = 4096;

/** The UTF-8 length of `text` from `start` to `end`, counted only up to `limit`. */
function utf8Length(text: string, start: number, end: number, limit: number): number {
  let bytes = 0;
  for (let index = start; index < end && bytes < limit; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < end && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/** The first `limit` UTF-8 bytes of `text` from `start`, as a UTF-8 reader shows them: a character cut short is U+FFFD. */
function utf8Prefix(text: string, start: number, limit: number): string {
  let bytes = 0;
  let end = start;
  while (end < text.length) {
    const units = (text.charCodeAt(end) & 0xfc00) === 0xd800 ? 2 : 1;
    const characterBytes = utf8Length(text, end, end + units, 4);
    if (bytes + characterBytes > limit) return `${text.slice(start, end)}${bytes < limit ? '\ufffd' : ''}`;
    bytes += characterBytes;
    end += units;
  }
  return text.slice(start, end);
}

const closeBracket = 0x5d;
const equals = 0x3d;

/**
 * Where the body of a `*_by_lua_block` directive ends, the body starting at `start`, just after
 * its `{`: the offset of the brace closing it, or `length` when the text ends first. Braces
 * inside Lua strings, long brackets (`[[...]]`, `[==[...]==]`) and `--` comments do not count.
 * `codeAt` gives a character's code, a byte or a UTF-16 unit: the characters that matter are
 * ASCII, so both lexers read bodies with it (crossplane-reader.ts reads bytes).
 */
export function luaBlockEnd(codeAt: (offset: number) => number, start: number, length: number): number {
  let offset = start;
  let depth = 1;
  while (offset < length) {
    const code = codeAt(offset);
    if (code === closeBrace) {
      if (--depth === 0) return offset;
      offset++;
    } else if (code === openBrace) {
      depth++;
      offset++;
    } else if (code === doubleQuote || code === singleQuote) {
      // a string ends at its quote or at the line's end; a backslash escapes the next character
      offset++;
      while (offset < length && codeAt(offset) !== code && codeAt(offset) !== newline) offset += codeAt(offset) === backslash && offset + 1 < length ? 2 : 1;
      if (offset < length) offset++;
    } else if (code === dash && codeAt(offset + 1) === dash) {
      // a comment: a long bracket, or the rest of the line
      const end = longBracketEnd(codeAt, offset + 2, length);
      if (end >= 0) offset = end;
      else while (offset < length && codeAt(offset) !== newline) offset++;
    } else if (code === openBracket) {
      const end = longBracketEnd(codeAt, offset, length);
      offset = end >= 0 ? end : offset + 1;
    } else offset++;
  }
  return length;
}

/** Where Lua's long bracket starting at `at` (`[[...]]`, `[==[...]==]`) ends, just past it (`length` when unclosed); -1 when none starts there. */
function longBracketEnd(codeAt: (offset: number) => number, at: number, length: number): number {
  if (codeAt(at) !== openBracket) return -1;
  let level = 0;
  let cursor = at + 1;
  while (codeAt(cursor) === equals) {
    level++;
    cursor++;
  }
  if (codeAt(cursor) !== openBracket) return -1;
  // the closing bracket: `]`, as many `=` as the opening one, `]`
  for (let close = cursor + 1; close + level + 1 < length; close++) {
    if (codeAt(close) !== closeBracket) continue;
    let equalSigns = 0;
    while (equalSigns < level && codeAt(close + 1 + equalSigns) === equals) equalSigns++;
    if (equalSigns === level && codeAt(close + 1 + level) === closeBracket) return close + level + 2;
  }
  return length;
}

/**
 * Where a word read with crossplane's rules ends, from `offset` inside it: at a space, `{`, `}`
 * or `;`, where a backslash escapes the next character and `${` keeps the braces of a variable
 * in the word. `codeAt` gives a character's code, a byte or a UTF-16 unit, as luaBlockEnd's.
 */
export function crossplaneWordEnd(codeAt: (offset: number) => number, offset: number, length: number): number {
  let at = offset;
  /** How many characters from `at` one goes on by: two for an escape. */
  const unit = (): number => (codeAt(at) === backslash && at + 1 < length ? 2 : 1);
  while (at < length) {
    let code = codeAt(at);
    if (isSpace(code) || code === openBrace || code === closeBrace || code === semicolon) {
      if (code !== openBrace || codeAt(at - 1) !== dollar) break;
      // `${name}`: the braces belong to the variable, up to its closing brace or a space
      do at += unit();
      while (at < length && codeAt(at - 1) !== closeBrace && !isSpace(codeAt(at)));
      if (at >= length) break;
      code = codeAt(at);
      if (code === openBrace || code === closeBrace || code === semicolon) break;
      // crossplane keeps the character that stopped the variable, even a space
      at += unit();
      continue;
    }
    at += unit();
  }
  return at;
}

/** Whose token rules a lexer follows where nginx and crossplane differ. */
export type LexerRules = 'crossplane' | 'nginx';

const luaBlockSuffix = '_by_lua_block';

/** Directives whose block is Lua source, taken whole as one argument (lua-nginx-module). */
export function isLuaBlockDirective(name: string): boolean {
  // asked for every directive name: the last letter rules out almost all of them cheaply
  return name.charCodeAt(name.length - 1) === 0x6b && name.endsWith(luaBlockSuffix);
}

/**
 * A pull lexer over one file's text, with nginx's (and crossplane's) token rules: a backslash
 * escapes the next character everywhere, quotes may start a token but are literal inside one,
 * `{`, `}` and `;` are tokens of their own, `${` keeps its closing brace inside the word, `#`
 * starts a comment only at the start of a token, and the body of a `*_by_lua_block` directive is
 * one raw argument followed by a virtual `;`.
 *
 * With nginx's rules (ngx_conf_read_token, src/core/ngx_conf_file.c), where crossplane's differ:
 * only space, tab, CR and LF are spaces; a word ends at a space, `;` or `{` but not at `}`, and
 * `{` right after `$` stays in it; a token longer than nginx's read buffer is an error.
 *
 * The token's fields are overwritten by each call of next(), so a whole file is lexed without
 * allocating an object per token.
 */
export class NginxLexer {
  kind: TokenKind = TokenKind.End;
  quoted = false;
  /** 1-based line the token starts on (crossplane reports the closing line for Lua bodies). */
  line = 1;
  startLine = 0;
  startCharacter = 0;
  endLine = 0;
  endCharacter = 0;
  /** Offset in the text just after the token. */
  endOffset = 0;
  /** For a word: where its value stands in the text, when the value is that slice of it (no escaped quote to undo). */
  valueStart = 0;
  valueEnd = 0;
  valueIsSlice = false;
  readonly errors: ErrorLimit;
  /** What nginx rejects but crossplane accepts: text glued to a closing quote (`"a"b`), a token too long for nginx. */
  readonly strictErrors: ErrorLimit;
  /** The token's value when it is not the slice valueStart..valueEnd, or once that slice is made. */
  private madeValue: string | undefined = '';

  /** A quoted string or Lua block ran to the end of the file (already reported). */
  endedInsideToken = false;
  /** Braces opened minus closed so far, counted on raw tokens as crossplane balances them. */
  braceDepth = 0;
  private offset = 0;
  private currentLine = 0;
  private lineStart = 0;
  private nextIsDirective = true;
  private pending: 'none' | 'luaBody' | 'luaSemicolon' = 'none';
  private luaSetArgumentPending = false;
  private readonly nginxRules: boolean;
  /** Bytes of the file before the text (a byte order mark the decoder removed): they belong to a token starting at offset 0. */
  private leadingBytes = 0;
  /** The next token is a word starting right here, whatever its first character (startAfterLeadingBytes). */
  private insideWord = false;

  constructor(
    private readonly text: string,
    maximumErrors = defaultMaximumErrors,
    rules: LexerRules = 'crossplane',
  ) {
    this.errors = new ErrorLimit(maximumErrors);
    this.strictErrors = new ErrorLimit(maximumErrors);
    this.nginxRules = rules === 'nginx';
  }

  /**
   * The file's bytes start with `leadingBytes` the text does not hold (a UTF-8 byte order mark).
   * With `glued`, the first token is a word starting at the text's first character whatever it
   * is, possibly empty: nginx reads those bytes as the start of a word, so a `#` or a quote right
   * after them is part of it and a space right after them ends it.
   */
  startAfterLeadingBytes(leadingBytes: number, glued: boolean): void {
    this.leadingBytes = leadingBytes;
    this.insideWord = glued;
  }

  /**
   * Reads on from where a directive's name ended, as after reading that name; what was reported
   * the first time is not reported again.
   */
  restartAfterDirectiveName(offset: number, line: number, lineStart: number): void {
    this.offset = offset;
    this.currentLine = line;
    this.lineStart = lineStart;
    this.nextIsDirective = false;
    this.pending = 'none';
    this.luaSetArgumentPending = false;
    this.endedInsideToken = false;
    // errors are rare in arguments read again: most directives need no clearing
    if (this.errors.total > 0) this.errors.clear();
    if (this.strictErrors.total > 0) this.strictErrors.clear();
  }

  /**
   * The token's text (a word's without its quotes). Made when first asked for: the parser keeps
   * most arguments as offsets into the text, and a string per token was most of what lexing
   * allocated.
   */
  get value(): string {
    return (this.madeValue ??= this.text.slice(this.valueStart, this.valueEnd));
  }

  span(): TextSpan {
    return new TextSpan(this.startLine, this.startCharacter, this.endLine, this.endCharacter);
  }

  next(): TokenKind {
    if (this.pending === 'luaSemicolon') {
      this.pending = 'none';
      this.nextIsDirective = true;
      return this.set(TokenKind.Semicolon, ';', false);
    }
    if (this.luaSetArgumentPending) {
      this.luaSetArgumentPending = false;
      if (this.readLuaSetArgument()) return TokenKind.Word;
    }
    if (this.pending === 'luaBody') {
      this.pending = 'none';
      if (this.readLuaBody()) return TokenKind.Word;
    }
    if (this.insideWord) {
      this.insideWord = false;
      this.markStart();
      this.line = this.currentLine + 1;
      return this.readNginxWord();
    }
    this.skipSpace();
    const text = this.text;
    if (this.offset >= text.length) {
      this.markStart();
      this.markEnd();
      this.line = this.currentLine + 1;
      return this.set(TokenKind.End, '', false);
    }
    const code = text.charCodeAt(this.offset);
    this.markStart();
    this.line = this.currentLine + 1;

    if (code === hash) {
      // escapes hold inside comments too: a backslash before the newline ends the comment with it
      let stop = this.offset;
      let consumed = false;
      while (stop < text.length && text.charCodeAt(stop) !== newline) {
        if (text.charCodeAt(stop) === backslash && stop + 1 < text.length) {
          if (text.charCodeAt(stop + 1) === newline) {
            consumed = true;
            break;
          }
          stop++;
        }
        stop++;
      }
      const value = text.slice(this.offset, stop);
      // nginx's comment ends at the line feed, which a consumed backslash stands just before
      if (this.nginxRules) this.checkTokenLength(this.offset, consumed ? stop + 1 : stop);
      this.offset = stop;
      this.markEnd();
      if (consumed) {
        this.advanceCharacter();
        this.advanceCharacter();
      }
      // a comment ends at the newline; CR belongs to the line break, not to the comment text
      return this.set(TokenKind.Comment, value.endsWith('\r') ? value.slice(0, -1) : value, false);
    }
    if (code === openBrace || code === closeBrace || code === semicolon) {
      this.offset++;
      this.markEnd();
      this.nextIsDirective = true;
      const kind = code === openBrace ? TokenKind.OpenBrace : code === closeBrace ? TokenKind.CloseBrace : TokenKind.Semicolon;
      if (kind === TokenKind.OpenBrace) this.braceDepth++;
      else if (kind === TokenKind.CloseBrace) this.braceDepth--;
      return this.set(kind, text[this.offset - 1], false);
    }
    if (code === doubleQuote || code === singleQuote) return this.readQuoted(code);
    return this.nginxRules ? this.readNginxWord() : this.readWord();
  }

  private set(kind: TokenKind, value: string, quoted: boolean): TokenKind {
    this.kind = kind;
    this.madeValue = value;
    this.quoted = quoted;
    return kind;
  }

  /** A word whose value is the text from `start` to `end`, made only when asked for. */
  private setWord(start: number, end: number, quoted: boolean): TokenKind {
    this.kind = TokenKind.Word;
    this.madeValue = undefined;
    this.quoted = quoted;
    this.valueStart = start;
    this.valueEnd = end;
    this.valueIsSlice = true;
    return TokenKind.Word;
  }

  /** An empty span where the lexer stands. */
  private emptySpan(): TextSpan {
    const character = this.offset - this.lineStart;
    return new TextSpan(this.currentLine, character, this.currentLine, character);
  }

  private markStart(): void {
    this.startLine = this.currentLine;
    this.startCharacter = this.offset - this.lineStart;
  }

  private markEnd(): void {
    this.endOffset = this.offset;
    this.endLine = this.currentLine;
    this.endCharacter = this.offset - this.lineStart;
  }

  /** Moves past one character, or past a backslash and the character it escapes. */
  private advanceUnit(): void {
    const text = this.text;
    if (text.charCodeAt(this.offset) === backslash && this.offset + 1 < text.length) this.advanceCharacter();
    this.advanceCharacter();
  }

  private advanceCharacter(): void {
    if (this.text.charCodeAt(this.offset) === newline) {
      this.currentLine++;
      this.lineStart = this.offset + 1;
    }
    this.offset++;
  }

  private skipSpace(): void {
    // the hottest loop of the parser: locals instead of fields
    const text = this.text;
    const length = text.length;
    let offset = this.offset;
    let line = this.currentLine;
    let lineStart = this.lineStart;
    const nginxRules = this.nginxRules;
    while (offset < length) {
      const code = text.charCodeAt(offset);
      if (nginxRules ? !isNginxSpace(code) : !isSpace(code)) break;
      offset++;
      if (code === newline) {
        line++;
        lineStart = offset;
      }
    }
    this.offset = offset;
    this.currentLine = line;
    this.lineStart = lineStart;
  }

  private afterWord(): void {
    // the last letter of a slice rules out almost every name before its value is made
    const mayBeLua = this.madeValue !== undefined || (this.valueEnd > this.valueStart && this.text.charCodeAt(this.valueEnd - 1) === 0x6b);
    if (this.nextIsDirective && mayBeLua && isLuaBlockDirective(this.value)) {
      this.luaSetArgumentPending = this.value === 'set_by_lua_block';
      this.pending = 'luaBody';
      this.nextIsDirective = false;
      return;
    }
    this.nextIsDirective = false;
  }

  private readWord(): TokenKind {
    const text = this.text;
    const start = this.offset;
    // plain characters first; escapes and `${` take the careful path below
    const length = text.length;
    let offset = start;
    for (; offset < length; offset++) {
      const code = text.charCodeAt(offset);
      if (code <= 0x20 ? isSpace(code) : code === openBrace || code === closeBrace || code === semicolon || code === backslash) break;
    }
    this.offset = offset;
    if (offset < length && (text.charCodeAt(offset) === backslash || (text.charCodeAt(offset) === openBrace && text.charCodeAt(offset - 1) === dollar))) {
      this.readRestOfWord();
    }
    this.markEnd();
    this.setWord(start, this.offset, false);
    this.afterWord();
    return TokenKind.Word;
  }

  /** The rest of a word from an escape or a `${` (crossplaneWordEnd), the lines it holds counted. */
  private readRestOfWord(): void {
    const text = this.text;
    const end = crossplaneWordEnd((offset) => text.charCodeAt(offset), this.offset, text.length);
    while (this.offset < end) this.advanceCharacter();
  }

  /**
   * A word as nginx reads it: up to a space, `;` or `{`, where `{` right after `$` (and the
   * `{`s that follow it) stays in the word and `}` is an ordinary character.
   */
  private readNginxWord(): TokenKind {
    const text = this.text;
    const length = text.length;
    const start = this.offset;
    let offset = start;
    let variable = false;
    while (offset < length) {
      const code = text.charCodeAt(offset);
      if (code === semicolon || (code <= 0x20 && isNginxSpace(code))) break;
      if (code === openBrace) {
        if (!variable) break;
      } else if (code === backslash) {
        // the escaped character belongs to the word, a line feed too
        if (offset + 1 < length) offset++;
        if (text.charCodeAt(offset) === newline) {
          this.currentLine++;
          this.lineStart = offset + 1;
        }
        variable = false;
      } else variable = code === dollar;
      offset++;
    }
    this.offset = offset;
    this.markEnd();
    this.setWord(start, offset, false);
    // nginx moves on from the word once it has read the character after the space that ended it
    const stop = offset >= length ? length : isNginxSpace(text.charCodeAt(offset)) ? offset + 1 : offset;
    this.checkTokenLength(start, stop);
    this.afterWord();
    return TokenKind.Word;
  }

  /**
   * nginx reads a file through a buffer of 4096 bytes (NGX_CONF_BUFFER) and keeps the token being
   * read in it; when the buffer is used up while one token still fills all of it and the file
   * goes on, it stops with "too long parameter" at the token's line (ngx_conf_read_token). The
   * token starts at `start` (after an opening quote) and holds the buffer until `stop`, the
   * offset of the first character whose reading lets it go. For a quoted token, `quote` gives
   * the quote character and where the closing quote stands (the text's length when none does).
   */
  private checkTokenLength(start: number, stop: number, quote?: { readonly character: number; readonly end: number }): void {
    const text = this.text;
    const leading = start === 0 ? this.leadingBytes : 0;
    if ((stop - start) * 3 + leading < configurationBufferBytes) return;
    if (utf8Length(text, start, stop, configurationBufferBytes) + leading < configurationBufferBytes) return;
    // nginx meets the end of the file before it needs to read more of it
    if (utf8Length(text, start, text.length, configurationBufferBytes + 1) + leading <= configurationBufferBytes) return;
    const stillQuoted = quote !== undefined && utf8Length(text, start, quote.end, configurationBufferBytes) + leading >= configurationBufferBytes;
    const message = stillQuoted
      ? `too long parameter, probably missing terminating "${String.fromCharCode(quote.character)}" character`
      : `too long parameter "${leading > 0 ? '\ufeff' : ''}${utf8Prefix(text, start, 10 - leading)}..." started`;
    const span = new TextSpan(this.startLine, this.startCharacter, this.startLine, this.startCharacter + 1);
    this.strictErrors.push({ kind: 'syntax', message, line: this.startLine + 1, span });
  }

  private readQuoted(quote: number): TokenKind {
    const text = this.text;
    const startLine = this.currentLine;
    const startCharacter = this.offset - this.lineStart;
    this.advanceCharacter();
    const contentStart = this.offset;
    let escapedQuote = false;
    while (this.offset < text.length && text.charCodeAt(this.offset) !== quote) {
      if (text.charCodeAt(this.offset) === backslash && text.charCodeAt(this.offset + 1) === quote) escapedQuote = true;
      this.advanceUnit();
    }
    this.setWord(contentStart, this.offset, true);
    if (escapedQuote) {
      // the value is no longer the slice: the escaping backslashes go
      const quoteCharacter = String.fromCharCode(quote);
      this.madeValue = text.slice(contentStart, this.offset).split(`\\${quoteCharacter}`).join(quoteCharacter);
      this.valueIsSlice = false;
    }
    if (this.offset >= text.length) {
      this.markEnd();
      this.endedInsideToken = true;
      if (this.nginxRules) this.checkTokenLength(contentStart, text.length, { character: quote, end: text.length });
      this.errors.push({
        kind: 'syntax',
        message: 'unexpected end of file, expecting ";" or "}"',
        line: this.currentLine + 1,
        span: this.emptySpan(),
        related: { message: 'the quoted string that starts here is not closed', span: new TextSpan(startLine, startCharacter, startLine, startCharacter + 1) },
      });
    } else {
      const closingQuote = this.offset;
      this.advanceCharacter();
      this.markEnd();
      const following = text.charCodeAt(this.offset);
      if (this.nginxRules) {
        // after the closing quote nginx reads one more character; a space lets the token go only at the next one
        const stop = this.offset >= text.length ? text.length : isNginxSpace(following) ? this.offset + 1 : this.offset;
        this.checkTokenLength(contentStart, stop, { character: quote, end: closingQuote });
      }
      // nginx takes `)` after a quote as the start of the next word: `if ($uri ~ "^/a")`
      if (
        this.offset < text.length &&
        !(this.nginxRules ? isNginxSpace(following) : isSpace(following)) &&
        following !== semicolon &&
        following !== openBrace &&
        following !== closeBrace &&
        following !== closeParenthesis
      ) {
        const character = this.offset - this.lineStart;
        this.strictErrors.push({
          kind: 'syntax',
          message: `unexpected "${text[this.offset]}"`,
          line: this.currentLine + 1,
          span: new TextSpan(this.currentLine, character, this.currentLine, character + 1),
        });
      }
    }
    this.afterWord();
    return TokenKind.Word;
  }

  /** set_by_lua_block takes one argument (the variable) before its Lua block. */
  private readLuaSetArgument(): boolean {
    this.skipSpace();
    const text = this.text;
    if (this.offset >= text.length || text.charCodeAt(this.offset) === openBrace) return false;
    this.markStart();
    this.line = this.currentLine + 1;
    const start = this.offset;
    while (this.offset < text.length && !isSpace(text.charCodeAt(this.offset)) && text.charCodeAt(this.offset) !== openBrace) {
      this.advanceUnit();
    }
    this.markEnd();
    this.setWord(start, this.offset, false);
    return true;
  }

  /**
   * The Lua source between the braces, verbatim. Braces inside Lua strings, long brackets and
   * `--` comments do not count.
   */
  private readLuaBody(): boolean {
    this.skipSpace();
    const text = this.text;
    if (this.offset >= text.length || text.charCodeAt(this.offset) !== openBrace) {
      this.markStart();
      this.markEnd();
      this.errors.push({ kind: 'syntax', message: 'expected "{" to start Lua block', line: this.currentLine + 1, span: this.span() });
      this.nextIsDirective = true;
      return false;
    }
    const brace = new TextSpan(this.currentLine, this.offset - this.lineStart, this.currentLine, this.offset - this.lineStart + 1);
    this.advanceCharacter();
    this.markStart();
    const start = this.offset;
    const bodyEnd = luaBlockEnd((offset) => text.charCodeAt(offset), start, text.length);
    while (this.offset < bodyEnd) this.advanceCharacter();
    const end = this.offset;
    this.markEnd();
    this.line = this.currentLine + 1;
    if (this.offset >= text.length) {
      this.endedInsideToken = true;
      this.errors.push({
        kind: 'syntax',
        message: 'unexpected end of file, expecting "}"',
        line: this.currentLine + 1,
        span: this.emptySpan(),
        related: { message: 'the Lua block that starts here is not closed', span: brace },
      });
      this.nextIsDirective = true;
      this.setWord(start, end, true);
      return true;
    }
    this.advanceCharacter();
    this.pending = 'luaSemicolon';
    this.setWord(start, end, true);
    return true;
  }
}

/**
 * Lexes a whole text for `certboot lex`, handing every token to `onToken` as the lexer holds it
 * (the next token overwrites it), so no token outlives its call; returns the lexer's errors and
 * the unbalanced braces, the first of them (error-limit.ts).
 */
export function lexNginx(text: string, onToken: (lexer: NginxLexer) => void, maximumErrors = defaultMaximumErrors): NginxError[] {
  const lexer = new NginxLexer(text, maximumErrors);
  const braceErrors = new ErrorLimit(maximumErrors);
  let depth = 0;
  // an unclosed block is reported at the file's last token, known only once the lexer is past it
  let lastLine = 0;
  const last = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 };
  for (let kind = lexer.next(); kind !== TokenKind.End; kind = lexer.next()) {
    onToken(lexer);
    if (kind === TokenKind.OpenBrace) depth++;
    else if (kind === TokenKind.CloseBrace && --depth < 0) {
      braceErrors.push({ kind: 'syntax', message: 'unexpected "}"', line: lexer.line, span: lexer.span() });
      depth = 0;
    }
    lastLine = lexer.line;
    last.startLine = lexer.startLine;
    last.startCharacter = lexer.startCharacter;
    last.endLine = lexer.endLine;
    last.endCharacter = lexer.endCharacter;
  }
  if (depth > 0) {
    const span = new TextSpan(last.startLine, last.startCharacter, last.endLine, last.endCharacter);
    braceErrors.push({ kind: 'syntax', message: 'unexpected end of file, expecting "}"', line: lastLine, span });
  }
  return firstErrors([lexer.errors, braceErrors], maximumErrors);
}
