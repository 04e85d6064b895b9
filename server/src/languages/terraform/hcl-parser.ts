import type { Node } from 'web-tree-sitter';
import { LineIndex } from '../../text/line-index';
import { defaultTreeSitterLocations, GrammarParser, type TreeSitterLocations } from '../shell/tree-sitter-runtime';
import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclExpression,
  HclFile,
  HclLabel,
  HclObjectEntry,
  HclSyntaxError,
  HclTraversalStep,
  TextSpan,
} from './hcl-syntax';

/** Terraform files are small; a bigger one is generated and not worth the parse. */
const maximumLength = 2_000_000;
const timeoutMilliseconds = 2_000;
/** Deeper nesting than this is not a real configuration; stop before the JavaScript stack does. */
const maximumDepth = 500;
const maximumReportedErrors = 50;

const terraform = new GrammarParser('parseHcl called before initializeTerraformParser() completed');

/** Loads web-tree-sitter and the Terraform grammar once; `parseHcl` needs it to have completed. */
export function initializeTerraformParser(locations: TreeSitterLocations = defaultTreeSitterLocations()): Promise<void> {
  return terraform.load(locations.runtime, locations.terraformGrammar ?? defaultTreeSitterLocations().terraformGrammar);
}

const emptyBody: HclBody = { attributes: [], blocks: [] };

