import { strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles, readmeTable, rulesSettingSchema } from '../../scripts/rule-docs';
import { rules } from '../../server/src/rules/index';
import { repositoryRoot } from '../support/paths';

describe('files generated from the rule registry', () => {
  for (const file of generatedFiles(repositoryRoot)) {
    it(`${file.path} is what \`npm run generate:docs\` writes`, () => {
      strictEqual(readFileSync(join(repositoryRoot, file.path), 'utf8'), file.content, `${file.path} is stale: run \`npm run generate:docs\``);
    });
  }

  it('lets the certboot.rules setting complete every rule id, each taking a severity or "off", and nothing else', () => {
    const schema = rulesSettingSchema() as { properties: Record<string, { enum: string[] }>; additionalProperties: boolean };
    strictEqual(Object.keys(schema.properties).join(','), rules.map((rule) => rule.id).join(','));
    for (const property of Object.values(schema.properties)) strictEqual(property.enum.join(','), 'error,warning,info,off');
    strictEqual(schema.additionalProperties, false);
  });

  it('links each rule of the README table to its page', () => {
    const table = readmeTable();
    for (const rule of rules) strictEqual(table.includes(`[\`${rule.id}\`](docs/rules/${rule.id}.md)`), true, rule.id);
  });
});
