/**
 * Compose interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+alternative}`, `${VAR+alternative}`, nesting, `$$`).
 *
 * A variable without a value is not the empty string here, unlike in compose: the lint runs
 * on a developer's machine, not on the server, so the value is unknown. Unknown parts of a
 * text are replaced by `unknownMarker`, which lets a later parser (a port, a volume) still use
 * the known parts. NUL bytes never reach this code from a file (binary files are refused).
 */
export const unknownMarker = '\u0000';

/** Variable name → value; a value may itself hold unknown markers (a `.env` line using an unset variable). */
export type VariableLookup = (name: string) => string | undefined;

export interface InterpolationResult {
  readonly text: string;
  readonly unknown: boolean;
  /** Malformed expressions; the text is then unknown as a whole, as compose would refuse it. */
  readonly errors: string[];
}

export function isUnknownText(text: string): boolean {
  return text.includes(unknownMarker);
}

export function interpolate(text: string, lookup: VariableLookup): InterpolationResult {
  if (!text.includes('$')) return { text, unknown: isUnknownText(text), errors: [] };
  const errors: string[] = [];
  const result = new Interpolator(text, lookup, errors).expand(0, text.length);
  if (errors.length > 0) return { text: unknownMarker, unknown: true, errors };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the interpolator's own marker of an unknown value
  const collapsed = result.replace(/\u0000+/g, unknownMarker);
  return { text: collapsed, unknown: isUnknownText(collapsed), errors };
}

const namePattern = /^[_a-zA-Z][_a-zA-Z0-9]*/;

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';
const operators: readonly Operator[] = [':-', '-', ':?', '?', ':+', '+'];

class Interpolator {
  constructor(
    private readonly text: string,
    private readonly lookup: VariableLookup,
    private readonly errors: string[],
  ) {}

  expand(start: number, end: number): string {
    let output = '';
    let index = start;
    while (index < end) {
      const dollar = this.text.indexOf('$', index);
      if (dollar < 0 || dollar >= end) {
        output += this.text.slice(index, end);
        break;
      }
      output += this.text.slice(index, dollar);
      const next = this.text[dollar + 1];
      if (next === '$') {
        output += '$';
        index = dollar + 2;
      } else if (next === '{') {
        const close = this.findClosingBrace(dollar + 2, end);
        if (close < 0) {
          this.errors.push(`invalid interpolation format: unterminated "\${" in "${this.text}"`);
          return output;
        }
        output += this.expandBraced(dollar + 2, close);
        index = close + 1;
      } else {
        const name = namePattern.exec(this.text.slice(dollar + 1, end))?.[0];
        if (name === undefined) {
          // compose keeps a `$` that starts no variable name as it is.
          output += '$';
          index = dollar + 1;
        } else {
          output += this.lookup(name) ?? unknownMarker;
          index = dollar + 1 + name.length;
        }
      }
    }
    return output;
  }

  /** The `}` closing a `${` whose content starts at `start`, skipping nested `${…}` and `$$`. */
  private findClosingBrace(start: number, end: number): number {
    let depth = 0;
    for (let index = start; index < end; index++) {
      const character = this.text[index];
      if (character === '$' && (this.text[index + 1] === '$' || this.text[index + 1] === '{')) {
        if (this.text[index + 1] === '{') depth++;
        index++;
      } else if (character === '}') {
        if (depth === 0) return index;
        depth--;
      }
    }
    return -1;
  }

  private expandBraced(start: number, close: number): string {
    const body = this.text.slice(start, close);
    const name = namePattern.exec(body)?.[0];
    if (name === undefined) {
      this.errors.push(`invalid interpolation format: "\${${body}}" does not start with a variable name`);
      return unknownMarker;
    }
    const rest = body.slice(name.length);
    const value = this.lookup(name);
    if (rest === '') return value ?? unknownMarker;
    const operator = operators.find((candidate) => rest.startsWith(candidate));
    if (operator === undefined) {
      this.errors.push(`invalid interpolation format: "\${${body}}" uses an operator compose does not support`);
      return unknownMarker;
    }
    const argument = (): string => this.expand(start + name.length + operator.length, close);
    const emptiness = valueEmptiness(value);
    switch (operator) {
      case ':-':
        if (emptiness === 'unknown') return unknownMarker;
        return emptiness === 'non-empty' ? (value as string) : argument();
      case '-':
        return value ?? argument();
      case ':?':
        // compose would stop with the error message; the server may well have the variable set.
        return emptiness === 'non-empty' ? (value as string) : unknownMarker;
      case '?':
        return value ?? unknownMarker;
      case ':+':
        if (emptiness === 'unknown') return unknownMarker;
        return emptiness === 'non-empty' ? argument() : '';
      case '+':
        return value === undefined ? '' : argument();
    }
  }
}

function valueEmptiness(value: string | undefined): 'empty' | 'non-empty' | 'unknown' {
  if (value === undefined || value === '') return 'empty';
  return value.replaceAll(unknownMarker, '') === '' ? 'unknown' : 'non-empty';
}
