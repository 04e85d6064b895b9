// Runs a composite GitHub Action (action.yml) here as a runner would: each `run:` step in bash
// with GitHub's flags (`bash --noprofile --norc -eo pipefail`), its `env:` and `if:` evaluated
// against the inputs and the outputs earlier steps wrote to $GITHUB_OUTPUT, in the workspace
// directory. A `uses:` step cannot run offline: it is recorded with its `with:` evaluated, for the
// test to check what it would have been given. Only the expressions the action uses are
// understood (a context path; `==` and `!=` against a string; `&&`); any other fails the test.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly shell?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}

interface ActionDefinition {
  readonly inputs: Record<string, { readonly default?: string }>;
  readonly outputs: Record<string, { readonly value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

export interface StepRun {
  readonly name: string;
  /** Skipped by its `if:`, or after an earlier step failed. */
  readonly ran: boolean;
  readonly uses?: string;
  readonly with?: Record<string, string>;
  readonly status?: number | null;
  readonly stdout?: string;
  readonly stderr?: string;
}

export interface ActionRun {
  readonly steps: readonly StepRun[];
  /** The action's outputs, as its `outputs:` map them. */
  readonly outputs: Record<string, string>;
  /** Whether a step failed, which fails the job. */
  readonly failed: boolean;
}

type Context = (path: string) => string;

function evaluateValue(expression: string, context: Context): string {
  const trimmed = expression.trim();
  const literal = /^'([^']*)'$/.exec(trimmed);
  if (literal) return literal[1];
  if (/^[a-z_][\w-]*(\.[\w-]+)+$/i.test(trimmed)) return context(trimmed);
  throw new Error(`expression not understood: ${expression}`);
}

function evaluateCondition(condition: string, context: Context): boolean {
  return condition.split('&&').every((part) => {
    const comparison = /^(.*?)(==|!=)(.*)$/.exec(part);
    if (!comparison) throw new Error(`condition not understood: ${part}`);
    // GitHub compares strings ignoring case
    const equal = evaluateValue(comparison[1], context).toLowerCase() === evaluateValue(comparison[3], context).toLowerCase();
    return comparison[2] === '==' ? equal : !equal;
  });
}

function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => evaluateValue(expression, context));
}

function substituteAll(values: Record<string, string> | undefined, context: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, substitute(String(value), context)]));
}

function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) outputs[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return outputs;
}

export function runCompositeAction(actionDirectory: string, workspace: string, given: Record<string, string>): ActionRun {
  const action = parse(readFileSync(join(actionDirectory, 'action.yml'), 'utf8')) as ActionDefinition;
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  for (const name of Object.keys(given)) if (!(name in action.inputs)) throw new Error(`the action has no input ${name}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, given[name] ?? input.default ?? '']));
  const stepOutputs = new Map<string, Record<string, string>>();
  const context: Context = (path) => {
    const [scope, ...rest] = path.split('.');
    if (scope === 'inputs' && rest.length === 1 && rest[0] in inputs) return inputs[rest[0]];
    if (path === 'github.action_path') return actionDirectory;
    if (path === 'github.workspace') return workspace;
    if (scope === 'steps' && rest.length === 3 && rest[1] === 'outputs') return stepOutputs.get(rest[0])?.[rest[2]] ?? '';
    throw new Error(`unknown context ${path}`);
  };
  const scratch = mkdtempSync(join(tmpdir(), 'certboot-action-'));
  const steps: StepRun[] = [];
  let failed = false;
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${index + 1}`;
      if (failed || (step.if !== undefined && !evaluateCondition(step.if, context))) {
        steps.push({ name, ran: false, ...(step.uses ? { uses: step.uses } : {}) });
        continue;
      }
      if (step.uses !== undefined) {
        steps.push({ name, ran: true, uses: step.uses, with: substituteAll(step.with, context) });
        continue;
      }
      if (step.shell !== 'bash' || step.run === undefined) throw new Error(`${name}: only bash run steps are supported`);
      const script = join(scratch, `step-${index}.sh`);
      const outputFile = join(scratch, `output-${index}`);
      writeFileSync(script, step.run);
      writeFileSync(outputFile, '');
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: workspace,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...substituteAll(step.env, context),
          GITHUB_ACTION_PATH: actionDirectory,
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: outputFile,
        },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.error) throw result.error;
      if (step.id !== undefined) stepOutputs.set(step.id, readOutputs(outputFile));
      steps.push({ name, ran: true, status: result.status, stdout: result.stdout, stderr: result.stderr });
      failed = result.status !== 0;
    }
    const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, substitute(output.value, context)]));
    return { steps, outputs, failed };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
