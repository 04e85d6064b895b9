import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The rule pages (docs/rules/<id>.md) ship in the certboot package next to dist/, so a bundle in
 * dist/ finds them one directory up; this module's source, which the tests run, sits three
 * directories below the package root. Nothing above the package is looked at.
 */
const pageDirectories = [join(__dirname, '..', 'docs', 'rules'), join(__dirname, '..', '..', '..', 'docs', 'rules')];

/** The text of a rule's page, or undefined when the package has no page for it. */
export function readRulePage(ruleId: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(ruleId)) return undefined;
  for (const directory of pageDirectories) {
    try {
      return readFileSync(join(directory, `${ruleId}.md`), 'utf8');
    } catch {
      // not in this layout; try the next
    }
  }
  return undefined;
}
