/**
 * Reads what a module's C source declares about its directives, without compiling it: the
 * `ngx_command_t` arrays (name, type flags, handler, post), the `ngx_module_t` definitions that
 * tie an array to a module and its type, the `ngx_conf_deprecated_t` posts, and the warnings the
 * handlers print when a directive or one of its parameters is deprecated or obsolete.
 *
 * nginx's sources follow one layout (src/core/ngx_conf_file.h defines the structures; every
 * module fills them the same way), so a small lexer that keeps each token's preprocessor guard
 * is enough: `#if (NGX_HTTP_SSL)` around a command becomes that command's guard. Anything that
 * does not fit the layout is an error naming the file and line, never a silent skip.
 */

export interface Token {
  readonly kind: 'identifier' | 'number' | 'string' | 'character' | 'punctuation';
  /** For a string, its value with the escapes resolved; otherwise the text. */
  readonly text: string;
  readonly line: number;
  /** The preprocessor condition this token is compiled under, as an expression; undefined: always. */
  readonly guard: string | undefined;
  /**
   * In an #else or #elif branch. Code like `#if (NGX_WIN32) if (a) { #else if (b) { #endif` opens
   * one brace in each branch, so brackets are matched among tokens of the same kind of branch.
   */
  readonly alternative: boolean;
}

export class CSourceError extends Error {}

interface Condition {
  /** The conditions of the earlier branches of this #if chain, each of which was false. */
  readonly earlier: readonly string[];
  /** This branch's own condition; undefined in an #else. */
  readonly own: string | undefined;
}

/** `(NGX_HTTP_SSL)` → `NGX_HTTP_SSL`; `defined(X)` → `X`; whitespace normalised. */
export function normaliseCondition(text: string): string {
  let condition = text
    .replace(/\bdefined\s*\(\s*(\w+)\s*\)/g, '$1')
    .replace(/\bdefined\s+(\w+)/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .trim();
  while (condition.startsWith('(') && closingParenthesis(condition, 0) === condition.length - 1) condition = condition.slice(1, -1).trim();
  return condition;
}

function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index;
  }
  return -1;
}

function isSimple(condition: string): boolean {
  return /^!?\w+$/.test(condition);
}

function negate(condition: string): string {
  if (/^\w+$/.test(condition)) return `!${condition}`;
  if (/^!\w+$/.test(condition)) return condition.slice(1);
  return `!(${condition})`;
}

function conjunction(all: readonly string[]): string | undefined {
  const parts = [...new Set(all)];
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return parts.map((part) => (isSimple(part) || /^!\(.*\)$/.test(part) ? part : `(${part})`)).join(' && ');
}

function branchCondition(condition: Condition): string[] {
  const parts = condition.earlier.map(negate);
  if (condition.own !== undefined) parts.push(condition.own);
  return parts;
}

const punctuators = ['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '...'];

function unescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(Number.parseInt(escape, 8));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
    return simple[escape] ?? escape;
  });
}

