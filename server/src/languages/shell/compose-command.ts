import { identityMapped, resolveComposeInterpolation, splitComposeString, type ComposeWordsError, type MappedText, type SplitWord } from './compose-words';
import { parseShell } from './shell-parser';
import type { ShellCommand, ShellScript, ShellWord, TextSpan } from './shell-script';

/** A `command:` / `entrypoint:` value: the string form or the list form. */
export type ComposeCommandValue = string | readonly string[];

export type ComposeCommandField = 'entrypoint' | 'command';

export interface ComposeCommandInput {
  /** Absent or null: the image's own (unknown here). */
  readonly entrypoint?: ComposeCommandValue | null;
  readonly command?: ComposeCommandValue | null;
  /**
   * The strings are as written in the compose file unless this is set: then `$$` stands for `$`
   * and `$NAME` / `${NAME}` are compose's to replace, so words holding them are not literal.
   */
  readonly interpolated?: boolean;
}

/** One argv word. Its span and offsets count in one string of the input: `field`, list `item`. */
export interface ComposeWord extends ShellWord {
  readonly field: ComposeCommandField;
  /** Index in the list form; 0 for the string form. */
  readonly item: number;
}

export interface ComposeCommandError {
  readonly message: string;
  readonly field: ComposeCommandField;
  readonly item: number;
  readonly span: TextSpan;
}

export interface ComposeShellInvocation {
  /** `/bin/sh`, `bash`, … */
  readonly shell: ComposeWord;
  /** The option word holding `c` (`-c`, `-ec`). */
  readonly flag: ComposeWord;
  /** The script: a single argv word. */
  readonly body: ComposeWord;
  /** The body parsed; its spans count in the same string as the body's (`body.field`, `body.item`). */
  readonly script: ShellScript;
}

export interface ComposeCommand {
  /** What the container runs: entrypoint words, then command words. */
  readonly argv: readonly ComposeWord[];
  /** No `entrypoint:` was given, so the image's entrypoint (unknown here) runs `argv`. */
  readonly imageEntrypoint: boolean;
  /** No `command:` was given while the image's command still applies (no `entrypoint:` either). */
  readonly imageCommand: boolean;
  /** Set when argv is `sh -c BODY` (or bash, ash, dash; `-ec` and the like included). */
  readonly shell?: ComposeShellInvocation;
  /**
   * The commands it runs: those of the shell script, or else argv itself as one command (its
   * words are the same objects as in `argv`).
   */
  readonly commands: readonly ShellCommand[];
  readonly errors: readonly ComposeCommandError[];
}

interface FieldWord {
  readonly word: ComposeWord;
  readonly opaque: readonly boolean[];
}

/**
 * Resolves what compose hands to the container for `entrypoint:` + `command:`. With an
 * `entrypoint:`, compose ignores the image's command; the two lists are then simply joined, which
 * is how `entrypoint: /bin/sh -c` takes its script from `command:`.
 */
export function parseComposeCommand(input: ComposeCommandInput): ComposeCommand {
  const errors: ComposeCommandError[] = [];
  const entrypoint = fieldWords('entrypoint', input.entrypoint, input.interpolated ?? false, errors);
  const hasEntrypoint = input.entrypoint !== undefined && input.entrypoint !== null;
  const hasCommand = input.command !== undefined && input.command !== null;
  const command = fieldWords('command', input.command, input.interpolated ?? false, errors);
  const words = [...entrypoint, ...command];
  const argv = words.map(({ word }) => word);
  const shell = shellInvocation(words);
  const base = { argv, imageEntrypoint: !hasEntrypoint, imageCommand: !hasEntrypoint && !hasCommand, errors };
  if (shell) return { ...base, shell, commands: shell.script.commands };
  return { ...base, commands: argv.length > 0 ? [argvCommand(argv)] : [] };
}

function fieldWords(
  field: ComposeCommandField,
  value: ComposeCommandValue | null | undefined,
  interpolated: boolean,
  errors: ComposeCommandError[],
): FieldWord[] {
  if (value === undefined || value === null) return [];
  const report = (item: number) => (error: ComposeWordsError) => errors.push({ ...error, field, item });
  const mappedOf = (raw: string, item: number): MappedText => {
    if (interpolated) return identityMapped(raw);
    const resolved = resolveComposeInterpolation(raw);
    resolved.errors.forEach(report(item));
    return resolved.mapped;
  };
  if (typeof value === 'string') {
    const split = splitComposeString(mappedOf(value, 0));
    split.errors.forEach(report(0));
    return split.words.map((word) => fieldWord(word, field, 0));
  }
  return value.map((raw, item) => {
    const mapped = mappedOf(raw, item);
    const span = { start: 0, end: raw.length };
    return fieldWord({ value: mapped.text, offsets: mapped.offsets, opaque: mapped.opaque, span }, field, item);
  });
}

function fieldWord(word: SplitWord, field: ComposeCommandField, item: number): FieldWord {
  return {
    word: { value: word.value, literal: !word.opaque.includes(true), span: word.span, offsets: word.offsets, field, item },
    opaque: word.opaque,
  };
}

const shellNames = new Set(['sh', 'bash', 'ash', 'dash']);

function shellInvocation(words: readonly FieldWord[]): ComposeShellInvocation | undefined {
  const program = words[0]?.word;
  if (!program?.literal || !shellNames.has(program.value.slice(program.value.lastIndexOf('/') + 1))) return undefined;
  let flag: ComposeWord | undefined;
  let index = 1;
  // POSIX: sh -c [options] command_string [command_name [argument...]]; -o takes a value.
  while (index < words.length) {
    const word = (words[index] as FieldWord).word;
    if (word.value === '--') {
      index++;
      break;
    }
    if (!/^[-+][A-Za-z]/.test(word.value)) break;
    if (/^-[A-Za-z]*c/.test(word.value)) flag = word;
    index += /^[-+][A-Za-z]*o$/.test(word.value) ? 2 : 1;
  }
  const body = words[index];
  if (!flag || !body) return undefined;
  const script = parseShell(body.word.value, { sourceOffsets: body.word.offsets, opaqueRanges: opaqueRanges(body.opaque) });
  return { shell: program, flag, body: body.word, script };
}

function opaqueRanges(opaque: readonly boolean[]): TextSpan[] {
  const ranges: TextSpan[] = [];
  for (let index = 0; index < opaque.length; index++) {
    if (!opaque[index]) continue;
    const start = index;
    while (opaque[index + 1]) index++;
    ranges.push({ start, end: index + 1 });
  }
  return ranges;
}

/** Exec form: no shell, the program gets argv as is. */
function argvCommand(argv: readonly ComposeWord[]): ShellCommand {
  const [name, ...rest] = argv as [ComposeWord, ...ComposeWord[]];
  const last = argv[argv.length - 1] as ComposeWord;
  return {
    name,
    arguments: rest,
    assignments: [],
    span: { start: name.span.start, end: last.span.end },
    loops: [],
    exec: false,
    background: false,
    pipeline: false,
    conditional: false,
    subshell: false,
    substitution: false,
  };
}
