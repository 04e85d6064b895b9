import { posix } from 'node:path';
import type { AnalysisCache } from '../inventory/analysis-cache';
import { buildDeployment, type Deployment, type DeploymentOptions } from '../model/deployment';
import type { Finding, Severity } from '../text/findings';
import { mainContext } from '../languages/nginx/analyzer';
import { readConfigurationFile } from '../languages/nginx/configuration';
import type { NginxError } from '../languages/nginx/syntax-tree';
import { rules as allRules } from '../rules/index';
import type { Rule, RuleContext } from '../rules/rule';
import { AnalysisFileSystem } from '../workspace/analysis-file-system';
import type { FileSystem } from '../workspace/file-system';
import { findFiles } from '../workspace/text-files';

export const nginxSyntaxRuleId = 'nginx-syntax';
export const composeSyntaxRuleId = 'compose-syntax';

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

const nginxDirectoryNames = new Set(['conf.d', 'sites-available', 'sites-enabled', 'snippets', 'templates', 'nginx']);
/** nginx files of the repository that no service loads: checked for syntax on their own. */
function isNginxFile(path: string, root: string): boolean {
  const name = posix.basename(path);
  if (name === 'nginx.conf' || name.endsWith('.nginx')) return true;
  const directories = posix.relative(root, posix.dirname(path)).split('/');
  return directories.some((directory) => nginxDirectoryNames.has(directory)) && (name.endsWith('.conf') || name.endsWith('.conf.template'));
}

function syntaxFinding(file: string, error: NginxError): Finding {
  return {
    ruleId: nginxSyntaxRuleId,
    severity: 'error',
    message: `nginx rejects this configuration: ${error.message}.`,
    location: { file, range: error.span.toRange() },
    related: [],
    fixes: [],
  };
}

/** Syntax errors of every nginx file: those services load (at their host paths) and the rest. */
function nginxSyntaxFindings(fileSystem: FileSystem, deployment: Deployment, root: string, cache: AnalysisCache | undefined): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const project of deployment.projects) {
    for (const service of project.services) {
      for (const file of service.nginx?.configuration?.files ?? []) {
        const origin = service.view.origin(file.path);
        if (origin.kind !== 'bind' || reported.has(origin.hostPath)) continue;
        reported.add(origin.hostPath);
        // a missing include is a first-boot question, answered by the rules
        for (const error of file.errors) if (error.kind !== 'include') findings.push(syntaxFinding(origin.hostPath, error));
      }
    }
  }
  for (const path of findFiles(fileSystem, root, (candidate) => isNginxFile(candidate, root), {
    maximumFiles: 2000,
    maximumFileBytes: Number.MAX_SAFE_INTEGER,
    maximumDepth: deployment.searchDepth,
  })) {
    if (reported.has(path)) continue;
    // only nginx.conf is known to be read at the top level; a snippet's context depends on its include
    const context = posix.basename(path) === 'nginx.conf' ? mainContext : undefined;
    const syntax = readConfigurationFile(fileSystem, path, { context, parsed: cache?.nginxFiles });
    for (const error of syntax.errors) findings.push(syntaxFinding(path, error));
  }
  return findings;
}

function composeFindings(deployment: Deployment): Finding[] {
  return deployment.projects.flatMap((project) =>
    project.compose.diagnostics.map(
      (diagnostic): Finding => ({
        ruleId: composeSyntaxRuleId,
        severity: diagnostic.severity === 'information' ? 'info' : diagnostic.severity,
        message: diagnostic.message,
        location: diagnostic.location,
        related: [],
        fixes: [],
      }),
    ),
  );
}

export interface AnalyzeOptions extends DeploymentOptions {
  readonly rules?: readonly Rule[];
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

/** Everything certboot reports for one workspace root, before configuration and suppressions. */
export async function analyzeWorkspace(fileSystem: FileSystem, workspaceRoot: string, options: AnalyzeOptions = {}): Promise<WorkspaceAnalysis> {
  options.cache?.nextRound();
  const analysisFileSystem = new AnalysisFileSystem(fileSystem);
  try {
    const deployment = await buildDeployment(analysisFileSystem, workspaceRoot, options);
    const findings: Finding[] = [...composeFindings(deployment), ...nginxSyntaxFindings(analysisFileSystem, deployment, workspaceRoot, options.cache)];
    const internalErrors: InternalError[] = [];
    findings.push(...checkRules(options.rules ?? allRules, { deployment, fileSystem: analysisFileSystem }, internalErrors));
    return { deployment, findings, internalErrors };
  } finally {
    analysisFileSystem.close();
  }
}
