import { type BlockContext, directiveChecksIn, directiveContextOf } from './analyzer';
import { BlockContexts } from './block-contexts';
import { directiveSignatures } from './directives';
import { byPosition, defaultMaximumErrors, ErrorLimit, firstErrors } from './error-limit';
import { isLuaBlockDirective, type LexerRules, NginxLexer, TokenKind } from './lexer';
import { type NginxArgument, type NginxComment, type NginxDirective, type NginxError, type NginxFile, TextSpan } from './syntax-tree';

/**
 * Whose judgement the parser follows where nginx and crossplane differ:
 * - 'keep': nginx's tokens and errors, at nginx's lines (see NginxError.line), and a rejected
 *   directive is kept with its block, so rules and the editor still see the whole file;
 * - 'crossplane': crossplane's tokens and errors, and rejected directives dropped exactly as
 *   crossplane drops them, so `certboot parse` prints crossplane's payload.
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
  /** Errors reported past this many are counted in one last error instead (error-limit.ts). */
  readonly maximumErrors?: number;
  /**
   * The file's bytes start with a UTF-8 byte order mark, which the text no longer holds. nginx
   * reads it as the start of the first word ('keep' reports that). Not for crossplane's
   * handling: crossplane reads the mark as a character, which the text then holds (configuration.ts).
   */
  readonly byteOrderMark?: boolean;
  /**
   * Past this many directives the file is not read at all (configuration.ts shares one budget
   * among a configuration's files).
   */
  readonly maximumDirectives?: number;
}

/**
 * Blocks whose body nginx reads with a handler of the block's own instead of as directives
 * (ngx_conf_parse with cf->handler set; ngx_conf_parse rejects any `{` in them with
 * `unexpected "{"`): http's map (ngx_http_map_module.c), geo (ngx_http_geo_module.c),
 * split_clients (ngx_http_split_clients_module.c), charset_map
 * (ngx_http_charset_filter_module.c) and types (ngx_http_core_module.c), stream's map, geo and
 * split_clients (src/stream/). The same in every release from 1.18 to 1.29.
 */
const handlerBlocks: ReadonlySet<string> = new Set(['map', 'geo', 'split_clients', 'charset_map', 'types']);

/** Characters a directive's name never holds: anything but printable ASCII. */
const notInDirectiveNames = /[^\x21-\x7e]/;

const characterNames: Readonly<Record<string, string>> = {
  '\u0009': 'a tab',
  '\u000b': 'a vertical tab',
  '\u000c': 'a form feed',
  '\u0020': 'a space',
  '\u00a0': 'a no-break space',
  '\u200b': 'a zero-width space',
  '\ufeff': 'a byte order mark',
  '\ufffd': 'bytes that are not UTF-8',
};

/** The characters of `name` no directive name holds, as a note: `U+00A0 (a no-break space)`. */
function strangeCharactersNote(name: string): string {
  const characters = [...new Set([...name].filter((character) => notInDirectiveNames.test(character)))];
  const described = characters.map((character) => {
    const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const known = characterNames[character];
    return known === undefined ? code : `${code} (${known})`;
  });
  return `The name holds ${described.join(', ')}, which no directive's name has.`;
}

const byteOrderMarkNote =
  "The file starts with a UTF-8 byte order mark (U+FEFF), which nginx reads as part of the first directive's name: save the file as UTF-8 without a byte order mark.";

export const defaultMaximumDepth = 200;

/**
 * The most directives certboot reads in one configuration. Bytes alone do not bound the cost:
 * 14.7 MB of `a;` is 7.7 million directives, which took 13 s and 1.7 GB; half a million is more
 * than the biggest generated `geo` and `map` lists hold, and costs some 200 MB.
 */
export const defaultMaximumDirectives = 500_000;

export const tooManyDirectivesProblem = `more than ${defaultMaximumDirectives} directives in the configuration, the most certboot reads; this file is not read`;

class TooManyDirectives extends Error {}

const semicolonCode = 0x3b;

/** Characters compared at once by commonPrefixLength and commonSuffixLength. */
const comparedChunk = 4096;

/**
 * How many characters `left` and `right` start with in common. Compared a chunk at a time
 * first, as string comparison does it far faster than a loop over characters.
 */
function commonPrefixLength(left: string, right: string): number {
  const shorter = Math.min(left.length, right.length);
  let length = 0;
  while (length + comparedChunk <= shorter && left.slice(length, length + comparedChunk) === right.slice(length, length + comparedChunk))
    length += comparedChunk;
  while (length < shorter && left.charCodeAt(length) === right.charCodeAt(length)) length++;
  return length;
}

/** How many characters, `limit` at most, `left` and `right` end with in common. */
function commonSuffixLength(left: string, right: string, limit: number): number {
  let length = 0;
  while (
    length + comparedChunk <= limit &&
    left.slice(left.length - length - comparedChunk, left.length - length) === right.slice(right.length - length - comparedChunk, right.length - length)
  ) {
    length += comparedChunk;
  }
  while (length < limit && left.charCodeAt(left.length - length - 1) === right.charCodeAt(right.length - length - 1)) length++;
  return length;
}

function holdsLineBreak(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x0a || code === 0x0d) return true;
  }
  return false;
}

/** Shared by the many directives without arguments, block content or comments; never mutated. */
const noArguments: NginxArgument[] = [];
const noDirectives: NginxDirective[] = [];
const noComments: NginxComment[] = [];

/**
 * The directives of the open blocks are gathered in one array, then each block's are copied out
 * at their exact length: an array grown by push keeps room for 17 elements, and a big
 * configuration has hundreds of thousands of blocks with a few directives.
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

/**
 * One string per directive name, found from where the name stands in the text: a big
 * configuration repeats a few dozen names hundreds of thousands of times, and slicing each
 * occurrence only to look up the string already kept cost more than comparing its characters.
 */
