import { deepStrictEqual } from 'node:assert';
import { mapConfigurationItems, toServerSettings } from '../../../client/src/settings';

describe('client settings mapping', () => {
  it('passes rule settings to the server as certboot.json has them, without the trace setting', () => {
    deepStrictEqual(toServerSettings({ rules: { 'certificate-never-renewed': 'off', 'nginx-syntax': 'warning' }, trace: { server: 'verbose' } }), {
      rules: { 'certificate-never-renewed': 'off', 'nginx-syntax': 'warning' },
    });
  });

  it('copies the rules out of the frozen object VS Code hands out', () => {
    const rules = Object.freeze({ 'staging-certificate': 'error' });
    const settings = toServerSettings({ rules });
    deepStrictEqual(settings, { rules: { 'staging-certificate': 'error' } });
    deepStrictEqual(settings.rules === rules, false);
  });

  it('sends no rules when nothing is set', () => {
    deepStrictEqual(toServerSettings(undefined), { rules: {} });
    deepStrictEqual(toServerSettings({}), { rules: {} });
    deepStrictEqual(toServerSettings({ rules: null }), { rules: {} });
  });

  it('leaves wrong values for the server to report, since only it knows the rules', () => {
    deepStrictEqual(toServerSettings({ rules: ['off'] }), { rules: ['off'] });
    deepStrictEqual(toServerSettings({ rules: { 'no-such-rule': 'loud' } }), { rules: { 'no-such-rule': 'loud' } });
  });

  it('maps the certboot section of a workspace/configuration answer and leaves other sections alone', () => {
    deepStrictEqual(
      mapConfigurationItems(
        ['certboot', 'editor', undefined],
        [{ rules: { 'nginx-syntax': 'info' }, trace: { server: 'off' } }, { tabSize: 4 }, { certboot: { rules: { 'compose-syntax': 'off' } }, editor: {} }],
      ),
      [{ rules: { 'nginx-syntax': 'info' } }, { tabSize: 4 }, { rules: { 'compose-syntax': 'off' } }],
    );
  });
});
