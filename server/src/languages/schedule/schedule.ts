/**
 * What a renewal schedule is once read, whatever wrote it: either a calendar (the days it fires on
 * and the times of those days: a cron expression, systemd's `OnCalendar=`) or a fixed interval
 * between runs (a `sleep` loop, systemd's `OnUnitActiveSec=`). The parsers beside this file
 * produce it; facts/renewal-schedule.ts judges whether certificates get renewed in time.
 *
 * A reading is a schedule, something that runs once (`@reboot`, `OnBootSec=` alone, a loop that
 * sleeps forever), or unknown with the reason — never a guess.
 */

/** One day of the Gregorian calendar, as the schedule's clock shows it. */
export interface CivilDay {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
  /** 28–31 */
  readonly daysInMonth: number;
}

/** The days one rule (a cron line, one `OnCalendar=`) fires on, and at which seconds of those days. */
export interface CalendarRule {
  readonly firesOn: (day: CivilDay) => boolean;
  /** Seconds after midnight, ascending, without duplicates; never empty. */
  readonly times: readonly number[];
}

/**
 * `local`: the wall clock of a time zone that may observe daylight saving time (cron's default, and
 * systemd's without a zone); `utc`: a clock that never jumps (`… UTC`, a container without `TZ`).
 */
export type ScheduleClock = 'local' | 'utc';

export interface CalendarSchedule {
  readonly kind: 'calendar';
  /** Fires when any of them does (several cron lines, several `OnCalendar=`). */
  readonly rules: readonly CalendarRule[];
  readonly clock: ScheduleClock;
  /** systemd's `RandomizedDelaySec=`: each run starts up to this many seconds late, drawn anew each time. */
  readonly randomDelay: number;
}

export interface IntervalSchedule {
  readonly kind: 'interval';
  /** Seconds from the start of one run to the start of the next (the run's own time left out: it is small). */
  readonly period: number;
  /** Up to this many seconds added to every period, drawn anew each time. */
  readonly randomDelay: number;
}

export type Schedule = CalendarSchedule | IntervalSchedule;

export type ScheduleReading =
  | { readonly kind: 'schedule'; readonly schedule: Schedule }
  /** Runs once (per boot, start or activation), then never again. */
  | { readonly kind: 'once'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export function unknownSchedule(reason: string): ScheduleReading {
  return { kind: 'unknown', reason };
}

export function onceOnly(reason: string): ScheduleReading {
  return { kind: 'once', reason };
}

export const secondsPerMinute = 60;
export const secondsPerHour = 3600;
export const secondsPerDay = 86_400;

/** Every combination of the given hours, minutes and seconds, as seconds after midnight, ascending. */
export function timesOfDay(hours: readonly number[], minutes: readonly number[], seconds: readonly number[] = [0]): number[] {
  const times: number[] = [];
  for (const hour of [...hours].sort((a, b) => a - b))
    for (const minute of [...minutes].sort((a, b) => a - b))
      for (const second of [...seconds].sort((a, b) => a - b)) times.push(hour * secondsPerHour + minute * secondsPerMinute + second);
  return [...new Set(times)];
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Several calendars as one: runs when any of them does (several cron lines or timers that run certbot). */
export function mergeCalendars(schedules: readonly CalendarSchedule[]): CalendarSchedule {
  return {
    kind: 'calendar',
    rules: schedules.flatMap((schedule) => schedule.rules),
    clock: schedules.every((schedule) => schedule.clock === 'utc') ? 'utc' : 'local',
    randomDelay: Math.max(0, ...schedules.map((schedule) => schedule.randomDelay)),
  };
}

/**
 * The first `count` runs of a calendar from a day on (`YYYY-MM-DD`), as `YYYY-MM-DD HH:MM` (with
 * `:SS` when not zero) on its own clock, looking at most 28 years ahead: for messages and tests.
 */
export function listRuns(schedule: CalendarSchedule, from: string, count: number): string[] {
  const [year = 2026, month = 1, day = 1] = from.split('-').map(Number);
  const runs: string[] = [];
  const start = Date.UTC(year, month - 1, day);
  for (let offset = 0; runs.length < count && offset < 28 * 366; offset++) {
    const date = new Date(start + offset * secondsPerDay * 1000);
    const civil: CivilDay = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
      daysInMonth: daysInMonth(date.getUTCFullYear(), date.getUTCMonth() + 1),
    };
    const times = [...new Set(schedule.rules.flatMap((rule) => (rule.firesOn(civil) ? rule.times : [])))].sort((a, b) => a - b);
    for (const time of times.slice(0, count - runs.length)) runs.push(`${date.toISOString().slice(0, 10)} ${formatTimeOfDay(time)}`);
  }
  return runs;
}

/** Seconds after midnight as `HH:MM`, or `HH:MM:SS` when the seconds are not zero. */
export function formatTimeOfDay(seconds: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const text = `${pad(Math.floor(seconds / secondsPerHour))}:${pad(Math.floor((seconds % secondsPerHour) / secondsPerMinute))}`;
  return seconds % secondsPerMinute === 0 ? text : `${text}:${pad(seconds % secondsPerMinute)}`;
}
