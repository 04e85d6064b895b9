const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * nginx reads bytes; the editor and crossplane read UTF-8 text, with invalid bytes replaced
 * by U+FFFD. A file with a NUL byte is not a configuration at all: undefined.
 */
export function decodeConfigurationText(bytes: Uint8Array): string | undefined {
  if (isBinaryConfiguration(bytes)) return undefined;
  return decoder.decode(bytes);
}

/** Whether the bytes hold a NUL byte: a binary file, not a configuration. */
export function isBinaryConfiguration(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) >= 0;
}
