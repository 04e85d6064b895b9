import { strictEqual } from 'node:assert';
import { analysisStatusText, isLargeAnalysis } from '../../../client/src/analysis-state';

describe('client analysis state', () => {
  it('says how many files are being analysed once the server has counted them', () => {
    strictEqual(analysisStatusText({ state: 'counted', root: '/srv/app', files: 1 }), '$(sync~spin) certboot: analysing 1 file');
    strictEqual(analysisStatusText({ state: 'counted', root: '/srv/app', files: 37 }), '$(sync~spin) certboot: analysing 37 files');
    strictEqual(analysisStatusText({ state: 'started', root: '/srv/app' }), '$(sync~spin) certboot: analysing');
  });

  it('adds a progress notification only for large workspaces', () => {
    strictEqual(isLargeAnalysis({ state: 'counted', root: '/srv/app', files: 499 }), false);
    strictEqual(isLargeAnalysis({ state: 'counted', root: '/srv/app', files: 500 }), true);
    strictEqual(isLargeAnalysis({ state: 'started', root: '/srv/app' }), false);
  });
});