/** Reads a `.tf` (or `.tfvars`) text; never throws on bad input, it reports syntax errors instead. */
export function parseHcl(text: string): HclFile {
  const lines = new LineIndex(text);
  const whole = (message: string): HclFile => ({
    text,
    body: emptyBody,
    errors: [{ message, span: { start: 0, end: text.length }, range: { start: lines.positionAt(0), end: lines.positionAt(text.length) } }],
  });
  if (text.length > maximumLength) return whole(`not analysed: ${text.length} characters, more than the limit of ${maximumLength}`);
  const tree = terraform.parseWithin(text, timeoutMilliseconds);
  if (!tree) return whole('not analysed: parsing took too long');
  try {
    return new HclReader(text, lines).read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** A quoted template's literal text as Terraform reads it: backslash escapes, `$${` and `%%{`. */
function decodeLiteral(raw: string): string {
  return raw
    .replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (match, escape: string) => {
      if (escape.length > 1) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
      return escapes[escape] ?? match;
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

class HclReader {
  private readonly errors: HclSyntaxError[] = [];
  private tooDeep = false;

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  read(root: Node): HclFile {
    this.collectSyntaxErrors(root);
    const bodyNode = root.namedChildren.find((child) => child?.type === 'body');
    const body = bodyNode ? this.body(bodyNode, 0) : emptyBody;
    return { text: this.text, body, errors: this.errors };
  }

  private span(node: Node): TextSpan {
    return { start: node.startIndex, end: node.endIndex };
  }

  private located(node: Node): { span: TextSpan; range: HclFile['errors'][number]['range'] } {
    return { span: this.span(node), range: { start: this.lines.positionAt(node.startIndex), end: this.lines.positionAt(node.endIndex) } };
  }

  private source(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  private named(node: Node): Node[] {
    return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
  }

  private body(node: Node, depth: number): HclBody {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    let previous: Node | undefined;
    for (const child of this.named(node)) {
      // `a = "x" b = "y"`: tree-sitter reads two attributes, Terraform "Missing newline after argument"
      if (
        previous?.type === 'attribute' &&
        (child.type === 'attribute' || child.type === 'block') &&
        this.lines.positionAt(previous.endIndex).line === this.lines.positionAt(child.startIndex).line
      ) {
        this.errors.push({ ...this.located(child), message: 'syntax error: missing newline after argument' });
      }
      previous = child;
      // tree-sitter wraps what it cannot read in ERROR; the rest of the body still counts
      if (child.hasError && child.type !== 'block') continue;
      if (child.type === 'attribute') {
        const attribute = this.attribute(child, depth);
        if (attribute) attributes.push(attribute);
      } else if (child.type === 'block') {
        const block = this.block(child, depth);
        if (block) blocks.push(block);
      }
    }
    return { attributes, blocks };
  }

  private attribute(node: Node, depth: number): HclAttribute | undefined {
    const [name, value] = this.named(node);
    if (!name || !value || name.type !== 'identifier') return undefined;
    return { ...this.located(node), name: this.source(name), nameSpan: this.span(name), value: this.expression(value, depth + 1) };
  }

  private block(node: Node, depth: number): HclBlock | undefined {
    if (depth > maximumDepth) return this.nestedTooDeep(node);
    const children = this.named(node);
    const type = children[0];
    const open = children.find((child) => child.type === 'block_start');
    const close = children.find((child) => child.type === 'block_end');
    if (type?.type !== 'identifier' || !open || !close || close.isMissing) return undefined;
    const labels: HclLabel[] = children
      .slice(1)
      .filter((child) => child.type === 'string_lit' || child.type === 'identifier')
      .map((label) => ({ ...this.located(label), value: label.type === 'identifier' ? this.source(label) : this.stringValue(label) }));
    const bodyNode = children.find((child) => child.type === 'body');
    return {
      ...this.located(node),
      type: this.source(type),
      typeSpan: this.span(type),
      labels,
      body: bodyNode ? this.body(bodyNode, depth + 1) : emptyBody,
      openBrace: this.span(open),
      closeBrace: this.span(close),
    };
  }

  private nestedTooDeep(node: Node): undefined {
    if (!this.tooDeep) {
      this.tooDeep = true;
      this.errors.push({ ...this.located(node), message: `nested deeper than ${maximumDepth} levels; the inner part is not analysed` });
    }
    return undefined;
  }

  private stringValue(node: Node): string {
    return this.named(node)
      .filter((child) => child.type === 'template_literal')
      .map((child) => decodeLiteral(this.source(child)))
      .join('');
  }

  private expression(node: Node, depth: number): HclExpression {
    const located = this.located(node);
    if (depth > maximumDepth) {
      this.nestedTooDeep(node);
      return { ...located, kind: 'other', children: [] };
    }
    const children = this.named(node);
    switch (node.type) {
      case 'expression': {
        const [base, ...traversal] = children;
        if (!base) return { ...located, kind: 'other', children: [] };
        if (base.type === 'variable_expr') {
          return { ...located, kind: 'reference', root: this.source(base), steps: traversal.flatMap((step) => this.steps(step, depth)) };
        }
        const inner = this.expression(base, depth + 1);
        if (traversal.length === 0) return base.type === 'expression' ? { ...located, kind: 'other', children: [inner] } : inner;
        const keys = traversal.flatMap((step) => this.steps(step, depth)).flatMap((step) => (step.kind === 'index' && step.key ? [step.key] : []));
        return { ...located, kind: 'other', children: [inner, ...keys] };
      }
      case 'variable_expr':
        return { ...located, kind: 'reference', root: this.source(node), steps: [] };
      case 'literal_value':
        return children[0] ? this.expression(children[0], depth + 1) : { ...located, kind: 'other', children: [] };
      case 'string_lit':
        return { ...located, kind: 'literal', value: this.stringValue(node) };
      case 'numeric_lit':
        return { ...located, kind: 'literal', value: Number(this.source(node)) };
      case 'bool_lit':
        return { ...located, kind: 'literal', value: this.source(node) === 'true' };
      case 'null_lit':
        return { ...located, kind: 'literal', value: null };
      case 'collection_value':
      case 'template_expr':
        return children[0] ? this.expression(children[0], depth + 1) : { ...located, kind: 'other', children: [] };
      case 'tuple':
        return {
          ...located,
          kind: 'tuple',
          elements: children.filter((child) => child.type === 'expression').map((child) => this.expression(child, depth + 1)),
        };
      case 'object':
        return {
          ...located,
          kind: 'object',
          entries: children.filter((child) => child.type === 'object_elem').flatMap((child) => this.objectEntry(child, depth)),
        };
      case 'quoted_template':
        return this.template(node, depth);
      case 'function_call': {
        const name = children.find((child) => child.type === 'identifier');
        const argumentsNode = children.find((child) => child.type === 'function_arguments');
        const functionArguments = argumentsNode ? this.named(argumentsNode).filter((child) => child.type === 'expression') : [];
        return {
          ...located,
          kind: 'function',
          name: name ? this.source(name) : '',
          arguments: functionArguments.map((child) => this.expression(child, depth + 1)),
        };
      }
      case 'for_expr':
        return children[0] ? this.forExpression(children[0], depth) : { ...located, kind: 'other', children: [] };
      default:
        return { ...located, kind: 'other', children: this.innerExpressions(node, depth) };
    }
  }

  /** The expressions below a node that is not one itself (operations, conditionals, heredocs). */
  private innerExpressions(node: Node, depth: number): HclExpression[] {
    const found: HclExpression[] = [];
    for (const child of this.named(node)) {
      if (child.type === 'expression') found.push(this.expression(child, depth + 1));
      else if (depth < maximumDepth) found.push(...this.innerExpressions(child, depth + 1));
    }
    return found;
  }

  private objectEntry(node: Node, depth: number): HclObjectEntry[] {
    const key = node.childForFieldName('key');
    const value = node.childForFieldName('val');
    if (!key || !value) return [];
    // `{ name = … }`: a bare word as a key is the key's text, not a variable
    const keyChildren = this.named(key);
    const bareWord = key.type === 'expression' && keyChildren.length === 1 && keyChildren[0]?.type === 'variable_expr';
    const keyExpression: HclExpression = bareWord ? { ...this.located(key), kind: 'literal', value: this.source(key) } : this.expression(key, depth + 1);
    return [{ key: keyExpression, value: this.expression(value, depth + 1) }];
  }

  private template(node: Node, depth: number): HclExpression {
    const located = this.located(node);
    const parts: (string | HclExpression)[] = [];
    for (const child of this.named(node)) {
      if (child.type === 'template_literal') parts.push(decodeLiteral(this.source(child)));
      else if (child.type === 'template_interpolation') {
        const inner = this.named(child).find((part) => part.type === 'expression');
        if (inner) parts.push(this.expression(inner, depth + 1));
      } else if (child.type === 'template_directive') {
        return { ...located, kind: 'other', children: this.innerExpressions(node, depth) };
      }
    }
    return { ...located, kind: 'template', parts };
  }

  private forExpression(node: Node, depth: number): HclExpression {
    const located = this.located(node);
    const children = this.named(node);
    const intro = children.find((child) => child.type === 'for_intro');
    const introChildren = intro ? this.named(intro) : [];
    const collection = introChildren.find((child) => child.type === 'expression');
    const results = children.flatMap((child) => {
      if (child.type === 'expression') return [this.expression(child, depth + 1)];
      if (child.type === 'for_cond') return this.innerExpressions(child, depth);
      return [];
    });
    return {
      ...located,
      kind: 'for',
      variables: introChildren.filter((child) => child.type === 'identifier').map((child) => this.source(child)),
      collection: collection ? this.expression(collection, depth + 1) : { ...located, kind: 'other', children: [] },
      results,
    };
  }

  /**
   * The steps of one traversal node. A splat (`[*]`, `.*`) holds the steps after it in
   * tree-sitter's tree: they follow it here, so `x[*].arn` reads `arn` like `x[0].arn`.
   */
  private steps(node: Node, depth: number): HclTraversalStep[] {
    if (node.type === 'get_attr' || node.type === 'index') return [this.step(node, depth)];
    const steps: HclTraversalStep[] = [{ kind: 'splat', span: this.span(node) }];
    const pending = [...this.named(node)].reverse();
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next.type === 'get_attr' || next.type === 'index') steps.push(this.step(next, depth));
      else if (next.type === 'attr_splat' || next.type === 'full_splat') pending.push(...[...this.named(next)].reverse());
    }
    return steps;
  }

  private step(node: Node, depth: number): HclTraversalStep {
    const span = this.span(node);
    const children = this.named(node);
    if (node.type === 'get_attr') {
      const name = children.find((child) => child.type === 'identifier');
      return { kind: 'attribute', name: name ? this.source(name) : '', span };
    }
    if (node.type === 'index') {
      const inner = children[0];
      if (inner?.type === 'legacy_index') {
        const digits = this.source(inner).replace(/^\./, '');
        return { kind: 'index', key: { ...this.located(inner), kind: 'literal', value: Number(digits) }, span };
      }
      const key = inner ? this.named(inner).find((child) => child.type === 'expression') : undefined;
      return { kind: 'index', key: key ? this.expression(key, depth + 1) : undefined, span };
    }
    return { kind: 'splat', span };
  }

  /** Walks only the subtrees tree-sitter marks as holding an error, without recursion. */
  private collectSyntaxErrors(root: Node): void {
    const cursor = root.walk();
    let reported = 0;
    let descend = true;
    for (;;) {
      const node = cursor.currentNode;
      if (descend && (node.isError || node.isMissing)) {
        if (reported === maximumReportedErrors) {
          this.errors.push({ ...this.located(node), message: 'more syntax errors not reported' });
          break;
        }
        reported++;
        const excerpt = this.text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 30));
        this.errors.push({
          ...this.located(node),
          message: node.isMissing ? `syntax error: missing ${JSON.stringify(node.type)}` : `syntax error near ${JSON.stringify(excerpt)}`,
        });
      }
      if (descend && node.hasError && !node.isMissing && cursor.gotoFirstChild()) continue;
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
    cursor.delete();
  }
}
