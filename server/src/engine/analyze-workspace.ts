import { buildDeployment, type Deployment, type DeploymentOptions } from '../model/deployment';
import type { Finding, Severity } from '../text/findings';
import { rules as allRules } from '../rules/index';
import { checksDeployment, type Rule, type RuleContext } from '../rules/rule';
import { AnalysisFileSystem } from '../workspace/analysis-file-system';
import type { FileSystem } from '../workspace/file-system';
import { findFiles } from '../workspace/text-files';

export interface InternalError {
  readonly ruleId: string;
  readonly message: string;
}

export interface WorkspaceAnalysis {
  readonly deployment: Deployment;
  readonly findings: readonly Finding[];
  /** A rule that threw: logged by the caller; the other rules still report. */
  readonly internalErrors: readonly InternalError[];
}

/** The rules that run while the deployment is analysed (unused-suppression runs once suppressions are applied). */
const deploymentRules = allRules.filter(checksDeployment);

export interface AnalyzeOptions extends DeploymentOptions {
  readonly rules?: readonly Rule[];
  /**
   * Told how many files the analysis considers (those below the root within the search depth,
   * as the searches for compose, nginx, scripts and infrastructure see them) before it reads
   * any; the analysis waits for it, so an editor can say how large the analysis is.
   */
  readonly counted?: (files: number) => Promise<void> | void;
}

function bySeverity(severity: Severity | undefined, fallback: Severity): Severity {
  return severity ?? fallback;
}

/** The findings of the rules over one deployment, with rule id and severity; a rule that throws goes to internalErrors. */
export function checkRules(rules: readonly Rule[], context: RuleContext, internalErrors: InternalError[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    try {
      for (const finding of rule.check(context)) findings.push({ ...finding, ruleId: rule.id, severity: bySeverity(finding.severity, rule.defaultSeverity) });
    } catch (error) {
      internalErrors.push({ ruleId: rule.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  return findings;
}

function countFiles(fileSystem: FileSystem, workspaceRoot: string, searchDepth: number | undefined): number {
  return findFiles(fileSystem, workspaceRoot, () => true, { maximumFiles: Number.POSITIVE_INFINITY, maximumDepth: searchDepth }).length;
}

/** Everything the rules over the deployment report for one workspace root, before configuration and suppressions. */
export async function analyzeWorkspace(fileSystem: FileSystem, workspaceRoot: string, options: AnalyzeOptions = {}): Promise<WorkspaceAnalysis> {
  options.cache?.nextRound();
  const analysisFileSystem = new AnalysisFileSystem(fileSystem);
  try {
    // the later searches walk the same directories and get these answers again from analysisFileSystem
    if (options.counted) await options.counted(countFiles(analysisFileSystem, workspaceRoot, options.searchDepth));
    const deployment = await buildDeployment(analysisFileSystem, workspaceRoot, options);
    const internalErrors: InternalError[] = [];
    const findings = checkRules(options.rules ?? deploymentRules, { deployment, fileSystem: analysisFileSystem, cache: options.cache }, internalErrors);
    return { deployment, findings, internalErrors };
  } finally {
    analysisFileSystem.close();
  }
}