/** Splits C source into tokens, each with the #if conditions around it. */
export function tokenize(source: string, file = 'source'): Token[] {
  const tokens: Token[] = [];
  const conditions: Condition[] = [];
  let guard: string | undefined;
  let alternative = false;
  const recomputeGuard = () => {
    guard = conjunction(conditions.flatMap(branchCondition));
    alternative = conditions.some((condition) => condition.earlier.length > 0);
  };
  let index = 0;
  let line = 1;
  let atLineStart = true;
  const fail = (message: string): never => {
    throw new CSourceError(`${file}:${line}: ${message}`);
  };
  // a /* comment */ (counting its lines) or a // comment up to the end of its line
  const skipComment = (): boolean => {
    if (source.startsWith('/*', index)) {
      const end = source.indexOf('*/', index + 2);
      if (end < 0) fail('unterminated comment');
      for (let at = index; at < end; at++) if (source[at] === '\n') line++;
      index = end + 2;
      return true;
    }
    if (!source.startsWith('//', index)) return false;
    while (index < source.length && source[index] !== '\n') index++;
    return true;
  };
  while (index < source.length) {
    const char = source[index];
    if (char === '\n') {
      line++;
      index++;
      atLineStart = true;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v') {
      index++;
      continue;
    }
    if (skipComment()) continue;
    if (char === '#' && atLineStart) {
      // a directive runs to the end of its line, continued by a trailing backslash; comments inside it go
      let text = '';
      const startLine = line;
      index++;
      while (index < source.length && source[index] !== '\n') {
        if (source[index] === '\\' && source[index + 1] === '\n') {
          index += 2;
          line++;
          text += ' ';
          continue;
        }
        if (skipComment()) {
          text += ' ';
          continue;
        }
        text += source[index++];
      }
      const match = /^\s*(\w+)\s*(.*)$/s.exec(text);
      const keyword = match?.[1] ?? '';
      const rest = (match?.[2] ?? '').trim();
      switch (keyword) {
        case 'if':
          conditions.push({ earlier: [], own: normaliseCondition(rest) });
          break;
        case 'ifdef':
          conditions.push({ earlier: [], own: normaliseCondition(rest) });
          break;
        case 'ifndef':
          conditions.push({ earlier: [], own: negate(normaliseCondition(rest)) });
          break;
        case 'elif': {
          const top = conditions.pop();
          if (top?.own === undefined) throw new CSourceError(`${file}:${startLine}: #elif without #if`);
          conditions.push({ earlier: [...top.earlier, top.own], own: normaliseCondition(rest) });
          break;
        }
        case 'else': {
          const top = conditions.pop();
          if (top?.own === undefined) throw new CSourceError(`${file}:${startLine}: #else without #if`);
          conditions.push({ earlier: [...top.earlier, top.own], own: undefined });
          break;
        }
        case 'endif':
          if (conditions.pop() === undefined) throw new CSourceError(`${file}:${startLine}: #endif without #if`);
          break;
        default:
          // #include, #define, #undef, #error, #pragma: nothing a command array depends on
          break;
      }
      recomputeGuard();
      continue;
    }
    atLineStart = false;
    const startLine = line;
    if (/[A-Za-z_]/.test(char)) {
      let end = index + 1;
      while (end < source.length && /\w/.test(source[end])) end++;
      tokens.push({ kind: 'identifier', text: source.slice(index, end), line: startLine, guard, alternative });
      index = end;
      continue;
    }
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[index + 1] ?? ''))) {
      let end = index + 1;
      while (end < source.length && /[\w.]/.test(source[end])) end++;
      tokens.push({ kind: 'number', text: source.slice(index, end), line: startLine, guard, alternative });
      index = end;
      continue;
    }
    if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < source.length && source[end] !== char) {
        if (source[end] === '\n') fail('newline in a string');
        end += source[end] === '\\' ? 2 : 1;
      }
      if (end >= source.length) fail('unterminated string');
      tokens.push({ kind: char === '"' ? 'string' : 'character', text: unescape(source.slice(index + 1, end)), line: startLine, guard, alternative });
      index = end + 1;
      continue;
    }
    const punctuator = punctuators.find((candidate) => source.startsWith(candidate, index)) ?? char;
    tokens.push({ kind: 'punctuation', text: punctuator, line: startLine, guard, alternative });
    index += punctuator.length;
  }
  if (conditions.length > 0) fail('#if without #endif');
  return tokens;
}

/** The index of the token that closes the bracket opened at `open`. */
function matching(tokens: readonly Token[], open: number, file: string): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const closer = pairs[tokens[open].text];
  const alternative = tokens[open].alternative;
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind !== 'punctuation' || token.alternative !== alternative) continue;
    if (token.text === tokens[open].text) depth++;
    else if (token.text === closer && --depth === 0) return index;
  }
  throw new CSourceError(`${file}:${tokens[open].line}: unclosed "${tokens[open].text}"`);
}

/** Splits tokens[from, to) at the commas outside brackets. */
function splitArguments(tokens: readonly Token[], from: number, to: number, file: string): Token[][] {
  const parts: Token[][] = [[]];
  for (let index = from; index < to; index++) {
    const token = tokens[index];
    if (token.kind === 'punctuation' && (token.text === '(' || token.text === '[' || token.text === '{')) {
      const close = matching(tokens, index, file);
      parts[parts.length - 1].push(...tokens.slice(index, close + 1));
      index = close;
      continue;
    }
    if (token.kind === 'punctuation' && token.text === ',') {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1].push(token);
  }
  return parts;
}

function sourceText(tokens: readonly Token[]): string {
  return tokens.map((token) => (token.kind === 'string' ? JSON.stringify(token.text) : token.text)).join('');
}

