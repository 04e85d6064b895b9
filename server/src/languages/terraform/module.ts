import { posix } from 'node:path';
import type { Range } from '../../text/source-location';
import {
  attributeStep,
  childExpressions,
  findAttribute,
  findBlocks,
  type HclAttribute,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type HclReference,
} from './hcl-syntax';

export interface TerraformFile {
  readonly path: string;
  readonly syntax: HclFile;
}

/** A `resource` or `data` block: `aws_acm_certificate.cert`, `data.aws_route53_zone.main`. */
export interface TerraformResource {
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly block: HclBlock;
  readonly file: TerraformFile;
}

/** A value in a file: the expression and where it is. */
export interface TerraformValue {
  readonly expression: HclExpression;
  readonly file: TerraformFile;
}

export interface TerraformVariable {
  readonly name: string;
  readonly block: HclBlock;
  readonly file: TerraformFile;
  readonly default?: HclExpression;
}

/** What a module knows about its input variables besides their defaults. */
export interface VariableSources {
  /** Values of `terraform.tfvars` and `*.auto.tfvars` beside the module. */
  readonly tfvars: ReadonlyMap<string, TerraformValue>;
  /** A `*.tfvars.json` file sets values certboot does not read: every variable is unknown. */
  readonly unreadTfvars: boolean;
  /** Arguments other modules of the workspace pass when they call this one: those variables are unknown. */
  readonly passedByCallers: ReadonlySet<string>;
  /** Some `module` block of the workspace has this directory as its local `source`. */
  readonly calledByOtherModules?: boolean;
}

/** A name Terraform finds declared twice in the primary files of a module, which it refuses. */
export interface DuplicateDeclaration {
  /** As Terraform names it: `aws_acm_certificate.cert`, `data.aws_route53_zone.main`, `var.domain`, `local.zone`, `output.arn`, `module.dns`. */
  readonly address: string;
  /** Terraform's summary of the error: `Duplicate resource "aws_acm_certificate" configuration`. */
  readonly summary: string;
  readonly first: { readonly file: TerraformFile; readonly range: Range };
  readonly second: { readonly file: TerraformFile; readonly range: Range };
}

/** `override.tf` and `*_override.tf` (and their `.tf.json`): Terraform merges them into the primary files' declarations. */
export function isOverrideFile(path: string): boolean {
  return /(^|_)override\.tf(\.json)?$/.test(posix.basename(path));
}

/**
 * What each block of the primary files declares, as Terraform's module loader keys it
 * (internal/configs/module.go, appendFile, hashicorp/terraform at 95e4c357): resources per mode,
 * type and name, variables, locals, outputs and module calls per name; a second declaration of
 * one key is an error ("Duplicate resource "aws_acm_certificate" configuration", "Duplicate
 * variable declaration", …) and Terraform plans nothing. Override files merge instead
 * (internal/configs/parser_config_dir.go) and are left out.
 */
function findDuplicates(files: readonly TerraformFile[]): DuplicateDeclaration[] {
  const seen = new Map<string, { file: TerraformFile; range: Range }>();
  const duplicates: DuplicateDeclaration[] = [];
  const declare = (address: string, summary: string, file: TerraformFile, range: Range): void => {
    const first = seen.get(address);
    if (first) duplicates.push({ address, summary, first, second: { file, range } });
    else seen.set(address, { file, range });
  };
  for (const file of files) {
    if (isOverrideFile(file.path)) continue;
    for (const block of file.syntax.body.blocks) {
      const [first, second] = block.labels;
      const range = (second ?? first ?? block).range;
      if (block.type === 'resource' && first && second)
        declare(`${first.value}.${second.value}`, `Duplicate resource "${first.value}" configuration`, file, range);
      else if (block.type === 'data' && first && second)
        declare(`data.${first.value}.${second.value}`, `Duplicate data "${first.value}" configuration`, file, range);
      else if (block.type === 'variable' && first) declare(`var.${first.value}`, 'Duplicate variable declaration', file, range);
      else if (block.type === 'output' && first) declare(`output.${first.value}`, 'Duplicate output definition', file, range);
      else if (block.type === 'module' && first) declare(`module.${first.value}`, 'Duplicate module call', file, range);
      else if (block.type === 'locals') {
        for (const attribute of block.body.attributes) declare(`local.${attribute.name}`, 'Duplicate local value definition', file, attribute.range);
      }
    }
  }
  return duplicates;
}

/** The `.tf` files of one directory: Terraform's unit of names and references. */
export class TerraformModule {
  readonly resources: readonly TerraformResource[];
  readonly variables: ReadonlyMap<string, TerraformVariable>;
  readonly locals: ReadonlyMap<string, TerraformValue & { readonly attribute: HclAttribute }>;
  /** Terraform refuses to plan a module with a syntax error; rules skip it rather than guess. */
  readonly hasSyntaxErrors: boolean;
  /** Names declared twice: Terraform refuses the module too (documentation snippets side by side often are). */
  readonly duplicates: readonly DuplicateDeclaration[];
  /** Called as a child module from elsewhere in the workspace: a new required variable breaks its callers. */
  readonly calledByOtherModules: boolean;

