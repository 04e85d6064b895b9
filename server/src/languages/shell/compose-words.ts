import type { TextSpan } from './shell-script';

/** A string with, for each UTF-16 unit, where it starts in the original, plus one entry for the end. */
export interface MappedText {
  readonly text: string;
  readonly offsets: readonly number[];
  /** Per unit: compose replaces it by interpolation, so its value is unknown here. */
  readonly opaque: readonly boolean[];
}

export interface ComposeWordsError {
  readonly message: string;
  /** In the original string's indices. */
  readonly span: TextSpan;
}

const bracedVariable = /^[_a-z][_a-z0-9]*(?::?[-+?][\s\S]*)?$/i;

/**
 * Compose interpolates every string of the file before using it: `$$` is a literal `$`, `$NAME`
 * and `${NAME…}` are replaced, `${` followed by anything else makes compose reject the file
 * ("Invalid template"), and any other `$` stays as it is.
 */
export function resolveComposeInterpolation(raw: string): { readonly mapped: MappedText; readonly errors: readonly ComposeWordsError[] } {
  let text = '';
  const offsets: number[] = [];
  const opaque: boolean[] = [];
  const errors: ComposeWordsError[] = [];
  const append = (characters: string, start: number, isOpaque: boolean): void => {
    text += characters;
    for (let index = 0; index < characters.length; index++) {
      offsets.push(start + index);
      opaque.push(isOpaque);
    }
  };
  let index = 0;
  while (index < raw.length) {
    const character = raw[index] as string;
    const next = raw[index + 1];
    if (character !== '$' || next === undefined) {
      append(character, index, false);
      index++;
    } else if (next === '$') {
      text += '$';
      offsets.push(index);
      opaque.push(false);
      index += 2;
    } else if (next === '{') {
      const close = matchingBrace(raw, index + 2);
      if (close === undefined || !bracedVariable.test(raw.slice(index + 2, close))) {
        errors.push({
          message: `compose cannot interpolate ${JSON.stringify(raw.slice(index, (close ?? raw.length - 1) + 1))} ("Invalid template"); write $$ for a literal $`,
          span: { start: index, end: (close ?? raw.length - 1) + 1 },
        });
        append(raw.slice(index, (close ?? raw.length - 1) + 1), index, true);
        index = (close ?? raw.length - 1) + 1;
      } else {
        append(raw.slice(index, close + 1), index, true);
        index = close + 1;
      }
    } else {
      const name = /^[_a-z][_a-z0-9]*/i.exec(raw.slice(index + 1, index + 257));
      const length = name ? 1 + name[0].length : 1;
      append(raw.slice(index, index + length), index, name !== null);
      index += length;
    }
  }
  offsets.push(raw.length);
  return { mapped: { text, offsets, opaque }, errors };
}

function matchingBrace(raw: string, from: number): number | undefined {
  let depth = 1;
  for (let index = from; index < raw.length; index++) {
    if (raw[index] === '{') depth++;
    else if (raw[index] === '}' && --depth === 0) return index;
  }
  return undefined;
}

/** No interpolation: each unit is itself. */
export function identityMapped(text: string): MappedText {
  return { text, offsets: Array.from({ length: text.length + 1 }, (_, index) => index), opaque: new Array<boolean>(text.length).fill(false) };
}

export interface SplitWord {
  readonly value: string;
  /** Per unit of `value`, where it starts in the original, plus the end of the last one. */
  readonly offsets: readonly number[];
  readonly opaque: readonly boolean[];
  /** The word as written in the original, quotes included. */
  readonly span: TextSpan;
}

/**
 * Splits the string form of `command:` / `entrypoint:` the way compose does (compose-go hands it
 * to go-shellwords): words break on unquoted blanks, quotes and backslashes are removed, nothing
 * is expanded — and an unquoted `;`, `&`, `|`, `<` or `>` silently ends the command, since no
 * shell ever sees it.
 */
