import { type EnvsubstRender, envsubstRenders, templateVariables } from '../../facts/envsubst-renders';
import { type BlockContext, mainContext } from '../../languages/nginx/analyzer';
import { parseNginx } from '../../languages/nginx/parser';
import type { Fix, RelatedLocation } from '../../text/findings';
import { LineIndex } from '../../text/line-index';
import type { Rule, RuleFinding } from '../rule';

/** `$host`, `$host` and `$request_uri`, `$host`, `$uri` and 3 more. */
function namesOf(render: EnvsubstRender): string {
  const names = [...new Set(render.emptied.map((variable) => variable.name))].map((name) => `\`$${name}\``);
  if (names.length === 1) return names[0];
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/** The template's line of the first emptied variable, as written and as nginx reads it once rendered. */
function example(render: EnvsubstRender): { written: string; rendered: string; line: number } {
  const text = render.templateText;
  const first = render.emptied[0];
  const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
  const lineEnd = text.indexOf('\n', first.start);
  const end = lineEnd < 0 ? text.length : lineEnd;
  const onLine = render.emptied.filter((variable) => variable.start >= lineStart && variable.end <= end);
  let rendered = '';
  let at = lineStart;
  for (const variable of onLine) {
    rendered += text.slice(at, variable.start);
    at = variable.end;
  }
  rendered += text.slice(at, end);
  return { written: text.slice(lineStart, end).trim(), rendered: rendered.trim(), line: new LineIndex(text).positionAt(first.start).line };
}

/** The template as envsubst renders it, the emptied variables removed or, with `keepEmptied`, left as written; the others given some value. */
function rendered(render: EnvsubstRender, keepEmptied: boolean): string {
  const text = render.templateText;
  let output = '';
  let at = 0;
  for (const variable of templateVariables(text)) {
    output += text.slice(at, variable.start);
    const emptied = render.emptied.some((each) => each.start === variable.start);
    if (emptied && keepEmptied) output += text.slice(variable.start, variable.end);
    else if (!emptied) output += 'value';
    at = variable.end;
  }
  return output + text.slice(at);
}

/**
 * What nginx says of the rendered file, when it refuses it because of the emptied variables: the
 * same file with them left as written must pass, as the environment's own values are unknown
 * (one set to nothing may leave a line empty too).
 */
function refusal(render: EnvsubstRender): string | undefined {
  const destination = render.command.destination;
  const context = destination === '/etc/nginx/nginx.conf' ? mainContext : destination.startsWith('/etc/nginx/conf.d/') ? httpContext : undefined;
  if (context === undefined) return undefined;
  if (parseNginx(rendered(render, true), destination, { context }).errors.length > 0) return undefined;
  const [error] = parseNginx(rendered(render, false), destination, { context }).errors;
  return error === undefined ? undefined : `${error.message} in ${destination}:${error.line}`;
}

const httpContext: BlockContext = ['http'];

function findingOf(render: EnvsubstRender): RuleFinding {
  const { command, service } = render;
  const written = `envsubst < ${command.source} > ${command.destination}`;
  const shown = example(render);
  // in a compose file, `$$` stands for `$`
  const list = render.own.map((name) => `${render.script.body === 'compose' ? '$' : ''}\${${name}}`).join(' ');
  const refused = refusal(render);
  const one = new Set(render.emptied.map((variable) => variable.name)).size === 1;
  const advice =
    render.own.length > 0
      ? ` List the template's own variables for envsubst to replace: \`envsubst '${list}' < ${command.source} > ${command.destination}\`.`
      : " List the variables envsubst is to replace (`envsubst '${NAME}'`), or copy the file: it has no variable of its own.";
  const related: RelatedLocation[] = [];
  if (render.templateHostPath !== undefined) {
    const lines = new LineIndex(render.templateText);
    const first = render.emptied[0];
    related.push({
      file: render.templateHostPath,
      range: lines.rangeAt(first.start, first.end),
      message: `\`$${first.name}\` in the template, an nginx variable`,
    });
  }
  const fixes: Fix[] = [];
  if (render.inScriptFile && render.own.length > 0) {
    fixes.push({
      title: `List the template's variables for envsubst: \`envsubst '${list}'\``,
      edits: [
        { kind: 'replace', file: render.location.file, range: { start: render.location.range.end, end: render.location.range.end }, newText: ` '${list}'` },
      ],
      preferred: true,
    });
  }
  return {
    message:
      `\`${written}\` (service \`${service.name}\`) replaces every \`$NAME\` of the template with the container's environment, nginx's own variables too: ` +
      `${namesOf(render)} ${one ? 'is' : 'are'} set nowhere, so nginx reads ${command.destination} with ${one ? 'it' : 'them'} empty ` +
      `(line ${shown.line + 1}, \`${shown.written}\`, becomes \`${shown.rendered}\`)` +
      `${refused === undefined ? '.' : `, and nginx exits with \`[emerg] ${refused}\`.`}${advice}`,
    ...(refused === undefined ? {} : { severity: 'error' as const }),
    location: render.location,
    related,
    fixes,
  };
}

export const envsubstEmptiesNginxVariables: Rule = {
  id: 'envsubst-empties-nginx-variables',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: "a start script renders an nginx template with envsubst and no list of names, so nginx's own variables ($host, $uri…) come out empty",
  check({ deployment, inventory }) {
    const textOf = (path: string) => inventory.text(path);
    return deployment.projects.flatMap((project) => project.services.flatMap((service) => envsubstRenders(service, textOf).map(findingOf)));
  },
};
