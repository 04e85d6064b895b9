// Prints the findings of one rule on one fixture project in the shape of expected.json, for a
// person to read and check before saving it: `tsx scripts/print-findings.ts DIR RULE-ID`.
import { relative, resolve } from 'node:path';
import { analyzeWorkspace } from '../server/src/engine/analyze-workspace';
import { applyLintConfiguration, emptyLintConfiguration, findLintConfigurationFile, loadLintConfigurationFile } from '../server/src/engine/lint-config';
import { applySuppressions, suppressibleFiles } from '../server/src/engine/suppressions';
import { DiskFileSystem } from '../server/src/workspace/disk-file-system';

async function main(): Promise<void> {
  const [directoryArgument, ruleId] = process.argv.slice(2);
  if (!directoryArgument || !ruleId) throw new Error('usage: tsx scripts/print-findings.ts DIR RULE-ID');
  const directory = resolve(directoryArgument);
  const fileSystem = new DiskFileSystem([directory]);
  const configurationFile = findLintConfigurationFile(fileSystem, directory, directory);
  const configuration = configurationFile ? loadLintConfigurationFile(fileSystem, configurationFile).configuration : emptyLintConfiguration;
  const sharedHosts = configuration.sharedHosts;
  const analysis = await analyzeWorkspace(fileSystem, directory, sharedHosts ? { sharedHosts } : {});
  const relativeFile = (file: string): string => relative(directory, file).split('\\').join('/');
  // as the fixture test reads them: certboot.json and suppression comments applied
  const findings = applyLintConfiguration(applySuppressions(analysis.findings, fileSystem, suppressibleFiles(fileSystem, directory)), configuration)
    .filter((finding) => finding.ruleId === ruleId)
    .map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      file: relativeFile(finding.location.file),
      range: finding.location.range,
      related: finding.related.map((related) => ({ file: relativeFile(related.file), range: related.range, message: related.message })),
      fixes: finding.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, file: relativeFile(edit.file) })) })),
    }));
  process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  if (analysis.internalErrors.length > 0) process.stderr.write(`${JSON.stringify(analysis.internalErrors, null, 2)}\n`);
}

void main();
