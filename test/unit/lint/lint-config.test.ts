import { deepStrictEqual, strictEqual } from 'node:assert';
import {
  applyLintConfiguration,
  findLintConfigurationFile,
  lintConfigurationFromSettings,
  loadLintConfigurationFile,
  mergeLintConfigurations,
  parseLintConfiguration,
} from '../../../server/src/engine/lint-config';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { finding, range } from './support';

const file = '/srv/certboot.json';

function problemsOf(text: string): { range: unknown; message: string }[] {
  return parseLintConfiguration(text, file).problems.map((problem) => ({ range: problem.range, message: problem.message }));
}

describe('lint configuration', () => {
  it('reads rule settings', () => {
    const { configuration, problems } = parseLintConfiguration(
      '{ "$schema": "x", "rules": { "staging-certificate": "off", "webroot-mismatch": "warning" } }',
      file,
    );
    deepStrictEqual(problems, []);
    deepStrictEqual(
      [...configuration.rules],
      [
        ['staging-certificate', 'off'],
        ['webroot-mismatch', 'warning'],
      ],
    );
  });

  it('reports unknown keys, unknown rules and bad values at their positions, keeping the valid rest', () => {
    const text =
      '{\n  "rule": {},\n  "rules": {\n    "webroot-mismatch": "warn",\n    "no-such-rule": "off",\n    "staging-certificate": "off",\n    "host-port-conflict": 2\n  }\n}\n';
    const { configuration, problems } = parseLintConfiguration(text, file);
    deepStrictEqual(
      problems.map((problem) => ({ source: problem.source, range: problem.range, message: problem.message })),
      [
        { source: file, range: range(1, 2, 1, 8), message: 'unknown key "rule" (the settings are "rules" and "hosts")' },
        { source: file, range: range(3, 24, 3, 30), message: 'rule "webroot-mismatch" must be one of "error", "warning", "info", "off", found "warn"' },
        { source: file, range: range(4, 4, 4, 18), message: 'unknown rule "no-such-rule"' },
        { source: file, range: range(6, 26, 6, 27), message: 'rule "host-port-conflict" must be one of "error", "warning", "info", "off", found 2' },
      ],
    );
    deepStrictEqual([...configuration.rules], [['staging-certificate', 'off']]);
  });

  it('reads which projects share a Docker host, relative to the file, and reports a malformed "hosts"', () => {
    const groups = parseLintConfiguration('{ "hosts": [["site-a", "deploy/site-b"], ["blog"]] }', file);
    deepStrictEqual(groups, {
      configuration: { rules: new Map(), sharedHosts: { all: false, groups: [['site-a', 'deploy/site-b'], ['blog']], baseDirectory: '/srv' } },
      problems: [],
    });
    deepStrictEqual(parseLintConfiguration('{ "hosts": "all" }', file).configuration.sharedHosts, { all: true, groups: [], baseDirectory: '/srv' });
    deepStrictEqual(problemsOf('{ "hosts": "some" }'), [
      {
        range: range(0, 11, 0, 17),
        message: '"hosts" must be "all" or a list of groups of projects that share a Docker host, like [["site-a", "site-b"]], found "some"',
      },
    ]);
    deepStrictEqual(problemsOf('{ "hosts": [["a", 2], ["b"]] }'), [
      {
        range: range(0, 12, 0, 20),
        message:
          '"hosts" must be "all" or a list of groups of projects that share a Docker host, like [["site-a", "site-b"]]: each group is a list of project directories or names, found an array',
      },
    ]);
    deepStrictEqual(mergeLintConfigurations({ rules: new Map() }, groups.configuration).sharedHosts, groups.configuration.sharedHosts);
  });

  it('reports JSON syntax errors at their position instead of throwing', () => {
    deepStrictEqual(problemsOf('{\n  "rules": {\n    "webroot-mismatch": "off",\n  }\n}'), [
      { range: range(3, 2, 3, 3), message: 'invalid JSON: expected a property name in double quotes, found "}"' },
    ]);
    deepStrictEqual(problemsOf('{ "rules": '), [{ range: range(0, 11, 0, 11), message: 'invalid JSON: unexpected end of file' }]);
    deepStrictEqual(problemsOf('// comment\n{}'), [{ range: range(0, 0, 0, 1), message: 'invalid JSON: unexpected "/"' }]);
    deepStrictEqual(problemsOf('{ "rules": "x\u0001" }'), [{ range: range(0, 13, 0, 14), message: 'invalid JSON: control character in string' }]);
  });

  it('rejects a document that is not an object, a "rules" that is not an object, and duplicates', () => {
    deepStrictEqual(problemsOf('[]'), [{ range: range(0, 0, 0, 2), message: 'expected an object like { "rules": { ... } }, found an array' }]);
    deepStrictEqual(problemsOf('{ "rules": ["off"] }'), [
      { range: range(0, 11, 0, 18), message: '"rules" must be an object of rule id → "error", "warning", "info", "off", found an array' },
    ]);
    deepStrictEqual(problemsOf('{ "rules": { "webroot-mismatch": "off", "webroot-mismatch": "info" }, "rules": {} }'), [
      { range: range(0, 40, 0, 58), message: 'rule "webroot-mismatch" is set twice' },
      { range: range(0, 70, 0, 77), message: 'duplicate key "rules"' },
    ]);
  });

  it('counts columns in UTF-16 code units after a byte order mark and CRLF lines', () => {
    deepStrictEqual(problemsOf('\uFEFF{\r\n  "rules": { "😀": "off" }\r\n}'), [{ range: range(1, 13, 1, 17), message: 'unknown rule "😀"' }]);
  });

  it('reads the editor settings object, ignoring the extension’s other settings', () => {
    const loaded = lintConfigurationFromSettings({
      trace: { server: 'verbose' },
      rules: { 'webroot-mismatch': 'info', nope: 'off', 'staging-certificate': true },
    });
    deepStrictEqual([...loaded.configuration.rules], [['webroot-mismatch', 'info']]);
    deepStrictEqual(loaded.problems, [
      { source: 'settings', message: 'unknown rule "nope" in "rules"' },
      { source: 'settings', message: 'rule "staging-certificate" must be one of "error", "warning", "info", "off", found true' },
    ]);
    deepStrictEqual(lintConfigurationFromSettings(undefined).problems, []);
    deepStrictEqual(lintConfigurationFromSettings({ rules: 'off' }).problems, [
      { source: 'settings', message: '"rules" must be an object of rule id → "error", "warning", "info", "off"' },
    ]);
  });

  it('lets the file win over the settings where both set a rule', () => {
    const settings = lintConfigurationFromSettings({ rules: { 'webroot-mismatch': 'off', 'staging-certificate': 'error' } }).configuration;
    const fromFile = parseLintConfiguration('{ "rules": { "webroot-mismatch": "warning" } }', file).configuration;
    deepStrictEqual([...mergeLintConfigurations(settings, fromFile).rules].sort(), [
      ['staging-certificate', 'error'],
      ['webroot-mismatch', 'warning'],
    ]);
  });

  it('overrides severities and drops rules that are off', () => {
    const findings = [
      finding('webroot-mismatch', 'error', '/a.conf', range(0, 0, 0, 1), 'one'),
      finding('staging-certificate', 'info', '/a.conf', range(1, 0, 1, 1), 'two'),
      finding('host-port-conflict', 'error', '/a.conf', range(2, 0, 2, 1), 'three'),
    ];
    const configuration = parseLintConfiguration('{ "rules": { "webroot-mismatch": "warning", "staging-certificate": "off" } }', file).configuration;
    deepStrictEqual(
      applyLintConfiguration(findings, configuration).map((entry) => [entry.ruleId, entry.severity]),
      [
        ['webroot-mismatch', 'warning'],
        ['host-port-conflict', 'error'],
      ],
    );
  });

  it('finds certboot.json in the directory or an ancestor, not above the workspace root', () => {
    const fileSystem = new MemoryFileSystem({ '/srv/certboot.json': '{}', '/srv/app/deploy/nginx.conf': '', '/certboot.json': '{}' });
    strictEqual(findLintConfigurationFile(fileSystem, '/srv/app/deploy', '/srv'), '/srv/certboot.json');
    strictEqual(findLintConfigurationFile(fileSystem, '/srv/app/deploy', '/srv/app'), undefined);
    strictEqual(findLintConfigurationFile(fileSystem, '/elsewhere', '/srv'), undefined);
    fileSystem.writeFile('/srv/app/certboot.json', '{}');
    strictEqual(findLintConfigurationFile(fileSystem, '/srv/app/deploy', '/srv'), '/srv/app/certboot.json');
  });

  it('reports an unreadable configuration file as a problem', () => {
    deepStrictEqual(loadLintConfigurationFile(new MemoryFileSystem(), '/missing/certboot.json').problems, [
      { source: '/missing/certboot.json', message: 'cannot read the configuration: No such file or directory: /missing/certboot.json' },
    ]);
  });
});
