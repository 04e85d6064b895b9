import type { Range } from '../../text/source-location';

/** UTF-16 offsets into the file's text, end exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** Every node knows its offsets (for edits) and its LSP range (for findings). */
export interface HclNode {
  readonly span: TextSpan;
  readonly range: Range;
}

export interface HclLiteral extends HclNode {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
}

/** A quoted string with `${…}` interpolations; directives (`%{if}`) make it `other`. */
export interface HclTemplate extends HclNode {
  readonly kind: 'template';
  readonly parts: readonly (string | HclExpression)[];
}

export type HclTraversalStep =
  | { readonly kind: 'attribute'; readonly name: string; readonly span: TextSpan }
  | { readonly kind: 'index'; readonly key: HclExpression | undefined; readonly span: TextSpan }
  | { readonly kind: 'splat'; readonly span: TextSpan };

/** `aws_acm_certificate.cert.arn`, `var.domain`, `local.zone_id`, `each.value.name`. */
export interface HclReference extends HclNode {
  readonly kind: 'reference';
  readonly root: string;
  readonly steps: readonly HclTraversalStep[];
}

export interface HclTuple extends HclNode {
  readonly kind: 'tuple';
  readonly elements: readonly HclExpression[];
}

export interface HclObjectEntry {
  readonly key: HclExpression;
  readonly value: HclExpression;
}

export interface HclObject extends HclNode {
  readonly kind: 'object';
  readonly entries: readonly HclObjectEntry[];
}

/** `[for x in collection : …]` and `{for k, v in collection : … => …}`. */
export interface HclFor extends HclNode {
  readonly kind: 'for';
  readonly variables: readonly string[];
  readonly collection: HclExpression;
  /** The key and value (object form) or the element (tuple form), then the `if` condition. */
  readonly results: readonly HclExpression[];
}

export interface HclFunctionCall extends HclNode {
  readonly kind: 'function';
  readonly name: string;
  readonly arguments: readonly HclExpression[];
}

/** Conditionals, operators, heredocs, splats on calls: kept only for the references inside. */
export interface HclOther extends HclNode {
  readonly kind: 'other';
  readonly children: readonly HclExpression[];
}

export type HclExpression = HclLiteral | HclTemplate | HclReference | HclTuple | HclObject | HclFor | HclFunctionCall | HclOther;

export interface HclAttribute extends HclNode {
  readonly name: string;
  readonly nameSpan: TextSpan;
  readonly value: HclExpression;
}

export interface HclLabel extends HclNode {
  /** The label's text without quotes. */
  readonly value: string;
}

export interface HclBlock extends HclNode {
  /** `resource`, `data`, `variable`, `locals`, `lifecycle`, … */
  readonly type: string;
  readonly typeSpan: TextSpan;
  readonly labels: readonly HclLabel[];
  readonly body: HclBody;
  /** The `{` and `}` of the block. */
  readonly openBrace: TextSpan;
  readonly closeBrace: TextSpan;
}

export interface HclBody {
  readonly attributes: readonly HclAttribute[];
  readonly blocks: readonly HclBlock[];
}

export interface HclSyntaxError extends HclNode {
  readonly message: string;
}

export interface HclFile {
  readonly text: string;
  readonly body: HclBody;
  readonly errors: readonly HclSyntaxError[];
}

export function findAttribute(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((attribute) => attribute.name === name);
}

export function findBlocks(body: HclBody, type: string): HclBlock[] {
  return body.blocks.filter((block) => block.type === type);
}

/** The direct sub-expressions of an expression. */
export function childExpressions(expression: HclExpression): readonly HclExpression[] {
  switch (expression.kind) {
    case 'literal':
      return [];
    case 'template':
      return expression.parts.filter((part): part is HclExpression => typeof part !== 'string');
    case 'reference':
      return expression.steps.flatMap((step) => (step.kind === 'index' && step.key !== undefined ? [step.key] : []));
    case 'tuple':
      return expression.elements;
    case 'object':
      return expression.entries.flatMap((entry) => [entry.key, entry.value]);
    case 'for':
      return [expression.collection, ...expression.results];
    case 'function':
      return expression.arguments;
    case 'other':
      return expression.children;
  }
}

/** Every reference inside an expression, outermost first. */
export function referencesIn(expression: HclExpression): HclReference[] {
  const found: HclReference[] = [];
  const pending: HclExpression[] = [expression];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === 'reference') found.push(next);
    pending.push(...[...childExpressions(next)].reverse());
  }
  return found;
}

/** Every attribute of a body and of the blocks nested in it. */
export function attributesDeep(body: HclBody): HclAttribute[] {
  const found: HclAttribute[] = [];
  const pending: HclBody[] = [body];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    found.push(...next.attributes);
    pending.push(...next.blocks.map((block) => block.body));
  }
  return found;
}

/** The name of the attribute step at `index` of a reference, if that step is one. */
export function attributeStep(reference: HclReference, index: number): string | undefined {
  const step = reference.steps[index];
  return step?.kind === 'attribute' ? step.name : undefined;
}
