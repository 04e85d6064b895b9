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

export interface BootstrapSuggestion {
  readonly domains: readonly string[];
  readonly email: string;
}

/** What the server suggests to prefill; anything unexpected prefills nothing. */
export function parseBootstrapSuggestion(value: unknown): BootstrapSuggestion {
  const candidate = value as { domains?: unknown; email?: unknown } | null | undefined;
  const domains = Array.isArray(candidate?.domains) ? candidate.domains.filter((domain): domain is string => typeof domain === 'string') : [];
  return { domains, email: typeof candidate?.email === 'string' ? candidate.email : '' };
}

export interface BootstrapResult {
  readonly applied: boolean;
  readonly summary: readonly string[];
}

export function parseBootstrapResult(value: unknown): BootstrapResult {
  const candidate = value as { applied?: unknown; summary?: unknown } | null | undefined;
  const summary = Array.isArray(candidate?.summary) ? candidate.summary.filter((line): line is string => typeof line === 'string') : [];
  return { applied: candidate?.applied === true, summary };
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
