import { buildDeployment, type Deployment, type DeploymentOptions } from '../model/deployment';
import type { Finding, Severity } from '../text/findings';
import { rules as allRules } from '../rules/index';
import { checksDeployment, type Rule, type RuleContext } from '../rules/rule';
import { AnalysisFileSystem } from '../workspace/analysis-file-system';
import { Facts } from '../facts/facts';
import { limitFindingsPerFile } from './finding-limit';
import { type Inventory, type InventoryOptions, takeInventory, type UnlistableDirectory } from '../inventory/inventory';
import type { FileSystem } from '../workspace/file-system';

export interface InternalError {
  readonly ruleId: string;
  /**
   * The compose file (or nginx.conf) of the project the rule fails on when checked alone; the
   * workspace root when no single project makes it fail.
   */
  readonly file: string;
  readonly message: string;
}

export type { UnlistableDirectory };

export interface WorkspaceAnalysis {
  readonly deployment: Deployment;
  readonly findings: readonly Finding[];
  /** A rule that threw: logged by the caller; the other rules still report. */
  readonly internalErrors: readonly InternalError[];
  /** Told by the caller: a report that is silent about them would read as a clean bill of health. */
  readonly unlistable: readonly UnlistableDirectory[];
}

export function unlistableMessage(directory: string, reason: string): string {
  return `cannot list ${directory} (${reason}): the compose projects, nginx files and scripts below it are not checked`;
}

/** The rules that run while the deployment is analysed (unused-suppression runs once suppressions are applied). */
const deploymentRules = allRules.filter(checksDeployment);

export interface AnalyzeOptions extends DeploymentOptions, InventoryOptions {
  readonly rules?: readonly Rule[];
  /**
   * Told how many files the analysis considers (Inventory.filesConsidered) once the walk has
   * listed them and before any is read; the analysis waits for it, so an editor can say how large
   * the analysis is.
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
      const found = function* (): Generator<Finding> {
        for (const finding of rule.check(context)) yield { ...finding, ruleId: rule.id, severity: bySeverity(finding.severity, rule.defaultSeverity) };
      };
      for (const finding of limitFindingsPerFile(rule.id, found())) findings.push(finding);
    } catch (error) {
      internalErrors.push({
        ruleId: rule.id,
        file: failingFile(rule, context),
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }
  return findings;
}

/**
 * Everything the rules over the deployment report for the workspace an inventory describes: the
 * model built from it and the rules, which share one Facts. Nothing here walks the workspace again.
 */
export async function analyzeInventory(inventory: Inventory, options: AnalyzeOptions = {}): Promise<WorkspaceAnalysis> {
  const deployment = await buildDeployment(inventory, options);
  const internalErrors: InternalError[] = [];
  const context: RuleContext = { deployment, inventory, facts: new Facts(deployment, inventory) };
  const findings = checkRules(options.rules ?? deploymentRules, context, internalErrors);
  return { deployment, findings, internalErrors, unlistable: inventory.unlistable };
}

/** The file of the first project that makes the rule throw when checked alone, to name in the report. */
function failingFile(rule: Rule, context: RuleContext): string {
  const { deployment } = context;
  for (const project of deployment.projects) {
    try {
      // a generator runs only as its findings are read
      Array.from(rule.check({ ...context, deployment: { ...deployment, projects: [project] } }));
    } catch {
      return project.compose.files[0] ?? project.services[0]?.compose.nameLocation.file ?? project.compose.directory;
    }
  }
  return deployment.workspaceRoot;
}

/** Everything the rules over the deployment report for one workspace root, before configuration and suppressions: one walk, then analyzeInventory. */
export async function analyzeWorkspace(fileSystem: FileSystem, workspaceRoot: string, options: AnalyzeOptions = {}): Promise<WorkspaceAnalysis> {
  options.cache?.nextRound();
  const analysisFileSystem = new AnalysisFileSystem(fileSystem);
  try {
    const inventory = takeInventory(analysisFileSystem, workspaceRoot, options);
    if (options.counted) await options.counted(inventory.filesConsidered);
    return await analyzeInventory(inventory, options);
  } finally {
    analysisFileSystem.close();
  }
}
