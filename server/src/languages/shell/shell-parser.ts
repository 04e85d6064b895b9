import type { Node } from 'web-tree-sitter';
import type { ShellAssignment, ShellCommand, ShellLoop, ShellLoopKind, ShellScript, ShellSyntaxError, ShellTrap, ShellWord, TextSpan } from './shell-script';
import { wordFromNodes, type OffsetMap } from './shell-word';
import { defaultTreeSitterLocations, GrammarParser, type TreeSitterLocations } from './tree-sitter-runtime';

export interface ShellParseOptions {
  /**
   * Where each UTF-16 unit of the text sits in the caller's coordinates, plus one entry for the
   * end (`text.length + 1` entries). Used when the script is itself part of a larger string.
   */
  readonly sourceOffsets?: readonly number[];
  /**
   * Parts of the text (indices of `text`) that something before the shell replaces, such as
   * compose interpolation: words touching them are not literal.
   */
  readonly opaqueRanges?: readonly TextSpan[];
  /** Longer texts are not parsed at all: repository scripts are small, anything bigger is not one. */
  readonly maxLength?: number;
  /** tree-sitter's error recovery can be slow on binary input; past this the parse is abandoned. */
  readonly timeoutMilliseconds?: number;
}

const defaultMaxLength = 1_000_000;
const defaultTimeoutMilliseconds = 2_000;
/** Deeper nesting than this is not a real script; stop before the JavaScript stack does. */
const maxNestingDepth = 1_000;
/** Binary input yields thousands of errors; past this many they tell the reader nothing more. */
const maxReportedErrors = 50;

const bash = new GrammarParser('parseShell called before initializeShellParser() completed');

/** Loads web-tree-sitter and the bash grammar once; `parseShell` needs it to have completed. */
export function initializeShellParser(locations: TreeSitterLocations = defaultTreeSitterLocations()): Promise<void> {
  return bash.load(locations.runtime, locations.bashGrammar);
}