class NameTable {
  /** The names kept, by a hash of their characters. */
  private readonly byHash = new Map<number, string[]>();
  /** The name last found for each first character and length: most lookups end here, without hashing. */
  private readonly recent: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);

  constructor(private readonly text: string) {}

  /** The kept string equal to `text.slice(start, end)`, kept now if it is new. */
  lookUp(start: number, end: number): string {
    const text = this.text;
    const slot = (text.charCodeAt(start) * 31 + end - start) & 255;
    const recent = this.recent[slot];
    if (recent !== undefined && sameCharacters(recent, text, start, end)) return recent;
    const name = this.lookUpByHash(start, end);
    this.recent[slot] = name;
    return name;
  }

  private lookUpByHash(start: number, end: number): string {
    const text = this.text;
    let hash = end - start;
    for (let index = start; index < end; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
    const names = this.byHash.get(hash);
    if (names !== undefined) {
      for (const name of names) if (sameCharacters(name, text, start, end)) return name;
    }
    const name = text.slice(start, end);
    if (names === undefined) this.byHash.set(hash, [name]);
    else names.push(name);
    return name;
  }
}

/** Whether `name` is `text.slice(start, end)`; a loop, as startsWith at an offset of a big text showed in profiles. */
function sameCharacters(name: string, text: string, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let index = 0; index < name.length; index++) if (name.charCodeAt(index) !== text.charCodeAt(start + index)) return false;
  return true;
}

/** The numbers a directive's positions are kept as, in this order. */
const enum PositionField {
  Line,
  /** DirectiveFlag bits. */
  Flags,
  StartLine,
  StartCharacter,
  NameEndOffset,
  NameEndLine,
  NameEndCharacter,
  EndLine,
  EndCharacter,
  /** Offset just after the `;`, or after the `}` closing the block; -1 when the directive is unterminated. */
  EndOffset,
  /** Where the directive's argument ranges start in DirectiveSource's ranges; -1 when its arguments are kept. */
  FirstArgument,
  ArgumentCount,
  Count,
}

const enum DirectiveFlag {
  NameQuoted = 1,
  HasComments = 2,
}

/** The comments of the few directives that have any. */
interface DirectiveComments {
  readonly argumentComments: readonly NginxComment[];
  readonly blockComments: readonly NginxComment[] | undefined;
}

function grown(numbers: Int32Array): Int32Array {
  const larger = new Int32Array(numbers.length * 2);
  larger.set(numbers);
  return larger;
}

/**
 * What the directives of one file share: the text their arguments are read again from, their
 * positions as numbers in one typed array, which the garbage collector never copies, and the
 * comments of the directives that have any.
 */
class DirectiveSource {
  private positions: Int32Array;
  private count = 0;
  /** Start and end offset of each argument value, for directives whose values are slices of the text. */
  private ranges: Int32Array;
  private rangeCount = 0;
  private idleLexer: NginxLexer | undefined;
  private comments = new Map<number, DirectiveComments>();
  /** Per directive, by index: its name, and its block (undefined without one). */
  names: string[] = [];
  blocks: (readonly NginxDirective[] | undefined)[] = [];
  /** The arguments of the directives that keep theirs (see Parser), and of those whose arguments were read again. */
  keptArguments = new Map<number, readonly NginxArgument[]>();
  /** The directives whose arguments the parser kept (never read again from the text), by index. */
  keptByParser: number[] = [];

  /** `empty`: made to be filled by copying (edited), with no room of its own. */
  constructor(
    readonly text: string,
    private readonly rules: LexerRules,
    empty = false,
  ) {
    // room for a directive per 32 characters and an argument per 24, more than most files
    // need: growing means copying
    this.positions = empty ? noRanges : new Int32Array(Math.max(64, Math.ceil(text.length / 32)) * PositionField.Count);
    this.ranges = empty ? noRanges : new Int32Array(Math.max(64, Math.ceil(text.length / 24)) * 2);
  }

