/** Command ids as package.json contributes them to the palette. */
export const commandIds = {
  generateBootstrapConfig: 'certboot.bootstrap.generate',
  showOutput: 'certboot.output.show',
  restartServer: 'certboot.server.restart',
} as const;

/**
 * The server's workspace command. The palette command has its own id because the language
 * client registers every command the server advertises under the server's id, and VS Code
 * refuses a second registration of the same id.
 */
export const serverGenerateBootstrapConfigCommand = 'certboot.generateBootstrapConfig';

/** The text of a failed request as a person reads it. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'string' && error !== '') return error;
  return 'the server did not say why';
}
