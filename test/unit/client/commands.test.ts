import { strictEqual } from 'node:assert';
import { commandIds, describeFailure, serverGenerateBootstrapConfigCommand } from '../../../client/src/commands';

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
