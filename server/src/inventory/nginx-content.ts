import { argumentValues } from '../languages/nginx/argument-values';
import { declaredInAnyTable } from '../languages/nginx/directive-tables/variable-table';
import { type DirectiveContext, directiveSignatures } from '../languages/nginx/directives';
import { namedCaptures, variableReferences } from '../languages/nginx/script-variables';
import type { NginxDirective, NginxFile } from '../languages/nginx/syntax-tree';
import { captureDefiners, compiledArguments, dataBlocks, definedVariable, mapKeywords, type VariableBlock } from '../languages/nginx/variable-arguments';
import type { NginxContext } from './file-kinds';

/**
 * Markers of another tool's template language, which a script or the tool renders before nginx
 * reads the result: Jinja / Ansible / Liquid statements (`{% if %}`), Jinja, Go template,
 * gomplate, Handlebars and Mustache expressions (`{{ .Env.X }}`, `{{SERVERS}}`), ERB and EJS
 * (`<%= %>`). nginx's own syntax has none of them outside a quoted string or Lua code (`{` opens
 * a block after a directive's name); a file that holds one there is left unjudged, a miss rather
 * than a false alarm.
 */
const foreignTemplateMarkers: readonly RegExp[] = [/\{%-?\s*[A-Za-z_][^\n]*?%\}/, /\{\{-?\s*[^\s{}][^\n]*?\}\}/, /<%[=-]?[^\n]*?%>/];

/** Whether the text is a template of another tool (see foreignTemplateMarkers): not nginx until rendered. */
export function isForeignTemplate(text: string): boolean {
  return foreignTemplateMarkers.some((marker) => marker.test(text));
}

/**
 * The directives whose syntax has a lone `=` word: `location = /exact`, `error_page 404 = /x`
 * (the status of the redirect), and `if ($a = b)`. Anywhere else a lone `=` is the `key = value`
 * of another daemon's configuration (Dovecot's `fts = flatcurve`, PHP-FPM's pools), which nginx
 * reads as one long directive.
 */
const directivesWithEquals: ReadonlySet<string> = new Set(['location', 'error_page', 'if']);

function hasKeyValueAssignment(directives: readonly NginxDirective[]): boolean {
  return directives.some(
    (directive) =>
      (!directivesWithEquals.has(directive.name) && directive.args.some((argument) => argument.value === '=' && !argument.quoted)) ||
      hasKeyValueAssignment(directive.block ?? []),
  );
}

function allowedIn(name: string, context: DirectiveContext): boolean {
  return directiveSignatures(name)?.some((signature) => signature.contexts.includes(context)) ?? false;
}

/**
 * Where a file's top-level directives fit: `main` when one stands only at the top of a whole
 * configuration (`events`, `http`, `worker_processes`), `http` when one stands in http{} but not
 * in a server (`server`, `upstream`, `map`, `log_format`), `server` when one stands in a server
 * but not in http{} (`listen`, `server_name`, `location`); undefined when none tells.
 */
function contextOfDirectives(directives: readonly NginxDirective[]): NginxContext | undefined {
  const names = directives.map((directive) => directive.name);
  if (names.some((name) => allowedIn(name, 'main') && !allowedIn(name, 'http') && !allowedIn(name, 'server'))) return 'main';
  if (names.some((name) => allowedIn(name, 'http') && !allowedIn(name, 'server'))) return 'http';
  if (names.some((name) => allowedIn(name, 'server') && !allowedIn(name, 'http'))) return 'server';
  return undefined;
}

/**
 * How certboot judges an nginx file no service is known to load, from its content: the context
 * its directives fit (a file of `server` blocks is an http-level fragment whatever its name; a
 * file named `nginx.conf` is a whole configuration only when its directives say so), or
 * undefined when the file is not clearly nginx — a template of another tool, another daemon's
 * `key = value` configuration, or a file none of whose top-level names nginx knows — and then it
 * gets no nginx error. `parsed` is the file read with no context, `byName` what its path says.
 */
export function nginxContextOfContent(text: string, parsed: NginxFile, byName: NginxContext): NginxContext | undefined {
  if (isForeignTemplate(text)) return undefined;
  if (hasKeyValueAssignment(parsed.directives)) return undefined;
  if (parsed.directives.length > 0 && !parsed.directives.some((directive) => directiveSignatures(directive.name) !== undefined)) return undefined;
  return contextOfDirectives(parsed.directives) ?? (byName === 'main' ? 'unknown' : byName);
}

/**
 * envsubst's placeholders (`$NAME`, `${NAME}`) in the upper case environment variables are named
 * in: the official image's entrypoint and many scripts render such a template into conf.d
 * before nginx starts. nginx reads `$name` and `${name}` as its own variables, whose names it
 * compares without case and which a configuration may add (`set $Foo`), so a placeholder marks a
 * template only where nginx would reject it (holdsRejectedPlaceholder).
 */
const placeholderName = /^[A-Z_][A-Z0-9_]*$/;

function isPlaceholder(name: string): boolean {
  return placeholderName.test(name) && /[A-Z]/.test(name);
}

/** A placeholder in a word nginx reads as text (envsubst's names: a letter or `_`, then letters, digits, `_`). */
const literalPlaceholder = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function holdsLiteralPlaceholder(value: string): boolean {
  if (!value.includes('$')) return false;
  for (const match of value.matchAll(literalPlaceholder)) if (isPlaceholder(match[1] ?? match[2])) return true;
  return false;
}

