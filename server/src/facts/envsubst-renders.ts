import { posix } from 'node:path';
import { argumentValues } from '../languages/nginx/argument-values';
import { variableTableFor } from '../languages/nginx/directive-tables/variable-table';
import { parseNginx } from '../languages/nginx/parser';
import { namedCaptures } from '../languages/nginx/script-variables';
import type { NginxComment, NginxDirective } from '../languages/nginx/syntax-tree';
import { captureDefiners, definedVariable } from '../languages/nginx/variable-arguments';
import { type EnvsubstCommand, envsubstCommands } from '../languages/shell/envsubst-commands';
import type { DeployedService, StartScript } from '../model/deployment';
import { LineIndex } from '../text/line-index';
import type { SourceLocation } from '../text/source-location';

/** A `$NAME` or `${NAME}` of a template, as envsubst finds them. */
export interface TemplateVariable {
  readonly name: string;
  /** Offsets in the template's text, `$` included. */
  readonly start: number;
  readonly end: number;
}

/** An envsubst command of a service's start script that renders a template nginx reads, without a list of names. */
export interface EnvsubstRender {
  readonly service: DeployedService;
  readonly script: StartScript;
  readonly command: EnvsubstCommand;
  /** The word `envsubst` in the repository: in a script file, or the compose `command:`/`entrypoint:` that holds an `sh -c` body. */
  readonly location: SourceLocation;
  /** The word stands in a script file, which a fix may edit. */
  readonly inScriptFile: boolean;
  readonly templateText: string;
  /** The template in the repository, when it is a file of it. */
  readonly templateHostPath?: string;
  /** Each `$NAME` of the template that is an nginx variable (built into the image's nginx, or one the template defines), and that the environment does not set. */
  readonly emptied: readonly TemplateVariable[];
  /** The names the template's author means envsubst to replace: its variables that are no nginx variable, in order, each once. */
  readonly own: readonly string[];
}

const variablePattern = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** envsubst's view of a text: every `$NAME` and `${NAME}` (GNU gettext, envsubst.c). */
export function templateVariables(text: string): TemplateVariable[] {
  return [...text.matchAll(variablePattern)].map((match) => ({
    name: match[1] ?? match[2],
    start: match.index ?? 0,
    end: (match.index ?? 0) + match[0].length,
  }));
}

/** What nginx's parser reads of a template: the variables it defines, and where its comments stand. */
interface TemplateReading {
  /** Names `set`, `map`, `geo`, `split_clients`… or a named capture define, in lower case. */
  readonly defined: ReadonlySet<string>;
  /** Per line, where a comment starts on it: a comment runs to the end of its line. */
  readonly commentStarts: ReadonlyMap<number, number>;
}

function readTemplate(text: string, path: string): TemplateReading {
  const file = parseNginx(text, path);
  const defined = new Set<string>();
  const commentStarts = new Map<number, number>();
  const comment = (comments: readonly NginxComment[] | undefined): void => {
    for (const { span } of comments ?? [])
      commentStarts.set(span.startLine, Math.min(commentStarts.get(span.startLine) ?? span.startCharacter, span.startCharacter));
  };
  comment(file.comments);
  const walk = (directives: readonly NginxDirective[]): void => {
    for (const directive of directives) {
      comment(directive.argumentComments);
      comment(directive.blockComments);
      const values = argumentValues(directive);
      const variable = definedVariable(directive.name, values);
      if (variable !== undefined) defined.add(variable.toLowerCase());
      const patterns = captureDefiners.has(directive.name) ? values : directive.name.includes('(?') ? [directive.name] : [];
      for (const pattern of patterns) for (const capture of namedCaptures(pattern)) defined.add(capture.toLowerCase());
      if (directive.block) walk(directive.block);
    }
  };
  walk(file.directives);
  return { defined, commentStarts };
}