export function parseShell(text: string, options: ShellParseOptions = {}): ShellScript {
  const sourceOffsets = options.sourceOffsets;
  const map: OffsetMap = sourceOffsets ? (index) => sourceOffsets[index] ?? index : (index) => index;
  const maxLength = options.maxLength ?? defaultMaxLength;
  if (text.length > maxLength) {
    return emptyScript({
      message: `script not analysed: ${text.length} characters, more than the limit of ${maxLength}`,
      span: { start: map(0), end: map(text.length) },
    });
  }
  const tree = bash.parseWithin(text, options.timeoutMilliseconds ?? defaultTimeoutMilliseconds);
  if (!tree) {
    return emptyScript({ message: 'script not analysed: parsing took too long', span: { start: map(0), end: map(text.length) } });
  }
  try {
    return new ScriptCollector(text, map, options.opaqueRanges ?? []).collect(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** The nodes grouped into runs that touch (one ends where the next starts): each run is one word for bash. */
function adjacentRuns(nodes: readonly Node[]): Node[][] {
  const runs: Node[][] = [];
  for (const node of nodes) {
    const last = runs[runs.length - 1];
    const previous = last?.[last.length - 1];
    if (last && previous && previous.endIndex === node.startIndex) last.push(node);
    else runs.push([node]);
  }
  return runs;
}

function emptyScript(error: ShellSyntaxError): ShellScript {
  return { commands: [], loops: [], traps: [], assignments: [], errors: [error] };
}

interface MutableLoop extends ShellLoop {
  readonly condition: ShellCommand[];
  readonly body: ShellCommand[];
}

interface EnclosingLoop {
  readonly loop: MutableLoop;
  readonly part: 'condition' | 'body';
}

interface Context {
  readonly loops: readonly EnclosingLoop[];
  readonly background: boolean;
  readonly pipeline: boolean;
  readonly conditional: boolean;
  readonly subshell: boolean;
  readonly substitution: boolean;
  readonly functionName?: string;
}

const topLevel: Context = { loops: [], background: false, pipeline: false, conditional: false, subshell: false, substitution: false };

interface FieldChild {
  readonly node: Node;
  readonly field: string | null;
}

class ScriptCollector {
  private readonly commands: ShellCommand[] = [];
  private readonly loops: MutableLoop[] = [];
  private readonly traps: ShellTrap[] = [];
  private readonly assignments: ShellAssignment[] = [];
  private readonly errors: ShellSyntaxError[] = [];
  private tooDeep = false;

  constructor(
    private readonly text: string,
    private readonly map: OffsetMap,
    private readonly opaqueRanges: readonly TextSpan[],
  ) {}

  collect(root: Node): ShellScript {
    if (root.hasError) this.collectSyntaxErrors(root);
    this.visit(root, topLevel, 0);
    return { commands: this.commands, loops: this.loops, traps: this.traps, assignments: this.assignments, errors: this.errors };
  }

  private span(node: Node): TextSpan {
    return { start: this.map(node.startIndex), end: this.map(node.endIndex) };
  }

  private word(node: Node): ShellWord {
    return this.wordOf([node]);
  }

  private wordOf(nodes: readonly Node[]): ShellWord {
    return wordFromNodes(nodes, this.text, this.map, (start, end) => this.opaqueRanges.some((range) => range.start < end && start < range.end));
  }

  /** Walks only the subtrees tree-sitter marks as holding an error, without recursion. */
  private collectSyntaxErrors(root: Node): void {
    const cursor = root.walk();
    let reported = 0;
    let descend = true;
    for (;;) {
      const node = cursor.currentNode;
      if (descend && (node.isError || node.isMissing)) {
        if (reported === maxReportedErrors) {
          this.errors.push({ message: 'more syntax errors not reported', span: this.span(node) });
          break;
        }
        reported++;
        this.errors.push({ message: this.errorMessage(node), span: this.span(node) });
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

  private errorMessage(node: Node): string {
    if (node.isMissing) return `syntax error: missing ${JSON.stringify(node.type)}`;
    const excerpt = this.text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 30));
    return `syntax error near ${JSON.stringify(excerpt)}`;
  }

  private visit(node: Node, context: Context, depth: number): void {
    if (depth > maxNestingDepth) {
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.errors.push({ message: `nested deeper than ${maxNestingDepth} levels; the inner part is not analysed`, span: this.span(node) });
      }
      return;
    }
    switch (node.type) {
      case 'command':
        this.visitCommand(node, context, depth);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.visitDeclaration(node, context, depth);
        return;
      case 'variable_assignment':
        this.assignments.push(this.assignment(node, false, context));
        this.visitChildren(node, context, depth);
        return;
      case 'while_statement':
        this.visitLoop(node, node.firstChild?.type === 'until' ? 'until' : 'while', context, depth);
        return;
      case 'for_statement':
      case 'c_style_for_statement':
        this.visitLoop(node, node.firstChild?.type === 'select' ? 'select' : 'for', context, depth);
        return;
      case 'if_statement':
      case 'elif_clause':
        for (const { node: child, field } of fieldChildren(node)) {
          this.visit(child, field === 'condition' ? context : { ...context, conditional: true }, depth + 1);
        }
        return;
      case 'else_clause':
      case 'case_item':
        this.visitChildren(node, { ...context, conditional: true }, depth);
        return;
      case 'list':
        this.visitList(node, context, depth);
        return;
      case 'pipeline':
        this.visitChildren(node, { ...context, pipeline: true }, depth);
        return;
      case 'subshell':
        this.visitChildren(node, { ...context, subshell: true }, depth);
        return;
      case 'command_substitution':
      case 'process_substitution':
        this.visitChildren(node, { ...context, subshell: true, substitution: true }, depth);
        return;
      case 'function_definition': {
        const name = node.childForFieldName('name');
        this.visitChildren(node, { ...context, functionName: name ? this.text.slice(name.startIndex, name.endIndex) : '' }, depth);
        return;
      }
      default:
        this.visitChildren(node, context, depth);
    }
  }

  /** A statement followed by `&` runs in the background, whatever it is made of. */
  private visitChildren(node: Node, context: Context, depth: number): void {
    const children = node.children;
    for (let index = 0; index < children.length; index++) {
      const child = children[index];
      if (!child?.isNamed) continue;
      const next = children[index + 1];
      const background = context.background || (next !== undefined && next !== null && next.type === '&');
      this.visit(child, background === context.background ? context : { ...context, background }, depth + 1);
    }
  }

  private visitList(node: Node, context: Context, depth: number): void {
    let afterOperator = false;
    for (const child of node.children) {
      if (!child) continue;
      if (!child.isNamed) {
        afterOperator = child.type === '&&' || child.type === '||';
        continue;
      }
      this.visit(child, afterOperator ? { ...context, conditional: true } : context, depth + 1);
    }
  }

  private visitLoop(node: Node, kind: ShellLoopKind, context: Context, depth: number): void {
    const loop: MutableLoop = { kind, span: this.span(node), condition: [], body: [], perWord: node.type === 'for_statement' && kind === 'for' };
    this.loops.push(loop);
    for (const { node: child, field } of fieldChildren(node)) {
      if (!child.isNamed) continue;
      if (field === 'body') {
        this.visit(child, { ...context, loops: [...context.loops, { loop, part: 'body' }] }, depth + 1);
      } else if (field === 'condition' && (kind === 'while' || kind === 'until')) {
        this.visit(child, { ...context, loops: [...context.loops, { loop, part: 'condition' }] }, depth + 1);
      } else {
        // The word list of `for x in …` is expanded once, before the first turn.
        this.visit(child, context, depth + 1);
      }
    }
  }

  private visitCommand(node: Node, context: Context, depth: number): void {
    const prefixAssignments: ShellAssignment[] = [];
    let nameNode: Node | undefined;
    const argumentNodes: Node[] = [];
    for (const { node: child, field } of fieldChildren(node)) {
      if (field === 'name') nameNode = child;
      else if (field === 'argument') argumentNodes.push(child);
      else if (child.type === 'variable_assignment') prefixAssignments.push(this.assignment(child, true, context));
    }
    this.assignments.push(...prefixAssignments);
    const words = [...(nameNode ? [this.word(nameNode)] : []), ...adjacentRuns(argumentNodes).map((run) => this.wordOf(run))];
    this.addCommand(words, prefixAssignments, this.span(node), context);
    this.visitWordsOf(node, context, depth);
  }

  /** `export A=1`, `local x`, `unset y`: simple commands that also assign. */
  private visitDeclaration(node: Node, context: Context, depth: number): void {
    const words: ShellWord[] = [];
    for (const child of node.children) {
      if (!child) continue;
      words.push(this.word(child));
      if (child.type === 'variable_assignment') this.assignments.push(this.assignment(child, false, context));
    }
    this.addCommand(words, [], this.span(node), context);
    this.visitWordsOf(node, context, depth);
  }

  /** Substitutions inside a command's words run commands of their own. */
  private visitWordsOf(node: Node, context: Context, depth: number): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      // The assignment itself is already recorded; only its value can hold a substitution.
      if (child.type === 'variable_assignment') this.visitChildren(child, context, depth + 1);
      else this.visit(child, context, depth + 1);
    }
  }

  private addCommand(words: readonly ShellWord[], assignments: readonly ShellAssignment[], span: TextSpan, context: Context): void {
    let name = words[0];
    let commandArguments = words.slice(1);
    let exec = false;
    if (name?.literal && name.value === 'exec') {
      const target = execTarget(commandArguments);
      if (target < commandArguments.length) {
        name = commandArguments[target];
        commandArguments = commandArguments.slice(target + 1);
        exec = true;
      }
    }
    const command: ShellCommand = {
      ...(name ? { name } : {}),
      arguments: commandArguments,
      assignments,
      span,
      loops: context.loops.map(({ loop }) => loop),
      exec,
      background: context.background,
      pipeline: context.pipeline,
      conditional: context.conditional,
      subshell: context.subshell,
      substitution: context.substitution,
      ...(context.functionName !== undefined ? { functionName: context.functionName } : {}),
    };
    this.commands.push(command);
    for (const { loop, part } of context.loops) loop[part].push(command);
    if (name?.literal && name.value === 'trap') this.traps.push(trapOf(command));
  }

  private assignment(node: Node, prefix: boolean, context: Context): ShellAssignment {
    const conditional = context.conditional || context.loops.length > 0 || context.functionName !== undefined;
    const nameNode = node.childForFieldName('name');
    const valueNode = node.childForFieldName('value');
    const operator = node.children.find((child) => child !== null && !child.isNamed && (child.type === '=' || child.type === '+='));
    const name = nameNode ? this.text.slice(nameNode.startIndex, nameNode.endIndex) : '';
    const append = operator?.type === '+=';
    const span = this.span(node);
    if (valueNode?.type === 'array') {
      const elements = valueNode.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment').map((child) => this.word(child));
      return { name, span, elements, append, prefix, conditional };
    }
    const value: ShellWord = valueNode ? this.word(valueNode) : { value: '', literal: true, span: { start: span.end, end: span.end }, offsets: [span.end] };
    return { name, span, value, append, prefix, conditional };
  }
}

/** tree-sitter's field names (`name`, `argument`, `condition`, `body`) only come through a cursor. */
function fieldChildren(node: Node): FieldChild[] {
  const children: FieldChild[] = [];
  const cursor = node.walk();
  if (cursor.gotoFirstChild()) {
    do children.push({ node: cursor.currentNode, field: cursor.currentFieldName });
    while (cursor.gotoNextSibling());
  }
  cursor.delete();
  return children;
}

/** Index of the command `exec` runs, past its own options (`-c`, `-l`, `-a NAME`). */
function execTarget(commandArguments: readonly ShellWord[]): number {
  let index = 0;
  while (index < commandArguments.length) {
    const argument = commandArguments[index] as ShellWord;
    if (!argument.literal || !argument.value.startsWith('-') || argument.value === '-') break;
    if (argument.value === '--') return index + 1;
    index += argument.value.includes('a') ? 2 : 1;
  }
  return index;
}

function trapOf(command: ShellCommand): ShellTrap {
  const words = command.arguments[0]?.value === '--' ? command.arguments.slice(1) : command.arguments;
  const first = words[0];
  if (!first || (first.literal && (first.value === '-p' || first.value === '-l'))) {
    return { signals: words.slice(1), command };
  }
  return { action: first, signals: words.slice(1), command };
}
