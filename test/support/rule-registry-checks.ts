import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyRule } from '../../server/src/rules/rule';

// What every rule of the registry must have besides its code: a page in docs/rules/ with the five
// sections and the severity the code declares, and fixture projects under test/fixtures/rules/
// that agree with whether the rule fixes. And nothing of the kind that belongs to no rule.
// test/rules/rule-registry.test.ts runs these on the repository; the new-rule test on a copy.

export const pageSections: readonly string[] = ['What it checks', 'Why it breaks', 'Bad', 'Good', 'Fix'];

/** A word left in a scaffold for its author to replace. */
const placeholder = 'TODO';

interface ExpectedFinding {
  readonly fixes: readonly unknown[];
}

/** The `## ` headings of a markdown text, outside fenced code blocks. */
function sectionHeadings(text: string): string[] {
  const headings: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && line.startsWith('## ')) headings.push(line.slice(3).trim());
  }
  return headings;
}

function pageProblems(root: string, rule: AnyRule): string[] {
  const page = `docs/rules/${rule.id}.md`;
  const path = join(root, page);
  if (!existsSync(path)) return [`${page} is missing`];
  const text = readFileSync(path, 'utf8');
  const problems: string[] = [];
  if (text.split('\n')[0] !== `# ${rule.id}`) problems.push(`${page} does not start with "# ${rule.id}"`);
  const severity = /^\*\*Severity:\*\* (\w+)/m.exec(text)?.[1];
  if (severity === undefined) problems.push(`${page} has no "**Severity:** ${rule.defaultSeverity}" line`);
  else if (severity !== rule.defaultSeverity) problems.push(`${page} says severity ${severity}, the rule's default is ${rule.defaultSeverity}`);
  const headings = sectionHeadings(text);
  if (headings.join('\n') !== pageSections.join('\n')) {
    problems.push(`${page} has the sections ${JSON.stringify(headings)}, not ${JSON.stringify(pageSections)}`);
  }
  if (text.includes(placeholder)) problems.push(`${page} still holds ${placeholder}`);
  return problems;
}

function fixtureProblems(root: string, rule: AnyRule): string[] {
  const folder = `test/fixtures/rules/${rule.id}`;
  const directory = join(root, folder);
  if (!existsSync(directory)) return [`${folder}/ is missing`];
  const cases = readdirSync(directory).sort();
  const problems: string[] = [];
  if (!cases.some((name) => name.startsWith('bad-'))) problems.push(`${folder}/ has no bad-* fixture`);
  if (!cases.some((name) => name.startsWith('good-'))) problems.push(`${folder}/ has no good-* fixture`);
  const reported: { readonly fixture: string; readonly fixes: number }[] = [];
  for (const name of cases.filter((candidate) => !candidate.startsWith('good-'))) {
    const expectedPath = join(directory, name, 'expected.json');
    if (!existsSync(expectedPath)) {
      problems.push(`${folder}/${name}/expected.json is missing`);
      continue;
    }
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as ExpectedFinding[];
    for (const finding of expected) reported.push({ fixture: name, fixes: finding.fixes.length });
  }
  const withFix = reported.filter((finding) => finding.fixes > 0);
  const withoutFix = reported.filter((finding) => finding.fixes === 0);
  if (rule.fixable === 'never' && withFix.length > 0) {
    problems.push(`fixable is "never", but findings of ${[...new Set(withFix.map((finding) => finding.fixture))].join(', ')} carry fixes`);
  }
  if (rule.fixable === 'always' && withoutFix.length > 0) {
    problems.push(`fixable is "always", but findings of ${[...new Set(withoutFix.map((finding) => finding.fixture))].join(', ')} carry no fix`);
  }
  if (rule.fixable === 'sometimes' && reported.length > 0 && withFix.length === 0) {
    problems.push('fixable is "sometimes", but no fixture shows a finding with a fix');
  }
  return problems;
}

/** What the rule lacks or contradicts, as sentences naming the file; [] when it is complete. */
export function ruleProblems(root: string, rule: AnyRule): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(rule.id)) problems.push(`"${rule.id}" is not a kebab-case id`);
  const source = `server/src/rules/${rule.category}/${rule.id}.ts`;
  if (!existsSync(join(root, source))) problems.push(`${source} is missing: a rule lives in rules/<category>/<id>.ts`);
  if (rule.summary.includes(placeholder)) problems.push(`the summary still holds ${placeholder}`);
  return [...problems, ...pageProblems(root, rule), ...fixtureProblems(root, rule)].map((problem) => `${rule.id}: ${problem}`);
}

/** Rule files, pages and fixture folders that belong to no rule of the registry, and ids registered twice. */
export function orphanProblems(root: string, rules: readonly AnyRule[]): string[] {
  const ids = new Set(rules.map((rule) => rule.id));
  const problems: string[] = [];
  for (const id of ids) if (rules.filter((rule) => rule.id === id).length > 1) problems.push(`${id} is registered twice`);
  const sources = new Set(rules.map((rule) => `${rule.category}/${rule.id}.ts`));
  const rulesDirectory = join(root, 'server/src/rules');
  for (const folder of readdirSync(rulesDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const file of readdirSync(join(rulesDirectory, folder.name)).sort()) {
      if (!sources.has(`${folder.name}/${file}`))
        problems.push(`server/src/rules/${folder.name}/${file} is no rule of the registry (server/src/rules/index.ts)`);
    }
  }
  for (const file of readdirSync(join(root, 'docs/rules')).sort()) {
    if (file !== 'README.md' && !ids.has(file.replace(/\.md$/, ''))) problems.push(`docs/rules/${file} is the page of no rule`);
  }
  for (const folder of readdirSync(join(root, 'test/fixtures/rules')).sort()) {
    if (!ids.has(folder)) problems.push(`test/fixtures/rules/${folder}/ holds the fixtures of no rule`);
  }
  return problems;
}
