/** The server's `certboot/analysisState` notification: a workspace analysis starts or ends. */
export const analysisStateNotification = 'certboot/analysisState';

export interface AnalysisState {
  readonly state: 'started' | 'finished';
  /** How many files the analysis reads, when the server says. */
  readonly files?: number;
}

/** From this many files on, the analysis also shows a progress notification, not only the status bar. */
export const largeWorkspaceFiles = 500;

/** The notification's parameters, or undefined when they are not what the protocol says. */
export function parseAnalysisState(parameters: unknown): AnalysisState | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const { state, files } = parameters as Record<string, unknown>;
  if (state !== 'started' && state !== 'finished') return undefined;
  if (files === undefined) return { state };
  if (typeof files !== 'number' || !Number.isInteger(files) || files < 0) return undefined;
  return { state, files };
}

export function analysisStatusText(state: AnalysisState): string {
  if (state.files === undefined) return '$(sync~spin) certboot: analysing';
  return `$(sync~spin) certboot: analysing ${state.files} ${state.files === 1 ? 'file' : 'files'}`;
}

export function isLargeAnalysis(state: AnalysisState): boolean {
  return state.files !== undefined && state.files >= largeWorkspaceFiles;
}
