import { type DirectiveContext, directiveSignatures } from '../languages/nginx/directives';
import type { NginxDirective, NginxFile } from '../languages/nginx/syntax-tree';
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
