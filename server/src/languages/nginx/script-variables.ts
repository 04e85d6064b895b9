/**
 * The variables a value names when nginx compiles it (src/http/ngx_http_script.c,
 * ngx_http_script_compile(); the stream module's is the same): `$name` (letters, digits and
 * `_`), `${name}`, and `$1`…`$9`, which are regex captures, not variables.
 */

export interface VariableReference {
  /** As written, without `$` and braces. */
  readonly name: string;
  /** Offset of the `$` in the value. */
  readonly start: number;
  /** Offset just past the reference (past `}` for `${name}`). */
  readonly end: number;
}

/** A letter, a digit or `_`, by character code (this runs for every character of every compiled value). */
function isNameCharacter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/**
 * The variable references of a value nginx compiles, in order. undefined when nginx refuses the
 * value itself (a `$` at the end, `${` without `}`, `$` followed by no name): another error.
 */
export function variableReferences(value: string): VariableReference[] | undefined {
  const references: VariableReference[] = [];
  let index = 0;
  while (index < value.length) {
    const dollar = value.indexOf('$', index);
    if (dollar < 0) break;
    index = dollar;
    const start = index;
    index++;
    if (index === value.length) return undefined;
    if (value[index] >= '1' && value[index] <= '9') {
      index++;
      continue;
    }
    const bracket = value[index] === '{';
    if (bracket) {
      index++;
      if (index === value.length) return undefined;
    }
    const nameStart = index;
    while (index < value.length && isNameCharacter(value.charCodeAt(index))) index++;
    const name = value.slice(nameStart, index);
    if (bracket) {
      if (value[index] !== '}') return undefined;
      index++;
    }
    if (name === '') return undefined;
    references.push({ name, start, end: index });
  }
  return references;
}

/**
 * The named groups of a PCRE pattern — `(?<name>…)`, `(?P<name>…)`, `(?'name'…)` — which
 * ngx_http_regex_compile() adds as variables of the whole http{} block.
 */
export function namedCaptures(pattern: string): string[] {
  const names: string[] = [];
  for (const match of pattern.matchAll(/\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g)) names.push(match[1] ?? match[2]);
  return names;
}
