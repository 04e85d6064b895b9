import type { AnalysisState } from '../../server/src/protocol/messages';

/** From this many files on, the analysis also shows a progress notification, not only the status bar. */
export const largeWorkspaceFiles = 500;

/** The status bar text while an analysis runs: with its file count once the server has counted. */
export function analysisStatusText(state: AnalysisState): string {
  if (state.state !== 'counted') return '$(sync~spin) certboot: analysing';
  return `$(sync~spin) certboot: analysing ${state.files} ${state.files === 1 ? 'file' : 'files'}`;
}

export function isLargeAnalysis(state: AnalysisState): boolean {
  return state.state === 'counted' && state.files >= largeWorkspaceFiles;
}