export function splitComposeString(input: MappedText): { readonly words: readonly SplitWord[]; readonly errors: readonly ComposeWordsError[] } {
  const { text, offsets, opaque } = input;
  const words: SplitWord[] = [];
  const errors: ComposeWordsError[] = [];
  const at = (index: number): number => offsets[index] ?? (offsets[offsets.length - 1] as number);

  let value = '';
  let valueOffsets: number[] = [];
  let valueOpaque: boolean[] = [];
  let wordStart = -1;
  let lastEnd = 0;
  let started = false;
  let escaped = false;
  let singleQuoted = false;
  let doubleQuoted = false;
  let backQuoted = false;
  let dollarParenthesis = false;

  const add = (characters: string, index: number, end: number): void => {
    value += characters;
    for (let unit = 0; unit < characters.length; unit++) {
      valueOffsets.push(at(index));
      valueOpaque.push(opaque[index] ?? false);
    }
    lastEnd = end;
    started = true;
  };
  const emit = (end: number): void => {
    if (started) {
      words.push({ value, offsets: [...valueOffsets, at(lastEnd)], opaque: valueOpaque, span: { start: at(wordStart), end: at(end) } });
    }
    value = '';
    valueOffsets = [];
    valueOpaque = [];
    wordStart = -1;
    started = false;
  };

  let index = 0;
  for (; index < text.length; index++) {
    const character = text[index] as string;
    if (wordStart < 0 && !(/[ \t\r\n]/.test(character) && !escaped)) wordStart = index;
    if (escaped) {
      escaped = false;
      if (backQuoted || dollarParenthesis) add(`\\${character}`, index - 1, index + 1);
      else add(character === 't' ? '\t' : character === 'n' ? '\n' : character, index - 1, index + 1);
      continue;
    }
    const quoted = singleQuoted || doubleQuoted || backQuoted || dollarParenthesis;
    if (character === '\\') {
      if (singleQuoted) add(character, index, index + 1);
      else escaped = true;
      continue;
    }
    if (/[ \t\r\n]/.test(character)) {
      if (quoted) add(character, index, index + 1);
      else emit(index);
      continue;
    }
    if (character === '"' && !singleQuoted && !dollarParenthesis && !backQuoted) {
      if (doubleQuoted) {
        started = true;
        lastEnd = index;
      }
      doubleQuoted = !doubleQuoted;
      continue;
    }
    if (character === "'" && !doubleQuoted && !dollarParenthesis && !backQuoted) {
      if (singleQuoted) {
        started = true;
        lastEnd = index;
      }
      singleQuoted = !singleQuoted;
      continue;
    }
    if (character === '`' && !singleQuoted && !doubleQuoted && !dollarParenthesis) backQuoted = !backQuoted;
    if ((character === '(' || character === ')') && !singleQuoted && !doubleQuoted && !backQuoted) {
      if (character === '(' && !dollarParenthesis && value.endsWith('$')) dollarParenthesis = true;
      else if (character === ')' && dollarParenthesis) dollarParenthesis = false;
      else {
        errors.push({
          message: `compose rejects the command: unquoted ${JSON.stringify(character)} ("invalid command line string")`,
          span: { start: at(index), end: at(index + 1) },
        });
        return { words: [], errors };
      }
    }
    if (';&|<>'.includes(character) && !quoted) {
      // `2>` is a redirection of descriptor 2: the digits go with the operator.
      const cut = character === '>' && /^[0-9]+$/.test(value) ? wordStart : index;
      if (cut !== wordStart) emit(index);
      errors.push({
        message: `compose does not run a shell: the command ends at the unquoted ${JSON.stringify(character)} and the rest is dropped; wrap it in sh -c '…'`,
        span: { start: at(cut), end: at(text.length) },
      });
      return { words, errors };
    }
    add(character, index, index + 1);
  }
  if (escaped || singleQuoted || doubleQuoted || backQuoted || dollarParenthesis) {
    errors.push({
      message: 'compose rejects the command: unterminated quote or escape ("invalid command line string")',
      span: { start: at(Math.max(wordStart, 0)), end: at(text.length) },
    });
    return { words: [], errors };
  }
  emit(index);
  return { words, errors };
}
