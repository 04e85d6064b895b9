/**
 * Orders versions part by part: the number a part starts with first (1.9 < 1.10, 0.0.9 < 0.0.17R4),
 * then what follows it as text, none before some (0.10.29 < 0.10.29R2).
 */
export function compareVersions(left: string, right: string): number {
  const a = left.split(/[.-]/);
  const b = right.split(/[.-]/);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const x = a[index];
    const y = b[index];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const [, xNumber, xRest] = /^(\d*)(.*)$/.exec(x)!;
    const [, yNumber, yRest] = /^(\d*)(.*)$/.exec(y)!;
    if (xNumber !== yNumber) return (xNumber === '' ? -1 : Number(xNumber)) - (yNumber === '' ? -1 : Number(yNumber));
    return xRest < yRest ? -1 : 1;
  }
  return 0;
}

/** Where a version stands among a table's versions (oldest first): the version itself, or the newest at or below it. */
export interface VersionPosition {
  readonly index: number;
  /** The table has the version itself, not only an older one standing in for it. */
  readonly exact: boolean;
}

/** undefined below the oldest version of the table. */
export function positionOfVersion(versions: readonly string[], version: string, index?: ReadonlyMap<string, number>): VersionPosition | undefined {
  const exact = index !== undefined ? index.get(version) : versions.indexOf(version);
  if (exact !== undefined && exact >= 0) return { index: exact, exact: true };
  let best: number | undefined;
  versions.forEach((candidate, position) => {
    if (compareVersions(candidate, version) <= 0) best = position;
  });
  return best === undefined ? undefined : { index: best, exact: false };
}

/** A table's versions by index, and a reader of its entries' runs against them. */
export function versionRunsOf(versions: readonly string[]): {
  readonly versionIndex: ReadonlyMap<string, number>;
  readonly runs: (text: string) => [number, number][];
} {
  const versionIndex = new Map(versions.map((version, index) => [version, index]));
  const newest = versions.length - 1;
  return { versionIndex, runs: (text) => parseRuns(text, versionIndex, newest) };
}

/** `1.18.0-1.25.0,1.25.1-` (the `versions` of a table entry) as pairs of indexes into the table's versions. */
function parseRuns(text: string, versionIndex: ReadonlyMap<string, number>, newest: number): [number, number][] {
  return text.split(',').map((run) => {
    const [first, last] = run.split('-');
    const start = versionIndex.get(first);
    const end = last === undefined ? start : last === '' ? newest : versionIndex.get(last);
    if (start === undefined || end === undefined) throw new Error(`nginx tables: the versions "${text}" name an unknown version`);
    return [start, end];
  });
}