  /**
   * The directives of this file as they stand in `text`, when `text` differs from this source's
   * text only inside the arguments of one directive ending in `;`, on one line, and reads as
   * the same number of plain words there (no comment, quote left open or escaped quote):
   * everything the parser found stays, but for the positions after the change on its line and
   * the offsets after it. Undefined when the edit is anything else, or when something the parser
   * reports could change with it: an error or comment on the statement's lines, a directive on
   * that line whose arguments are kept as objects, an on/off argument (nginx checks its value),
   * a new error of the statement's words. `topLevel` and `errors` are this file's.
   */
  edited(
    text: string,
    topLevel: readonly NginxDirective[],
    errors: readonly NginxError[],
    maximumErrors: number,
  ): { readonly source: DirectiveSource; readonly directives: NginxDirective[] } | undefined {
    const old = this.text;
    if (this.rules !== 'nginx' || old === text) return undefined;
    // the stretch that changed: [start, oldEnd) of the old text, [start, newEnd) of the new
    const start = commonPrefixLength(old, text);
    const suffix = commonSuffixLength(old, text, Math.min(old.length, text.length) - start);
    const oldEnd = old.length - suffix;
    const newEnd = text.length - suffix;
    if (holdsLineBreak(old, start, oldEnd) || holdsLineBreak(text, start, newEnd)) return undefined;
    const index = this.statementAround(start, oldEnd);
    if (index < 0) return undefined;
    const name = this.names[index];
    if (this.position(index, PositionField.FirstArgument) < 0 || (this.position(index, PositionField.Flags) & DirectiveFlag.HasComments) !== 0)
      return undefined;
    if (directiveSignatures(name)?.some((signature) => signature.arguments.kind === 'flag')) return undefined;
    const nameEnd = this.position(index, PositionField.NameEndOffset);
    const nameEndLine = this.position(index, PositionField.NameEndLine);
    const lineStart = old.lastIndexOf('\n', start - 1) + 1;
    let line = nameEndLine;
    for (let at = old.indexOf('\n', nameEnd); at >= 0 && at < start; at = old.indexOf('\n', at + 1)) line++;
    const lineEnd = old.indexOf('\n', start);
    if (old.lastIndexOf('#', lineEnd < 0 ? old.length : lineEnd) >= lineStart) return undefined;
    const firstLine = this.position(index, PositionField.StartLine);
    const lastLine = this.position(index, PositionField.EndLine);
    const touches = (span: TextSpan): boolean => span.startLine <= lastLine && span.endLine >= firstLine;
    if (errors.some((error) => touches(error.span) || (error.related !== undefined && touches(error.related.span)))) return undefined;
    for (const kept of this.keptByParser) {
      if (this.keptArguments.get(kept)?.some((argument) => argument.span.startLine <= line && argument.span.endLine >= line)) return undefined;
    }

    // the statement's words read again in the new text, up to its `;`
    const delta = newEnd - oldEnd;
    const count = this.position(index, PositionField.ArgumentCount);
    const values = new Int32Array(2 * count);
    const lexer = new NginxLexer(text, maximumErrors, this.rules);
    lexer.restartAfterDirectiveName(nameEnd, nameEndLine, nameEnd - this.position(index, PositionField.NameEndCharacter));
    let words = 0;
    let kind = lexer.next();
    for (; kind === TokenKind.Word; kind = lexer.next()) {
      if (words === count || !lexer.valueIsSlice) return undefined;
      values[2 * words] = lexer.valueStart;
      values[2 * words + 1] = lexer.valueEnd;
      words++;
    }
    const endOffset = this.position(index, PositionField.EndOffset);
    if (kind !== TokenKind.Semicolon || words !== count || lexer.endOffset !== endOffset + delta) return undefined;
    if (lexer.errors.total > 0 || lexer.strictErrors.total > 0) return undefined;

    const source = new DirectiveSource(text, this.rules, true);
    source.count = this.count;
    source.rangeCount = this.rangeCount;
    source.names = this.names.slice();
    source.comments = new Map(this.comments);
    source.keptByParser = this.keptByParser;
    // arguments already read stand where they stood, but on the changed line
    for (const [kept, args] of this.keptArguments) {
      if (!args.some((argument) => argument.span.startLine <= line && argument.span.endLine >= line)) source.keptArguments.set(kept, args);
    }
    // what stood after the change moves with it: offsets anywhere, characters on its line
    const endCharacter = oldEnd - lineStart;
    const positions = this.positions.slice(0, this.count * PositionField.Count);
    for (let at = 0; at < positions.length; at += PositionField.Count) {
      if (positions[at + PositionField.NameEndOffset] >= oldEnd) positions[at + PositionField.NameEndOffset] += delta;
      if (positions[at + PositionField.EndOffset] >= oldEnd) positions[at + PositionField.EndOffset] += delta;
      if (positions[at + PositionField.StartLine] === line && positions[at + PositionField.StartCharacter] >= endCharacter)
        positions[at + PositionField.StartCharacter] += delta;
      if (positions[at + PositionField.NameEndLine] === line && positions[at + PositionField.NameEndCharacter] >= endCharacter)
        positions[at + PositionField.NameEndCharacter] += delta;
      if (positions[at + PositionField.EndLine] === line && positions[at + PositionField.EndCharacter] >= endCharacter)
        positions[at + PositionField.EndCharacter] += delta;
    }
    source.positions = positions;
    const ranges = this.ranges.slice(0, 2 * this.rangeCount);
    for (let at = 0; at < ranges.length; at++) if (ranges[at] >= oldEnd) ranges[at] += delta;
    ranges.set(values, 2 * this.position(index, PositionField.FirstArgument));
    source.ranges = ranges;

    // a new handle for each directive, in blocks of the same shape
    const handles = new Array<ParsedDirective>(this.count);
    for (let at = 0; at < this.count; at++) handles[at] = new ParsedDirective(source, at);
    const rebuilt = (directives: readonly NginxDirective[]): NginxDirective[] | undefined => {
      if (directives.length === 0) return noDirectives;
      const copy = new Array<NginxDirective>(directives.length);
      for (let at = 0; at < directives.length; at++) {
        const directive = directives[at];
        if (!(directive instanceof ParsedDirective)) return undefined;
        copy[at] = handles[directive.index];
      }
      return copy;
    };
    source.blocks = new Array<readonly NginxDirective[] | undefined>(this.count);
    for (let at = 0; at < this.count; at++) {
      const block = this.blocks[at];
      if (block === undefined) continue;
      const copy = rebuilt(block);
      if (copy === undefined) return undefined;
      source.blocks[at] = copy;
    }
    const directives = rebuilt(topLevel);
    return directives && { source, directives };
  }

  get directiveCount(): number {
    return this.count;
  }

  /** The directive ending in `;` whose arguments hold [start, end): after its name, before its `;`; -1 if none. */
  private statementAround(start: number, end: number): number {
    const positions = this.positions;
    for (let index = 0, at = 0; index < this.count; index++, at += PositionField.Count) {
      const endOffset = positions[at + PositionField.EndOffset];
      if (endOffset <= start || positions[at + PositionField.NameEndOffset] >= start || end > endOffset - 1) continue;
      if (this.blocks[index] === undefined && this.text.charCodeAt(endOffset - 1) === semicolonCode) return index;
    }
    return -1;
  }

  /** Keeps one directive; returns its index. */
  add(
    name: string,
    args: readonly NginxArgument[] | undefined,
    block: readonly NginxDirective[] | undefined,
    line: number,
    flags: number,
    nameToken: NameToken,
    endLine: number,
    endCharacter: number,
    endOffset: number,
    ranges: ArgumentRanges,
  ): number {
    this.names.push(name);
    this.blocks.push(block);
    if (args !== undefined) {
      this.keptArguments.set(this.count, args);
      this.keptByParser.push(this.count);
    }
    const at = this.count * PositionField.Count;
    if (at + PositionField.Count > this.positions.length) this.positions = grown(this.positions);
    const positions = this.positions;
    positions[at + PositionField.FirstArgument] = ranges.first;
    positions[at + PositionField.ArgumentCount] = ranges.count;
    positions[at + PositionField.Line] = line;
    positions[at + PositionField.Flags] = flags;
    positions[at + PositionField.StartLine] = nameToken.startLine;
    positions[at + PositionField.StartCharacter] = nameToken.startCharacter;
    positions[at + PositionField.NameEndOffset] = nameToken.endOffset;
    positions[at + PositionField.NameEndLine] = nameToken.endLine;
    positions[at + PositionField.NameEndCharacter] = nameToken.endCharacter;
    positions[at + PositionField.EndLine] = endLine;
    positions[at + PositionField.EndCharacter] = endCharacter;
    positions[at + PositionField.EndOffset] = endOffset;
    return this.count++;
  }

