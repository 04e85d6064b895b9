/**
 * Three-valued conditions: a configure step's `HTTP=YES && HTTP_SSL=YES` and a C guard's
 * `NGX_HAVE_FILE_AIO || NGX_THREADS`, evaluated against what is known of a build. undefined is
 * "cannot tell" (a platform feature configure probes for, a comparison with a library version),
 * and it stays undefined through `!`, and through `&&` / `||` unless the other side decides.
 */

export type Truth = boolean | undefined;

type Node =
  | { readonly kind: 'atom'; readonly name: string; readonly compare?: { readonly equal: boolean; readonly value: string } }
  | { readonly kind: 'not'; readonly operand: Node }
  | { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'unreadable' };

const parsed = new Map<string, Node>();

function parse(text: string): Node {
  let node = parsed.get(text);
  if (node !== undefined) return node;
  const tokens = text.match(/[A-Za-z_]\w*(?:!?=\w+)?|&&|\|\||!|\(|\)|\S/g) ?? [];
  let position = 0;
  let readable = true;
  const primary = (): Node => {
    const token = tokens[position++];
    if (token === '!') return { kind: 'not', operand: primary() };
    if (token === '(') {
      const inner = disjunction();
      if (tokens[position++] !== ')') readable = false;
      return inner;
    }
    const match = token === undefined ? null : /^([A-Za-z_]\w*)(?:(!?=)(\w+))?$/.exec(token);
    if (!match) {
      readable = false;
      return { kind: 'unreadable' };
    }
    return match[2] === undefined ? { kind: 'atom', name: match[1] } : { kind: 'atom', name: match[1], compare: { equal: match[2] === '=', value: match[3] } };
  };
  const conjunction = (): Node => {
    let left = primary();
    while (tokens[position] === '&&') {
      position++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const disjunction = (): Node => {
    let left = conjunction();
    while (tokens[position] === '||') {
      position++;
      left = { kind: 'or', left, right: conjunction() };
    }
    return left;
  };
  node = disjunction();
  if (position !== tokens.length || !readable) node = { kind: 'unreadable' };
  parsed.set(text, node);
  return node;
}

export interface ConditionFacts {
  /** A configure variable's value; undefined when configure sets it from a probe certboot cannot repeat. */
  variable(name: string): string | undefined;
  /** Whether a C macro is defined; undefined when that depends on the platform or a library. */
  macro(name: string): Truth;
}

function evaluateNode(node: Node, facts: ConditionFacts): Truth {
  switch (node.kind) {
    case 'unreadable':
      return undefined;
    case 'atom': {
      if (node.compare === undefined) {
        if (node.name === 'true') return true;
        if (node.name === 'false') return false;
        if (node.name === 'unknown') return undefined;
        return facts.macro(node.name);
      }
      const value = facts.variable(node.name);
      if (value === undefined) return undefined;
      return (value === node.compare.value) === node.compare.equal;
    }
    case 'not': {
      const operand = evaluateNode(node.operand, facts);
      return operand === undefined ? undefined : !operand;
    }
    case 'and': {
      const left = evaluateNode(node.left, facts);
      if (left === false) return false;
      const right = evaluateNode(node.right, facts);
      if (right === false) return false;
      return left === true && right === true ? true : undefined;
    }
    case 'or': {
      const left = evaluateNode(node.left, facts);
      if (left === true) return true;
      const right = evaluateNode(node.right, facts);
      if (right === true) return true;
      return left === false && right === false ? false : undefined;
    }
  }
}

export function evaluateCondition(text: string, facts: ConditionFacts): Truth {
  return evaluateNode(parse(text), facts);
}