  constructor(
    readonly directory: string,
    readonly files: readonly TerraformFile[],
    private readonly variableSources: VariableSources,
  ) {
    const resources: TerraformResource[] = [];
    const variables = new Map<string, TerraformVariable>();
    const locals = new Map<string, TerraformValue & { attribute: HclAttribute }>();
    for (const file of files) {
      for (const block of file.syntax.body.blocks) {
        const [first, second] = block.labels;
        if ((block.type === 'resource' || block.type === 'data') && first && second && block.labels.length === 2) {
          resources.push({ mode: block.type, type: first.value, name: second.value, block, file });
        } else if (block.type === 'variable' && first && block.labels.length === 1) {
          variables.set(first.value, { name: first.value, block, file, default: findAttribute(block.body, 'default')?.value });
        } else if (block.type === 'locals') {
          for (const attribute of block.body.attributes) locals.set(attribute.name, { expression: attribute.value, file, attribute });
        }
      }
    }
    this.resources = resources;
    this.variables = variables;
    this.locals = locals;
    this.hasSyntaxErrors = files.some((file) => file.syntax.errors.length > 0);
    this.duplicates = findDuplicates(files);
    this.calledByOtherModules = variableSources.calledByOtherModules ?? false;
  }

  /** Whether Terraform would plan the module at all: no syntax error, no name declared twice. */
  get acceptedByTerraform(): boolean {
    return !this.hasSyntaxErrors && this.duplicates.length === 0;
  }

  resource(mode: 'resource' | 'data', type: string, name: string): TerraformResource | undefined {
    return this.resources.find((resource) => resource.mode === mode && resource.type === type && resource.name === name);
  }

  resourcesOfType(type: string, mode: 'resource' | 'data' = 'resource'): TerraformResource[] {
    return this.resources.filter((resource) => resource.mode === mode && resource.type === type);
  }

  /** The value a variable has when nothing else sets it: tfvars beside the module, else its default. */
  variableValue(name: string): TerraformValue | undefined {
    if (this.variableSources.unreadTfvars || this.variableSources.passedByCallers.has(name)) return undefined;
    const fromTfvars = this.variableSources.tfvars.get(name);
    if (fromTfvars) return fromTfvars;
    const variable = this.variables.get(name);
    return variable?.default ? { expression: variable.default, file: variable.file } : undefined;
  }

  /**
   * What a `local.x` or `var.x` reference stands for, one step; undefined for anything else, and
   * for a variable nobody can know (no default, set by a caller).
   */
  dereference(reference: HclReference): TerraformValue | undefined {
    const name = attributeStep(reference, 0);
    if (name === undefined || reference.steps.length !== 1) return undefined;
    if (reference.root === 'local') return this.locals.get(name);
    if (reference.root === 'var') return this.variableValue(name);
    return undefined;
  }

  /** A string the expression certainly evaluates to; undefined when it depends on anything unknown. */
  evaluateString(expression: HclExpression, depth = 0): string | undefined {
    if (depth > 20) return undefined;
    switch (expression.kind) {
      case 'literal':
        return typeof expression.value === 'string' ? expression.value : undefined;
      case 'template': {
        let text = '';
        for (const part of expression.parts) {
          const value = typeof part === 'string' ? part : this.evaluateString(part, depth + 1);
          if (value === undefined) return undefined;
          text += value;
        }
        return text;
      }
      case 'reference': {
        const value = this.dereference(expression);
        return value ? this.evaluateString(value.expression, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Where an expression's value is written: through `local.x` / `var.x` to the literal. */
  definition(value: TerraformValue, depth = 0): TerraformValue {
    if (depth > 20 || value.expression.kind !== 'reference') return value;
    const target = this.dereference(value.expression);
    return target ? this.definition(target, depth + 1) : value;
  }

  /** The references of an expression, following locals to what they refer to. */
  referencesThroughLocals(expression: HclExpression, seen: Set<string> = new Set()): HclReference[] {
    const found: HclReference[] = [];
    const pending: HclExpression[] = [expression];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next.kind === 'reference') {
        found.push(next);
        const localName = next.root === 'local' ? attributeStep(next, 0) : undefined;
        const local = localName === undefined ? undefined : this.locals.get(localName);
        if (localName !== undefined && local && !seen.has(localName)) {
          seen.add(localName);
          found.push(...this.referencesThroughLocals(local.expression, seen));
        }
      }
      pending.push(...childExpressions(next));
    }
    return found;
  }

  /** Every attribute of every top-level block of the module, with its file. */
  *allAttributes(): Generator<{ readonly attribute: HclAttribute; readonly block: HclBlock; readonly file: TerraformFile }> {
    for (const file of this.files) {
      for (const block of file.syntax.body.blocks) {
        const pending = [block.body];
        for (let body = pending.pop(); body !== undefined; body = pending.pop()) {
          for (const attribute of body.attributes) yield { attribute, block, file };
          pending.push(...body.blocks.map((nested) => nested.body));
        }
      }
    }
  }
}

/** The directory a `module` block's local `source` points at; registry and git sources are not in the workspace. */
export function localModuleSource(module: TerraformModule, block: HclBlock): string | undefined {
  const source = findAttribute(block.body, 'source');
  const value = source ? module.evaluateString(source.value) : undefined;
  if (value === undefined || !(value.startsWith('./') || value.startsWith('../'))) return undefined;
  return posix.resolve(module.directory, value);
}

export function moduleCalls(module: TerraformModule): { readonly block: HclBlock; readonly file: TerraformFile }[] {
  return module.files.flatMap((file) => findBlocks(file.syntax.body, 'module').map((block) => ({ block, file })));
}
