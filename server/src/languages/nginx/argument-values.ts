import { type ArgumentRangeView, noRanges, readArgumentRanges } from './parser';
import type { NginxDirective } from './syntax-tree';

const view: ArgumentRangeView = { text: '', ranges: noRanges, first: 0, count: 0 };

/**
 * A directive's argument values, read from its file's text when the parser kept them as ranges
 * there: a check that reads the arguments of thousands of directives then makes no argument
 * objects, which `args` keeps for the life of the parse (and the garbage collector then copies).
 * Reach for `args` for the spans of the few a finding points at.
 */
export function argumentValues(directive: NginxDirective): string[] {
  if (!readArgumentRanges(directive, view)) return directive.args.map((argument) => argument.value);
  const { text, ranges, first, count } = view;
  const values = new Array<string>(count);
  for (let index = 0; index < count; index++) values[index] = text.slice(ranges[2 * (first + index)], ranges[2 * (first + index) + 1]);
  return values;
}
