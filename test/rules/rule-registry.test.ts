import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toDiagnostic } from '../../server/src/language-server/protocol-conversions';
import { ruleCategories, rules } from '../../server/src/rules/index';
import { orphanProblems, ruleProblems } from '../support/rule-registry-checks';
import { repositoryRoot } from '../support/paths';

// Loops over the registry, not over folders: a rule without its page, fixtures or file fails here,
// and so does a page or fixture folder that belongs to no rule.
describe('the rule registry', () => {
  for (const rule of rules) {
    it(`${rule.id}: its file, a page with the five sections and its severity, bad and good fixtures agreeing with "fixable: ${rule.fixable}"`, () => {
      deepStrictEqual(ruleProblems(repositoryRoot, rule), []);
    });
  }

  it('holds every rule file, page and fixture folder of the repository, each id once', () => {
    deepStrictEqual(orphanProblems(repositoryRoot, rules), []);
  });

  it('lists the categories the rules use', () => {
    const used = new Set(rules.map((rule) => rule.category));
    deepStrictEqual(
      ruleCategories.map((category) => category.id).filter((category) => used.has(category)),
      ruleCategories.map((category) => category.id),
    );
  });

  it("links every rule's diagnostic to its page", () => {
    const docsDirectory = join(repositoryRoot, 'docs', 'rules');
    for (const rule of rules) {
      const diagnostic = toDiagnostic(
        {
          ruleId: rule.id,
          severity: rule.defaultSeverity,
          message: 'm',
          location: { file: '/a.conf', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } },
          related: [],
          fixes: [],
        },
        docsDirectory,
        'key',
      );
      const href = diagnostic.codeDescription?.href;
      ok(href !== undefined && existsSync(fileURLToPath(href)), `${rule.id}: ${href} does not exist`);
    }
  });

  describe('the checks themselves', () => {
    const [nginxSyntax] = rules;

    it('catch a severity line that differs from the code, a missing fixture folder and a fix kind its fixtures contradict', () => {
      strictEqual(nginxSyntax.id, 'nginx-syntax');
      deepStrictEqual(ruleProblems(repositoryRoot, { ...nginxSyntax, defaultSeverity: 'warning' }), [
        "nginx-syntax: docs/rules/nginx-syntax.md says severity error, the rule's default is warning",
      ]);
      deepStrictEqual(ruleProblems(repositoryRoot, { ...nginxSyntax, fixable: 'always' }), [
        'nginx-syntax: fixable is "always", but findings of bad-block-in-map, bad-byte-order-mark, bad-first-error-only, bad-location-in-conf-d-mounted-with-trailing-slash, bad-missing-semicolon, bad-server-blocks-named-nginx-conf, bad-unloaded-snippet carry no fix',
      ]);
      const staging = rules.find((rule) => rule.id === 'staging-certificate');
      ok(staging);
      deepStrictEqual(ruleProblems(repositoryRoot, { ...staging, fixable: 'never' }), [
        'staging-certificate: fixable is "never", but findings of bad-staging-flag-list-form, bad-staging-server-script carry fixes',
      ]);
      deepStrictEqual(ruleProblems(repositoryRoot, { ...nginxSyntax, id: 'no-such-rule', category: 'renewal' }), [
        'no-such-rule: server/src/rules/renewal/no-such-rule.ts is missing: a rule lives in rules/<category>/<id>.ts',
        'no-such-rule: docs/rules/no-such-rule.md is missing',
        'no-such-rule: test/fixtures/rules/no-such-rule/ is missing',
      ]);
    });

    it('catch a page without the five sections in order (a heading in a code block is none) or with a TODO left', () => {
      const root = mkdtempSync(join(tmpdir(), 'certboot-registry-'));
      try {
        mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
        writeFileSync(
          join(root, 'docs', 'rules', 'nginx-syntax.md'),
          '# nginx-syntax\n\n**Severity:** error\n\n## What it checks\n\n```\n## Why it breaks\n```\n\n## Bad\n\n## Fix\n\nTODO\n',
        );
        deepStrictEqual(ruleProblems(root, nginxSyntax), [
          'nginx-syntax: server/src/rules/syntax/nginx-syntax.ts is missing: a rule lives in rules/<category>/<id>.ts',
          'nginx-syntax: docs/rules/nginx-syntax.md has the sections ["What it checks","Bad","Fix"], not ["What it checks","Why it breaks","Bad","Good","Fix"]',
          'nginx-syntax: docs/rules/nginx-syntax.md still holds TODO',
          'nginx-syntax: test/fixtures/rules/nginx-syntax/ is missing',
        ]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('catch a page, a fixture folder and a rule file that belong to no rule', () => {
      const withoutNginxSyntax = rules.filter((rule) => rule.id !== 'nginx-syntax');
      deepStrictEqual(orphanProblems(repositoryRoot, withoutNginxSyntax), [
        'server/src/rules/syntax/nginx-syntax.ts is no rule of the registry (server/src/rules/index.ts)',
        'docs/rules/nginx-syntax.md is the page of no rule',
        'test/fixtures/rules/nginx-syntax/ holds the fixtures of no rule',
      ]);
      deepStrictEqual(orphanProblems(repositoryRoot, [...rules, nginxSyntax]), ['nginx-syntax is registered twice']);
    });
  });
});