  position(index: number, field: PositionField): number {
    return this.positions[index * PositionField.Count + field];
  }

  /** Points `view` at the directive's argument value ranges; false, leaving it as it was, when its arguments are kept instead. */
  readRanges(index: number, view: ArgumentRangeView): boolean {
    const first = this.position(index, PositionField.FirstArgument);
    if (first < 0) return false;
    view.text = this.text;
    view.ranges = this.ranges;
    view.first = first;
    view.count = this.position(index, PositionField.ArgumentCount);
    return true;
  }

  /** Keeps the value ranges of the arguments just read; returns where they start. */
  addRanges(args: ArgumentBuffer): number {
    const first = this.rangeCount;
    while (2 * (first + args.count) > this.ranges.length) this.ranges = grown(this.ranges);
    args.writeRanges(this.ranges, 2 * first);
    this.rangeCount += args.count;
    return first;
  }

  setComments(index: number, comments: DirectiveComments): void {
    this.comments.set(index, comments);
  }

  commentsOf(index: number): DirectiveComments | undefined {
    return (this.position(index, PositionField.Flags) & DirectiveFlag.HasComments) === 0 ? undefined : this.comments.get(index);
  }

  /**
   * A lexer reading on just after the directive's name, as the parser read on the first time.
   * One lexer serves every directive of the file, unless it is still in use (a caller reading
   * one directive's arguments while another's are read); give it back with `release`.
   */
  lexerAfterName(index: number): NginxLexer {
    const offset = this.position(index, PositionField.NameEndOffset);
    const line = this.position(index, PositionField.NameEndLine);
    const lineStart = offset - this.position(index, PositionField.NameEndCharacter);
    let lexer = this.idleLexer;
    if (lexer === undefined) lexer = new NginxLexer(this.text, undefined, this.rules);
    else this.idleLexer = undefined;
    lexer.restartAfterDirectiveName(offset, line, lineStart);
    return lexer;
  }

  release(lexer: NginxLexer): void {
    this.idleLexer = lexer;
  }
}

/**
 * A directive as the parser builds it. Each object that outlives a parse is copied by the young
 * generation's garbage collector, and for a big configuration that copying was most of the
 * parse's time. So a directive is a handle, its file's DirectiveSource and its index there, the
 * smallest object V8 makes with two fields: its name, block and kept arguments live in the
 * source's arrays, which are too big to be copied, its positions in its typed array (TextSpans
 * are made when read), and its arguments are read again from the text the first time they are
 * asked for: rules ask for some directives' arguments, `certboot parse` only for their values,
 * which it copies from the text (readArgumentRanges).
 */
class ParsedDirective implements NginxDirective {
  constructor(
    private readonly source: DirectiveSource,
    /** Its index in its source. */
    readonly index: number,
  ) {}

  get name(): string {
    return this.source.names[this.index];
  }

  get block(): readonly NginxDirective[] | undefined {
    return this.source.blocks[this.index];
  }

  get line(): number {
    return this.source.position(this.index, PositionField.Line);
  }

  get nameQuoted(): boolean {
    return (this.source.position(this.index, PositionField.Flags) & DirectiveFlag.NameQuoted) !== 0;
  }

  get argumentComments(): readonly NginxComment[] {
    return this.source.commentsOf(this.index)?.argumentComments ?? noComments;
  }

  get blockComments(): readonly NginxComment[] | undefined {
    if (this.block === undefined) return undefined;
    return this.source.commentsOf(this.index)?.blockComments ?? noComments;
  }

  get args(): readonly NginxArgument[] {
    const source = this.source;
    // most blocks' directives (server, http, events…) have none, and nothing to read again
    if (source.position(this.index, PositionField.ArgumentCount) === 0 && source.position(this.index, PositionField.FirstArgument) >= 0) return noArguments;
    const kept = source.keptArguments.get(this.index);
    if (kept !== undefined) return kept;
    const args: NginxArgument[] = [];
    const lexer = source.lexerAfterName(this.index);
    for (let kind = lexer.next(); kind === TokenKind.Word || kind === TokenKind.Comment; kind = lexer.next()) {
      if (kind === TokenKind.Word) args.push({ value: lexer.value, quoted: lexer.quoted, span: lexer.span() });
    }
    source.release(lexer);
    // copied at its exact length: an array grown by push keeps room for 17 elements
    const read = args.length === 0 ? noArguments : args.slice();
    source.keptArguments.set(this.index, read);
    return read;
  }

  get nameSpan(): TextSpan {
    const source = this.source;
    const index = this.index;
    return new TextSpan(
      source.position(index, PositionField.StartLine),
      source.position(index, PositionField.StartCharacter),
      source.position(index, PositionField.NameEndLine),
      source.position(index, PositionField.NameEndCharacter),
    );
  }

  get span(): TextSpan {
    const source = this.source;
    const index = this.index;
    return new TextSpan(
      source.position(index, PositionField.StartLine),
      source.position(index, PositionField.StartCharacter),
      source.position(index, PositionField.EndLine),
      source.position(index, PositionField.EndCharacter),
    );
  }

  readArgumentRanges(view: ArgumentRangeView): boolean {
    return this.source.readRanges(this.index, view);
  }

  /** What JSON.stringify writes for a plain directive object; the fields hold the whole file. */
  toJSON(): object {
    const { name, nameQuoted, nameSpan, line, args, argumentComments, span, block, blockComments } = this;
    const directive = { name, nameQuoted, nameSpan, line, args, argumentComments, span };
    return block === undefined ? directive : { ...directive, block, blockComments };
  }
}

/** What an ArgumentRangeView holds before it is first filled. */
export const noRanges = new Int32Array(0);

/**
 * Where the argument values of a directive stand in its file's text: value `i` (from `first`,
 * `count` of them) is `text.slice(ranges[2 * i], ranges[2 * i + 1])`. Filled by
 * readArgumentRanges; valid until the next call with the same view.
 */
export interface ArgumentRangeView {
  text: string;
  ranges: Int32Array;
  first: number;
  count: number;
}

