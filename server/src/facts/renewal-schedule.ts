/**
 * Whether a renewal schedule renews every certificate before it expires, judged by simulation.
 *
 * certbot renews a certificate at the first run after its renewal window opens (renewal-window.ts),
 * so a certificate issued at any moment is renewed in time exactly when no two consecutive runs are
 * further apart than the window; the worst case is a window that opens just after a run. The
 * judgement gives the longest gap, the margin (window − gap; negative: certificates expire that long
 * before the next run), an example issue date in the worst case, the share of issue moments whose
 * certificate expires, and the fewest runs any window holds (`attempts`: one means a single failed
 * run lets the certificate expire; certbot advises running it twice a day — certbot's
 * docs/using.rst cron line `0 0,12 * * *`, snap/snapcraft.yaml "Run approximately twice a day",
 * _internal/display/util.py "our advice and running Certbot twice a day" — and Let's Encrypt at
 * least once a day, https://letsencrypt.org/2025/02/20/first-short-lived-cert-issued).
 *
 * Calendars are expanded day by day over 2026–2053: 28 Gregorian years hold every combination of
 * weekday, month length and leap year, and repeat exactly through 2099, so the simulation wraps
 * around and covers every year to 2099. Each day's runs are the union of the times of the rules
 * that fire on it, and a calendar whose days repeat every day or every week is reduced to that
 * period, so per-minute runs cost one day's 1,440 times, not half a million runs a year.
 *
 * Time zone: times are the schedule's wall clock without daylight saving time. A change of daylight
 * saving time shifts a local-time run by an hour at most: cronie and Vixie cron run the fixed-time
 * jobs skipped by the spring jump right after it and do not repeat them in autumn (cronie cron.c,
 * the "medium" and "negative" wakeups). `dstSensitive` says the verdict could change within that
 * hour. busybox crond instead skips a run that falls in the skipped hour (crond.c
 * flag_starting_jobs walks real minutes): not modelled.
 *
 * systemd's `RandomizedDelaySec=` R may start a run up to R late, so a gap may grow by R and only
 * the runs scheduled in the first window − R of a window certainly fall in it. An interval (a
 * `sleep` loop) runs at most period + R apart; a restart of its container only brings a run earlier.
 * A random sleep the command itself takes before certbot (Debian's /etc/cron.d/certbot sleeps up to
 * 12 h in perl) is the caller's to add to `randomDelay`. Not modelled: certbot renew's own sleep of
 * up to 8 minutes when not run from a terminal (renewal.py handle_renewal_request).
 */
import { type CalendarSchedule, type CivilDay, daysInMonth, type Schedule, secondsPerDay, secondsPerHour } from '../languages/schedule/schedule';
import { type CertbotRenewalRule, type CertificateLifetime, certbotRenewalWindow, currentCertbot, letsEncryptLifetimes } from './renewal-window';

export interface RenewalCertificate {
  /** Seconds from issue to expiry. */
  readonly lifetime: number;
  /** Seconds before expiry from which certbot renews; certbot 4.1+'s with Let's Encrypt unless given (renewal-window.ts). */
  readonly window?: number;
}

/** The worst case, as wall-clock times of the schedule (`2026-05-02 00:00`). */
export interface RenewalExample {
  readonly issued: string;
  /** The window opens, just after a run that found the certificate not yet due. */
  readonly renewalDue: string;
  readonly expires: string;
  /** The next run, at the latest. */
  readonly nextRun: string;
}

export type RenewalJudgement =
  | { readonly verdict: 'never-runs'; readonly lifetime: number; readonly window: number }
  | {
      readonly verdict: 'holds' | 'expires';
      readonly lifetime: number;
      readonly window: number;
      /** Seconds between two consecutive runs, at most (random delays included). */
      readonly longestGap: number;
      /** window − longestGap: spare time in the worst case, or (negative) how long a certificate is expired before the next run. */
      readonly margin: number;
      /** The fewest runs inside any renewal window (before its certificate expires). */
      readonly attempts: number;
      /** Of all issue moments, the share whose certificate expires before a run renews it (0–1; random delays at their worst). */
      readonly expiringShare: number;
      /** A local-time schedule whose margin is under an hour: a daylight-saving change can flip the verdict. */
      readonly dstSensitive: boolean;
      /** Calendars only. */
      readonly example?: RenewalExample;
    };

