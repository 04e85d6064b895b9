import { deepStrictEqual, strictEqual } from 'node:assert';
import { isBootstrapRequest, parseAnalysisState, parseBootstrapResult, parseBootstrapSuggestion } from '../../../server/src/protocol/messages';

describe('protocol messages', () => {
  it('reads the analysis state notification', () => {
    deepStrictEqual(parseAnalysisState({ state: 'started', root: '/srv/app' }), { state: 'started', root: '/srv/app' });
    deepStrictEqual(parseAnalysisState({ state: 'counted', root: '/srv/app', files: 512 }), { state: 'counted', root: '/srv/app', files: 512 });
    deepStrictEqual(parseAnalysisState({ state: 'finished', root: '/srv/app', milliseconds: 12.5, files: 3 }), {
      state: 'finished',
      root: '/srv/app',
      milliseconds: 12.5,
    });
  });

  it('ignores analysis states that do not follow the protocol', () => {
    for (const parameters of [
      undefined,
      null,
      'started',
      { state: 'started' },
      { state: 'running', root: '/srv/app' },
      { state: 'counted', root: '/srv/app' },
      { state: 'counted', root: '/srv/app', files: -1 },
      { state: 'counted', root: '/srv/app', files: 1.5 },
      { state: 'counted', root: '/srv/app', files: '3' },
      { state: 'finished', root: '/srv/app' },
    ]) {
      strictEqual(parseAnalysisState(parameters), undefined, JSON.stringify(parameters));
    }
  });

  it('reads a bootstrap request only with domains, an email and staging', () => {
    strictEqual(isBootstrapRequest({ domains: ['a.example'], email: 'me@a.example', staging: false }), true);
    strictEqual(isBootstrapRequest({ domains: ['a.example', 3], email: 'me@a.example', staging: false }), false);
    strictEqual(isBootstrapRequest({ domains: ['a.example'], email: 'me@a.example' }), false);
    strictEqual(isBootstrapRequest(undefined), false);
  });

  it("reads the server's suggestion and result, and prefills nothing from a malformed answer", () => {
    deepStrictEqual(parseBootstrapSuggestion({ domains: ['a.example', 3], email: 'me@a.example', sources: [] }), {
      domains: ['a.example'],
      email: 'me@a.example',
    });
    deepStrictEqual(parseBootstrapSuggestion('not an object'), { domains: [], email: '' });
    deepStrictEqual(parseBootstrapResult({ applied: true, summary: ['Stage 1 …', 7] }), { applied: true, summary: ['Stage 1 …'] });
    deepStrictEqual(parseBootstrapResult(null), { applied: false, summary: [] });
  });
});
