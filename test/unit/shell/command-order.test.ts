import { deepStrictEqual } from 'node:assert';
import { ranBefore, runsUnconditionally } from '../../../server/src/languages/shell/command-order';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

/** Whether the command named `a` certainly ran whenever the one named `b` runs, in `text`. */
function ranFirst(text: string): boolean {
  const script = parseShell(text);
  const source = { commands: script.commands, assignments: script.assignments, textBetween: (start: number, end: number) => text.slice(start, end) };
  const named = (name: string) => script.commands.find((command) => command.name?.value === name);
  const [a, b] = [named('a'), named('b')];
  if (!a || !b) throw new Error(`no a or b in ${text}`);
  return ranBefore(source, a, b);
}

describe('the order of a script’s commands', () => {
  before(initializeShellParser);

  it('says a command ran before a later one when nothing can skip it on the way', () => {
    const cases: [string, boolean][] = [
      ['a\nb', true],
      ['a; if x; then y; fi\nb', true],
      ['a && b', true],
      ['x && a && b', true],
      ['mkdir -p d && a\nb', true],
      ['mkdir -p d && \\\n  a &&\n  # then\n  b', true],
      ['if x; then\n  a\n  b\nfi', true],
      ['a 2>/dev/null | tee log; b', true],
      ['while true; do a; b; done', true],
      ['f() { a; b; }', true],
      ['x && a; b', false],
      ['x || a && b', false],
      ['[ -e f ] && a && b', false],
      ['if x; then a; fi\nb', false],
      ['a &\nb', false],
      ['b\na', false],
      ['f() { a; }\nb', false],
      ['(a)\nb', false],
      ['for i in 1 2; do a; done\nb', false],
    ];
    deepStrictEqual(
      cases.map(([text]) => [text, ranFirst(text)]),
      cases,
    );
  });

  it('says a command of a `sh -c` body runs whenever the body does: at its top, or after mkdir &&', () => {
    const runs = (text: string): boolean => {
      const script = parseShell(text);
      const source = { commands: script.commands, assignments: script.assignments, textBetween: (start: number, end: number) => text.slice(start, end) };
      return runsUnconditionally(source, script.commands.find((command) => command.name?.value === 'a') as (typeof script.commands)[number]);
    };
    deepStrictEqual(['a', 'mkdir -p d && a', 'x && a', 'if x; then a; fi', 'f() { a; }', 'a &'].map(runs), [true, true, false, false, false, false]);
  });
});
