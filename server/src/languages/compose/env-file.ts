import { posix } from 'node:path';
import { LineIndex } from '../../text/line-index';
import { describeFileSystemError, type FileSystem } from '../../workspace/file-system';
import { interpolate } from './interpolation';
import { type ComposeDiagnostic, fileStartLocation, type Range } from './source-location';
import { maximumComposeFileSize } from './yaml-reader';

export interface EnvFile {
  /** In file order; a value may hold unknown markers when it uses an unset variable. */
  readonly variables: Map<string, string>;
  readonly diagnostics: ComposeDiagnostic[];
}

/**
 * The variables for interpolation: `environment` (what the caller says the shell holds) over the
 * env file, when there is one. A missing env file is normal; an unusable one is reported.
 */
export function readEnvFile(
  fileSystem: FileSystem,
  file: string,
  environment: Readonly<Record<string, string>>,
  diagnostics: ComposeDiagnostic[],
): Map<string, string> {
  const fallback = new Map(Object.entries(environment));
  const stat = fileSystem.stat(file);
  if (stat?.kind !== 'file') return fallback;
  const report = (code: ComposeDiagnostic['code'], message: string): Map<string, string> => {
    diagnostics.push({ code, severity: 'error', message, location: fileStartLocation(file) });
    return fallback;
  };
  if (stat.size > maximumComposeFileSize)
    return report('file-too-large', `${file} is ${stat.size} bytes; env files over ${maximumComposeFileSize} bytes are not read`);
  let bytes: Uint8Array;
  try {
    bytes = fileSystem.readFile(file);
  } catch (error) {
    return report('unreadable-file', `cannot read ${file}: ${describeFileSystemError(error)}`);
  }
  if (bytes.indexOf(0) >= 0) return report('binary-file', `${file} is a binary file (it holds NUL bytes), not an env file`);
  const parsed = parseEnvFile(new TextDecoder('utf-8').decode(bytes), file, environment);
  diagnostics.push(...parsed.diagnostics);
  return parsed.variables;
}

/**
 * A variable name as compose-go's dotenv parser reads it (dotenv/parser.go, locateKeyName, at
 * e70e961c): letters and digits (Unicode ones too), `_`, `.`, `-`, `[` and `]`. `=` ends it, and
 * so does `:` ("library also supports yaml-style value declaration": `KEY: value`, and
 * `KEY:=value` whose value is `=value`); blanks before the end are skipped, but a blank between
 * two parts of a name is refused.
 */
const keyPattern = /^[\p{L}\p{N}_.[\]-]*/u;
const keyCharacter = /^[\p{L}\p{N}_.[\]-]/u;

/**
 * Reads a `.env` file the way docker compose does: `#` comments, blank lines, an optional
 * `export`, `KEY=value` or `KEY: value`, single quotes taken literally, double quotes with escapes and interpolation,
 * unquoted values with interpolation and ` #` comments. A value may use the variables of
 * earlier lines; the caller's environment wins over them, as it wins over the file itself.
 */
