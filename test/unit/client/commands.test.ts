import { deepStrictEqual, strictEqual } from 'node:assert';
import { commandIds, describeFailure, parseDomains } from '../../../client/src/commands';
import { generateBootstrapCommand } from '../../../server/src/protocol/messages';

describe('client commands', () => {
  it('keeps the palette command apart from the command the server advertises', () => {
    strictEqual((Object.values(commandIds) as string[]).includes(generateBootstrapCommand), false);
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
});