/** The names a script sets for its children before the command (an assignment anywhere before it: `export host=\$host`). */
function assignedBefore(text: string, offset: number): Set<string> {
  const names = new Set<string>();
  for (const match of text.slice(0, offset).matchAll(/(?:^|[\s;&|(])(?:export\s+|declare\s+-x\s+)?([A-Za-z_]\w*)=/gm)) names.add(match[1]);
  return names;
}

function escapedForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The file an `sh -c` body is written in, and the line it starts at: the service's `command:`/`entrypoint:`, or its Dockerfile. */
function bodyFile(service: DeployedService, script: StartScript): { readonly file: string; readonly line: number } | undefined {
  if (script.body === 'compose') {
    const written = service.command?.shell?.body.field === 'entrypoint' ? service.compose.entrypoint : service.compose.command;
    return written === undefined ? undefined : { file: written.location.file, line: written.location.range.start.line };
  }
  const context = service.compose.build?.context.value;
  return context?.startsWith('/') ? { file: posix.resolve(context, service.compose.build?.dockerfile?.value ?? 'Dockerfile'), line: 0 } : undefined;
}

function scriptLocation(
  service: DeployedService,
  script: StartScript,
  command: EnvsubstCommand,
  textOf: (path: string) => string | undefined,
): { location: SourceLocation; inScriptFile: boolean } | undefined {
  if (script.containerPath !== undefined) {
    const origin = service.view.origin(script.containerPath);
    if (origin.kind !== 'bind') return undefined;
    const lines = new LineIndex(script.text);
    return { location: { file: origin.hostPath, range: lines.rangeAt(command.start, command.end) }, inScriptFile: true };
  }
  // an `sh -c` body: the word where the compose file or the Dockerfile writes the command
  const body = bodyFile(service, script);
  const text = body === undefined ? undefined : textOf(body.file);
  if (body === undefined || text === undefined) return undefined;
  const lines = new LineIndex(text);
  const pattern = new RegExp(String.raw`envsubst\s*<\s*["']?${escapedForPattern(command.source)}`, 'g');
  pattern.lastIndex = lines.offsetAt({ line: body.line, character: 0 });
  const written = pattern.exec(text);
  if (written === null) return undefined;
  return { location: { file: body.file, range: lines.rangeAt(written.index, written.index + 'envsubst'.length) }, inScriptFile: false };
}

/**
 * The envsubst renders of a service's start scripts that empty nginx variables of the template
 * (EnvsubstRender); `textOf` reads the repository's files (the compose file or Dockerfile that
 * holds an `sh -c` body).
 */
export function envsubstRenders(service: DeployedService, textOf: (path: string) => string | undefined): EnvsubstRender[] {
  const build = service.nginx?.build?.build;
  if (build === undefined || service.startScripts === undefined) return [];
  const table = variableTableFor(build);
  const renders: EnvsubstRender[] = [];
  for (const script of service.startScripts) {
    for (const command of envsubstCommands(script.text)) {
      if (command.listsNames || !command.source.startsWith('/') || /[$`*?]/.test(command.source)) continue;
      // one file read and written at once is emptied by the shell before envsubst reads it: another mistake
      if (command.source === command.destination) continue;
      // what nginx reads: a file of its configuration directory
      if (!/^\/(?:etc\/nginx|usr\/local\/openresty\/nginx\/conf|etc\/openresty)\//.test(command.destination)) continue;
      let templateText: string;
      try {
        templateText = new TextDecoder('utf-8', { fatal: true }).decode(service.view.readFile(command.source));
      } catch {
        continue;
      }
      const place = scriptLocation(service, script, command, textOf);
      if (place === undefined) continue;
      const environment = service.compose.environment;
      const assigned = assignedBefore(script.text, command.start);
      const { defined, commentStarts } = readTemplate(templateText, command.source);
      const variables = templateVariables(templateText);
      // nginx's variables are written in lower case; `$HOSTNAME`, `${PORT}` are the environment's (docker sets HOSTNAME itself)
      const isNginxVariable = (name: string): boolean => name === name.toLowerCase() && (table.lookup('http', name) !== undefined || defined.has(name));
      const set = (name: string): boolean => Object.hasOwn(environment, name) || assigned.has(name);
      // what envsubst empties in an nginx comment does no harm
      const lines = new LineIndex(templateText);
      const inComment = (variable: TemplateVariable): boolean => {
        const { line, character } = lines.positionAt(variable.start);
        const start = commentStarts.get(line);
        return start !== undefined && character >= start;
      };
      const emptied = variables.filter((variable) => isNginxVariable(variable.name) && !set(variable.name) && !inComment(variable));
      if (emptied.length === 0) continue;
      const own = [...new Set(variables.filter((variable) => !isNginxVariable(variable.name) && !inComment(variable)).map((variable) => variable.name))];
      const origin = service.view.origin(command.source);
      renders.push({
        service,
        script,
        command,
        ...place,
        templateText,
        ...(origin.kind === 'bind' ? { templateHostPath: origin.hostPath } : {}),
        emptied,
        own,
      });
    }
  }
  return renders;
}
