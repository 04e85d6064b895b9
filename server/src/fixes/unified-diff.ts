/** One line of a diff: kept, removed from the old text or added in the new one. */
interface DiffLine {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Whether the line is the last of its text and has no line break. */
  readonly noNewline: boolean;
}

interface SplitText {
  readonly lines: string[];
  readonly endsWithNewline: boolean;
}

function split(text: string): SplitText {
  if (text === '') return { lines: [], endsWithNewline: true };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, endsWithNewline };
}

/**
 * The line diff of two texts: common prefix and suffix, then a longest common subsequence of
 * what lies between. Configuration files are small, so the quadratic table is cheap.
 */
function diffLines(before: SplitText, after: SplitText): DiffLine[] {
  const old = before.lines;
  const current = after.lines;
  // a last line that lost or gained its line break differs, as in diff(1)
  const same = (oldIndex: number, newIndex: number): boolean =>
    old[oldIndex] === current[newIndex] &&
    (oldIndex === old.length - 1 && !before.endsWithNewline) === (newIndex === current.length - 1 && !after.endsWithNewline);
  let prefix = 0;
  while (prefix < old.length && prefix < current.length && same(prefix, prefix)) prefix++;
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < current.length - prefix && same(old.length - 1 - suffix, current.length - 1 - suffix)) suffix++;
  const oldMiddle = old.length - prefix - suffix;
  const newMiddle = current.length - prefix - suffix;
  const table: number[][] = Array.from({ length: oldMiddle + 1 }, () => new Array<number>(newMiddle + 1).fill(0));
  for (let i = oldMiddle - 1; i >= 0; i--) {
    for (let j = newMiddle - 1; j >= 0; j--) {
      table[i]![j] = same(prefix + i, prefix + j) ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const line = (kind: DiffLine['kind'], texts: string[], index: number, text: SplitText): DiffLine => ({
    kind,
    text: texts[index] as string,
    noNewline: index === texts.length - 1 && !text.endsWithNewline,
  });
  const lines: DiffLine[] = [];
  for (let index = 0; index < prefix; index++) lines.push(line(' ', old, index, before));
  let i = 0;
  let j = 0;
  while (i < oldMiddle || j < newMiddle) {
    if (i < oldMiddle && j < newMiddle && same(prefix + i, prefix + j)) {
      lines.push(line(' ', old, prefix + i, before));
      i++;
      j++;
    } else if (j >= newMiddle || (i < oldMiddle && table[i + 1]![j]! >= table[i]![j + 1]!)) {
      lines.push(line('-', old, prefix + i, before));
      i++;
    } else {
      lines.push(line('+', current, prefix + j, after));
      j++;
    }
  }
  for (let index = old.length - suffix; index < old.length; index++) lines.push(line(' ', old, index, before));
  return lines;
}

function range(start: number, count: number): string {
  // an empty side names the line before it, as GNU diff does
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * A unified diff of one file, as `diff -u` writes it with `git`-style names: `before` undefined
 * for a file the change creates (`--- /dev/null`). Empty when nothing changes.
 */
export function unifiedDiff(oldName: string, newName: string, before: string | undefined, after: string, context = 3): string {
  if (before === after) return '';
  const lines = diffLines(split(before ?? ''), split(after));
  const changed = lines.flatMap((entry, index) => (entry.kind === ' ' ? [] : [index]));
  const hunks: { start: number; end: number }[] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(lines.length, index + context + 1);
    const last = hunks.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else hunks.push({ start, end });
  }
  let output = `--- ${before === undefined ? '/dev/null' : oldName}\n+++ ${newName}\n`;
  let oldLine = 1;
  let newLine = 1;
  let cursor = 0;
  for (const hunk of hunks) {
    for (; cursor < hunk.start; cursor++) {
      oldLine++;
      newLine++;
    }
    const body = lines.slice(hunk.start, hunk.end);
    const oldCount = body.filter((entry) => entry.kind !== '+').length;
    const newCount = body.filter((entry) => entry.kind !== '-').length;
    output += `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`;
    for (const entry of body) {
      output += `${entry.kind}${entry.text}\n`;
      if (entry.noNewline) output += '\\ No newline at end of file\n';
    }
    oldLine += oldCount;
    newLine += newCount;
    cursor = hunk.end;
  }
  return output;
}