/**
 * For a directive whose argument values are slices of its file's text (most of them, when the
 * parser made it), points `view` at their ranges and returns true: `certboot parse` copies the
 * values from the text without making strings of them. Returns false, leaving `view` as it
 * was, for any other directive: its `args` hold the values.
 */
export function readArgumentRanges(directive: NginxDirective, view: ArgumentRangeView): boolean {
  return directive instanceof ParsedDirective && directive.readArgumentRanges(view);
}

/** Where the value ranges of a directive's arguments start in DirectiveSource, and how many; first is -1 when its arguments are kept. */
interface ArgumentRanges {
  first: number;
  count: number;
}

/** Where a directive's name stands, reused from one directive to the next. */
interface NameToken {
  startLine: number;
  startCharacter: number;
  endOffset: number;
  endLine: number;
  endCharacter: number;
}

/** One argument of the statement being read, overwritten by the next statement's. */
class ReusedArgument implements NginxArgument {
  quoted = false;
  /** Made from the text only when a check asks for it, as the lexer makes it. */
  private madeValue: string | undefined = '';
  private startLine = 0;
  private startCharacter = 0;
  private endLine = 0;
  private endCharacter = 0;
  valueStart = 0;
  valueEnd = 0;
  valueIsSlice = false;

  constructor(private readonly text: string) {}

  get value(): string {
    return (this.madeValue ??= this.text.slice(this.valueStart, this.valueEnd));
  }

  get span(): TextSpan {
    return new TextSpan(this.startLine, this.startCharacter, this.endLine, this.endCharacter);
  }

  read(lexer: NginxLexer): void {
    this.valueStart = lexer.valueStart;
    this.valueEnd = lexer.valueEnd;
    this.valueIsSlice = lexer.valueIsSlice;
    this.madeValue = lexer.valueIsSlice ? undefined : lexer.value;
    this.quoted = lexer.quoted;
    this.startLine = lexer.startLine;
    this.startCharacter = lexer.startCharacter;
    this.endLine = lexer.endLine;
    this.endCharacter = lexer.endCharacter;
  }

  copy(): NginxArgument {
    return { value: this.value, quoted: this.quoted, span: this.span };
  }
}

/**
 * The arguments of the statement being read, for the checks that look at them. Most directives
 * keep no argument objects (they are lexed again when asked for), so these are reused from one
 * statement to the next: making objects and arrays for them was most of what the parser
 * allocated. `view()` is an array of exactly the statement's arguments, kept per length.
 */
class ArgumentBuffer {
  private readonly reused: ReusedArgument[] = [];
  private readonly views: ReusedArgument[][] = [];
  count = 0;
  /** Start and end offset of each argument's value, as the lexer read it. */
  ranges = new Int32Array(32);

  constructor(private readonly text: string) {}

  add(lexer: NginxLexer): void {
    if (this.count === this.reused.length) this.reused.push(new ReusedArgument(this.text));
    if (2 * this.count + 2 > this.ranges.length) {
      const larger = new Int32Array(2 * this.ranges.length);
      larger.set(this.ranges);
      this.ranges = larger;
    }
    this.ranges[2 * this.count] = lexer.valueStart;
    this.ranges[2 * this.count + 1] = lexer.valueEnd;
    this.reused[this.count++].read(lexer);
  }

  /** Valid until the next statement is read; for checks only, never kept. */
  view(): readonly NginxArgument[] {
    return (this.views[this.count] ??= this.reused.slice(0, this.count));
  }

  /** The arguments as objects of their own, to keep. */
  copy(): NginxArgument[] {
    if (this.count === 0) return noArguments;
    const copies = new Array<NginxArgument>(this.count);
    for (let index = 0; index < this.count; index++) copies[index] = this.reused[index].copy();
    return copies;
  }

  /** Whether every value is a slice of the text (no escaped quote was undone). */
  allSlices(): boolean {
    for (let index = 0; index < this.count; index++) if (!this.reused[index].valueIsSlice) return false;
    return true;
  }

  writeRanges(ranges: Int32Array, at: number): void {
    const own = this.ranges;
    for (let index = 0; index < 2 * this.count; index++) ranges[at + index] = own[index];
  }

  lastSpan(): TextSpan | undefined {
    return this.count === 0 ? undefined : this.reused[this.count - 1].span;
  }

  /** Where the first argument starting on `line` (0-based) stands, if one does. */
  firstSpanOnLine(line: number): TextSpan | undefined {
    for (let index = 0; index < this.count; index++) {
      const span = this.reused[index].span;
      if (span.startLine === line) return span;
    }
    return undefined;
  }
}

interface BlockResult {
  readonly directives: NginxDirective[];
  readonly comments: NginxComment[];
  /** False when the file ended first; no span, as nothing reads where a block closed. */
  readonly closed: boolean;
}

class Parser {
  private readonly errors: ErrorLimit;
  private readonly maximumErrors: number;
  private readonly handling: InvalidDirectiveHandling;
  private readonly ignore: ReadonlySet<string>;
  private readonly maximumDepth: number;
  private readonly maximumDirectives: number;
  private directiveCount = 0;
  private reportedUnclosedBlock = false;
  private readonly argumentBuffer: ArgumentBuffer;
  /** Every open block's directives, innermost last. */
  private readonly directiveScratch = new Scratch<NginxDirective>();
  /** One string per directive name, not one per occurrence: the tree outlives the file's text. */
  private readonly names: NameTable;
  private readonly contexts: BlockContexts;
  private readonly source: DirectiveSource;
  private readonly nameToken: NameToken = { startLine: 0, startCharacter: 0, endOffset: 0, endLine: 0, endCharacter: 0 };
  private readonly argumentRanges: ArgumentRanges = { first: -1, count: 0 };

  constructor(
    text: string,
    private readonly lexer: NginxLexer,
    options: ParseOptions,
  ) {
    this.source = new DirectiveSource(text, options.invalidDirectives === 'crossplane' ? 'crossplane' : 'nginx');
    this.argumentBuffer = new ArgumentBuffer(text);
    this.names = new NameTable(text);
    this.handling = options.invalidDirectives ?? 'keep';
    this.ignore = options.ignore ?? new Set();
    this.maximumDepth = options.maximumDepth ?? defaultMaximumDepth;
    this.maximumDirectives = options.maximumDirectives ?? defaultMaximumDirectives;
    this.contexts = options.contexts ?? new BlockContexts();
    this.maximumErrors = options.maximumErrors ?? defaultMaximumErrors;
    this.errors = new ErrorLimit(this.maximumErrors);
  }