export interface CommandDeclaration {
  readonly name: string;
  /** The names or-ed together in the type field: NGX_HTTP_SRV_CONF, NGX_CONF_TAKE1… */
  readonly flags: readonly string[];
  readonly handler: string;
  /** The identifier behind `&` in the post field; undefined for NULL. */
  readonly post: string | undefined;
  readonly guard: string | undefined;
  /** The ngx_command_t array the command is in. */
  readonly array: string;
  readonly line: number;
}

export interface ModuleDefinition {
  readonly name: string;
  /** The ngx_command_t array named in the definition; undefined when it has none (NULL). */
  readonly commands: string | undefined;
  /** NGX_CORE_MODULE, NGX_HTTP_MODULE… */
  readonly type: string;
  readonly guard: string | undefined;
}

/** `static ngx_conf_deprecated_t x = { handler, "old", "new" };` */
export interface DeprecatedPost {
  readonly name: string;
  readonly handler: string;
  readonly oldName: string;
  readonly newName: string;
}

/** A warning a function prints with ngx_conf_log_error(NGX_LOG_WARN, …). */
export interface Warning {
  /** The format string, the adjacent literals joined. */
  readonly format: string;
  /** The arguments after the format, as source text without spaces: `&cmd->name`, `d->old_name`. */
  readonly arguments: readonly string[];
  /** The literal a preceding `if (ngx_strcmp(value[n].data, "http2") == 0)` around the call compares with. */
  readonly parameter: string | undefined;
  readonly guard: string | undefined;
  readonly line: number;
}

export interface FunctionSummary {
  readonly name: string;
  readonly warnings: readonly Warning[];
  /** The body does nothing but print warnings and return: the directive is accepted and ignored. */
  readonly onlyWarns: boolean;
  /** The functions it calls, by name. */
  readonly calls: readonly string[];
  /** Its calls of ngx_http_add_variable() and ngx_stream_add_variable(). */
  readonly variableAdditions: readonly VariableAddition[];
}

/** `ngx_http_add_variable(cf, &name, flags)` in a function body. */
export interface VariableAddition {
  readonly type: 'http' | 'stream';
  /** The name argument as source text without spaces: `&ngx_http_gzip_ratio`, `&value[1]`, `&v->name`. */
  readonly name: string;
  /** The flags argument as source text: `NGX_HTTP_VAR_CHANGEABLE`, `0`. */
  readonly flags: string;
  readonly line: number;
}

/** One entry of an `ngx_http_variable_t` (or `ngx_stream_variable_t`) array. */
export interface VariableEntry {
  readonly name: string;
  /** The names or-ed together in the flags field: NGX_HTTP_VAR_PREFIX, NGX_HTTP_VAR_CHANGEABLE… (none for 0). */
  readonly flags: readonly string[];
  readonly guard: string | undefined;
  readonly line: number;
}

export interface VariableArray {
  readonly name: string;
  readonly type: 'http' | 'stream';
  readonly entries: readonly VariableEntry[];
}

export interface CSource {
  readonly commands: readonly CommandDeclaration[];
  readonly modules: readonly ModuleDefinition[];
  readonly deprecatedPosts: readonly DeprecatedPost[];
  readonly functions: ReadonlyMap<string, FunctionSummary>;
  readonly variableArrays: readonly VariableArray[];
  /** `static ngx_str_t  name = ngx_string("…");` at file level: identifier → string. */
  readonly staticStrings: ReadonlyMap<string, string>;
}

/**
 * The `{ … }` initializers of an array such as `ngx_command_t c[] = { { … }, …, ngx_null_command };`,
 * each split into its six fields (an #if inside one keeps its first branch), up to the array's
 * terminator: the identifier `terminator`, or an entry `isTerminator` recognises.
 */
