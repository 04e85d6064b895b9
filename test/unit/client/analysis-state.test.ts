import { deepStrictEqual, strictEqual } from 'node:assert';
import { analysisStatusText, isLargeAnalysis, parseAnalysisState } from '../../../client/src/analysis-state';

describe('client analysis state', () => {
  it('reads the server notification', () => {
    deepStrictEqual(parseAnalysisState({ state: 'started', files: 12 }), { state: 'started', files: 12 });
    deepStrictEqual(parseAnalysisState({ state: 'finished', files: 12 }), { state: 'finished', files: 12 });
    deepStrictEqual(parseAnalysisState({ state: 'started', root: '/srv/app' }), { state: 'started' });
  });

  it('ignores notifications that do not follow the protocol', () => {
    for (const parameters of [
      undefined,
      null,
      'started',
      { state: 'running', files: 1 },
      { state: 'started', files: -1 },
      { state: 'started', files: 1.5 },
      { state: 'started', files: '3' },
    ]) {
      strictEqual(parseAnalysisState(parameters), undefined, JSON.stringify(parameters));
    }
  });

  it('says how many files are being analysed', () => {
    strictEqual(analysisStatusText({ state: 'started', files: 1 }), '$(sync~spin) certboot: analysing 1 file');
    strictEqual(analysisStatusText({ state: 'started', files: 37 }), '$(sync~spin) certboot: analysing 37 files');
    strictEqual(analysisStatusText({ state: 'started' }), '$(sync~spin) certboot: analysing');
  });

  it('adds a progress notification only for large workspaces', () => {
    strictEqual(isLargeAnalysis({ state: 'started', files: 499 }), false);
    strictEqual(isLargeAnalysis({ state: 'started', files: 500 }), true);
    strictEqual(isLargeAnalysis({ state: 'started' }), false);
  });
});
