/** Command ids as package.json contributes them to the palette. */
export const commandIds = {
  generateBootstrapConfig: 'certboot.bootstrap.generate',
  showOutput: 'certboot.output.show',
  restartServer: 'certboot.server.restart',
} as const;

/** The text of a failed request as a person reads it. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return 'the server did not say why';
}

/** "a.com, www.a.com b.com" → the names, lower-cased, each once. */
export function parseDomains(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== ''),
    ),
  ];
}
