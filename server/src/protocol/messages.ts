// The messages between the VS Code client and the language server beyond the LSP itself: their
// names, their payloads, and the checks each side runs on what it receives. Both sides import
// this module, so a change of a payload shows on both at once. It imports nothing.

/** Server → client: the analysis of a workspace root starts, has counted its files, or ends. */
export const analysisStateNotification = 'certboot/analysisState';

export type AnalysisState =
  | { readonly state: 'started'; readonly root: string }
  /** The analysis walked the root: it considers this many files (what shows progress on large workspaces). */
  | { readonly state: 'counted'; readonly root: string; readonly files: number }
  /** How long the analysis and the publishing took in the server, for benchmarks and logs. */
  | { readonly state: 'finished'; readonly root: string; readonly milliseconds: number };

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The notification's parameters, or undefined when they are not what the protocol says. */
export function parseAnalysisState(parameters: unknown): AnalysisState | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const { state, root, files, milliseconds } = parameters as Record<string, unknown>;
  if (typeof root !== 'string') return undefined;
  if (state === 'started') return { state, root };
  if (state === 'counted') return isCount(files) ? { state, root, files } : undefined;
  if (state === 'finished') return typeof milliseconds === 'number' && milliseconds >= 0 ? { state, root, milliseconds } : undefined;
  return undefined;
}

/**
 * Client → server, `workspace/executeCommand` with `[folderUri]`: what to prefill in the
 * bootstrap prompts; with `[folderUri, BootstrapRequest]`: apply the bootstrap. The palette
 * command has another id (the language client registers every command the server advertises
 * under the server's id, and VS Code refuses a second registration of one id).
 */
export const generateBootstrapCommand = 'certboot.generateBootstrapConfig';

export interface BootstrapRequest {
  readonly domains: readonly string[];
  readonly email: string;
  readonly staging: boolean;
  /** The server shows the summary itself (the quick fix; the palette command's client shows it). */
  readonly announce?: boolean;
}

export function isBootstrapRequest(value: unknown): value is BootstrapRequest {
  const candidate = value as Partial<BootstrapRequest> | undefined;
  return (
    Array.isArray(candidate?.domains) &&
    candidate.domains.every((domain) => typeof domain === 'string') &&
    typeof candidate.email === 'string' &&
    typeof candidate.staging === 'boolean'
  );
}

/** The answer to the command without a request: what the prompts prefill. */
export interface BootstrapSuggestion {
  readonly domains: readonly string[];
  /** Where each domain was found, as the server describes it. */
  readonly sources?: readonly string[];
  readonly email: string;
}

/** What the server suggests to prefill; anything unexpected prefills nothing. */
export function parseBootstrapSuggestion(value: unknown): BootstrapSuggestion {
  const candidate = value as { domains?: unknown; email?: unknown } | null | undefined;
  const domains = Array.isArray(candidate?.domains) ? candidate.domains.filter((domain): domain is string => typeof domain === 'string') : [];
  return { domains, email: typeof candidate?.email === 'string' ? candidate.email : '' };
}

/** The answer to the command with a request. */
export interface BootstrapResult {
  readonly applied: boolean;
  readonly summary: readonly string[];
  /** The new scripts the server made executable, relative to the root. */
  readonly executable?: readonly string[];
}

export function parseBootstrapResult(value: unknown): BootstrapResult {
  const candidate = value as { applied?: unknown; summary?: unknown } | null | undefined;
  const summary = Array.isArray(candidate?.summary) ? candidate.summary.filter((line): line is string => typeof line === 'string') : [];
  return { applied: candidate?.applied === true, summary };
}
