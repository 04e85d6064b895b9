const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
const decoderKeepingMark = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * nginx reads bytes; the editor and crossplane read UTF-8 text, with invalid bytes replaced
 * by U+FFFD. A file with a NUL byte is not a configuration at all: undefined. A UTF-8 byte
 * order mark at the start is dropped, unless `keepByteOrderMark`: crossplane (Python's utf-8
 * codec) reads it as a character, the first of the first word.
 */
export function decodeConfigurationText(bytes: Uint8Array, keepByteOrderMark = false): string | undefined {
  if (isBinaryConfiguration(bytes)) return undefined;
  return (keepByteOrderMark ? decoderKeepingMark : decoder).decode(bytes);
}

/** Whether the bytes hold a NUL byte: a binary file, not a configuration. */
export function isBinaryConfiguration(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) >= 0;
}