const cycleStartYear = 2026;
const cycleYears = 28;
/** Days in 28 Gregorian years (7 of them leap years), a whole number of weeks. */
const fullCycleDays = 10_227;

interface DayPattern {
  /** Seconds of the day, ascending. */
  readonly times: readonly number[];
  readonly innerGaps: readonly number[];
  readonly longestInnerGap: number;
  /** Index in `times` where the longest inner gap starts (the first such). */
  readonly longestInnerGapAt: number;
}

/** The runs of a calendar over one cycle of days, after which they repeat. */
interface Expansion {
  /** 10,227 (28 years from 2026-01-01), or 1 or 7 when every day or every week is the same. */
  readonly cycleDays: number;
  /** Pattern index per day of the cycle; -1: no run that day. */
  readonly dayPatterns: Int32Array;
  readonly patterns: readonly DayPattern[];
  /** Runs on the days before each day of the cycle (length cycleDays + 1). */
  readonly runsBefore: Float64Array;
  readonly firingDays: readonly number[];
}

const expansions = new WeakMap<CalendarSchedule, Expansion>();

function makePattern(times: readonly number[]): DayPattern {
  const innerGaps: number[] = [];
  let longestInnerGap = 0;
  let longestInnerGapAt = 0;
  for (let index = 1; index < times.length; index++) {
    const gap = times[index]! - times[index - 1]!;
    innerGaps.push(gap);
    if (gap > longestInnerGap) {
      longestInnerGap = gap;
      longestInnerGapAt = index - 1;
    }
  }
  return { times, innerGaps, longestInnerGap, longestInnerGapAt };
}

/** Every day of 2026–2053: which rules fire, and the union of their times. */
function expand(schedule: CalendarSchedule): Expansion {
  const cached = expansions.get(schedule);
  if (cached) return cached;
  const dayPatterns = new Int32Array(fullCycleDays).fill(-1);
  const patterns: DayPattern[] = [];
  const patternByRules = new Map<string, number>();
  const rules = schedule.rules;
  const civil = { year: 0, month: 0, day: 0, weekday: new Date(Date.UTC(cycleStartYear, 0, 1)).getUTCDay(), daysInMonth: 0 };
  let dayIndex = 0;
  for (civil.year = cycleStartYear; civil.year < cycleStartYear + cycleYears; civil.year++) {
    for (civil.month = 1; civil.month <= 12; civil.month++) {
      civil.daysInMonth = daysInMonth(civil.year, civil.month);
      for (civil.day = 1; civil.day <= civil.daysInMonth; civil.day++) {
        let key = '';
        for (let index = 0; index < rules.length; index++) if (rules[index]!.firesOn(civil as CivilDay)) key += key === '' ? `${index}` : `,${index}`;
        if (key !== '') {
          let pattern = patternByRules.get(key);
          if (pattern === undefined) {
            const firing = key.split(',').map(Number);
            const times = firing.length === 1 ? rules[firing[0]!]!.times : [...new Set(firing.flatMap((index) => rules[index]!.times))].sort((a, b) => a - b);
            pattern = patterns.push(makePattern(times)) - 1;
            patternByRules.set(key, pattern);
          }
          dayPatterns[dayIndex] = pattern;
        }
        dayIndex++;
        civil.weekday = civil.weekday === 6 ? 0 : civil.weekday + 1;
      }
    }
  }
  // Most renewal schedules run every day or every week alike: one day or one week is their whole cycle.
  const cycleDays = [1, 7].find((period) => dayPatterns.every((pattern, day) => pattern === dayPatterns[day % period])) ?? fullCycleDays;
  const cycle = dayPatterns.subarray(0, cycleDays);
  const firingDays: number[] = [];
  const runsBefore = new Float64Array(cycleDays + 1);
  for (let day = 0; day < cycleDays; day++) {
    const pattern = cycle[day]!;
    if (pattern >= 0) firingDays.push(day);
    runsBefore[day + 1] = runsBefore[day]! + (pattern >= 0 ? patterns[pattern]!.times.length : 0);
  }
  const expansion = { cycleDays, dayPatterns: cycle, patterns, runsBefore, firingDays };
  expansions.set(schedule, expansion);
  return expansion;
}

