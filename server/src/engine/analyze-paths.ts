import { posix } from 'node:path';
import { type AnalyzeOptions, analyzeWorkspace, checkRules, type InternalError, type UnlistableDirectory, type WorkspaceAnalysis } from './analyze-workspace';
import type { DeployedProject, Deployment, RepositoryScript, SharedHosts } from '../model/deployment';
import type { Finding } from '../text/findings';
import { rules } from '../rules/index';
import { checksDeployment } from '../rules/rule';
import type { SourceLocation } from '../text/source-location';
import type { FileSystem } from '../workspace/file-system';
import { Facts } from '../facts/facts';
import { Inventory } from '../inventory/inventory';

interface AnalyzedPath {
  /** What the user named, a file or a directory. */
  readonly path: string;
  /** The directory analysed for it. */
  readonly root: string;
  readonly analysis: WorkspaceAnalysis;
}

/** The rules about what one Docker host holds once (scope "host"): run again over the projects of all linted paths together. */
const hostWideRules = rules.filter(checksDeployment).filter((rule) => rule.scope === 'host');

function isInsideDirectory(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}

function commonDirectory(directories: readonly string[]): string {
  return directories.reduce((common, directory) => {
    while (!isInsideDirectory(directory, common)) common = posix.dirname(common);
    return common;
  });
}

function locationKey(location: SourceLocation): string {
  const { start, end } = location.range;
  return `${location.file}\0${start.line}:${start.character}-${end.line}:${end.character}`;
}

function findingKey(finding: Finding): string {
  return `${finding.ruleId}\0${locationKey(finding.location)}`;
}

/**
 * The compose projects and scripts of the paths linted together, each once; which of them share
 * a Docker host is what certboot.json says when all paths follow the same one.
 */
function combinedDeployment(analyzed: readonly AnalyzedPath[]): Deployment {
  const projects = new Map<string, DeployedProject>();
  const scripts = new Map<string, RepositoryScript>();
  for (const { path, root, analysis } of analyzed) {
    const named = root === path;
    for (const project of analysis.deployment.projects) {
      if (!named && !project.compose.files.includes(path)) continue;
      const key = [project.compose.name, project.compose.directory, ...project.compose.files].join('\0');
      if (!projects.has(key)) projects.set(key, project);
    }
    for (const script of analysis.deployment.scripts) {
      if ((named || script.path === path) && !scripts.has(script.path)) scripts.set(script.path, script);
    }
  }
  const sharedHosts = new Set(analyzed.map(({ analysis }) => analysis.deployment.sharedHosts));
  const [common] = sharedHosts;
  return {
    workspaceRoot: commonDirectory(analyzed.map((entry) => entry.root)),
    ...(sharedHosts.size === 1 && common ? { sharedHosts: common } : {}),
    projects: [...projects.values()],
    scripts: [...scripts.values()],
    infrastructure: { terraformModules: [], cloudFormationTemplates: [] },
  };
}

/**
 * Container names and host ports collide across the linted paths as they do across the projects
 * of one: the findings of those rules over all paths together that no path's own analysis could
 * make (their files are not all under one analysed directory), reported in a named path.
 */
function collisionsAcrossPaths(fileSystem: FileSystem, analyzed: readonly AnalyzedPath[], perPath: Finding[], internalErrors: InternalError[]): Finding[] {
  const deployment = combinedDeployment(analyzed);
  // the projects come from the paths' own inventories: the combined deployment has no files of its own to walk
  const inventory = new Inventory(fileSystem, deployment.workspaceRoot, []);
  const combined = checkRules(hostWideRules, { deployment, inventory, facts: new Facts(deployment, inventory) }, internalErrors);
  const across = combined.filter((finding) => {
    const files = [finding.location.file, ...finding.related.map((related) => related.file)];
    const inOneAnalysis = analyzed.some(({ root }) => files.every((file) => isInsideDirectory(file, root)));
    const inNamedPath = analyzed.some(({ path, root }) => (root === path ? isInsideDirectory(finding.location.file, path) : finding.location.file === path));
    return !inOneAnalysis && inNamedPath;
  });
  const reported = new Set(perPath.map(findingKey));
  return [...perPath, ...across.filter((finding) => !reported.has(findingKey(finding)))];
}

/** What `certboot lint` reports for the paths it was given, the rules that threw and the directories it could not list. */
export interface PathsAnalysis {
  readonly findings: readonly Finding[];
  readonly internalErrors: readonly InternalError[];
  readonly unlistable: readonly UnlistableDirectory[];
}

/**
 * Each linted path is a workspace of its own: its compose projects, nginx files and scripts; the
 * collision rules then see the projects of all of them, as on the one host they are deployed to.
 * A named file keeps the findings in it.
 */
export async function analyzePaths(
  fileSystem: FileSystem,
  paths: readonly string[],
  sharedHosts?: ReadonlyMap<string, SharedHosts>,
  options: AnalyzeOptions = {},
): Promise<PathsAnalysis> {
  const findings: Finding[] = [];
  const internalErrors: InternalError[] = [];
  const unlistable: UnlistableDirectory[] = [];
  const analyzed: AnalyzedPath[] = [];
  for (const path of paths) {
    const root = fileSystem.stat(path)?.kind === 'directory' ? path : posix.dirname(path);
    const hosts = sharedHosts?.get(path);
    const analysis = await analyzeWorkspace(fileSystem, root, hosts ? { ...options, sharedHosts: hosts } : options);
    internalErrors.push(...analysis.internalErrors);
    unlistable.push(...analysis.unlistable);
    for (const finding of analysis.findings) if (root === path || finding.location.file === path) findings.push(finding);
    analyzed.push({ path, root, analysis });
  }
  return { findings: analyzed.length < 2 ? findings : collisionsAcrossPaths(fileSystem, analyzed, findings, internalErrors), internalErrors, unlistable };
}
