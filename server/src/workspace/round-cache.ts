/**
 * Values carried from one analysis to the next: the language server analyses on every edit,
 * and most files did not change since the last one. A value is reused only when `reusable`
 * says its inputs are the same. Each round keeps only what it used, so the cache holds the
 * workspace's working set and no more.
 */
export class RoundCache<Value> {
  private kept = new Map<string, Value[]>();
  private used = new Map<string, Value[]>();

  /** Starts a round: what the previous round did not use is forgotten. */
  nextRound(): void {
    this.kept = this.used;
    this.used = new Map();
  }

  /**
   * The value for `key` that `reusable` accepts, else a new one, which `compute` may derive from
   * the values kept for the key that it did not accept (`stale`: an earlier parse of a file that
   * changed). A kept value is handed out once per round: a second request in the same round
   * computes its own, so one analysis never shares a value between two places that used to get
   * one each.
   */
  get(key: string, reusable: (value: Value) => boolean, compute: (stale: readonly Value[]) => Value): Value {
    const candidates = this.kept.get(key);
    const index = candidates?.findIndex(reusable) ?? -1;
    const value = candidates && index >= 0 ? (candidates.splice(index, 1)[0] as Value) : compute(candidates ?? []);
    const used = this.used.get(key);
    if (used) used.push(value);
    else this.used.set(key, [value]);
    return value;
  }
}