  get directiveSource(): DirectiveSource {
    return this.source;
  }

  parseFile(path: string, context: BlockContext | undefined, byteOrderMark: boolean): NginxFile {
    // the directives of the top level, in pieces split by stray braces: joined once at the end,
    // as joining at each brace copied a big file's directives again and again
    const pieces: NginxDirective[][] = [];
    const comments: NginxComment[] = [];
    // a file included in a map, types… block is read by that block's handler
    const handlerBody = context !== undefined && context.length > 0 && handlerBlocks.has(context[context.length - 1]);
    for (;;) {
      const block = this.parseBlock(context, 0, handlerBody, comments);
      if (block.directives.length > 0) pieces.push(block.directives);
      if (!block.closed) break;
      if (this.lexer.braceDepth >= 0) {
        // the brace closes the block of a directive crossplane dropped; crossplane stops here
        break;
      }
      // nginx stops at a stray `}`; reading on shows the rest of the file's problems too
      this.error('syntax', 'unexpected "}"', this.lexer.line, this.lexer.span());
      this.lexer.braceDepth = 0;
    }
    const directives = pieces.length === 0 ? noDirectives : pieces.length === 1 ? pieces[0] : pieces.flat();
    if (this.handling === 'crossplane') return { path, directives, comments, errors: firstErrors([this.lexer.errors, this.errors], this.maximumErrors) };
    let errors = firstErrors([this.lexer.errors, this.lexer.strictErrors, this.errors], this.maximumErrors);
    if (byteOrderMark && !handlerBody) {
      // nginx stops at the first statement, read with the mark glued to it: what the tree read
      // before that point, without the mark, is not what nginx read
      const first = firstStatementAfterByteOrderMark(this.source.text);
      errors = [first, ...errors.filter((error) => byPosition(error, first) > 0)];
    }
    return { path, directives, comments, errors };
  }

  private error(kind: NginxError['kind'], message: string, line: number, span: TextSpan, related?: NginxError['related'], note?: string): void {
    this.errors.push({ kind, message, line, span, ...(related && { related }), ...(note && { note }) });
  }

  /**
   * An error nginx reports once it has read the whole statement (ngx_conf_handler and the
   * directive's own handler run at its `;` or `{`), so at the line of that terminator: the
   * lexer's token. With crossplane's handling, at the directive's name, as crossplane reports it.
   */
  private statementError(kind: NginxError['kind'], message: string, name: string, nameLine: number, note?: string): void {
    const lexer = this.lexer;
    const nameSpan = this.nameSpan();
    if (this.handling === 'crossplane') {
      this.error(kind, message, nameLine, nameSpan, undefined, note);
      return;
    }
    if (nameSpan.startLine === lexer.startLine) {
      this.error(kind, message, lexer.line, nameSpan, undefined, note);
      return;
    }
    // the statement's last line, from its first token there to the terminator
    const first = this.argumentBuffer.firstSpanOnLine(lexer.startLine) ?? lexer.span();
    const span = new TextSpan(first.startLine, first.startCharacter, lexer.endLine, lexer.endCharacter);
    this.error(kind, message, lexer.line, span, { message: `the "${name}" directive starts here`, span: nameSpan }, note);
  }

  private nameSpan(): TextSpan {
    const name = this.nameToken;
    return new TextSpan(name.startLine, name.startCharacter, name.endLine, name.endCharacter);
  }

  private directive(
    name: string,
    nameQuoted: boolean,
    line: number,
    args: readonly NginxArgument[] | undefined,
    argumentComments: readonly NginxComment[],
    block: readonly NginxDirective[] | undefined,
    blockComments: readonly NginxComment[] | undefined,
    endLine: number,
    endCharacter: number,
    endOffset: number,
  ): NginxDirective {
    if (++this.directiveCount > this.maximumDirectives) throw new TooManyDirectives();
    const hasComments = argumentComments.length > 0 || (blockComments !== undefined && blockComments.length > 0);
    const flags = (nameQuoted ? DirectiveFlag.NameQuoted : 0) | (hasComments ? DirectiveFlag.HasComments : 0);
    const index = this.source.add(name, args, block, line, flags, this.nameToken, endLine, endCharacter, endOffset, this.argumentRanges);
    if (hasComments) this.source.setComments(index, { argumentComments, blockComments });
    return new ParsedDirective(this.source, index);
  }

  /** The name of the directive the lexer just read. */
  private name(): string {
    const lexer = this.lexer;
    // a quoted name whose escaped quotes were undone is rare enough to keep as it is
    return lexer.valueIsSlice ? this.names.lookUp(lexer.valueStart, lexer.valueEnd) : lexer.value;
  }