export function parseEnvFile(text: string, file: string, environment: Readonly<Record<string, string>>): EnvFile {
  const variables = new Map<string, string>();
  const diagnostics: ComposeDiagnostic[] = [];
  const lookup = (name: string): string | undefined => environment[name] ?? variables.get(name);
  const reader = new TextCursor(text);

  while (!reader.atEnd()) {
    reader.skip(/[ \t]*/y);
    const lineStart = reader.offset;
    if (reader.peek() === '#' || reader.peek() === '\n' || reader.peek() === '\r' || reader.atEnd()) {
      reader.skipLine();
      continue;
    }
    reader.skip(/export[ \t]+/y);
    const key = reader.take(keyPattern) ?? '';
    reader.skip(/[ \t]*/y);
    const end = reader.peek();
    if (end !== '=' && end !== ':') {
      const rest = reader.restOfLine();
      if (key !== '' && (rest.trim() === '' || rest.trimStart().startsWith('#'))) {
        // A bare name passes the variable through from the environment running compose.
        const inherited = environment[key];
        if (inherited !== undefined) variables.set(key, inherited);
      } else {
        const why = keyCharacter.test(end)
          ? `a variable name cannot contain a space (${key} ${rest.split(/[\s=:]/)[0]})`
          : `unexpected character "${end}" in a variable name`;
        diagnostics.push(problem(file, reader, lineStart, reader.lineEnd(), `invalid line in ${posix.basename(file)}: ${why}`));
      }
      reader.skipLine();
      continue;
    }
    reader.advance(1);
    reader.skip(/[ \t]*/y);
    const quote = reader.peek();
    let raw: string;
    if (quote === "'" || quote === '"') {
      const valueStart = reader.offset;
      const quoted = reader.takeQuoted(quote);
      if (quoted === undefined) {
        diagnostics.push(
          problem(
            file,
            reader,
            valueStart,
            text.length,
            `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value for ${key} in ${posix.basename(file)}`,
          ),
        );
        break;
      }
      raw = quote === "'" ? quoted.replaceAll("\\'", "'").replaceAll('$', () => '$$') : unescapeDoubleQuoted(quoted);
    } else {
      raw = reader
        .restOfLine()
        .replace(/[ \t]#.*$/, '')
        .trim();
    }
    const lineEnd = reader.lineEnd();
    reader.skipLine();
    const result = interpolate(raw, lookup);
    for (const error of result.errors) diagnostics.push(problem(file, reader, lineStart, lineEnd, `${error} (${key} in ${posix.basename(file)})`));
    if (environment[key] === undefined) variables.set(key, result.text);
  }
  for (const [name, value] of Object.entries(environment)) variables.set(name, value);
  return { variables, diagnostics };
}

const doubleQuotedEscapes: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$$' };

/** Escapes become their characters; `\$` becomes `$$` so interpolation leaves a literal dollar. */
function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\(.)/gs, (whole, character: string) => doubleQuotedEscapes[character] ?? whole);
}

function problem(file: string, reader: TextCursor, start: number, end: number, message: string): ComposeDiagnostic {
  return { code: 'invalid-env-file', severity: 'warning', message, location: { file, range: reader.range(start, end) } };
}

class TextCursor {
  offset = 0;
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  peek(): string {
    return this.text[this.offset] ?? '';
  }

  advance(count: number): void {
    this.offset += count;
  }

  /** `pattern` must be sticky (`y`). */
  skip(pattern: RegExp): void {
    pattern.lastIndex = this.offset;
    const match = pattern.exec(this.text);
    if (match) this.offset += match[0].length;
  }

  take(pattern: RegExp): string | undefined {
    const match = pattern.exec(this.text.slice(this.offset));
    if (!match) return undefined;
    this.offset += match[0].length;
    return match[0];
  }

  /** The content between the quote at the cursor and its unescaped closing twin, lines included. */
  takeQuoted(quote: string): string | undefined {
    for (let index = this.offset + 1; index < this.text.length; index++) {
      if (this.text[index] === '\\') index++;
      else if (this.text[index] === quote) {
        const content = this.text.slice(this.offset + 1, index);
        this.offset = index + 1;
        return content;
      }
    }
    return undefined;
  }

  lineEnd(): number {
    const newline = this.text.indexOf('\n', this.offset);
    const end = newline < 0 ? this.text.length : newline;
    return this.text[end - 1] === '\r' ? end - 1 : end;
  }

  restOfLine(): string {
    return this.text.slice(this.offset, this.lineEnd());
  }

  skipLine(): void {
    const newline = this.text.indexOf('\n', this.offset);
    this.offset = newline < 0 ? this.text.length : newline + 1;
  }

  range(start: number, end: number): Range {
    return this.lines.rangeAt(start, end);
  }
}
