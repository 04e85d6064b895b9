import type { NginxConfiguration } from '../../../server/src/languages/nginx/configuration';
import { type NginxDirective, type NginxError, TextSpan } from '../../../server/src/languages/nginx/syntax-tree';

export interface ReadError {
  /** Index in configuration.files. */
  readonly file: number;
  readonly error: NginxError;
}

function before(left: TextSpan, right: TextSpan): boolean {
  return left.startLine < right.startLine || (left.startLine === right.startLine && left.startCharacter < right.startCharacter);
}

/**
 * The errors of a configuration in the order nginx meets them, which is where it stops at the
 * first: each file's in file order, and the files an include names read where the include ends
 * (ngx_conf_include runs at its `;`), depth first. certboot reads each file once, so a file
 * included twice counts where it is first met.
 */
export function errorsInReadingOrder(configuration: NginxConfiguration, counts: (error: NginxError) => boolean = () => true): ReadError[] {
  const ordered: ReadError[] = [];
  const visited = new Set<number>();
  const visit = (fileIndex: number): void => {
    if (visited.has(fileIndex)) return;
    visited.add(fileIndex);
    const file = configuration.files[fileIndex];
    const includes: NginxDirective[] = [];
    const gather = (directives: readonly NginxDirective[]): void => {
      for (const directive of directives) {
        if (configuration.includes.has(directive)) includes.push(directive);
        if (directive.block !== undefined) gather(directive.block);
      }
    };
    gather(file.syntax.directives);
    const errors = file.errors.filter(counts);
    let next = 0;
    for (const include of includes) {
      const end = new TextSpan(include.span.endLine, include.span.endCharacter, include.span.endLine, include.span.endCharacter);
      while (next < errors.length && before(errors[next].span, end)) ordered.push({ file: fileIndex, error: errors[next++] });
      for (const included of configuration.includes.get(include) ?? []) visit(included);
    }
    while (next < errors.length) ordered.push({ file: fileIndex, error: errors[next++] });
  };
  visit(0);
  return ordered;
}
