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
