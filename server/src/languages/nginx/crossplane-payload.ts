import type { NginxConfiguration } from './configuration';
import { lexNginx } from './lexer';
import { type ArgumentRangeView, noRanges, readArgumentRanges } from './parser';
import type { NginxArgument, NginxComment, NginxDirective, NginxError } from './syntax-tree';

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
  /** How many statements combining may write beyond the files' own; past it the files are not combined. */
  readonly maximumRepeatedStatements?: number;
}

/**
 * Combining writes a file once per include naming it, and files that each include the next one
 * twice, forty deep, would be written 2^40 times. Ten million statements are about a gigabyte of
 * JSON, more than any configuration repeats.
 */
export const defaultMaximumRepeatedStatements = 10_000_000;

export interface PayloadOutput {
  /** As JSON.stringify's third argument. */
  readonly indent?: number;
  /**
   * Receives the UTF-8 text in pieces, in order. A piece is only valid during the call: the
   * writer fills the same buffer again afterwards.
   */
  write(chunk: Uint8Array): void;
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
export function errorText(error: NginxError, displayPath: string): string {
  const unreadable = error.unreadable;
  if (unreadable && errnoNumbers[unreadable.code] !== undefined) {
    return `[Errno ${errnoNumbers[unreadable.code]}] ${errnoTexts[unreadable.code]}: '${unreadable.path}'`;
  }
  return `${error.message} in ${displayPath}:${error.line}`;
}

/** Big enough that the sink is called rarely, small enough to stay in the processor's cache. */
const defaultChunkLength = 1 << 16;

const doubleQuote = 0x22;
const backslash = 0x5c;
const zero = 0x30;
const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;

/** Copies `bytes` into `buffer` at `at`; returns where they end. */
function copyBytes(buffer: Uint8Array, at: number, bytes: Uint8Array): number {
  const count = bytes.length;
  // a loop costs less than the native copy's call for a few bytes only
  if (count >= 12) buffer.set(bytes, at);
  else for (let index = 0; index < count; index++) buffer[at + index] = bytes[index];
  return at + count;
}

const noBytes = Buffer.alloc(0);
const noBytesView = new DataView(noBytes.buffer, noBytes.byteOffset, 0);

/** Values standing in a file's bytes (crossplane-reader.ts), for ByteWriter.statementHead. */
export interface ByteValues {
  readonly bytes: Uint8Array;
  /** The same bytes. */
  readonly view: DataView;
  /** Value `i` stands from `ranges[2 * i]` to `ranges[2 * i + 1]`. */
  readonly ranges: Int32Array;
  readonly count: number;
  /** Whether the payload prints every byte of every value as it is (printable ASCII but `"` and `\`). */
  readonly plain: boolean;
}

/**
 * Copies `count` bytes of `from` at `start` into `to` at `at`, four at a time: a loop copies one
 * byte in a few nanoseconds, a call of the native copy costs more than a short value does.
 */
function copyRange(to: DataView, at: number, from: DataView, start: number, count: number): void {
  let index = 0;
  for (; index + 4 <= count; index += 4) to.setUint32(at + index, from.getUint32(start + index, true), true);
  for (; index < count; index++) to.setUint8(at + index, from.getUint8(start + index));
}

/** Writes a whole number from 0 to 2^31 - 1 at `at`; returns where it ends. */
function writeInteger(buffer: Uint8Array, at: number, value: number): number {
  let digits = 1;
  for (let power = 10; power <= value; power *= 10) digits++;
  const end = at + digits;
  let to = end;
  for (let rest = value | 0; to > at; ) {
    const quotient = (rest / 10) | 0;
    buffer[--to] = zero + rest - quotient * 10;
    rest = quotient;
  }
  return end;
}

/**
 * A string as crossplane prints it: Python's json.dumps escapes JSON.stringify's characters the
 * same way, and writes every character past `~` as `\u` and four hexadecimal digits too
 * (ensure_ascii), so the payload is ASCII.
 */
export function crossplaneJsonString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Bytes written straight into a buffer: a payload is mostly short ASCII strings, and copying
 * their characters costs less than building a string of every piece, then a string of every
 * chunk, and encoding it all again.
 */
export class ByteWriter {
  /** A chunk is allocated when the first byte is written to it. */
  private buffer: Buffer = noBytes;
  /** The buffer's bytes, for copyRange. */
  private view: DataView = noBytesView;
  private length = 0;

