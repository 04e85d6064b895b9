/**
 * Offsets in UTF-16 code units (JavaScript string indices), end exclusive. They count in the
 * caller's text: the parsed text itself, or whatever `sourceOffsets` mapped it to.
 */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface ShellWord {
  /** After quote removal; what the shell would expand at run time stays as written (`$HOME`). */
  readonly value: string;
  /** False when the shell may change it at run time: parameters, substitutions, globs, `~`, braces. */
  readonly literal: boolean;
  /** The word as written, quotes included. */
  readonly span: TextSpan;
  /**
   * Where each UTF-16 unit of `value` was written, plus one entry for the end of the word, so a
   * caller can point at part of a word (one domain of `-d a.com,b.com`) even through quotes.
   */
  readonly offsets: readonly number[];
}

export type ShellLoopKind = 'while' | 'until' | 'for' | 'select';

export interface ShellLoop {
  readonly kind: ShellLoopKind;
  /** From the keyword to `done`. */
  readonly span: TextSpan;
  /** The commands that decide, on every turn, whether the loop goes on; empty for `for`. */
  readonly condition: readonly ShellCommand[];
  /** Every command between `do` and `done`, nested ones included, in source order. */
  readonly body: readonly ShellCommand[];
  /**
   * `for name in words` (or `for name`): the list is expanded once, before the first turn, so
   * the body runs once per word and the loop ends. `while`, `until`, `select` and the arithmetic
   * `for ((…))` turn for as long as their condition lets them.
   */
  readonly perWord: boolean;
}

/** The first of `loops` that runs its body again and again, rather than once per word of a list. */
export function repeatingLoop(loops: readonly ShellLoop[]): ShellLoop | undefined {
  return loops.find((loop) => !loop.perWord);
}

export interface ShellAssignment {
  readonly name: string;
  readonly span: TextSpan;
  /** `name=(a b)` gives `elements`; `name=value` (and `name=`) gives `value`. */
  readonly value?: ShellWord;
  readonly elements?: readonly ShellWord[];
  /** `name+=value` */
  readonly append: boolean;
  /** A prefix (`VAR=x command`) only holds for that command's environment. */
  readonly prefix: boolean;
  /** Made only sometimes or repeatedly: in an `if`/`case` branch, after `&&`/`||`, in a loop or a function. */
  readonly conditional: boolean;
}

export interface ShellCommand {
  /**
   * What runs: for `exec nginx -g …` that is `nginx` (see `exec`). Absent for a command made of
   * assignments and redirections only.
   */
  readonly name?: ShellWord;
  readonly arguments: readonly ShellWord[];
  readonly assignments: readonly ShellAssignment[];
  /** The whole simple command, `exec` and prefix assignments included. */
  readonly span: TextSpan;
  /** Enclosing loops, outermost first. */
  readonly loops: readonly ShellLoop[];
  /** Run with `exec`: it replaces the shell, so nothing after it runs. */
  readonly exec: boolean;
  /** Followed by `&` (alone or as part of a list or pipeline): the script does not wait for it. */
  readonly background: boolean;
  /** One stage of a `|` pipeline. */
  readonly pipeline: boolean;
  /** Runs only under a condition: an `if`/`case` branch, or the right of `&&` / `||`. */
  readonly conditional: boolean;
  /** Inside `( … )`, `$( … )`, backquotes or a process substitution: its `exit`/`cd` stay there. */
  readonly subshell: boolean;
  /** Inside `$( … )` / backquotes / `<( … )`: its output is data, not something the script runs for effect. */
  readonly substitution: boolean;
  /** Set inside a function body: it runs only when the function is called. */
  readonly functionName?: string;
}

export interface ShellTrap {
  /** The command string the shell evaluates on the signal; absent for `trap -p` / `trap -l`. */
  readonly action?: ShellWord;
  readonly signals: readonly ShellWord[];
  readonly command: ShellCommand;
}

export interface ShellSyntaxError {
  readonly message: string;
  readonly span: TextSpan;
}

export interface ShellScript {
  /** Every simple command, nested ones included, in source order. */
  readonly commands: readonly ShellCommand[];
  readonly loops: readonly ShellLoop[];
  readonly traps: readonly ShellTrap[];
  /** Every assignment in source order, `export`/`local`/`declare` ones and command prefixes included. */
  readonly assignments: readonly ShellAssignment[];
  /** Syntax errors and the limits that stopped the analysis; never thrown. */
  readonly errors: readonly ShellSyntaxError[];
}
