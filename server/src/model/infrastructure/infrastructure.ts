import { posix } from 'node:path';
import { readCloudFormationTemplate, type CloudFormationTemplate } from '../../languages/cloudformation/template';
import { initializeTerraformParser, parseHcl } from '../../languages/terraform/hcl-parser';
import { localModuleSource, moduleCalls, type TerraformFile, TerraformModule, type TerraformValue } from '../../languages/terraform/module';
import type { FileOfKind, Inventory } from '../../inventory/inventory';

/** The infrastructure code of the workspace: Terraform modules and CloudFormation templates. */
export interface Infrastructure {
  readonly terraformModules: readonly TerraformModule[];
  readonly cloudFormationTemplates: readonly CloudFormationTemplate[];
}

/**
 * Reads the Terraform modules (the `.tf` files of each directory, with the tfvars beside them)
 * and the CloudFormation templates the inventory found.
 */
export async function loadInfrastructure(inventory: Inventory): Promise<Infrastructure> {
  return {
    terraformModules: await loadTerraformModules(
      inventory,
      inventory.filesOf('terraform').map((file) => file.path),
    ),
    cloudFormationTemplates: loadTemplates(inventory, inventory.filesOf('cloudformation')),
  };
}

async function loadTerraformModules(inventory: Inventory, paths: readonly string[]): Promise<TerraformModule[]> {
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
    const text = inventory.text(path);
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

function loadTemplates(inventory: Inventory, files: readonly FileOfKind<'cloudformation'>[]): CloudFormationTemplate[] {
  return files.flatMap(({ path, kind: { format } }): CloudFormationTemplate[] => {
    const text = inventory.text(path);
    // a cheap look before parsing: every template names an AWS:: type or the format version
    if (text === undefined || !(text.includes('AWS::') || text.includes('AWSTemplateFormatVersion'))) return [];
    const actualFormat = format === 'yaml' && /^\s*\{/.test(text) ? 'json' : format;
    const template = readCloudFormationTemplate(path, text, actualFormat);
    return template ? [template] : [];
  });
}
