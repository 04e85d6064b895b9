import type { Position, SourceLocation } from '../text/source-location';

/** One variable envsubst replaced on a line: its columns in the template and in the output. */
interface Substitution {
  readonly templateStart: number;
  readonly templateEnd: number;
  readonly renderedStart: number;
  readonly renderedEnd: number;
}

/**
 * A template the official nginx image renders at start (`/etc/nginx/templates/*.template` →
 * `/etc/nginx/conf.d/`), with where each rendered character came from, so a finding in the
 * configuration nginx loads points at the template a person edits.
 */
export class RenderedTemplate {
  /** What nginx reads. */
  readonly text: string;
  /** Per line (the same lines in both, unless a value holds a line break), its substitutions in order. */
  private readonly substitutions: Substitution[][];
  /** A value with a line break moves every later line: positions then cannot be told. */
  private readonly linesMoved: boolean;

  /** envsubst as the image runs it: only variables set in the container's environment are replaced. */
  constructor(
    readonly templatePath: string,
    template: string,
    environment: Readonly<Record<string, string | undefined>>,
  ) {
    let linesMoved = false;
    const renderedLines: string[] = [];
    this.substitutions = template.split('\n').map((line) => {
      const substitutions: Substitution[] = [];
      let rendered = '';
      let copiedUpTo = 0;
      for (const match of line.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const value = environment[match[1] ?? match[2]];
        if (value === undefined) continue;
        const templateStart = match.index;
        rendered += line.slice(copiedUpTo, templateStart);
        substitutions.push({
          templateStart,
          templateEnd: templateStart + match[0].length,
          renderedStart: rendered.length,
          renderedEnd: rendered.length + value.length,
        });
        rendered += value;
        copiedUpTo = templateStart + match[0].length;
        if (value.includes('\n')) linesMoved = true;
      }
      renderedLines.push(rendered + line.slice(copiedUpTo));
      return substitutions;
    });
    this.text = renderedLines.join('\n');
    this.linesMoved = linesMoved;
  }

  /**
   * Where a range of the rendered text stands in the template: a range that starts or ends in a
   * substituted value covers the whole `${VAR}`. undefined when the lines cannot be matched.
   */
  locate(range: { readonly start: Position; readonly end: Position }): SourceLocation | undefined {
    if (this.linesMoved) return undefined;
    return { file: this.templatePath, range: { start: this.templatePosition(range.start, 'start'), end: this.templatePosition(range.end, 'end') } };
  }

  private templatePosition(position: Position, edge: 'start' | 'end'): Position {
    let shift = 0;
    for (const substitution of this.substitutions[position.line] ?? []) {
      if (position.character < substitution.renderedStart || (edge === 'end' && position.character === substitution.renderedStart)) break;
      if (position.character >= substitution.renderedEnd) {
        shift = substitution.renderedEnd - substitution.templateEnd;
        continue;
      }
      return { line: position.line, character: edge === 'start' ? substitution.templateStart : substitution.templateEnd };
    }
    return { line: position.line, character: position.character - shift };
  }
}