function readArrayEntries(
  tokens: readonly Token[],
  open: number,
  file: string,
  what: { readonly array: string; readonly entry: string; readonly terminator: string },
  isTerminator: (fields: readonly Token[][]) => boolean = () => false,
): { entries: { token: Token; fields: Token[][] }[]; end: number } {
  const close = matching(tokens, open, file);
  const entries: { token: Token; fields: Token[][] }[] = [];
  let index = open + 1;
  let terminated = false;
  while (index < close) {
    const token = tokens[index];
    if (token.kind === 'identifier' && token.text === what.terminator) {
      terminated = true;
      index++;
      continue;
    }
    if (token.kind === 'punctuation' && token.text === ',') {
      index++;
      continue;
    }
    if (!(token.kind === 'punctuation' && token.text === '{')) {
      throw new CSourceError(`${file}:${token.line}: unexpected "${token.text}" in the ${what.entry} array ${what.array}`);
    }
    const entryClose = matching(tokens, index, file);
    // an #if inside an entry (`#if (NGX_PCRE) offsetof(…) #else 0 #endif`): the first branch stands
    const inner = tokens.slice(index + 1, entryClose).filter((inside) => inside.alternative === token.alternative);
    const fields = splitArguments(inner, 0, inner.length, file);
    // an initializer may end with a comma
    if (fields.length === 7 && fields[6].length === 0) fields.pop();
    if (fields.length !== 6) throw new CSourceError(`${file}:${token.line}: a ${what.entry} of ${what.array} has ${fields.length} fields, not 6`);
    index = entryClose + 1;
    if (isTerminator(fields)) {
      terminated = true;
      continue;
    }
    if (terminated) throw new CSourceError(`${file}:${token.line}: a ${what.entry} after ${what.terminator} in ${what.array}`);
    entries.push({ token, fields });
  }
  if (!terminated) throw new CSourceError(`${file}:${tokens[open].line}: the ${what.entry} array ${what.array} does not end with ${what.terminator}`);
  return { entries, end: close };
}

function readCommandArray(tokens: readonly Token[], open: number, array: string, file: string): { commands: CommandDeclaration[]; end: number } {
  const read = readArrayEntries(tokens, open, file, { array, entry: 'command', terminator: 'ngx_null_command' });
  const commands: CommandDeclaration[] = [];
  for (const { token, fields } of read.entries) {
    const where = `${file}:${token.line}`;
    // only the offsets may differ by #if: the name, type, handler and post must hold in every branch
    if ([0, 1, 2, 5].some((field) => fields[field].some((inside) => inside.guard !== token.guard))) {
      throw new CSourceError(`${where}: an #if around the name, type, handler or post of a command of ${array}`);
    }
    const [nameField, typeField, handlerField, , , postField] = fields;
    const nameText = sourceText(nameField);
    const name = /^ngx_string\((".*")\)$/.exec(nameText);
    if (!name) throw new CSourceError(`${where}: the command name is not ngx_string("…"): ${nameText}`);
    const flags = sourceText(typeField).split('|');
    if (flags.some((flag) => !/^NGX_\w+$/.test(flag))) throw new CSourceError(`${where}: cannot read the command type ${sourceText(typeField)}`);
    const handler = sourceText(handlerField);
    if (!/^\w+$/.test(handler)) throw new CSourceError(`${where}: the handler is not a name: ${handler}`);
    // the post is any pointer (an enum table, a state, a bounds structure); only `&name` can be a deprecation
    const post = /^&(\w+)$/.exec(sourceText(postField))?.[1];
    commands.push({ name: JSON.parse(name[1]) as string, flags, handler, post, guard: token.guard, array, line: token.line });
  }
  return { commands, end: read.end };
}

/** `ngx_http_variable_t name[] = { { ngx_string("x"), set, get, data, flags, index }, …, ngx_http_null_variable };` */
function readVariableArray(
  tokens: readonly Token[],
  open: number,
  array: string,
  type: 'http' | 'stream',
  file: string,
): { array: VariableArray; end: number } {
  // older sources end with the null variable written out: `{ ngx_null_string, NULL, NULL, 0, 0, 0 }`
  const read = readArrayEntries(
    tokens,
    open,
    file,
    { array, entry: 'variable', terminator: `ngx_${type}_null_variable` },
    (fields) => sourceText(fields[0]) === 'ngx_null_string',
  );
  const entries: VariableEntry[] = [];
  for (const { token, fields } of read.entries) {
    const where = `${file}:${token.line}`;
    if (fields[0].some((inside) => inside.guard !== token.guard) || fields[4].some((inside) => inside.guard !== token.guard)) {
      throw new CSourceError(`${where}: an #if around the name or flags of a variable of ${array}`);
    }
    const nameText = sourceText(fields[0]);
    const name = /^ngx_string\((".*")\)$/.exec(nameText);
    if (!name) throw new CSourceError(`${where}: the variable name is not ngx_string("…"): ${nameText}`);
    const flagsText = sourceText(fields[4]);
    const flags = flagsText === '0' ? [] : flagsText.split('|');
    if (flags.some((flag) => !/^NGX_\w+$/.test(flag))) throw new CSourceError(`${where}: cannot read the variable flags ${flagsText}`);
    entries.push({ name: JSON.parse(name[1]) as string, flags, guard: token.guard, line: token.line });
  }
  return { array: { name: array, type, entries }, end: read.end };
}