  /**
   * `reuse`: the sink is done with a chunk when it returns, and the buffer is filled again; else
   * each chunk is the sink's to keep. `chunkLength`: how many bytes a chunk holds, at least.
   */
  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    private readonly reuse = true,
    private readonly chunkLength = defaultChunkLength,
  ) {}

  /** Bytes encoded beforehand: punctuation, layout and member names. */
  bytes(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) this.makeRoom(bytes.length);
    this.length = copyBytes(this.buffer, this.length, bytes);
  }

  byte(byte: number): void {
    if (this.length + 1 > this.buffer.length) this.makeRoom(1);
    this.buffer[this.length++] = byte;
  }

  /** A string as crossplane writes it: quoted, with its escapes. */
  string(value: string): void {
    this.stringFromText(value, 0, value.length);
  }

  /** `text.slice(start, end)` as crossplane writes it, without making that string when it is plain ASCII. */
  stringFromText(text: string, start: number, end: number): void {
    const count = end - start;
    // room for every character escaped with a backslash
    if (this.length + 2 * count + 2 > this.buffer.length) this.makeRoom(2 * count + 2);
    const buffer = this.buffer;
    const first = this.length;
    let at = first;
    buffer[at++] = doubleQuote;
    for (let index = start; index < end; index++) {
      const code = text.charCodeAt(index);
      if (code === doubleQuote || code === backslash) buffer[at++] = backslash;
      else if (code < 0x20 || code > 0x7e) {
        this.length = first;
        this.text(crossplaneJsonString(text.slice(start, end)));
        return;
      }
      buffer[at++] = code;
    }
    buffer[at++] = doubleQuote;
    this.length = at;
  }

  /** A line number or file index: a whole number from 0 to 2^31 - 1. */
  integer(value: number): void {
    if (this.length + 10 > this.buffer.length) this.makeRoom(10);
    this.length = writeInteger(this.buffer, this.length, value);
  }

  /**
   * `separator`, `prefix`, the line number, then the `args` member: the values, as JSON strings.
   * A statement's whole start with one check for room, as most statements are: false, with
   * nothing written, when a value needs more than a backslash before `"` and `\` (a control
   * character, a byte past `~`).
   */
  statementHead(separator: Uint8Array, prefix: Uint8Array, line: number, values: ByteValues, pieces: ArgumentPieces): boolean {
    const { bytes, ranges, count } = values;
    let room = separator.length + prefix.length + 10 + pieces.empty.length + pieces.open.length + pieces.close.length;
    for (let range = 0; range < count; range++) room += 2 * (ranges[2 * range + 1] - ranges[2 * range]) + 2 + pieces.next.length;
    if (this.length + room > this.buffer.length) this.makeRoom(room);
    const buffer = this.buffer;
    let at = copyBytes(buffer, this.length, separator);
    at = writeInteger(buffer, copyBytes(buffer, at, prefix), line);
    if (count === 0) at = copyBytes(buffer, at, pieces.empty);
    else {
      at = copyBytes(buffer, at, pieces.open);
      for (let range = 0; range < count; range++) {
        if (range > 0) at = copyBytes(buffer, at, pieces.next);
        buffer[at++] = doubleQuote;
        const start = ranges[2 * range];
        const end = ranges[2 * range + 1];
        if (values.plain) {
          copyRange(this.view, at, values.view, start, end - start);
          at += end - start;
        } else {
          for (let index = start; index < end; index++) {
            const byte = bytes[index];
            if (byte === doubleQuote || byte === backslash) buffer[at++] = backslash;
            else if (byte < 0x20 || byte > 0x7e) return false;
            buffer[at++] = byte;
          }
        }
        buffer[at++] = doubleQuote;
      }
      at = copyBytes(buffer, at, pieces.close);
    }
    this.length = at;
    return true;
  }

  /** Any text, encoded as UTF-8. */
  text(text: string): void {
    const maximum = text.length * 3;
    if (this.length + maximum > this.buffer.length) this.makeRoom(maximum);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  flush(): void {
    if (this.length > 0) {
      this.sink(this.buffer.subarray(0, this.length));
      if (!this.reuse) this.setBuffer(noBytes);
    }
    this.length = 0;
  }

  private makeRoom(count: number): void {
    this.flush();
    if (count > this.buffer.length) this.setBuffer(Buffer.allocUnsafe(Math.max(count, this.chunkLength)));
  }

  private setBuffer(buffer: Buffer): void {
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
}

/** The JSON text of an `args` member around its elements, encoded beforehand. */
interface ArgumentPieces {
  /** `,"args":[]` */
  readonly empty: Uint8Array;
  /** `,"args":[` and what goes before the first element. */
  readonly open: Uint8Array;
  /** Before every further element. */
  readonly next: Uint8Array;
  readonly close: Uint8Array;
}

/** The JSON text between the elements and members of one nesting level, encoded beforehand. */
interface LevelLayout {
  /** Before the first element of an array whose elements stand at this level. */
  readonly first: Uint8Array;
  /** Before every further element. */
  readonly next: Uint8Array;
  /** Closes an object standing at this level. */
  readonly closeObject: Uint8Array;
  /** Closes a non-empty array whose elements stand at this level. */
  readonly closeArray: Uint8Array;
  readonly fileKey: Uint8Array;
  readonly directiveKey: Uint8Array;
  readonly lineKey: Uint8Array;
  readonly argsKey: Uint8Array;
  readonly includesKey: Uint8Array;
  readonly blockKey: Uint8Array;
  readonly commentKey: Uint8Array;
  /** statementPrefix's pieces, by directive name. */
  readonly prefixes: Map<string, Uint8Array>;
}

const emptyArray = Buffer.from('[]');
const commentName = Buffer.from('"#"');

/**
 * Statements as JSON text laid out exactly as JSON.stringify(value, null, indent) lays them out,
 * written one by one into a ByteWriter: from a configuration's trees (PayloadWriter), or as the
 * parser reads them (crossplane-parse.ts).
 */
export class StatementWriter {
  /** Whether the array being written has no element yet. */
  first = true;
  /** The line break and indentation before a member at each nesting level; empty when compact. */
  private readonly breaks: string[] = [];
  private readonly layouts: LevelLayout[] = [];
  private readonly argumentsPieces: ArgumentPieces[] = [];
  private readonly gap: string;
  readonly colon: string;

  constructor(
    readonly out: ByteWriter,
    indent: number | undefined,
  ) {
    this.gap = ' '.repeat(Math.min(10, indent ?? 0));
    this.colon = this.gap === '' ? ':' : ': ';
  }

  /** `{"directive":"NAME","line":LINE` (with the `file` member first when combined), as the next element of the array at `level`. */
  begin(level: number, name: string, line: number, file: string | undefined): void {
    const layout = this.layout(level);
    const out = this.out;
    this.separator(level);
    if (file === undefined) out.bytes(this.statementPrefix(level, name));
    else {
      this.statementStart(layout, file);
      out.string(name);
      out.bytes(layout.lineKey);
    }
    out.integer(line);
  }

  /**
   * begin() and the `args` member of a statement not combined, in one write: its values stand in
   * a file's bytes (ByteWriter.statementHead), and `prefix` is statementPrefix(level, name).
   * False, with nothing written, when a value needs more escaping than a backslash: then begin()
   * and argumentValues() write the statement.
   */
  headFromBytes(level: number, prefix: Uint8Array, line: number, values: ByteValues): boolean {
    const layout = this.layout(level);
    if (!this.out.statementHead(this.first ? layout.first : layout.next, prefix, line, values, this.argumentPieces(level))) return false;
    this.first = false;
    return true;
  }

  /** The `args` member of the statement begun at `level`: values copied from a text where they stand. */
  argumentsFromText(level: number, view: ArgumentRangeView): void {
    const pieces = this.argumentPieces(level);
    const out = this.out;
    const { text, ranges, first, count } = view;
    if (count === 0) {
      out.bytes(pieces.empty);
      return;
    }
    out.bytes(pieces.open);
    for (let range = first, end = first + count; range < end; range++) {
      if (range > first) out.bytes(pieces.next);
      out.stringFromText(text, ranges[2 * range], ranges[2 * range + 1]);
    }
    out.bytes(pieces.close);
  }

  /** The `args` member of the statement begun at `level`. */
  argumentValues(level: number, args: readonly NginxArgument[]): void {
    const pieces = this.argumentPieces(level);
    const out = this.out;
    if (args.length === 0) {
      out.bytes(pieces.empty);
      return;
    }
    out.bytes(pieces.open);
    for (let index = 0; index < args.length; index++) {
      if (index > 0) out.bytes(pieces.next);
      out.string(args[index].value);
    }
    out.bytes(pieces.close);
  }

  /** The `includes` member of the statement begun at `level`. */
  includes(level: number, included: readonly number[]): void {
    const out = this.out;
    out.bytes(this.layout(level).includesKey);
    if (included.length === 0) {
      out.bytes(emptyArray);
      return;
    }
    const elements = this.layout(level + 2);
    out.byte(openBracket);
    for (let index = 0; index < included.length; index++) {
      out.bytes(index === 0 ? elements.first : elements.next);
      out.integer(included[index]);
    }
    out.bytes(elements.closeArray);
  }

  /** Opens the `block` member of the statement begun at `level`: its statements follow at `level + 2`. */
  openBlock(level: number): void {
    this.out.bytes(this.layout(level).blockKey);
    this.first = true;
  }

  closeBlock(level: number): void {
    this.closeArray(level + 2);
  }

  /** Ends the statement begun at `level`. */
  end(level: number): void {
    this.out.bytes(this.layout(level).closeObject);
  }

  comment(text: string, line: number, file: string | undefined, level: number): void {
    const layout = this.layout(level);
    const out = this.out;
    this.separator(level);
    this.statementStart(layout, file);
    out.bytes(commentName);
    out.bytes(layout.lineKey);
    out.integer(line);
    out.bytes(layout.argsKey);
    out.bytes(emptyArray);
    out.bytes(layout.commentKey);
    out.string(text);
    out.bytes(layout.closeObject);
  }

  /**
   * `{"directive":"NAME","line":` as one piece, made once per name and level: a configuration
   * repeats a few dozen names, and one copy costs less than the four writes it replaces.
   */
  statementPrefix(level: number, name: string): Uint8Array {
    const layout = this.layout(level);
    let prefix = layout.prefixes.get(name);
    if (prefix === undefined) {
      prefix = Buffer.concat([Buffer.from('{'), layout.directiveKey, Buffer.from(crossplaneJsonString(name)), layout.lineKey]);
      layout.prefixes.set(name, prefix);
    }
    return prefix;
  }

  /** `{`, the `file` member when combined, and the `directive` member's name. */
  private statementStart(layout: LevelLayout, file: string | undefined): void {
    this.out.byte(openBrace);
    if (file !== undefined) {
      this.out.bytes(layout.fileKey);
      this.out.string(file);
      this.out.byte(comma);
    }
    this.out.bytes(layout.directiveKey);
  }

  /** The `args` member's pieces for a statement at `level`, its elements standing at `level + 2`. */
  private argumentPieces(level: number): ArgumentPieces {
    let pieces = this.argumentsPieces[level];
    if (pieces === undefined) {
      const key = this.layout(level).argsKey;
      const elements = this.layout(level + 2);
      pieces = {
        empty: Buffer.concat([key, emptyArray]),
        open: Buffer.concat([key, Buffer.from('['), elements.first]),
        next: elements.next,
        close: elements.closeArray,
      };
      this.argumentsPieces[level] = pieces;
    }
    return pieces;
  }

  /** Writes what goes before the next element of an array whose elements stand at `level`. */
  separator(level: number): void {
    const layout = this.layout(level);
    this.out.bytes(this.first ? layout.first : layout.next);
    this.first = false;
  }

  /** Closes an array whose elements stand at `level`. */
  closeArray(level: number): void {
    if (this.first) this.out.byte(closeBracket);
    else this.out.bytes(this.layout(level).closeArray);
    // the array is itself an element (or member) of what encloses it
    this.first = false;
  }

  layout(level: number): LevelLayout {
    let layout = this.layouts[level];
    if (layout === undefined) {
      const member = this.lineBreak(level + 1);
      const c = this.colon;
      layout = {
        first: Buffer.from(this.lineBreak(level)),
        next: Buffer.from(`,${this.lineBreak(level)}`),
        closeObject: Buffer.from(`${this.lineBreak(level)}}`),
        closeArray: Buffer.from(`${this.lineBreak(level - 1)}]`),
        fileKey: Buffer.from(`${member}"file"${c}`),
        directiveKey: Buffer.from(`${member}"directive"${c}`),
        lineKey: Buffer.from(`,${member}"line"${c}`),
        argsKey: Buffer.from(`,${member}"args"${c}`),
        includesKey: Buffer.from(`,${member}"includes"${c}`),
        blockKey: Buffer.from(`,${member}"block"${c}[`),
        commentKey: Buffer.from(`,${member}"comment"${c}`),
        prefixes: new Map(),
      };
      this.layouts[level] = layout;
    }
    return layout;
  }

  lineBreak(level: number): string {
    return (this.breaks[level] ??= this.gap === '' ? '' : `\n${this.gap.repeat(Math.max(0, level))}`);
  }
}

/** What a payload's `errors` members hold: an error of a file, as crossplane prints it. */
export interface PayloadError {
  readonly file: { readonly displayPath: string };
  /** As crossplane prints it (errorText). */
  readonly text: string;
  /** null for an error about the whole configuration. */
  readonly line: number | null;
}

/**
 * `{"status": …, "errors": […], "config": […]}` around the statements of each file, which
 * `writeStatements` writes at level 4 as elements of the file's `parsed` (or of all of them
 * inlined into the first), handed to the sink in chunks: a payload of millions of statements
 * never exists as one object tree or one string.
 */
export function writePayload(
  statements: StatementWriter,
  files: readonly { readonly displayPath: string }[],
  status: CrossplanePayload['status'],
  errors: readonly PayloadError[],
  combine: boolean,
  writeStatements: (fileIndex: number) => void,
): void {
  const out = statements.out;
  const b1 = statements.lineBreak(1);
  const c = statements.colon;
  const errorList = (list: readonly PayloadError[], level: number, withFile: boolean): string => {
    if (list.length === 0) return '[]';
    const inner = statements.lineBreak(level + 1);
    const items = list.map(({ file, text, line }) => {
      const fileMember = withFile ? `${inner}"file"${c}${crossplaneJsonString(file.displayPath)},` : '';
      return `${statements.lineBreak(level)}{${fileMember}${inner}"error"${c}${crossplaneJsonString(text)},${inner}"line"${c}${line}${statements.lineBreak(level)}}`;
    });
    return `[${items.join(',')}${statements.lineBreak(level - 1)}]`;
  };
  out.text(`{${b1}"status"${c}"${status}",${b1}"errors"${c}${errorList(errors, 2, true)},${b1}"config"${c}[`);
  statements.first = true;
  const config = (file: string, fileErrors: readonly PayloadError[], index: number): void => {
    const b3 = statements.lineBreak(3);
    const fileStatus = fileErrors.length > 0 ? 'failed' : 'ok';
    statements.separator(2);
    out.text(
      `{${b3}"file"${c}${crossplaneJsonString(file)},${b3}"status"${c}"${fileStatus}",${b3}"errors"${c}${errorList(fileErrors, 4, false)},${b3}"parsed"${c}[`,
    );
    statements.first = true;
    writeStatements(index);
    statements.closeArray(4);
    out.bytes(statements.layout(2).closeObject);
  };
  if (combine) config(files[0].displayPath, errors, 0);
  else
    for (const [index, file] of files.entries()) {
      config(
        file.displayPath,
        errors.filter((error) => error.file === file),
        index,
      );
    }
  statements.closeArray(2);
  out.bytes(statements.layout(0).closeObject);
  out.flush();
}

/** Writes the statements of a configuration's trees. */
class PayloadWriter {
  private readonly statementWriter: StatementWriter;
  /** Where the arguments of the directive being written stand, filled again for each. */
  private readonly rangeView: ArgumentRangeView = { text: '', ranges: noRanges, first: 0, count: 0 };

  constructor(
    private readonly configuration: NginxConfiguration,
    private readonly options: PayloadOptions,
    sink: (chunk: Uint8Array) => void,
    indent: number | undefined,
  ) {
    this.statementWriter = new StatementWriter(new ByteWriter(sink), indent);
  }

  payload(status: CrossplanePayload['status'], errors: readonly PayloadError[]): void {
    writePayload(this.statementWriter, this.configuration.files, status, errors, this.options.combine === true, (index) =>
      this.statementsOf(index, [index], 4),
    );
  }

  /** The statements of a file as elements of the array being written (its own `parsed`, or inlined). */
  private statementsOf(fileIndex: number, chain: readonly number[], level: number): void {
    const file = this.configuration.files[fileIndex];
    const fileName = this.options.combine ? file.displayPath : undefined;
    this.statements(file.syntax.directives, file.syntax.comments, fileName, chain, level);
  }

  private statements(
    directives: readonly NginxDirective[],
    comments: readonly NginxComment[],
    file: string | undefined,
    chain: readonly number[],
    level: number,
  ): void {
    let commentIndex = 0;
    for (const directive of directives) {
      if (commentIndex < comments.length) {
        const nameSpan = directive.nameSpan;
        commentIndex = this.commentsBefore(comments, commentIndex, nameSpan.startLine, nameSpan.startCharacter, file, level);
      }
      this.directive(directive, file, chain, level);
      // crossplane prints comments written between arguments even without --include-comments
      for (const comment of directive.argumentComments) this.statementWriter.comment(comment.text, directive.line, file, level);
    }
    this.commentsBefore(comments, commentIndex, Number.MAX_SAFE_INTEGER, 0, file, level);
  }

  /** Writes (with --include-comments) the comments from `index` that stand before a position; returns the index after them. */
  private commentsBefore(comments: readonly NginxComment[], index: number, line: number, character: number, file: string | undefined, level: number): number {
    let next = index;
    while (next < comments.length) {
      const start = comments[next].span;
      if (start.startLine > line || (start.startLine === line && start.startCharacter > character)) break;
      const comment = comments[next++];
      if (this.options.includeComments) this.statementWriter.comment(comment.text, comment.line, file, level);
    }
    return next;
  }

  private directive(directive: NginxDirective, file: string | undefined, chain: readonly number[], level: number): void {
    // only include directives are keys, and looking a name up costs less than an object; the
    // names are not V8's internalized strings, so comparing lengths first saves a call per directive
    const name = directive.name;
    const included = name.length === 7 && name === 'include' ? this.configuration.includes.get(directive) : undefined;
    if (included !== undefined && this.options.combine) {
      for (const index of included) {
        // a cycle is already reported as an error; inlining it would never end
        if (!chain.includes(index)) this.statementsOf(index, [...chain, index], level);
      }
      return;
    }
    const writer = this.statementWriter;
    const view = this.rangeView;
    writer.begin(level, name, directive.line, file);
    // the values are copied from the file's text, never made into strings
    if (readArgumentRanges(directive, view)) writer.argumentsFromText(level, view);
    else writer.argumentValues(level, directive.args);
    if (included !== undefined) writer.includes(level, included);
    const block = directive.block;
    if (block !== undefined) {
      writer.openBlock(level);
      this.statements(block, directive.blockComments ?? [], file, chain, level + 2);
      writer.closeBlock(level);
    }
    writer.end(level);
  }
}

/**
 * Whether some file is named by two includes, or twice by one: only then can combining write a
 * file more than once, as each include is written at most as often as the file holding it.
 */
function includesSomeFileTwice(configuration: NginxConfiguration): boolean {
  const included = new Uint8Array(configuration.files.length);
  for (const indexes of configuration.includes.values()) {
    for (const index of indexes) {
      if (included[index] === 1) return true;
      included[index] = 1;
    }
  }
  return false;
}

/** The statements a file's directives and comments make in an uncombined payload. */
function statementCount(directives: readonly NginxDirective[], comments: readonly NginxComment[], includeComments: boolean): number {
  let count = includeComments ? comments.length : 0;
  for (const directive of directives) {
    count += 1 + directive.argumentComments.length;
    if (directive.block !== undefined) count += statementCount(directive.block, directive.blockComments ?? [], includeComments);
  }
  return count;
}

/**
 * Whether combining would write more than `limit` statements, counted in the order the writer
 * walks them and no further than the limit, so the count costs no more than writing would. An
 * include counts as a statement: inlining files without directives costs too.
 */
function combinedCountExceeds(configuration: NginxConfiguration, includeComments: boolean, limit: number): boolean {
  let count = 0;
  /** The files being inlined, as the writer's chain holds them. */
  const inlining = new Uint8Array(configuration.files.length);
  const exceedsIn = (directives: readonly NginxDirective[], comments: readonly NginxComment[]): boolean => {
    if (includeComments) count += comments.length;
    for (const directive of directives) {
      count += 1 + directive.argumentComments.length;
      if (count > limit) return true;
      const included = directive.name === 'include' ? configuration.includes.get(directive) : undefined;
      if (included !== undefined) {
        for (const index of included) {
          // as the writer does: a cycle is not inlined
          if (inlining[index] === 0 && exceedsInFile(index)) return true;
        }
      } else if (directive.block !== undefined && exceedsIn(directive.block, directive.blockComments ?? [])) return true;
    }
    return count > limit;
  };
  const exceedsInFile = (fileIndex: number): boolean => {
    const syntax = configuration.files[fileIndex].syntax;
    inlining[fileIndex] = 1;
    const exceeds = exceedsIn(syntax.directives, syntax.comments);
    inlining[fileIndex] = 0;
    return exceeds;
  };
  return exceedsInFile(0);
}

/**
 * Writes what `crossplane parse` prints for a configuration, without building it first: the
 * statements come straight from the syntax trees. Returns the payload's status.
 */
export function writeCrossplanePayload(configuration: NginxConfiguration, options: PayloadOptions, output: PayloadOutput): CrossplanePayload['status'] {
  const errors: PayloadError[] = configuration.files.flatMap((file) =>
    file.errors.map((error) => ({ file, text: errorText(error, file.displayPath), line: error.line })),
  );
  let writtenOptions = options;
  if (options.combine && includesSomeFileTwice(configuration)) {
    const includeComments = options.includeComments === true;
    const own = configuration.files.reduce((sum, file) => sum + statementCount(file.syntax.directives, file.syntax.comments, includeComments), 0);
    const limit = own + (options.maximumRepeatedStatements ?? defaultMaximumRepeatedStatements);
    if (combinedCountExceeds(configuration, includeComments, limit)) {
      // the payload's errors come before its statements, so this is known before writing any
      const main = configuration.files[0];
      const text = `not combined: inlining the includes of ${main.displayPath} would write more than ${limit} statements, as files are included over and over; each file is printed on its own`;
      errors.push({ file: main, text, line: null });
      writtenOptions = { ...options, combine: false };
    }
  }
  const status = errors.length > 0 ? 'failed' : 'ok';
  new PayloadWriter(configuration, writtenOptions, (chunk) => output.write(chunk), output.indent).payload(status, errors);
  return status;
}

/** What `crossplane parse` prints for a configuration, as objects. */
export function toCrossplanePayload(configuration: NginxConfiguration, options: PayloadOptions = {}): CrossplanePayload {
  const chunks: Buffer[] = [];
  writeCrossplanePayload(configuration, options, { write: (chunk) => chunks.push(Buffer.from(chunk)) });
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as CrossplanePayload;
}

/**
 * Writes what `crossplane lex -n` prints for a text, every token with its line, laid out as
 * JSON.stringify(tokens, null, indent) lays it out, token by token: a big file's tokens never
 * exist all at once. Returns the lexer's errors.
 */
export function writeCrossplaneTokens(text: string, output: PayloadOutput): NginxError[] {
  const out = new ByteWriter((chunk) => output.write(chunk));
  const gap = ' '.repeat(Math.min(10, output.indent ?? 0));
  const outer = gap === '' ? '' : `\n${gap}`;
  const inner = gap === '' ? '' : `\n${gap}${gap}`;
  const first = Buffer.from(`[${outer}[${inner}`);
  const next = Buffer.from(`,${outer}[${inner}`);
  const between = Buffer.from(`,${inner}`);
  const closeToken = Buffer.from(`${outer}]`);
  let count = 0;
  const errors = lexNginx(text, (lexer) => {
    out.bytes(count++ === 0 ? first : next);
    out.string(lexer.value);
    out.bytes(between);
    out.integer(lexer.line);
    out.bytes(closeToken);
  });
  out.text(count === 0 ? '[]' : `${gap === '' ? '' : '\n'}]`);
  out.flush();
  return errors;
}
