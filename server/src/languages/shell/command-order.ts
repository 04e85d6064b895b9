/**
 * The order of a script's commands, as far as its text tells: whether one command certainly ran
 * whenever a later one runs. Read from the parsed commands (their `conditional`, `loops`,
 * `functionName` flags) and from what stands between them in the text: only separators (`;`, a
 * newline, `&&`, `||`, `|`, redirections, comments) put two commands in one list; a keyword or a
 * brace between them (`fi`, `done`, `}`) means they are not, and nothing is claimed.
 */
import type { ShellAssignment, ShellCommand, ShellLoop, TextSpan } from './shell-script';

/** The commands of one script (or one `sh -c` body), with the text their spans count in. */
export interface CommandSource {
  readonly commands: readonly ShellCommand[];
  readonly assignments: readonly ShellAssignment[];
  /** The characters of the source from `start` to `end` (offsets as the spans count them). */
  readonly textBetween: (start: number, end: number) => string;
}

/** Whether every turn of the loops around a command reaches it: the loop's condition, a `for` over a list, `while true`. */
export function reachedOnEveryTurn(command: ShellCommand): boolean {
  return command.loops.every(
    (loop: ShellLoop) =>
      loop.condition.includes(command) || loop.perWord || (loop.kind === 'while' && loop.condition.every((test) => /^(true|:)$/.test(test.name?.value ?? ''))),
  );
}

/** `exit`, `return`, or a command run with `exec`: nothing after it runs (outside a subshell). */
export function stopsScript(command: ShellCommand): boolean {
  return !command.subshell && (command.exec || command.name?.value === 'exit' || command.name?.value === 'return');
}

const separators = /^(?:\s|\\\n|;;|;|&&|\|\||\||#[^\n]*|[0-9]*(?:<<?|>>?)&?\s*(?:"[^"]*"|'[^']*'|[^\s;&|<>()]+))*$/;

/** The text between two commands, without the commands, assignments and comments between them. */
function between(list: CommandSource, start: number, end: number): string {
  const skipped: TextSpan[] = [...list.commands.map((command) => command.span), ...list.assignments.map((assignment) => assignment.span)]
    .filter((span) => span.start >= start && span.end <= end)
    .sort((a, b) => a.start - b.start);
  let text = '';
  let at = start;
  for (const span of skipped) {
    if (span.start < at) continue;
    text += `${list.textBetween(at, span.start)} `;
    at = span.end;
  }
  return text + list.textBetween(at, end);
}

/** The separator tokens between two commands (`;`, newline as `;`, `&&`, `||`, `|`), or undefined when anything else stands there (a keyword, a brace). */
function separatorsBetween(list: CommandSource, start: number, end: number): string[] | undefined {
  const text = between(list, start, end);
  if (!separators.test(text)) return undefined;
  // a newline ends a command, except where a line goes on (`\`) or after an operator
  const tokens = text
    .replace(/#[^\n]*/g, '')
    .replace(/[0-9]*(?:<<?|>>?)&?\s*(?:"[^"]*"|'[^']*'|[^\s;&|<>()]+)/g, ' ')
    .replace(/\\\n/g, ' ')
    .replace(/(&&|\|\|?)\s+/g, '$1 ');
  return [...tokens.matchAll(/;;|;|\n|&&|\|\||\|/g)].map((match) => (match[0] === '\n' ? ';' : match[0]));
}

/** The command that ends last before `command` starts (the outer one of nested commands). */
function previousCommand(list: CommandSource, command: ShellCommand): ShellCommand | undefined {
  let previous: ShellCommand | undefined;
  for (const candidate of list.commands) {
    if (candidate.span.end > command.span.start) continue;
    if (!previous || candidate.span.end > previous.span.end || (candidate.span.end === previous.span.end && candidate.span.start < previous.span.start))
      previous = candidate;
  }
  return previous;
}

/** Commands that do not fail in practice: an `&&` after them does not make what follows depend on anything. */
const succeeding = new Set(['mkdir', 'echo', 'printf', 'true', ':']);

/**
 * How `command` joins its list, and the command that heads its and-or list: 'head' when nothing
 * before it in that list can keep it from running (it starts the list after `;`, a newline, a
 * keyword or the start; or follows a pipe, or an `&&` after `mkdir`, `echo`), 'and' when it runs
 * only once an `&&` before it has succeeded; undefined after `||`, or after an operator whose
 * left side is no plain command (`[ -e f ] && …`), which is not followed.
 */
function chainPosition(list: CommandSource, command: ShellCommand): { position: 'head' | 'and'; head: ShellCommand } | undefined {
  let position: 'head' | 'and' = 'head';
  let current = command;
  for (let steps = 0; steps < 1000; steps++) {
    const previous = previousCommand(list, current);
    const before = between(list, previous?.span.end ?? 0, current.span.start).replace(/#[^\n]*/g, '');
    const operator = /(&&|\|\||\|)(?:\s|\\\n)*$/.exec(before)?.[1];
    if (operator === undefined) return { position, head: current };
    if (operator === '||' || !previous || separatorsBetween(list, previous.span.end, current.span.start) === undefined) return undefined;
    if (operator === '&&' && !succeeding.has(previous.name?.value ?? '')) position = 'and';
    current = previous;
  }
  return undefined;
}

/** Whether `command` runs whenever the script or function around it gets there: outside any branch, or after an `&&` of commands that do not fail. */
function unconditional(list: CommandSource, command: ShellCommand): boolean {
  if (command.background) return false;
  if (!command.conditional) return true;
  const chain = chainPosition(list, command);
  return chain?.position === 'head' && !chain.head.conditional;
}

/**
 * Whether `command` runs whenever its script (or `sh -c` body) runs: at its top, outside any
 * branch, loop or function, or after an `&&` of commands that do not fail (`mkdir -p d && write`).
 */
export function runsUnconditionally(list: CommandSource, command: ShellCommand): boolean {
  return command.functionName === undefined && command.loops.length === 0 && unconditional(list, command);
}

/**
 * Whether `command` certainly ran whenever `later` runs: both at the top of the same script or
 * function; or in one list, where `later` follows the and-or list `command` heads (`command; …;
 * later`, `mkdir -p d && command; later`), or its `&&` (`… && command && later`).
 */
export function ranBefore(list: CommandSource, command: ShellCommand, later: ShellCommand): boolean {
  if (command.functionName !== later.functionName || command.background || command.span.end > later.span.start) return false;
  if (command.substitution || command.subshell !== later.subshell) return false;
  if (unconditional(list, command) && unconditional(list, later) && command.loops.every((loop) => later.loops.includes(loop))) return true;
  const tokens = separatorsBetween(list, command.span.end, later.span.start);
  if (tokens === undefined || tokens.length === 0 || tokens.includes('|') || tokens.includes(';;')) return false;
  if (list.commands.some((other) => other.span.start >= command.span.end && other.span.end <= later.span.start && stopsScript(other))) return false;
  const position = chainPosition(list, command)?.position;
  // `… && command && later`: later runs only once command has succeeded
  if (tokens.every((token) => token === '&&')) return position !== undefined;
  // `command …; later`: command heads a list item before later's
  return position === 'head' && tokens.includes(';');
}