/** Whether the text may hold a placeholder at all: most files do not, and are not read again. */
export function mayHoldPlaceholder(text: string): boolean {
  return /\$\{?_*[A-Z]/.test(text) || /^[ \t]*(?:\$\{[A-Za-z_]|[A-Z][A-Z0-9]*_[A-Z0-9_]*[ \t]*[;}\r\n]|[A-Z]{4,}[ \t]*[;}\r\n])/m.test(text);
}

/**
 * A statement that is a placeholder of its own, where a template's tool writes whole directives
 * or nothing: `${EXTRA_CONFIG}` (envsubst, Python's string.Template), or a bare upper-case token a
 * script's `sed` replaces (`CLIENT_MAX_BODY_SIZE`). No directive of nginx is named so.
 */
function isPlaceholderStatement(name: string): boolean {
  return /^\$\{[A-Za-z_]\w*\}$|^\$[A-Za-z_]\w*$/.test(name) || /^[A-Z][A-Z0-9]*_[A-Z0-9_]*$|^[A-Z]{4,}$/.test(name);
}

/** What the placeholders of a file are to nginx. */
interface Placeholders {
  /** The variables the file adds (`set`, `map`…, named captures), in lower case. */
  readonly defined: Set<string>;
  /** Placeholders in values nginx compiles, which it looks up as variables. */
  readonly compiled: { readonly block: VariableBlock; readonly name: string }[];
  /** The directives of nginx's that hold a placeholder in an argument nginx reads as text. */
  readonly literal: NginxDirective[];
}

function addCompiled(value: string, block: VariableBlock, whole: boolean, placeholders: Placeholders): void {
  const names = whole ? [value] : (variableReferences(value) ?? []).map((reference) => reference.name);
  for (const name of names) if (isPlaceholder(name)) placeholders.compiled.push({ block, name });
}

function collectPlaceholders(directives: readonly NginxDirective[], block: VariableBlock, parent: string | undefined, placeholders: Placeholders): void {
  for (const directive of directives) {
    const values = argumentValues(directive);
    if (parent !== undefined && dataBlocks.has(parent)) {
      // a map's key may be a regex with captures, its value is compiled; other data is text nginx takes as it is
      if (parent !== 'map') continue;
      if (directive.name.includes('(?')) for (const capture of namedCaptures(directive.name)) placeholders.defined.add(capture.toLowerCase());
      if (!mapKeywords.has(directive.name) && values[0] !== undefined) addCompiled(values[0], block, false, placeholders);
      continue;
    }
    const defined = definedVariable(directive.name, values);
    if (defined !== undefined) placeholders.defined.add(defined.toLowerCase());
    if (captureDefiners.has(directive.name))
      for (const value of values) if (value.includes('(?')) for (const capture of namedCaptures(value)) placeholders.defined.add(capture.toLowerCase());
    const compiled = compiledArguments(block, directive.name, values);
    for (const argument of compiled) addCompiled(values[argument.index].slice(argument.offset), block, argument.whole === true, placeholders);
    const literal = values.some((value, index) => !compiled.some((argument) => argument.index === index) && holdsLiteralPlaceholder(value));
    if ((literal && directiveSignatures(directive.name) !== undefined) || isPlaceholderStatement(directive.name)) placeholders.literal.push(directive);
    if (directive.block !== undefined) collectPlaceholders(directive.block, directive.name === 'stream' ? 'stream' : block, directive.name, placeholders);
  }
}

/** The lines of a directive's statement: its name to its `;`, or to its last argument for a block. */
function statementHolds(directive: NginxDirective, line: number): boolean {
  const end = directive.block === undefined ? directive.span.endLine : (directive.args.at(-1)?.span.endLine ?? directive.nameSpan.endLine);
  return line >= directive.nameSpan.startLine && line <= end;
}

/**
 * Whether a file no service loads, read in the context the inventory judges it in, holds an
 * envsubst placeholder where nginx would reject it, and so is a template that nginx reads only
 * once rendered: a placeholder in a value nginx compiles that names no variable nginx has (its
 * tables, any release or module) nor the file adds — `unknown "backend" variable` — or one in an
 * argument nginx reads as text, of a directive nginx rejects (`real_ip_recursive ${RECURSIVE}`:
 * `invalid value`). A file of nginx's with an error elsewhere is still judged; a variable of the
 * configuration that another file adds in upper case makes the file a template: a miss, not a
 * false alarm.
 */
export function holdsRejectedPlaceholder(file: NginxFile, context: NginxContext): boolean {
  const placeholders: Placeholders = { defined: new Set(), compiled: [], literal: [] };
  collectPlaceholders(file.directives, context === 'stream' ? 'stream' : 'http', undefined, placeholders);
  if (placeholders.compiled.some(({ block, name }) => !placeholders.defined.has(name.toLowerCase()) && !declaredInAnyTable(block, name))) return true;
  return file.errors.some(
    (error) =>
      (error.kind === 'syntax' || error.kind === 'analysis') &&
      placeholders.literal.some(
        (directive) =>
          statementHolds(directive, error.span.startLine) || (error.related !== undefined && statementHolds(directive, error.related.span.startLine)),
      ),
  );
}
