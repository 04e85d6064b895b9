import { posix } from 'node:path';
import { readCloudFormationTemplate, type CloudFormationTemplate } from '../../languages/cloudformation/template';
import { initializeTerraformParser, parseHcl } from '../../languages/terraform/hcl-parser';
import { localModuleSource, moduleCalls, type TerraformFile, TerraformModule, type TerraformValue } from '../../languages/terraform/module';
import type { FileSystem } from '../../workspace/file-system';
import { findFiles, readTextFile } from '../../workspace/text-files';

/** The infrastructure code of the workspace: Terraform modules and CloudFormation templates. */
export interface Infrastructure {
  readonly terraformModules: readonly TerraformModule[];
  readonly cloudFormationTemplates: readonly CloudFormationTemplate[];
}

export interface InfrastructureOptions {
  readonly maximumFiles?: number;
  /** How deep below the root the search goes (DeploymentOptions.searchDepth). */
  readonly searchDepth?: number;
}

/** Downloaded modules (`.terraform/`) and generated templates (`cdk.out/`) are nobody's source. */
function isGenerated(path: string): boolean {
  return /\/(\.terraform|cdk\.out|\.aws-sam)\//.test(path);
}

function isTerraformFile(path: string): boolean {
  return path.endsWith('.tf') || posix.basename(path) === 'terraform.tfvars' || path.endsWith('.auto.tfvars') || path.endsWith('.tfvars.json');
}

function templateFormat(path: string): 'yaml' | 'json' | undefined {
  if (/\.(ya?ml)$/.test(path)) return 'yaml';
  if (/\.json$/.test(path)) return 'json';
  // CloudFormation's own samples name templates `*.template`, in JSON or YAML
  if (path.endsWith('.template') && !path.endsWith('.conf.template')) return 'yaml';
  return undefined;
}

/**
 * Finds and reads the Terraform modules (the `.tf` files of each directory, with the tfvars
 * beside them) and the CloudFormation templates of the workspace, bounded like every walk.
 */
export async function loadInfrastructure(fileSystem: FileSystem, workspaceRoot: string, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const maximumFiles = options.maximumFiles ?? 500;
  const terraformPaths = findFiles(fileSystem, workspaceRoot, (path) => isTerraformFile(path) && !isGenerated(path), {
    maximumFiles,
    maximumDepth: options.searchDepth,
  });
  const templatePaths = findFiles(fileSystem, workspaceRoot, (path) => templateFormat(path) !== undefined && !isGenerated(path), {
    maximumFiles,
    maximumDepth: options.searchDepth,
  });
  return { terraformModules: await loadTerraformModules(fileSystem, terraformPaths), cloudFormationTemplates: loadTemplates(fileSystem, templatePaths) };
}

async function loadTerraformModules(fileSystem: FileSystem, paths: readonly string[]): Promise<TerraformModule[]> {
  if (!paths.some((path) => path.endsWith('.tf'))) return [];
  await initializeTerraformParser();
  const byDirectory = new Map<string, { files: TerraformFile[]; tfvars: TerraformFile[]; unreadTfvars: boolean }>();
  for (const path of [...paths].sort()) {
    const directory = posix.dirname(path);
    const entry = byDirectory.get(directory) ?? { files: [], tfvars: [], unreadTfvars: false };
    byDirectory.set(directory, entry);
    if (path.endsWith('.tfvars.json')) {
      entry.unreadTfvars = true;
      continue;
    }
    const text = readTextFile(fileSystem, path);
    if (text === undefined) continue;
    const file: TerraformFile = { path, syntax: parseHcl(text) };
    (path.endsWith('.tf') ? entry.files : entry.tfvars).push(file);
  }
  const sources = [...byDirectory].filter(([, entry]) => entry.files.length > 0);
  // first without caller knowledge, to read the `module` blocks and what each passes
  const provisional = sources.map(
    ([directory, entry]) => new TerraformModule(directory, entry.files, { tfvars: new Map(), unreadTfvars: false, passedByCallers: new Set() }),
  );
  const passed = new Map<string, Set<string>>();
  for (const module of provisional) {
    for (const call of moduleCalls(module)) {
      const target = localModuleSource(module, call.block);
      if (target === undefined) continue;
      const names = passed.get(target) ?? new Set<string>();
      for (const attribute of call.block.body.attributes) names.add(attribute.name);
      passed.set(target, names);
    }
  }
  return sources.map(([directory, entry]) => {
    const tfvars = new Map<string, TerraformValue>();
    // terraform.tfvars first, then *.auto.tfvars in name order: a later file wins
    const ordered = [...entry.tfvars].sort(
      (first, second) =>
        Number(!first.path.endsWith('/terraform.tfvars')) - Number(!second.path.endsWith('/terraform.tfvars')) || first.path.localeCompare(second.path),
    );
    for (const file of ordered) for (const attribute of file.syntax.body.attributes) tfvars.set(attribute.name, { expression: attribute.value, file });
    return new TerraformModule(directory, entry.files, {
      tfvars,
      unreadTfvars: entry.unreadTfvars,
      passedByCallers: passed.get(directory) ?? new Set(),
      calledByOtherModules: passed.has(directory),
    });
  });
}

function loadTemplates(fileSystem: FileSystem, paths: readonly string[]): CloudFormationTemplate[] {
  return paths.flatMap((path): CloudFormationTemplate[] => {
    const format = templateFormat(path);
    const text = readTextFile(fileSystem, path);
    // a cheap look before parsing: every template names an AWS:: type or the format version
    if (format === undefined || text === undefined || !(text.includes('AWS::') || text.includes('AWSTemplateFormatVersion'))) return [];
    const actualFormat = format === 'yaml' && /^\s*\{/.test(text) ? 'json' : format;
    const template = readCloudFormationTemplate(path, text, actualFormat);
    return template ? [template] : [];
  });
}