  /** `handlerBody`: the block is read by its directive's handler (handlerBlocks), not as directives. */
  private parseBlock(context: BlockContext | undefined, depth: number, handlerBody: boolean, topComments?: NginxComment[]): BlockResult {
    const lexer = this.lexer;
    const scratch = this.directiveScratch;
    const start = scratch.length;
    let comments = topComments ?? noComments;
    const checks = context === undefined ? undefined : directiveChecksIn(context);
    // the statements of these blocks are directives, each of which some module must know
    const directivesOnly = !handlerBody && context !== undefined && directiveContextOf(context) !== undefined;
    for (;;) {
      const lexedErrors = lexer.errors.total + lexer.strictErrors.total;
      const kind = lexer.next();
      if (kind === TokenKind.End) return this.blockResult(start, comments, false);
      if (kind === TokenKind.CloseBrace) return this.blockResult(start, comments, true);
      if (kind === TokenKind.Comment) {
        if (comments === noComments) comments = [];
        comments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        continue;
      }
      if (kind === TokenKind.Semicolon || kind === TokenKind.OpenBrace) {
        this.error('syntax', `unexpected "${lexer.value}"`, lexer.line, lexer.span());
        if (kind === TokenKind.OpenBrace && this.skipBlock() === undefined) return this.blockResult(start, comments, false);
        continue;
      }

      const name = this.name();
      const nameQuoted = lexer.quoted;
      const line = lexer.line;
      const nameStartLine = lexer.startLine;
      const nameStartCharacter = lexer.startCharacter;
      const nameEndOffset = lexer.endOffset;
      const nameEndLine = lexer.endLine;
      const nameEndCharacter = lexer.endCharacter;
      this.setNameToken(nameStartLine, nameStartCharacter, nameEndOffset, nameEndLine, nameEndCharacter);
      const argumentBuffer = this.argumentBuffer;
      argumentBuffer.count = 0;
      let argumentComments: NginxComment[] = noComments;
      let terminator: TokenKind;
      for (;;) {
        terminator = lexer.next();
        if (terminator === TokenKind.Word) argumentBuffer.add(lexer);
        else if (terminator === TokenKind.Comment) {
          if (argumentComments === noComments) argumentComments = [];
          argumentComments.push({ text: lexer.value.slice(1), line: lexer.line, span: lexer.span() });
        } else break;
      }
      // what lexing alone does not give (if's parentheses, Lua bodies, undone escapes) is kept as read
      let kept: NginxArgument[] | undefined;
      if (name === 'if' || isLuaBlockDirective(name) || !argumentBuffer.allSlices()) {
        kept = argumentBuffer.copy();
        if (name === 'if') stripIfParentheses(kept);
      }
      // kept before a block is read: its directives read their arguments into the same buffer
      this.setArgumentRanges(kept === undefined ? this.source.addRanges(argumentBuffer) : -1, kept === undefined ? argumentBuffer.count : 0);
      const args = kept ?? argumentBuffer.view();

      if (terminator === TokenKind.End || terminator === TokenKind.CloseBrace) {
        const lastSpan = (kept === undefined ? argumentBuffer.lastSpan() : kept[kept.length - 1]?.span) ?? this.nameSpan();
        const endOfFile = terminator === TokenKind.End;
        const unterminated = { message: `the "${name}" directive that starts here has no ";"`, span: this.nameSpan() };
        if (endOfFile) {
          // nginx reads to the end of the file before it gives up (ngx_conf_read_token)
          if (!lexer.endedInsideToken) this.error('syntax', 'unexpected end of file, expecting ";" or "}"', lexer.line, lexer.span(), unterminated);
        } else if (this.handling === 'crossplane') this.error('syntax', `directive "${name}" is not terminated by ";"`, line, this.nameSpan());
        else this.error('syntax', 'unexpected "}"', lexer.line, lexer.span(), unterminated);
        if (endOfFile || this.handling === 'keep') {
          scratch.push(this.directive(name, nameQuoted, line, kept, argumentComments, undefined, undefined, lastSpan.endLine, lastSpan.endCharacter, -1));
        }
        return this.blockResult(start, comments, !endOfFile);
      }

      const opensBlock = terminator === TokenKind.OpenBrace;
      if (this.ignore.has(name)) {
        if (opensBlock && this.skipBlock() === undefined) return this.blockResult(start, comments, false);
        continue;
      }

      // nginx stops at an error inside the statement before it judges the statement
      const judged = this.handling === 'crossplane' || lexer.errors.total + lexer.strictErrors.total === lexedErrors;
      if (this.handling === 'keep' && judged) {
        // ngx_conf_parse: a handler's body holds no blocks
        if (handlerBody && opensBlock) this.error('syntax', 'unexpected "{"', lexer.line, lexer.span());
        // ngx_conf_handler finds no module with such a name; crossplane skips names it does not know
        else if (directivesOnly && notInDirectiveNames.test(name)) {
          this.statementError('analysis', `unknown directive "${name}"`, name, line, strangeCharactersNote(name));
        }
      }
      const problem = checks?.check(name, args, opensBlock ? '{' : ';');
      if (problem !== undefined) {
        if (judged) this.statementError('analysis', problem, name, line);
        if (this.handling === 'crossplane') {
          // crossplane skips the block of a directive that should not have one, and reads on
          // inside the block of any other rejected directive as if it belonged to the parent
          if (opensBlock && problem.endsWith('is not terminated by ";"') && this.skipBlock() === undefined) return this.blockResult(start, comments, false);
          continue;
        }
      }

      if (!opensBlock) {
        scratch.push(this.directive(name, nameQuoted, line, kept, argumentComments, undefined, undefined, lexer.endLine, lexer.endCharacter, lexer.endOffset));
        continue;
      }
      if (depth + 1 > this.maximumDepth) {
        this.error('syntax', `blocks nested deeper than ${this.maximumDepth} levels; the rest of this block is not read`, line, this.nameSpan());
        const terminatorSpan = lexer.span();
        const end = this.skipBlock();
        const last = end ?? terminatorSpan;
        scratch.push(this.directive(name, nameQuoted, line, kept, argumentComments, [], [], last.endLine, last.endCharacter, -1));
        if (end === undefined) return this.blockResult(start, comments, false);
        continue;
      }
      const childContext = context === undefined ? undefined : this.contexts.enter(context, name);
      const firstArgument = this.argumentRanges.first;
      const argumentCount = this.argumentRanges.count;
      const inner = this.parseBlock(childContext, depth + 1, handlerBlocks.has(name));
      // the block's directives read their own names and arguments over this one's
      this.setNameToken(nameStartLine, nameStartCharacter, nameEndOffset, nameEndLine, nameEndCharacter);
      this.setArgumentRanges(firstArgument, argumentCount);
      scratch.push(
        this.directive(
          name,
          nameQuoted,
          line,
          kept,
          argumentComments,
          inner.directives,
          inner.comments,
          lexer.endLine,
          lexer.endCharacter,
          inner.closed ? lexer.endOffset : -1,
        ),
      );
      if (!inner.closed) {
        // every enclosing block is unclosed too; nginx says it once, at the end of the file
        if (!this.reportedUnclosedBlock && !lexer.endedInsideToken) {
          const unclosed = { message: `the "${name}" block that starts here is not closed`, span: this.nameSpan() };
          this.error('syntax', 'unexpected end of file, expecting "}"', lexer.line, lexer.span(), unclosed);
        }
        this.reportedUnclosedBlock = true;
        return this.blockResult(start, comments, false);
      }
    }
  }