/** How many of `times` (ascending) are ≤ `second`. */
function countUpTo(times: readonly number[], second: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle]! <= second) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Judges a schedule for each lifetime Let's Encrypt issues or has announced, with certbot's window for each. */
export function judgeForLetsEncrypt(
  schedule: Schedule,
  rule: CertbotRenewalRule = currentCertbot,
): { readonly certificate: CertificateLifetime; readonly judgement: RenewalJudgement }[] {
  return letsEncryptLifetimes.map((certificate) => ({
    certificate,
    judgement: judgeRenewalSchedule(schedule, { lifetime: certificate.lifetime, window: certbotRenewalWindow(certificate.lifetime, rule) }),
  }));
}

/** Judges a schedule for certificates of one lifetime. */
export function judgeRenewalSchedule(schedule: Schedule, certificate: RenewalCertificate): RenewalJudgement {
  const lifetime = certificate.lifetime;
  const window = Math.min(certificate.window ?? certbotRenewalWindow(lifetime), lifetime);
  return schedule.kind === 'interval' ? judgeInterval(schedule.period + schedule.randomDelay, lifetime, window) : judgeCalendar(schedule, lifetime, window);
}

function judgeInterval(gap: number, lifetime: number, window: number): RenewalJudgement {
  return {
    verdict: gap <= window ? 'holds' : 'expires',
    lifetime,
    window,
    longestGap: gap,
    margin: window - gap,
    attempts: Math.floor(window / gap + 1e-9),
    expiringShare: Math.max(0, gap - window) / gap,
    dstSensitive: false,
  };
}

function judgeCalendar(schedule: CalendarSchedule, lifetime: number, window: number): RenewalJudgement {
  const expansion = expand(schedule);
  const { cycleDays, dayPatterns, patterns, firingDays } = expansion;
  if (firingDays.length === 0) return { verdict: 'never-runs', lifetime, window };
  const cycleSeconds = cycleDays * secondsPerDay;
  const delay = schedule.randomDelay;
  // A window opening at a run: the certificate was issued lifetime − window before it. The example
  // is the earliest such run after 2026-01-01 + that lead, so that the issue date falls in 2026 or later.
  const issueLead = lifetime - window;
  const earliestFrom = (start: number): number => (start >= issueLead ? start : start + Math.ceil((issueLead - start) / cycleSeconds) * cycleSeconds);
  let longest = -1;
  let exampleStart = 0;
  let shortest = Number.POSITIVE_INFINITY;
  let expiring = 0;
  const consider = (gap: number, start: number): void => {
    if (gap > longest) {
      longest = gap;
      exampleStart = earliestFrom(start);
    } else if (gap === longest) exampleStart = Math.min(exampleStart, earliestFrom(start));
  };
  const addGap = (gap: number, times = 1): void => {
    expiring += times * Math.max(0, gap + delay - window);
    if (gap < shortest) shortest = gap;
  };
  // The gaps inside a day are the same on every day of a pattern: counted once per pattern.
  const daysOfPattern = new Array<number>(patterns.length).fill(0);
  for (const day of firingDays) daysOfPattern[dayPatterns[day]!]!++;
  patterns.forEach((pattern, index) => {
    for (const gap of pattern.innerGaps) addGap(gap, daysOfPattern[index]);
  });
  for (let index = 0; index < firingDays.length; index++) {
    const day = firingDays[index]!;
    const pattern = patterns[dayPatterns[day]!]!;
    const times = pattern.times;
    if (times.length > 1) consider(pattern.longestInnerGap, day * secondsPerDay + times[pattern.longestInnerGapAt]!);
    const nextDay = firingDays[index + 1] ?? firingDays[0]! + cycleDays;
    const next = patterns[dayPatterns[nextDay % cycleDays]!]!;
    const last = times[times.length - 1]!;
    const gap = (nextDay - day) * secondsPerDay + next.times[0]! - last;
    consider(gap, day * secondsPerDay + last);
    addGap(gap);
  }
  const longestGap = longest + delay;
  const margin = window - longestGap;
  return {
    verdict: margin >= 0 ? 'holds' : 'expires',
    lifetime,
    window,
    longestGap,
    margin,
    // A random delay longer than the shortest gap can swap runs or skip one: then only the bound from the longest gap holds.
    attempts: delay > shortest ? Math.floor(window / longestGap + 1e-9) : fewestRunsInWindow(expansion, window - delay),
    expiringShare: expiring / cycleSeconds,
    dstSensitive: schedule.clock === 'local' && Math.abs(margin) < secondsPerHour,
    example: {
      issued: wallClock(exampleStart - issueLead),
      renewalDue: wallClock(exampleStart),
      expires: wallClock(exampleStart + window),
      nextRun: wallClock(exampleStart + longestGap),
    },
  };
}

