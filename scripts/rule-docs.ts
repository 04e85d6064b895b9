// What the rule registry (server/src/rules/index.ts) writes into files people and editors read:
// the README's rules table, docs/rules/README.md and the `certboot.rules` setting's schema in
// package.json. `npm run generate:docs` writes them; test/rules/generated-docs.test.ts fails when
// one of them is not what the registry makes of it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleSettings } from '../server/src/engine/lint-config';
import * as registry from '../server/src/rules/index';
import type { AnyRule, RuleCategory } from '../server/src/rules/rule';

/** What server/src/rules/index.ts exports: this repository's, or a copy's (`npm run new-rule -- --root`). */
export interface Registry {
  readonly rules: readonly AnyRule[];
  readonly ruleCategories: readonly { readonly id: RuleCategory; readonly title: string }[];
}

export const readmeTableStart = '<!-- rules table: generated from server/src/rules/index.ts by `npm run generate:docs` -->';
export const readmeTableEnd = '<!-- end of the rules table -->';

/** The rules by category, in the docs' order of categories and the registry's order within one. */
function byCategory({ rules, ruleCategories }: Registry): { title: string; rules: AnyRule[] }[] {
  return ruleCategories
    .map((category) => ({ title: category.title, rules: rules.filter((rule) => rule.category === category.id) }))
    .filter((group) => group.rules.length > 0);
}

/** Markdown table cell text: a `|` would end the cell, and `<name>` would be read as an HTML tag. */
function tableCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;');
}

function listIds(ids: readonly string[]): string {
  return ids.map((id) => `\`${id}\``).join(', ');
}

/** The README's table: one row per category, each rule linked to its page. */
export function readmeTable(from: Registry = registry): string {
  const rows = byCategory(from).map((group) => `| ${group.title} | ${group.rules.map((rule) => `[\`${rule.id}\`](docs/rules/${rule.id}.md)`).join(', ')} |`);
  return ['| rules | |', '|---|---|', ...rows].join('\n');
}

/** docs/rules/README.md: every rule with its category, default severity, whether it fixes, and its summary. */
export function rulesIndex(from: Registry = registry): string {
  const all = from.rules;
  const rows = byCategory(from).flatMap((group) =>
    group.rules.map((rule) => `| [${rule.id}](${rule.id}.md) | ${group.title} | ${rule.defaultSeverity} | ${rule.fixable} | ${tableCell(rule.summary)} |`),
  );
  const host = all.filter((rule) => rule.scope === 'host').map((rule) => rule.id);
  const split = all.filter((rule) => rule.offersHttpFirstSplit).map((rule) => rule.id);
  return [
    '# Rules',
    '',
    '<!-- generated from server/src/rules/index.ts by `npm run generate:docs`; edit the rules, not this file -->',
    '',
    'Severity is the default; `certboot.json` (`{"rules": {"<rule-id>": "off"}}`) or the',
    '`certboot.rules` setting changes it. "fixes" says whether the findings carry an edit that',
    'fixes them: on every finding, on some (when certboot knows what to write), or never.',
    '',
    '| rule | category | severity | fixes | summary |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...(host.length > 0 ? [`Paths linted together (\`certboot lint a b\`) are one Docker host to ${listIds(host)}.`, ''] : []),
    ...(split.length > 0 ? [`In the editor, the findings of ${listIds(split)} also offer "Split into HTTP-first stages".`, ''] : []),
  ].join('\n');
}

/** The JSON schema of the `certboot.rules` setting: every rule id, so VS Code completes them, each taking a severity or "off". */
export function rulesSettingSchema(from: Registry = registry): Record<string, unknown> {
  return {
    type: 'object',
    scope: 'resource',
    default: {},
    markdownDescription:
      'Severity per rule id, the same as `rules` in `certboot.json` (the file wins where both set a rule). Example: `{ "certificate-never-renewed": "off" }`. The rule pages are in `docs/rules/`.',
    properties: Object.fromEntries(
      from.rules.map((rule) => [rule.id, { type: 'string', enum: ruleSettings, description: `${rule.summary} (default: ${rule.defaultSeverity})` }]),
    ),
    additionalProperties: false,
  };
}

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

function withReadmeTable(readme: string, from: Registry): string {
  const start = readme.indexOf(readmeTableStart);
  const end = readme.indexOf(readmeTableEnd);
  if (start < 0 || end < start) throw new Error(`README.md: the markers ${readmeTableStart} … ${readmeTableEnd} are missing`);
  return `${readme.slice(0, start + readmeTableStart.length)}\n${readmeTable(from)}\n${readme.slice(end)}`;
}

function withSettingSchema(packageJson: string, from: Registry): string {
  const manifest = JSON.parse(packageJson) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  manifest.contributes.configuration.properties['certboot.rules'] = rulesSettingSchema(from);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Every generated file as the registry makes it, from the files under `root` as they are now. */
export function generatedFiles(root: string, from: Registry = registry): GeneratedFile[] {
  const read = (path: string): string => readFileSync(join(root, path), 'utf8');
  return [
    { path: 'README.md', content: withReadmeTable(read('README.md'), from) },
    { path: 'docs/rules/README.md', content: rulesIndex(from) },
    { path: 'package.json', content: withSettingSchema(read('package.json'), from) },
  ];
}

/** Writes the generated files that differ from what is on disk; returns their paths. */
export function writeGeneratedFiles(root: string, from: Registry = registry): string[] {
  const written: string[] = [];
  for (const file of generatedFiles(root, from)) {
    const path = join(root, file.path);
    if (existsSync(path) && readFileSync(path, 'utf8') === file.content) continue;
    writeFileSync(path, file.content);
    written.push(file.path);
  }
  return written;
}
