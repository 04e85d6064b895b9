// `npm run new-rule -- <id> <category> [--severity error|warning|info] [--fixable never|sometimes|always]
// [--scope project|host] [--root DIR]`: the rule file (registered in server/src/rules/index.ts),
// its page and a bad and a good fixture, then the generated docs. `npm test` then fails where the
// author must write real content: the summary, the page, the bad fixture's expected.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ruleSettings } from '../server/src/engine/lint-config';
import { ruleCategories } from '../server/src/rules/index';
import type { RuleCategory, RuleFixable, RuleScope } from '../server/src/rules/rule';
import type { Severity } from '../server/src/text/findings';
import { type Registry, writeGeneratedFiles } from './rule-docs';

export interface NewRule {
  /** The repository (or a copy of it) to write into. */
  readonly root: string;
  readonly id: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  readonly fixable: RuleFixable;
  readonly scope: RuleScope;
}

export class NewRuleError extends Error {}

const categories: readonly RuleCategory[] = ruleCategories.map((category) => category.id);
const severities = ruleSettings.filter((setting): setting is Severity => setting !== 'off');
const fixKinds: readonly RuleFixable[] = ['never', 'sometimes', 'always'];
const scopes: readonly RuleScope[] = ['project', 'host'];

function camelCase(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function ruleSource(rule: NewRule): string {
  return `import type { Rule } from '../rule';

export const ${camelCase(rule.id)}: Rule = {
  id: '${rule.id}',
  category: '${rule.category}',
  scope: '${rule.scope}',
  fixable: '${rule.fixable}',
  defaultSeverity: '${rule.severity}',
  summary: 'TODO: one line, what is wrong and what breaks because of it',
  check() {
    // TODO: read the model and its facts (\`check({ deployment, facts, inventory })\`; a fix gets a file's text from
    // \`inventory.text(path)\`) and return one finding per mistake: a message naming the file, path, service and line
    // that make it real, at the exact token, with its fixes.
    return [];
  },
};
`;
}

function rulePage(rule: NewRule): string {
  return `# ${rule.id}

**Severity:** ${rule.severity}

## What it checks

TODO: what certboot reads (which files, services, commands) and when it reports.

## Why it breaks

TODO: what happens on the first boot or the first renewal, in the words of nginx, certbot or docker.

## Bad

\`\`\`yaml
TODO
\`\`\`

## Good

\`\`\`yaml
TODO
\`\`\`

## Fix

TODO: what to change, and what certboot's fix writes.
`;
}

function fixtureProject(rule: NewRule, kind: 'bad' | 'good'): string {
  const what =
    kind === 'bad'
      ? `the smallest project on which ${rule.id} reports; then write expected.json\n# (\`npx tsx scripts/print-findings.ts test/fixtures/rules/${rule.id}/bad-example ${rule.id}\` prints it, to read and check)`
      : `a working setup close to the bad one, on which ${rule.id} stays quiet`;
  return `# TODO: ${what}\nservices:\n  nginx:\n    image: nginx:1.27\n`;
}

const importPattern = /^import \{ (\w+) \} from '\.\/([\w-]+)\/([\w-]+)';$/;

/** index.ts with the rule imported and listed after the last rule of its category (at the end when it is the first). */
function registered(index: string, rule: NewRule): string {
  const lines = index.split('\n');
  const name = camelCase(rule.id);
  const categoryOf = new Map<string, string>();
  let lastImport = -1;
  let importAt: number | undefined;
  for (const [number, line] of lines.entries()) {
    if (line.startsWith('import ')) lastImport = number;
    const match = importPattern.exec(line);
    if (!match) continue;
    categoryOf.set(match[1], match[2]);
    if (importAt === undefined && `${match[2]}/${match[3]}` > `${rule.category}/${rule.id}`) importAt = number;
  }
  const start = lines.indexOf('export const rules: readonly AnyRule[] = [');
  const end = lines.indexOf('];', start);
  if (start < 0 || end < 0 || lastImport < 0)
    throw new NewRuleError('server/src/rules/index.ts: the list `export const rules: readonly AnyRule[] = [ … ];` is missing');
  let entryAt = end;
  for (let number = start + 1; number < end; number++) {
    if (categoryOf.get(lines[number].trim().replace(/,$/, '')) === rule.category) entryAt = number + 1;
  }
  lines.splice(entryAt, 0, `  ${name},`);
  lines.splice(importAt ?? lastImport + 1, 0, `import { ${name} } from './${rule.category}/${rule.id}';`);
  return lines.join('\n');
}

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Writes the rule, its page and fixtures, registers it and regenerates the docs; returns the files it wrote, relative to the root. */
export function scaffoldRule(rule: NewRule): string[] {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(rule.id)) throw new NewRuleError(`"${rule.id}" is not a kebab-case rule id (like certificate-without-chain)`);
  if (!categories.includes(rule.category)) {
    throw new NewRuleError(
      `"${rule.category}" is not a category (${categories.join(', ')}); a new one goes into RuleCategory (server/src/rules/rule.ts) and ruleCategories first`,
    );
  }
  const files = {
    source: `server/src/rules/${rule.category}/${rule.id}.ts`,
    page: `docs/rules/${rule.id}.md`,
    bad: `test/fixtures/rules/${rule.id}/bad-example`,
    good: `test/fixtures/rules/${rule.id}/good-example`,
  };
  const index = 'server/src/rules/index.ts';
  const taken = [files.page, `test/fixtures/rules/${rule.id}`, ...categories.map((category) => `server/src/rules/${category}/${rule.id}.ts`)].filter((path) =>
    existsSync(join(rule.root, path)),
  );
  if (taken.length > 0) throw new NewRuleError(`${rule.id} exists already: ${taken.join(', ')}`);
  const registeredIndex = registered(readFileSync(join(rule.root, index), 'utf8'), rule);
  write(rule.root, files.source, ruleSource(rule));
  write(rule.root, index, registeredIndex);
  write(rule.root, files.page, rulePage(rule));
  write(rule.root, `${files.bad}/compose.yaml`, fixtureProject(rule, 'bad'));
  write(rule.root, `${files.bad}/expected.json`, '[]\n');
  write(rule.root, `${files.good}/compose.yaml`, fixtureProject(rule, 'good'));
  // the registry of the root written to, with the new rule (tsx compiles it on require); when that
  // root is this repository, the registry this script imported is the one before the rule was added
  const indexPath = join(rule.root, index);
  delete require.cache[require.resolve(indexPath)];
  const registry = require(indexPath) as Registry;
  const generated = writeGeneratedFiles(rule.root, registry);
  return [files.source, index, files.page, `${files.bad}/compose.yaml`, `${files.bad}/expected.json`, `${files.good}/compose.yaml`, ...generated];
}