/**
 * The fewest runs in (run, run + span] over every run of the cycle. For a run at second τ_j of
 * day d, the count is the runs of the whole days in between plus those of the last day up to the
 * end time, minus the runs of day d up to τ_j; the part that depends on τ_j only depends on the
 * patterns of day d and of the one or two days the span can end on, so it is worked out once per
 * combination of patterns and the days are a single pass.
 */
function fewestRunsInWindow({ cycleDays, dayPatterns, patterns, runsBefore, firingDays }: Expansion, span: number): number {
  if (span <= 0) return 0;
  const total = runsBefore[cycleDays]!;
  const runsBeforeDay = (day: number): number => Math.floor(day / cycleDays) * total + runsBefore[day % cycleDays]!;
  const wholeDays = Math.floor(span / secondsPerDay);
  const rest = span - wholeDays * secondsPerDay;
  const none: readonly number[] = [];
  const timesOf = (pattern: number): readonly number[] => (pattern >= 0 ? patterns[pattern]!.times : none);
  const memo = new Map<number, readonly [number, number]>();
  const width = patterns.length + 1;
  let fewest = Number.POSITIVE_INFINITY;
  for (const day of firingDays) {
    const own = dayPatterns[day]!;
    const sameDayEnd = dayPatterns[(day + wholeDays) % cycleDays]!;
    const nextDayEnd = dayPatterns[(day + wholeDays + 1) % cycleDays]!;
    const key = (own * width + sameDayEnd + 1) * width + nextDayEnd + 1;
    let best = memo.get(key);
    if (!best) {
      const times = timesOf(own);
      let sameDay = Number.POSITIVE_INFINITY;
      let nextDay = Number.POSITIVE_INFINITY;
      for (const [index, time] of times.entries()) {
        const end = time + rest;
        if (end < secondsPerDay) sameDay = Math.min(sameDay, countUpTo(timesOf(sameDayEnd), end) - index - 1);
        else nextDay = Math.min(nextDay, countUpTo(timesOf(nextDayEnd), end - secondsPerDay) - index - 1);
      }
      best = [sameDay, nextDay];
      memo.set(key, best);
    }
    const throughSameDay = runsBeforeDay(day + wholeDays) - runsBeforeDay(day) + best[0];
    const throughNextDay = runsBeforeDay(day + wholeDays + 1) - runsBeforeDay(day) + best[1];
    fewest = Math.min(fewest, throughSameDay, throughNextDay);
  }
  return fewest;
}

/** Seconds since the cycle's start as `YYYY-MM-DD HH:MM` (`:SS` when not zero). */
function wallClock(seconds: number): string {
  const iso = new Date(Date.UTC(cycleStartYear, 0, 1) + Math.round(seconds) * 1000).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(17, 19) === '00' ? text : `${text}:${iso.slice(17, 19)}`;
}

/** `62 days`, `1 day 1 hour`, `29 days 2 hours 24 minutes`: a duration rounded to the minute, for messages. */
export function formatDuration(seconds: number): string {
  const minutes = Math.round(Math.abs(seconds) / 60);
  const parts: [number, string][] = [
    [Math.floor(minutes / 1440), 'day'],
    [Math.floor((minutes % 1440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ];
  const words = parts.filter(([count]) => count > 0).map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  return words.length > 0 ? words.join(' ') : '0 minutes';
}