  private blockResult(start: number, comments: NginxComment[], closed: boolean): BlockResult {
    return { directives: this.directiveScratch.take(start, noDirectives), comments, closed };
  }

  private setArgumentRanges(first: number, count: number): void {
    this.argumentRanges.first = first;
    this.argumentRanges.count = count;
  }

  private setNameToken(startLine: number, startCharacter: number, endOffset: number, endLine: number, endCharacter: number): void {
    const name = this.nameToken;
    name.startLine = startLine;
    name.startCharacter = startCharacter;
    name.endOffset = endOffset;
    name.endLine = endLine;
    name.endCharacter = endCharacter;
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
export function stripIfParentheses(args: NginxArgument[]): void {
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

/** The bytes of a UTF-8 byte order mark, EF BB BF. */
const byteOrderMarkBytes = 3;

/**
 * nginx's first error in a file that starts with a byte order mark: the mark is the start of the
 * first word (its bytes are no space), so the first statement's name is the mark and what
 * follows it up to a space, `;` or `{`: a `#` or a quote right after the mark is part of the
 * name. No module knows that name (`unknown directive "\ufeffserver"` at the statement's `;`
 * or `{`), unless nginx stops earlier inside the statement.
 */
function firstStatementAfterByteOrderMark(text: string): NginxError {
  const lexer = new NginxLexer(text, 1, 'nginx');
  lexer.startAfterLeadingBytes(byteOrderMarkBytes, true);
  lexer.next();
  const name = `\ufeff${lexer.value}`;
  const nameSpan = lexer.span();
  // the first token of the line the lexer is on
  let lineStart = nameSpan;
  for (let kind: TokenKind = TokenKind.Word; ; kind = lexer.next()) {
    const lexed = firstErrors([lexer.errors, lexer.strictErrors], 1);
    if (lexed.length > 0) return lexed[0];
    if (lexer.startLine !== lineStart.startLine) lineStart = lexer.span();
    if (kind === TokenKind.Semicolon || kind === TokenKind.OpenBrace) {
      const span = TextSpan.between(lineStart, lexer.span());
      const message = nameSpan.startCharacter === nameSpan.endCharacter ? 'the byte order mark stands here' : 'the byte order mark stands before this word';
      const related = nameSpan.startLine === lexer.startLine ? undefined : { message, span: nameSpan };
      return { kind: 'analysis', message: `unknown directive "${name}"`, line: lexer.line, span, ...(related && { related }), note: byteOrderMarkNote };
    }
    if (kind === TokenKind.CloseBrace) return { kind: 'syntax', message: 'unexpected "}"', line: lexer.line, span: lexer.span(), note: byteOrderMarkNote };
    if (kind === TokenKind.End) {
      return { kind: 'syntax', message: 'unexpected end of file, expecting ";" or "}"', line: lexer.line, span: lexer.span(), note: byteOrderMarkNote };
    }
  }
}

/** What reparseNginx needs of a file parseNginx read: its directives' source, and how it was parsed. */
interface Reparsable {
  readonly source: DirectiveSource;
  readonly context: BlockContext | undefined;
  readonly maximumErrors: number;
}

const reparsable = new WeakMap<NginxFile, Reparsable>();

/** Whether a parse with these options may be redone by reparseNginx: nginx's handling, the whole tree, no byte order mark. */
function editable(options: ParseOptions): boolean {
  return (options.invalidDirectives ?? 'keep') === 'keep' && (options.ignore === undefined || options.ignore.size === 0) && options.byteOrderMark !== true;
}

function sameContext(left: BlockContext | undefined, right: BlockContext | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  return left.length === right.length && left.every((name, index) => right[index] === name);
}

/**
 * What parseNginx(text, path, options) returns, made from `previous`, an earlier parse of the
 * same file with the same options, when the text changed inside one statement's arguments
 * (DirectiveSource.edited): an editor's keystroke in a big configuration. Undefined when the
 * change is anything else: parse the text then.
 */
export function reparseNginx(previous: NginxFile, text: string, path: string, options: ParseOptions = {}): NginxFile | undefined {
  const state = reparsable.get(previous);
  if (state === undefined || previous.path !== path || !editable(options) || !sameContext(state.context, options.context)) return undefined;
  const maximumErrors = options.maximumErrors ?? defaultMaximumErrors;
  if (maximumErrors !== state.maximumErrors || state.source.directiveCount > (options.maximumDirectives ?? defaultMaximumDirectives)) return undefined;
  const edited = state.source.edited(text, previous.directives, previous.errors, maximumErrors);
  if (edited === undefined) return undefined;
  const file: NginxFile = { path, directives: edited.directives, comments: previous.comments, errors: previous.errors };
  reparsable.set(file, { ...state, source: edited.source });
  return file;
}

export function parseNginx(text: string, path: string, options: ParseOptions = {}): NginxFile {
  const rules = options.invalidDirectives === 'crossplane' ? 'crossplane' : 'nginx';
  const lexer = new NginxLexer(text, options.maximumErrors, rules);
  const byteOrderMark = options.byteOrderMark === true && rules === 'nginx';
  if (byteOrderMark) lexer.startAfterLeadingBytes(byteOrderMarkBytes, false);
  try {
    const parser = new Parser(text, lexer, options);
    const file = parser.parseFile(path, options.context, byteOrderMark);
    if (editable(options))
      reparsable.set(file, { source: parser.directiveSource, context: options.context, maximumErrors: options.maximumErrors ?? defaultMaximumErrors });
    return file;
  } catch (error) {
    if (!(error instanceof TooManyDirectives)) throw error;
    return { path, directives: [], comments: [], errors: [{ kind: 'file', message: tooManyDirectivesProblem, line: 1, span: new TextSpan(0, 0, 0, 0) }] };
  }
}

/** How many directives a tree holds, blocks included. */
export function countDirectives(directives: readonly NginxDirective[]): number {
  let count = 0;
  const pending: (readonly NginxDirective[])[] = [directives];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    count += next.length;
    for (const directive of next) if (directive.block !== undefined && directive.block.length > 0) pending.push(directive.block);
  }
  return count;
}
