import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

/**
 * The server's end of stdin and stdout. vscode-jsonrpc reports a broken frame (a Content-Length
 * that is missing, not a number, or wrong so that the body is no JSON) as an error and then
 * waits for a header it can no longer find: the server stayed alive and never answered again,
 * logging nothing, so the editor showed stale diagnostics forever. A broken stream ends the
 * process instead, once it has said why on stderr: the client sees the server exit and starts a
 * new one on a fresh stream (VS Code's client does, up to four times in three minutes). A frame
 * whose body stops arriving for ten seconds is broken too: on a local pipe, a writer never
 * pauses that long inside a message.
 */
export function stdioMessageStreams(
  stderr: (text: string) => void,
  exit: (code: number) => void,
): { reader: StreamMessageReader; writer: StreamMessageWriter } {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  let ended = false;
  const end = (why: string): void => {
    if (ended) return;
    ended = true;
    stderr(`certboot: the message stream from the client is broken (${why}); exiting, so that the client starts a new server\n`);
    exit(1);
  };
  reader.onError((error) => end(error.message.split('\n')[0] ?? String(error)));
  reader.onPartialMessage((info) => end(`the rest of a message did not arrive within ${info.waitingTime / 1000} s`));
  return { reader, writer };
}