const usage =
  'usage: npm run new-rule -- <id> <category> [--severity error|warning|info] [--fixable never|sometimes|always] [--scope project|host] [--root DIR]\n';

function parseArguments(argv: readonly string[]): NewRule {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (!argument.startsWith('--')) {
      positional.push(argument);
      continue;
    }
    const value = argv[index + 1];
    if (!['--severity', '--fixable', '--scope', '--root'].includes(argument) || value === undefined)
      throw new NewRuleError(`unknown option or missing value: ${argument}`);
    options.set(argument, value);
    index++;
  }
  if (positional.length !== 2) throw new NewRuleError('expected a rule id and a category');
  const choose = <T extends string>(option: string, allowed: readonly T[], fallback: T): T => {
    const value = options.get(option) ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) throw new NewRuleError(`${option} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
  return {
    root: resolve(options.get('--root') ?? resolve(__dirname, '..')),
    id: positional[0],
    category: positional[1] as RuleCategory,
    severity: choose('--severity', severities, 'warning'),
    fixable: choose('--fixable', fixKinds, 'never'),
    scope: choose('--scope', scopes, 'project'),
  };
}

if (require.main === module) {
  try {
    const rule = parseArguments(process.argv.slice(2));
    for (const path of scaffoldRule(rule)) process.stdout.write(`new-rule: wrote ${path}\n`);
    process.stdout.write(
      `new-rule: now replace each TODO (the summary, the page, the fixtures) and write the bad fixture's expected.json; \`npm test\` fails until they are done\n`,
    );
  } catch (error) {
    if (!(error instanceof NewRuleError)) throw error;
    process.stderr.write(`new-rule: ${error.message}\n${usage}`);
    process.exitCode = 2;
  }
}
