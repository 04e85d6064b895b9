import { deepStrictEqual, ok, strictEqual, throws } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewRuleError, type NewRule, scaffoldRule } from '../../scripts/new-rule';
import { generatedFiles, type Registry } from '../../scripts/rule-docs';
import { rules } from '../../server/src/rules/index';
import { orphanProblems, ruleProblems } from '../support/rule-registry-checks';
import { repositoryRoot } from '../support/paths';

/** The parts of the repository the scaffolder and the registry checks read, copied; node_modules linked. */
function copyRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'certboot-new-rule-'));
  for (const path of ['server/src', 'scripts', 'docs', 'test/fixtures/rules', 'README.md', 'package.json', 'biome.json']) {
    cpSync(join(repositoryRoot, path), join(root, path), { recursive: true });
  }
  symlinkSync(join(repositoryRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

/** What the scaffolder writes for a rule, in its order: its own files, then the generated docs. */
function filesOfNewRule(ruleId: string, category: string): string[] {
  return [
    `server/src/rules/${category}/${ruleId}.ts`,
    'server/src/rules/index.ts',
    `docs/rules/${ruleId}.md`,
    `test/fixtures/rules/${ruleId}/bad-example/compose.yaml`,
    `test/fixtures/rules/${ruleId}/bad-example/expected.json`,
    `test/fixtures/rules/${ruleId}/good-example/compose.yaml`,
    'README.md',
    'docs/rules/README.md',
    'package.json',
  ];
}

/** An id no rule will take, so that the test also runs in a checkout where someone just scaffolded a rule. */
const id = 'scaffolded-example-rule';

describe('npm run new-rule', function () {
  // the copy's registry is compiled afresh on require
  this.timeout(60_000);
  let root: string;
  let written: string[];
  const read = (path: string): string => readFileSync(join(root, path), 'utf8');
  const newRule = (overrides: Partial<NewRule> = {}): NewRule => ({
    root,
    id,
    category: 'renewal',
    severity: 'error',
    fixable: 'never',
    scope: 'project',
    ...overrides,
  });

  before(() => {
    root = copyRepository();
    written = scaffoldRule(newRule());
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the rule, its page and a bad and a good fixture, registers it and regenerates the docs', () => {
    deepStrictEqual(written, filesOfNewRule(id, 'renewal'));
    strictEqual(
      read(`server/src/rules/renewal/${id}.ts`),
      [
        "import type { Rule } from '../rule';",
        '',
        'export const scaffoldedExampleRule: Rule = {',
        `  id: '${id}',`,
        "  category: 'renewal',",
        "  scope: 'project',",
        "  fixable: 'never',",
        "  defaultSeverity: 'error',",
        "  summary: 'TODO: one line, what is wrong and what breaks because of it',",
        '  check() {',
        "    // TODO: read the model and its facts (`check({ deployment, facts, inventory })`; a fix gets a file's text from",
        '    // `inventory.text(path)`) and return one finding per mistake: a message naming the file, path, service and line',
        '    // that make it real, at the exact token, with its fixes.',
        '    return [];',
        '  },',
        '};',
        '',
      ].join('\n'),
    );
    strictEqual(
      read(`docs/rules/${id}.md`),
      [
        `# ${id}`,
        '',
        '**Severity:** error',
        '',
        '## What it checks',
        '',
        'TODO: what certboot reads (which files, services, commands) and when it reports.',
        '',
        '## Why it breaks',
        '',
        'TODO: what happens on the first boot or the first renewal, in the words of nginx, certbot or docker.',
        '',
        '## Bad',
        '',
        '```yaml',
        'TODO',
        '```',
        '',
        '## Good',
        '',
        '```yaml',
        'TODO',
        '```',
        '',
        '## Fix',
        '',
        "TODO: what to change, and what certboot's fix writes.",
        '',
      ].join('\n'),
    );
    strictEqual(read(`test/fixtures/rules/${id}/bad-example/expected.json`), '[]\n');
    strictEqual(
      read(`test/fixtures/rules/${id}/good-example/compose.yaml`),
      `# TODO: a working setup close to the bad one, on which ${id} stays quiet\nservices:\n  nginx:\n    image: nginx:1.27\n`,
    );
  });

  // where the registry's last rule of the category is, today's or one just added in this checkout
  const lastRenewal = rules.map((rule) => rule.category).lastIndexOf('renewal');

  it('imports the rule in path order and lists it after the last rule of its category', () => {
    const before = readFileSync(join(repositoryRoot, 'server/src/rules/index.ts'), 'utf8').split('\n');
    const after = read('server/src/rules/index.ts').split('\n');
    const importLine = `import { scaffoldedExampleRule } from './renewal/${id}';`;
    const importedPaths = after.flatMap((line) => /^import \{ \w+ \} from '\.\/([\w-]+\/[\w-]+)';$/.exec(line)?.[1] ?? []);
    deepStrictEqual(importedPaths, [...importedPaths].sort());
    ok(importedPaths.includes(`renewal/${id}`));
    const previous = rules[lastRenewal].id.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    strictEqual(after[after.indexOf('  scaffoldedExampleRule,') - 1], `  ${previous},`);
    deepStrictEqual(
      after.filter((line) => line !== importLine && line !== '  scaffoldedExampleRule,'),
      before,
    );
  });

  it('leaves a registry whose only gaps are the ones its author must fill: the summary and the page (and the bad expected.json, for the fixture test)', () => {
    const registry = require(join(root, 'server/src/rules/index.ts')) as Registry;
    const ids = rules.map((rule) => rule.id);
    deepStrictEqual(
      registry.rules.map((rule) => rule.id),
      [...ids.slice(0, lastRenewal + 1), id, ...ids.slice(lastRenewal + 1)],
    );
    const added = registry.rules.find((rule) => rule.id === id);
    deepStrictEqual(added && ruleProblems(root, added), [`${id}: the summary still holds TODO`, `${id}: docs/rules/${id}.md still holds TODO`]);
    deepStrictEqual(orphanProblems(root, registry.rules), []);
    for (const file of generatedFiles(root, registry)) strictEqual(read(file.path), file.content, file.path);
    strictEqual(read('docs/rules/README.md').includes(`| [${id}](${id}.md) | renewal | error | never | TODO`), true);
  });

  it('writes TypeScript that Biome accepts as it is', () => {
    const biome = spawnSync(
      join(repositoryRoot, 'node_modules/.bin/biome'),
      ['check', '--vcs-enabled=false', `server/src/rules/renewal/${id}.ts`, 'server/src/rules/index.ts'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    strictEqual(biome.status, 0, `${biome.stdout}${biome.stderr}`);
  });

  it('refuses an id that exists, an id that is not kebab-case and a category that does not exist, writing nothing', () => {
    const index = read('server/src/rules/index.ts');
    throws(
      () => scaffoldRule(newRule()),
      new NewRuleError(`${id} exists already: docs/rules/${id}.md, test/fixtures/rules/${id}, server/src/rules/renewal/${id}.ts`),
    );
    throws(
      () => scaffoldRule(newRule({ id: 'staging-certificate', category: 'first-boot' })),
      /staging-certificate exists already: .*server\/src\/rules\/renewal\/staging-certificate\.ts/,
    );
    throws(() => scaffoldRule(newRule({ id: 'Hook_Mode' })), new NewRuleError('"Hook_Mode" is not a kebab-case rule id (like certificate-without-chain)'));
    throws(
      () => scaffoldRule(newRule({ id: 'other-rule', category: 'dns' as NewRule['category'] })),
      /"dns" is not a category \(first-boot, issuance, collisions, certificate-paths, renewal, infrastructure, directives, syntax, suppressions\)/,
    );
    strictEqual(read('server/src/rules/index.ts'), index);
  });

  it("run as a command without --root, writes into its own checkout and regenerates that checkout's docs", () => {
    const other = 'scaffolded-syntax-example';
    const run = spawnSync(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(root, 'scripts/new-rule.ts'), other, 'syntax', '--fixable', 'sometimes'],
      {
        encoding: 'utf8',
      },
    );
    strictEqual(run.stderr, '');
    strictEqual(
      run.stdout,
      filesOfNewRule(other, 'syntax')
        .map((path) => `new-rule: wrote ${path}\n`)
        .join('') +
        "new-rule: now replace each TODO (the summary, the page, the fixtures) and write the bad fixture's expected.json; `npm test` fails until they are done\n",
    );
    strictEqual(read('docs/rules/README.md').includes(`| [${other}](${other}.md) | syntax | warning | sometimes | TODO`), true);
  });

  it('answers bad arguments with its usage and exit code 2', () => {
    const run = spawnSync(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(repositoryRoot, 'scripts/new-rule.ts'), 'only-an-id', '--root', root],
      { encoding: 'utf8' },
    );
    strictEqual(run.status, 2);
    strictEqual(run.stdout, '');
    strictEqual(
      run.stderr,
      'new-rule: expected a rule id and a category\nusage: npm run new-rule -- <id> <category> [--severity error|warning|info] [--fixable never|sometimes|always] [--scope project|host] [--root DIR]\n',
    );
  });
});
