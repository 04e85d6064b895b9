import { deepStrictEqual, strictEqual } from 'node:assert';
import {
  commandIds,
  describeFailure,
  parseBootstrapResult,
  parseBootstrapSuggestion,
  parseDomains,
  serverGenerateBootstrapConfigCommand,
} from '../../../client/src/commands';

describe('client commands', () => {
  it('keeps the palette command apart from the command the server advertises', () => {
    strictEqual((Object.values(commandIds) as string[]).includes(serverGenerateBootstrapConfigCommand), false);
  });

  it('shows the message of a failed request', () => {
    strictEqual(describeFailure(new Error('Generate bootstrap config is not available yet')), 'Generate bootstrap config is not available yet');
    strictEqual(describeFailure('timed out'), 'timed out');
    strictEqual(describeFailure(undefined), 'the server did not say why');
  });
});

describe('bootstrap prompts', () => {
  it('splits the domains the user typed on spaces and commas, once each, lower-cased', () => {
    deepStrictEqual(parseDomains(' Example.com, www.example.com  example.com,,shop.example.com '), ['example.com', 'www.example.com', 'shop.example.com']);
    deepStrictEqual(parseDomains(' , '), []);
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