function readModule(tokens: readonly Token[], open: number, name: string, file: string): ModuleDefinition {
  const close = matching(tokens, open, file);
  const fields = splitArguments(tokens, open + 1, close, file).map(sourceText);
  // NGX_MODULE_V1 is one field standing for seven: context, commands and type follow it
  if (fields[0] !== 'NGX_MODULE_V1' || fields.length < 4)
    throw new CSourceError(`${file}:${tokens[open].line}: the module ${name} does not start with NGX_MODULE_V1`);
  const commands = fields[2] === 'NULL' ? undefined : fields[2];
  if (commands !== undefined && !/^\w+$/.test(commands))
    throw new CSourceError(`${file}:${tokens[open].line}: cannot read the commands of ${name}: ${commands}`);
  return { name, commands, type: fields[3], guard: tokens[open].guard };
}

function readDeprecatedPost(tokens: readonly Token[], open: number, name: string, file: string): DeprecatedPost {
  const close = matching(tokens, open, file);
  const fields = splitArguments(tokens, open + 1, close, file);
  const [handler, oldName, newName] = fields;
  if (
    fields.length !== 3 ||
    handler.length !== 1 ||
    oldName.length !== 1 ||
    oldName[0].kind !== 'string' ||
    newName.length !== 1 ||
    newName[0].kind !== 'string'
  ) {
    throw new CSourceError(`${file}:${tokens[open].line}: cannot read the ngx_conf_deprecated_t ${name}`);
  }
  return { name, handler: handler[0].text, oldName: oldName[0].text, newName: newName[0].text };
}

function isToken(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind !== 'string' && token.kind !== 'character' && token.text === text;
}

/** The parameter literal of the innermost `if (ngx_str[n]cmp(value[…].data, "…", …) …) { … }` around `at`. */
function parameterAround(tokens: readonly Token[], bodyStart: number, at: number, file: string): string | undefined {
  for (let index = at - 1; index > bodyStart; index--) {
    const token = tokens[index];
    if (token.kind !== 'identifier' || (token.text !== 'ngx_strcmp' && token.text !== 'ngx_strncmp')) continue;
    // only a comparison that opens an if around the call counts
    let ifIndex = index - 1;
    while (ifIndex > bodyStart && isToken(tokens[ifIndex], '(')) ifIndex--;
    if (!isToken(tokens[ifIndex], 'if')) continue;
    const conditionClose = matching(tokens, ifIndex + 1, file);
    if (!isToken(tokens[conditionClose + 1], '{')) continue;
    const blockClose = matching(tokens, conditionClose + 1, file);
    if (at > blockClose) continue;
    const callArguments = splitArguments(tokens, index + 2, matching(tokens, index + 1, file), file);
    const literal = callArguments[1];
    if (/^value\[\w+\]\.data$/.test(sourceText(callArguments[0])) && literal?.length === 1 && literal[0].kind === 'string') return literal[0].text;
  }
  return undefined;
}

function readFunction(tokens: readonly Token[], name: string, open: number, file: string): { summary: FunctionSummary; end: number } {
  const close = matching(tokens, open, file);
  const warnings: Warning[] = [];
  const calls = new Set<string>();
  const variableAdditions: VariableAddition[] = [];
  let otherWork = false;
  for (let index = open + 1; index < close; index++) {
    const token = tokens[index];
    if (token.kind === 'identifier' && isToken(tokens[index + 1], '(')) {
      const callClose = matching(tokens, index + 1, file);
      const callArguments = splitArguments(tokens, index + 2, callClose, file);
      if (!['if', 'return', 'sizeof', 'while', 'for', 'switch'].includes(token.text)) calls.add(token.text);
      const addition = /^ngx_(http|stream)_add_variable$/.exec(token.text);
      if (addition)
        variableAdditions.push({
          type: addition[1] as 'http' | 'stream',
          name: sourceText(callArguments[1] ?? []),
          flags: sourceText(callArguments[2] ?? []),
          line: token.line,
        });
      if (token.text === 'ngx_conf_log_error' && sourceText(callArguments[0] ?? []) === 'NGX_LOG_WARN') {
        const formatTokens = callArguments[3] ?? [];
        if (formatTokens.length === 0 || formatTokens.some((part) => part.kind !== 'string')) {
          throw new CSourceError(`${file}:${token.line}: a warning in ${name} whose format is not a string literal`);
        }
        warnings.push({
          format: formatTokens.map((part) => part.text).join(''),
          arguments: callArguments.slice(4).map(sourceText),
          parameter: parameterAround(tokens, open, index, file),
          guard: token.guard,
          line: token.line,
        });
        index = callClose;
        continue;
      }
      if (!['if', 'return', 'sizeof'].includes(token.text)) otherWork = true;
      continue;
    }
    // an assignment other than `d = cmd->post` changes the configuration
    if (isToken(token, '=') && sourceText(tokens.slice(index + 1, index + 4)) !== 'cmd->post') otherWork = true;
  }
  return { summary: { name, warnings, onlyWarns: !otherWork, calls: [...calls], variableAdditions }, end: close };
}

