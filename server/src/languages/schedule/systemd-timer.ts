/**
 * A systemd timer unit (`*.timer`) read as a renewal schedule, per systemd.timer(5) and
 * systemd.syntax(7): the `[Timer]` section's `OnCalendar=` (any number, each a calendar event of
 * systemd-calendar.ts), the monotonic `OnActiveSec=`, `OnBootSec=`, `OnStartupSec=`,
 * `OnUnitActiveSec=`, `OnUnitInactiveSec=`, and `RandomizedDelaySec=` (a delay drawn anew before
 * each elapse, unless `FixedRandomDelay=yes` keeps one per machine), `Persistent=`, `Unit=`.
 * An empty assignment to any of the `On…=` settings drops every one given before it (systemd's
 * load-fragment.c config_parse_timer frees all timer values).
 *
 * What it means for renewal:
 * - `OnCalendar=` only: a calendar schedule; the randomized delay may push each run later.
 * - `OnUnitActiveSec=`/`OnUnitInactiveSec=` with a start (`OnBootSec=`, `OnActiveSec=`,
 *   `OnStartupSec=`): an interval. Without a start they count from a run that never comes unless
 *   something else starts the service: unknown.
 * - `OnBootSec=`/`OnStartupSec=`/`OnActiveSec=` alone: once per boot or start.
 * - Calendar and interval together: unknown (not modelled).
 * `AccuracySec=` (default 1 min) places the elapse at a stable host-specific point of its window,
 * so it shifts runs without lengthening the gaps; not modelled. `Persistent=` only catches up on
 * runs missed while the machine was off; the judgement assumes it is on.
 */
import { type CalendarRule, onceOnly, type ScheduleClock, type ScheduleReading, unknownSchedule } from './schedule';
import { parseCalendarEvent, parseTimeSpan } from './systemd-calendar';

export interface SystemdTimer {
  readonly reading: ScheduleReading;
  /** `Persistent=`: a run missed while the machine was off happens at the next start. */
  readonly persistent: boolean;
  /** `Unit=`; absent: the service named like the timer. */
  readonly unit?: string;
  /** The `OnCalendar=` values in force, as written. */
  readonly calendars: readonly string[];
}

interface Setting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

/** systemd.syntax(7): sections, `Key=Value`, `#`/`;` comments, a trailing backslash continues the line. */
function readSettings(text: string): Setting[] {
  const settings: Setting[] = [];
  let section = '';
  let pending = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#') || line.startsWith(';'))) continue;
    if (pending !== '' && (line.startsWith('#') || line.startsWith(';'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = pending + line;
    pending = '';
    const header = /^\[([^\]]+)\]$/.exec(whole);
    if (header) {
      section = header[1]!;
      continue;
    }
    const equals = whole.indexOf('=');
    if (equals < 0) continue;
    settings.push({ section, key: whole.slice(0, equals).trim(), value: whole.slice(equals + 1).trim() });
  }
  return settings;
}

/** systemd's parse_boolean */
function readBoolean(value: string): boolean | undefined {
  if (/^(1|yes|y|true|t|on)$/i.test(value)) return true;
  if (/^(0|no|n|false|f|off)$/i.test(value)) return false;
  return undefined;
}

const monotonicKeys = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec'] as const;
type MonotonicKey = (typeof monotonicKeys)[number];

export function parseSystemdTimer(text: string): SystemdTimer {
  const settings = readSettings(text).filter((setting) => setting.section === 'Timer');
  let calendars: string[] = [];
  let monotonic: { key: MonotonicKey; value: string }[] = [];
  let randomizedDelay = '0';
  let fixedRandomDelay = false;
  let persistent = false;
  let unit: string | undefined;
  for (const { key, value } of settings) {
    if (key === 'OnCalendar' || (monotonicKeys as readonly string[]).includes(key)) {
      if (value === '') {
        calendars = [];
        monotonic = [];
      } else if (key === 'OnCalendar') calendars.push(value);
      else monotonic.push({ key: key as MonotonicKey, value });
    } else if (key === 'RandomizedDelaySec') randomizedDelay = value;
    else if (key === 'FixedRandomDelay') fixedRandomDelay = readBoolean(value) ?? fixedRandomDelay;
    else if (key === 'Persistent') persistent = readBoolean(value) ?? persistent;
    else if (key === 'Unit') unit = value;
  }
  const reading = readTimer(calendars, monotonic, randomizedDelay, fixedRandomDelay);
  return { reading, persistent, ...(unit ? { unit } : {}), calendars };
}

function readTimer(
  calendars: readonly string[],
  monotonic: readonly { key: MonotonicKey; value: string }[],
  randomized: string,
  fixed: boolean,
): ScheduleReading {
  const delay = parseTimeSpan(randomized);
  if (delay === undefined || !Number.isFinite(delay)) return unknownSchedule(`RandomizedDelaySec=${randomized} is not a time span systemd reads`);
  const randomDelay = fixed ? 0 : delay;
  const spans: { key: MonotonicKey; seconds: number }[] = [];
  for (const { key, value } of monotonic) {
    const seconds = parseTimeSpan(value);
    if (seconds === undefined || !Number.isFinite(seconds)) return unknownSchedule(`${key}=${value} is not a time span systemd reads`);
    spans.push({ key, seconds });
  }
  const repeating = spans.filter(({ key }) => key === 'OnUnitActiveSec' || key === 'OnUnitInactiveSec');
  if (calendars.length > 0) {
    if (repeating.length > 0) return unknownSchedule('OnCalendar= together with OnUnitActiveSec=/OnUnitInactiveSec= is not modelled');
    const rules: CalendarRule[] = [];
    const clocks: ScheduleClock[] = [];
    for (const calendar of calendars) {
      const event = parseCalendarEvent(calendar);
      if (event.kind !== 'event') return event.kind === 'once' && calendars.length === 1 ? event : unknownSchedule(`OnCalendar=${calendar}: ${event.reason}`);
      rules.push(event.rule);
      clocks.push(event.clock);
    }
    const clock = clocks.every((entry) => entry === 'utc') ? 'utc' : 'local';
    return { kind: 'schedule', schedule: { kind: 'calendar', rules, clock, randomDelay } };
  }
  if (repeating.length > 0) {
    if (!spans.some(({ key }) => key === 'OnBootSec' || key === 'OnStartupSec' || key === 'OnActiveSec'))
      return unknownSchedule(
        `${repeating[0]!.key}= counts from the service's last start, and no OnBootSec=, OnStartupSec= or OnActiveSec= starts it: it elapses only if something else starts the service`,
      );
    const period = Math.min(...repeating.map(({ seconds }) => seconds));
    if (period <= 0) return unknownSchedule(`${repeating[0]!.key}=0 is not an interval`);
    return { kind: 'schedule', schedule: { kind: 'interval', period, randomDelay } };
  }
  if (spans.length > 0) return onceOnly(`${spans.map(({ key }) => `${key}=`).join(', ')} alone elapse${spans.length > 1 ? '' : 's'} once per boot or start`);
  return unknownSchedule('no OnCalendar= and no On…Sec= in [Timer]: systemd refuses to load the timer');
}
