import { AbstractMessageReader, type DataCallback, Disposable, type Message, StreamMessageWriter } from 'vscode-languageserver/node';

/** What the bytes of the stream held: a message, or a frame that was skipped and why. */
export type Frame = { readonly kind: 'message'; readonly message: Message } | { readonly kind: 'broken'; readonly why: string };

const headerEnd = Buffer.from('\r\n\r\n');
const lengthName = 'content-length:';
/** A header block longer than this without its blank line is no header. */
const maximumHeaderBytes = 8192;
/**
 * `Content-Length: 123` then a line break: never inside a JSON text (outside a string
 * `Content-Length` is no token, inside one a raw line break is not allowed), so a frame whose
 * body holds it was given too long a length and the next frame starts there; after a broken
 * frame, reading goes on there.
 */
const headerInsideBody = /content-length:[ \t]*\d+[ \t]*\r\n/i;

/**
 * Splits the bytes of a JSON-RPC stream (`Content-Length: N`, a blank line, N bytes of JSON)
 * into messages, and resynchronises after a broken frame instead of waiting for a header it can
 * no longer find: a header without Content-Length, a length that is no number, a body that is no
 * JSON (a length too short), or another header inside the body (a length too long). Each is
 * reported, and reading goes on at the next `Content-Length` header; the message it was part of
 * is lost, the ones after it are read.
 */
export class FrameSplitter {
  private data: Buffer = Buffer.alloc(0);
  /** Chunks received while a body was incomplete, not yet joined to `data`. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** The frame being read: where its header and body start, and the body's length. */
  private frame: { readonly headerStart: number; readonly bodyStart: number; readonly length: number } | undefined;
  /** How far the body of `frame` was searched for a header. */
  private searched = 0;
  /** The last bytes received, to find a header that arrives split over chunks. */
  private tail = '';
  /** After a broken frame: bytes are skipped until a `Content-Length` header. */
  private resynchronising = false;

  push(chunk: Buffer): Frame[] {
    const window = this.tail + chunk.toString('latin1');
    this.tail = window.slice(-40);
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    // while a body is incomplete, its chunks are kept unless they hold the start of another frame
    const incomplete = this.frame !== undefined && this.data.length + this.pendingLength < this.frame.bodyStart + this.frame.length;
    if (incomplete && !headerInsideBody.test(window)) return [];
    this.data = Buffer.concat([this.data, ...this.pending]);
    this.pending = [];
    this.pendingLength = 0;
    return this.split();
  }

  private split(): Frame[] {
    const frames: Frame[] = [];
    let offset = 0;
    const broken = (why: string, from: number): void => {
      frames.push({ kind: 'broken', why });
      this.frame = undefined;
      this.resynchronising = true;
      offset = from;
    };
    for (;;) {
      if (this.resynchronising) {
        const next = this.nextHeader(offset);
        offset = next.at;
        if (!next.found) break;
        this.resynchronising = false;
      }
      if (this.frame === undefined) {
        const end = this.data.indexOf(headerEnd, offset);
        if (end < 0) {
          if (this.data.length - offset > maximumHeaderBytes) broken(`${maximumHeaderBytes} bytes without the blank line that ends a header`, offset + 1);
          else break;
          continue;
        }
        if (end - offset > maximumHeaderBytes) {
          broken(`${maximumHeaderBytes} bytes without the blank line that ends a header`, offset + 1);
          continue;
        }
        const header = this.headerLength(this.data.toString('latin1', offset, end));
        if (typeof header === 'string') {
          broken(header, offset + 1);
          continue;
        }
        this.frame = { headerStart: offset, bodyStart: end + headerEnd.length, length: header };
        this.searched = this.frame.bodyStart;
      }
      const { headerStart, bodyStart, length } = this.frame;
      const available = Math.min(this.data.length, bodyStart + length);
      const from = Math.max(bodyStart, this.searched - 40);
      const inside = headerInsideBody.exec(this.data.toString('latin1', from, available));
      this.searched = available;
      if (inside !== null) {
        broken(`a Content-Length of ${length} runs into the next message`, from + inside.index);
        continue;
      }
      if (available < bodyStart + length) break;
      let message: Message | undefined;
      try {
        message = JSON.parse(this.data.toString('utf8', bodyStart, bodyStart + length)) as Message;
      } catch (error) {
        broken(`a body of ${length} bytes that is no JSON: ${(error as Error).message}`, headerStart + 1);
        continue;
      }
      frames.push({ kind: 'message', message });
      this.frame = undefined;
      offset = bodyStart + length;
    }
    if (this.frame !== undefined) {
      this.frame = { headerStart: this.frame.headerStart - offset, bodyStart: this.frame.bodyStart - offset, length: this.frame.length };
      this.searched -= offset;
    }
    this.data = this.data.subarray(offset);
    return frames;
  }

  /** The Content-Length of a header block, or why it has none. */
  private headerLength(header: string): number | string {
    let length: number | string = 'a header without Content-Length';
    for (const line of header.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) return `a header line without ":" (${JSON.stringify(line.slice(0, 40))})`;
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      length = /^\d+$/.test(value) ? Number(value) : `a Content-Length that is no number (${JSON.stringify(value.slice(0, 40))})`;
    }
    return length;
  }

  /** Where the next `Content-Length` header starts at or after `from`; else what may still become one. */
  private nextHeader(from: number): { readonly at: number; readonly found: boolean } {
    const text = this.data.toString('latin1', from);
    const found = headerInsideBody.exec(text);
    if (found !== null) return { at: from + found.index, found: true };
    // keep an end that may be the start of a header whose rest is still to come
    const lower = text.slice(-40).toLowerCase();
    const start = lower.lastIndexOf(lengthName);
    if (start >= 0 && /^content-length:[ \t]*\d*[ \t]*\r?$/.test(lower.slice(start))) return { at: this.data.length - (lower.length - start), found: false };
    for (let keep = Math.min(lengthName.length - 1, lower.length); keep > 0; keep--) {
      if (lengthName.startsWith(lower.slice(lower.length - keep))) return { at: this.data.length - keep, found: false };
    }
    return { at: this.data.length, found: false };
  }
}

/** Reads messages from a stream through a FrameSplitter, saying on `broken` what it skipped. */
class ResynchronisingReader extends AbstractMessageReader {
  private readonly splitter = new FrameSplitter();

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly broken: (why: string) => void,
  ) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      for (const frame of this.splitter.push(chunk)) {
        if (frame.kind === 'message') callback(frame.message);
        else this.broken(frame.why);
      }
    };
    this.stream.on('data', onData);
    return Disposable.create(() => this.stream.off('data', onData));
  }
}

/**
 * The server's end of stdin and stdout. vscode-jsonrpc's own reader reports a broken frame (a
 * Content-Length that is missing, not a number, or wrong) as an error and then waits for a header
 * it can no longer find: the server stayed alive and never answered again, logging nothing, so
 * the editor showed stale diagnostics forever. This reader says on stderr what it skipped and reads
 * on from the next frame: the message the broken frame carried is lost, the server keeps answering.
 */
export function stdioMessageStreams(stderr: (text: string) => void): { reader: AbstractMessageReader; writer: StreamMessageWriter } {
  const reader = new ResynchronisingReader(process.stdin, (why) =>
    stderr(`certboot: skipped a broken message from the client (${why}); reading on from the next Content-Length header\n`),
  );
  return { reader, writer: new StreamMessageWriter(process.stdout) };
}
