import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeWorkspace } from '../../../server/src/engine/analyze-workspace';
import { applyFileEdits, type EditedFile } from '../../../server/src/fixes/apply-edits';
import { generateBootstrap, type BootstrapOptions, type BootstrapResult } from '../../../server/src/bootstrap/generate-bootstrap';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment } from '../../../server/src/model/deployment';
import type { Finding } from '../../../server/src/text/findings';
import { rules } from '../../../server/src/rules/index';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';

/** A fixture project copied to a temp directory, so that edits can be applied to it. */
export function copyProject(source: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'certboot-bootstrap-'));
  cpSync(source, directory, { recursive: true });
  return directory;
}

export async function generate(directory: string, options: Omit<BootstrapOptions, 'projectDirectory'>): Promise<BootstrapResult> {
  const fileSystem = new DiskFileSystem([directory]);
  return generateBootstrap(await buildDeployment(takeInventory(fileSystem, directory)), fileSystem, options);
}

/** Applies the edits to the disk, as `certboot bootstrap --write` does. */
export function applyToDisk(result: BootstrapResult): EditedFile[] {
  const files = applyFileEdits(result.edits, (file) => readFileSync(file, 'utf8'));
  for (const file of files) {
    mkdirSync(dirname(file.file), { recursive: true });
    writeFileSync(file.file, file.after);
  }
  return files;
}

const blockingCategories = new Set(['first-boot', 'certificate-paths', 'collisions', 'syntax']);
const checkedRules = new Set(rules.filter((rule) => blockingCategories.has(rule.category)).map((rule) => rule.id));

/** Findings of the first-boot (challenge included), certificate-path, collision and syntax rules, as `file:line rule` lines. */
export async function blockingFindings(directory: string): Promise<string[]> {
  const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
  const blocking = (finding: Finding): boolean => finding.severity !== 'info' && checkedRules.has(finding.ruleId);
  return analysis.findings
    .filter(blocking)
    .map((finding) => `${finding.location.file.slice(directory.length + 1)}:${finding.location.range.start.line + 1} ${finding.ruleId}`);
}

/** Every finding left, rule ids with severities, for the report of what remains. */
export async function allFindings(directory: string): Promise<string[]> {
  const analysis = await analyzeWorkspace(new DiskFileSystem([directory]), directory);
  return analysis.findings.map((finding) => `${finding.severity} ${finding.ruleId}`);
}
