import { posix } from 'node:path';
import type { Range } from './source-location';

/** The template languages whose files other tools render into a compose file. */
export type TemplateLanguage = 'Jinja' | 'Go template' | 'ERB';

/** Why a file is a template another tool renders, not a compose file compose reads. */
export interface ForeignTemplate {
  readonly language: TemplateLanguage;
  /** The first mark of the template language (the whole file for a template by name). */
  readonly range: Range;
  /** The text of that mark, as written; empty for a template by name. */
  readonly mark: string;
}

const extensions: readonly [RegExp, TemplateLanguage][] = [
  [/\.(j2|jinja2?)$/, 'Jinja'],
  [/\.(tmpl|tpl|gotmpl)$/, 'Go template'],
  [/\.erb$/, 'ERB'],
];

/** Jinja's (and Ansible's, cookiecutter's, the Mailu wizard's) statements and comments: `{% if x %}`, `{%- endfor %}`, `{# note #}`. */
const jinjaTag = /\{%-?\s*[A-Za-z_][^%]*?-?%\}|\{#.*?#\}/;
/** ERB: `<%= value %>`, `<% if x %>`, `<%# note %>`. */
const erbTag = /<%[=#-]?.*?-?%>/;
/**
 * A Go template (gomplate, Helm-style) or Jinja action alone on its line: `{{ if .Env.TLS }}`,
 * `{{- end }}`, `{{ range $i := … }}`, `{{/* note *\/}}`. Docker's own Go templates (`{{.Name}}`
 * in a logging tag, `{{.Node.Hostname}}` in swarm) stand inside a value, never alone on a line.
 */
const controlLine = /^\s*(?:-\s+)?\{\{-?\s*(?:(?:if|else|end|range|with|define|block|template|break|continue)\b[^}]*|\/\*.*?\*\/)\s*-?\}\}\s*$/;
/**
 * `{{ … }}` where a YAML node starts — a line, a sequence item, a mapping value — unquoted:
 * YAML would read a flow mapping there, which no compose field takes; it is a placeholder another
 * tool fills (`env_file: {{ env }}`, `- {{ dns }}`).
 */
const unquotedPlaceholder = /^\s*(?:-\s+)*(?:(?:"[^"]*"|'[^']*'|[^\s"'#{[][^#]*?)\s*:\s+)?\{\{/;

/** A block scalar header ends its line: `key: |`, `- >-`, `script: |2 # comment`. */
const blockScalarHeader = /(?:^|[\s:-])[|>][1-9+-]{0,2}\s*(?:#.*)?$/;

function indentation(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

function markAt(language: TemplateLanguage, lineNumber: number, start: number, text: string): ForeignTemplate {
  return { language, mark: text, range: { start: { line: lineNumber, character: start }, end: { line: lineNumber, character: start + text.length } } };
}

/**
 * Whether `text` (read from `path`) is a template of another tool — Jinja, a Go template, ERB —
 * that a script, Ansible or a setup wizard renders into a compose file, rather than a compose
 * file compose reads: its name ends like a template, or a line holds the template language's own
 * syntax outside YAML comments and block scalars (whose content may hold anything, `configs:
 * content: |` included). A pure function of the text and the path; undefined for a compose file.
 */
export function findForeignTemplate(text: string, path: string): ForeignTemplate | undefined {
  const name = posix.basename(path);
  for (const [pattern, language] of extensions) {
    if (pattern.test(name)) return { language, mark: '', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  const lines = text.split('\n');
  let blockScalarParent: number | undefined;
  for (let lineNumber = 0; lineNumber < lines.length; lineNumber++) {
    const line = (lines[lineNumber] as string).replace(/\r$/, '');
    if (blockScalarParent !== undefined) {
      if (line.trim() === '' || indentation(line) > blockScalarParent) continue;
      blockScalarParent = undefined;
    }
    if (line.trimStart().startsWith('#')) continue;
    const jinja = jinjaTag.exec(line);
    if (jinja) return markAt('Jinja', lineNumber, jinja.index, jinja[0]);
    const erb = erbTag.exec(line);
    if (erb) return markAt('ERB', lineNumber, erb.index, erb[0]);
    const control = controlLine.test(line);
    if (control || unquotedPlaceholder.test(line)) {
      const start = line.indexOf('{{');
      const end = line.indexOf('}}', start);
      const mark = end < 0 ? line.slice(start) : line.slice(start, end + 2);
      // Go's actions are keywords or name a field or variable (`.Env.X`, `$x`); Jinja's name a variable
      return markAt(control || /^\{\{-?\s*[.$]/.test(mark) ? 'Go template' : 'Jinja', lineNumber, start, mark);
    }
    if (blockScalarHeader.test(line)) blockScalarParent = indentation(line);
  }
  return undefined;
}
