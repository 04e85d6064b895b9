import { deepStrictEqual } from 'node:assert';
import { type Frame, FrameSplitter } from '../../../server/src/language-server/message-streams';

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const hover = '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"text":"Content-Length: 5"}}';
const shutdown = '{"jsonrpc":"2.0","id":3,"method":"shutdown"}';
const message = (text: string): Frame => ({ kind: 'message', message: JSON.parse(text) });

/** The frames of `bytes`, given in one chunk and byte by byte: both must give the same. */
function split(bytes: string): Frame[] {
  const whole = new FrameSplitter().push(Buffer.from(bytes));
  const splitter = new FrameSplitter();
  const bytewise = [...Buffer.from(bytes)].flatMap((byte) => splitter.push(Buffer.from([byte])));
  deepStrictEqual(bytewise, whole);
  return whole;
}

describe('FrameSplitter: JSON-RPC frames, resynchronised after a broken one', () => {
  it('reads well-formed frames, other headers and multi-byte bodies included', () => {
    const utf8 = '{"jsonrpc":"2.0","method":"x","params":{"text":"é ✓"}}';
    deepStrictEqual(split(`${frame(hover)}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame(utf8)}`), [message(hover), message(utf8)]);
  });

  it('skips a frame whose Content-Length is too short, and reads the next', () => {
    deepStrictEqual(split(`Content-Length: 5\r\n\r\n${hover}${frame(shutdown)}`), [
      { kind: 'broken', why: 'a body of 5 bytes that is no JSON: Unterminated string in JSON at position 5' },
      message(shutdown),
    ]);
  });

  it('skips a frame whose Content-Length is too long as soon as the next header shows, and reads it', () => {
    deepStrictEqual(split(`Content-Length: 9999\r\n\r\n${hover}${frame(shutdown)}`), [
      { kind: 'broken', why: 'a Content-Length of 9999 runs into the next message' },
      message(shutdown),
    ]);
  });

  it('skips a header without Content-Length, or with one that is no number', () => {
    deepStrictEqual(split(`Content-Type: application/vscode-jsonrpc\r\n\r\n${hover}${frame(shutdown)}`), [
      { kind: 'broken', why: 'a header without Content-Length' },
      message(shutdown),
    ]);
    deepStrictEqual(split(`Content-Length: abc\r\n\r\n${hover}${frame(shutdown)}`), [
      { kind: 'broken', why: 'a Content-Length that is no number ("abc")' },
      message(shutdown),
    ]);
  });

  it('skips bytes that are no header at all', () => {
    deepStrictEqual(split(`hello\r\n\r\n${frame(shutdown)}`), [{ kind: 'broken', why: 'a header line without ":" ("hello")' }, message(shutdown)]);
    deepStrictEqual(split(`${'x'.repeat(9000)}${frame(shutdown)}`), [
      { kind: 'broken', why: '8192 bytes without the blank line that ends a header' },
      message(shutdown),
    ]);
  });
});
