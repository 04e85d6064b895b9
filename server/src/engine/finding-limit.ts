import type { Finding } from '../text/findings';

/**
 * How many findings of one rule in one file are reported. A generated file of 150,000 unknown
 * directives made as many findings, 73 MB of JSON and 700 MB of memory, and an editor as many
 * diagnostics; past the first ones they tell nothing new. nginx-syntax keeps to the same number
 * of a file's syntax errors (languages/nginx/error-limit.ts).
 */
export const maximumFindingsPerFile = 100;

function byStart(left: Finding, right: Finding): number {
  const a = left.location.range.start;
  const b = right.location.range.start;
  return a.line - b.line || a.character - b.character;
}

interface FileFindings {
  /** The first by position among those seen, and more: trimmed to `maximum + 1` now and then. */
  kept: Finding[];
  total: number;
}

/**
 * One rule's findings with at most `maximum` per file, read as the rule makes them: the first
 * ones by position, then one finding, where the first left out stands, that says how many more
 * there were. As long as no file has more, the findings are returned as the rule reported them;
 * a rule that yields its findings one at a time is then never held in memory whole.
 */
export function limitFindingsPerFile(ruleId: string, findings: Iterable<Finding>, maximum = maximumFindingsPerFile): Finding[] {
  const inOrder: Finding[] = [];
  const byFile = new Map<string, FileFindings>();
  let limited = false;
  for (const finding of findings) {
    let file = byFile.get(finding.location.file);
    if (file === undefined) byFile.set(finding.location.file, (file = { kept: [], total: 0 }));
    file.total++;
    file.kept.push(finding);
    if (!limited) {
      inOrder.push(finding);
      limited = file.total > maximum;
    } else if (file.kept.length >= 2 * (maximum + 1)) {
      file.kept.sort(byStart);
      file.kept.length = maximum + 1;
    }
  }
  if (!limited) return inOrder;
  const reported: Finding[] = [];
  for (const { kept, total } of byFile.values()) {
    if (total <= maximum) {
      reported.push(...kept);
      continue;
    }
    kept.sort(byStart);
    const firstLeftOut = kept[maximum];
    reported.push(...kept.slice(0, maximum), {
      ruleId,
      severity: firstLeftOut.severity,
      message: `too many \`${ruleId}\` findings in this file: ${(total - maximum).toLocaleString('en-US')} more after the first ${maximum} are not reported`,
      location: firstLeftOut.location,
      related: [],
      fixes: [],
    });
  }
  return reported;
}