/** Reads the command arrays, module definitions, deprecation posts and handler warnings of one C file. */
export function readCSource(source: string, file = 'source'): CSource {
  const tokens = tokenize(source, file);
  const commands: CommandDeclaration[] = [];
  const modules: ModuleDefinition[] = [];
  const deprecatedPosts: DeprecatedPost[] = [];
  const functions = new Map<string, FunctionSummary>();
  const variableArrays: VariableArray[] = [];
  const staticStrings = new Map<string, string>();
  let depth = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind === 'punctuation' && !token.alternative && (token.text === '{' || token.text === '(')) depth++;
    if (token.kind === 'punctuation' && !token.alternative && (token.text === '}' || token.text === ')')) depth--;
    if (depth !== 0 || token.kind !== 'identifier') continue;
    const next = tokens[index + 1];
    const afterName = tokens[index + 2];
    // ngx_command_t  name[] = { … };
    if (token.text === 'ngx_command_t' && next?.kind === 'identifier' && isToken(afterName, '[')) {
      if (!isToken(tokens[index + 3], ']') || !isToken(tokens[index + 4], '=') || !isToken(tokens[index + 5], '{')) {
        throw new CSourceError(`${file}:${token.line}: cannot read the command array ${next.text}`);
      }
      const read = readCommandArray(tokens, index + 5, next.text, file);
      commands.push(...read.commands);
      index = read.end;
      continue;
    }
    // ngx_http_variable_t  name[] = { … };
    const variableType = /^ngx_(http|stream)_variable_t$/.exec(token.text)?.[1] as 'http' | 'stream' | undefined;
    if (variableType !== undefined && next?.kind === 'identifier' && isToken(afterName, '[')) {
      if (!isToken(tokens[index + 3], ']') || !isToken(tokens[index + 4], '=') || !isToken(tokens[index + 5], '{')) {
        throw new CSourceError(`${file}:${token.line}: cannot read the variable array ${next.text}`);
      }
      const read = readVariableArray(tokens, index + 5, next.text, variableType, file);
      variableArrays.push(read.array);
      index = read.end;
      continue;
    }
    // static ngx_str_t  name = ngx_string("…");
    if (
      token.text === 'ngx_str_t' &&
      next?.kind === 'identifier' &&
      isToken(afterName, '=') &&
      isToken(tokens[index + 3], 'ngx_string') &&
      isToken(tokens[index + 4], '(') &&
      tokens[index + 5]?.kind === 'string' &&
      isToken(tokens[index + 6], ')')
    ) {
      staticStrings.set(next.text, tokens[index + 5].text);
      index += 6;
      continue;
    }
    // ngx_module_t  name = { NGX_MODULE_V1, … };
    if (token.text === 'ngx_module_t' && next?.kind === 'identifier' && isToken(afterName, '=') && isToken(tokens[index + 3], '{')) {
      modules.push(readModule(tokens, index + 3, next.text, file));
      index = matching(tokens, index + 3, file);
      continue;
    }
    if (token.text === 'ngx_conf_deprecated_t' && next?.kind === 'identifier' && isToken(afterName, '=') && isToken(tokens[index + 3], '{')) {
      deprecatedPosts.push(readDeprecatedPost(tokens, index + 3, next.text, file));
      index = matching(tokens, index + 3, file);
      continue;
    }
    // a function definition: name ( parameters ) { body }
    if (isToken(next, '(')) {
      const parametersClose = matching(tokens, index + 1, file);
      if (isToken(tokens[parametersClose + 1], '{')) {
        const read = readFunction(tokens, token.text, parametersClose + 1, file);
        functions.set(token.text, read.summary);
        index = read.end;
      }
    }
  }
  return { commands, modules, deprecatedPosts, functions, variableArrays, staticStrings };
}
