/**
 * systemd's calendar events (`OnCalendar=`) and time spans (`RandomizedDelaySec=`,
 * `OnUnitActiveSec=`), as systemd.time(7) describes them and systemd's source reads them:
 * src/shared/calendarspec.c (calendar_spec_from_string and what it calls) and
 * src/basic/time-util.c (parse_time, extract_multiplier).
 *
 * A calendar event is `[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [TIMEZONE]`: a missing
 * date is every day, a missing time 00:00:00, missing seconds 0. Each field is `*` or a list of
 * `N`, `N..M` and either with `/STEP` (`N/STEP` runs from N to the field's end); `*\/2` is an error
 * (write `0/2`). `~` before the day counts days from the end of the month (`*-02~03` is the
 * third-last day of February). Weekdays (`Mon`, `Monday`, ranges `Mon..Fri` or `Mon-Fri`) and the
 * date must both match, unlike cron. `minutely`, `hourly`, `daily`, `weekly` (Monday 00:00),
 * `monthly`, `quarterly`, `semiannually`, `yearly` are shorthands. A trailing ` UTC` or a zone of
 * the tz database (`Europe/Berlin`, `EST`) sets the clock; without one it is the machine's local
 * time. Checked against systemd 252's `systemd-analyze calendar` (test/e2e).
 *
 * Not read (unknown): a year other than `*` (the event stops repeating), fractional seconds,
 * `@EPOCH` (once), a zone abbreviation of the machine's own zone (`CET`), which only the
 * machine can resolve.
 */
import {
  type CalendarRule,
  type CivilDay,
  type ScheduleClock,
  type ScheduleReading,
  secondsPerDay,
  secondsPerHour,
  secondsPerMinute,
  timesOfDay,
} from './schedule';

interface Component {
  readonly start: number;
  /** -1: none */
  readonly stop: number;
  /** 0: the start value alone */
  readonly repeat: number;
}

/** undefined: `*` */
type Chain = readonly Component[] | undefined;

interface CalendarSpec {
  /** Bit 0 = Monday … bit 6 = Sunday; undefined: any day. */
  weekdays?: number;
  year?: Chain;
  month?: Chain;
  day?: Chain;
  endOfMonth: boolean;
  hour: Chain;
  minute: Chain;
  second: Chain;
}

/** One `OnCalendar=` value: a calendar rule and its clock, or why it is not one. */
export type CalendarEventReading =
  | { readonly kind: 'event'; readonly rule: CalendarRule; readonly clock: ScheduleClock }
  | Exclude<ScheduleReading, { kind: 'schedule' }>;

class SpecError extends Error {}

const fail = (message: string): never => {
  throw new SpecError(message);
};

const weekdayNames: readonly (readonly [string, number])[] = [
  ['monday', 0],
  ['mon', 0],
  ['tuesday', 1],
  ['tue', 1],
  ['wednesday', 2],
  ['wed', 2],
  ['thursday', 3],
  ['thu', 3],
  ['friday', 4],
  ['fri', 4],
  ['saturday', 5],
  ['sat', 5],
  ['sunday', 6],
  ['sun', 6],
];

const single = (value: number): Component => ({ start: value, stop: -1, repeat: 0 });

/** calendar_spec_from_string's shorthands, as the specs they build. */
function shorthand(word: string): CalendarSpec | undefined {
  const midnight = { hour: [single(0)], minute: [single(0)], second: [single(0)], endOfMonth: false };
  switch (word.toLowerCase()) {
    case 'minutely':
      return { hour: undefined, minute: undefined, second: [single(0)], endOfMonth: false };
    case 'hourly':
      return { hour: undefined, minute: [single(0)], second: [single(0)], endOfMonth: false };
    case 'daily':
      return midnight;
    case 'weekly':
      return { ...midnight, weekdays: 1 };
    case 'monthly':
      return { ...midnight, day: [single(1)] };
    case 'quarterly':
      return { ...midnight, month: [1, 4, 7, 10].map(single), day: [single(1)] };
    case 'biannually':
    case 'bi-annually':
    case 'semiannually':
    case 'semi-annually':
      return { ...midnight, month: [1, 7].map(single), day: [single(1)] };
    case 'annually':
    case 'yearly':
    case 'anually':
      return { ...midnight, month: [single(1)], day: [single(1)] };
    default:
      return undefined;
  }
}

/**
 * A zone systemd finds in /usr/share/zoneinfo (timezone_is_valid: case matters), as far as Node's
 * time zone data knows it; `local` when its offset differs between January and July (daylight
 * saving time), `utc` when it never jumps.
 */
function zoneClock(name: string): ScheduleClock | undefined {
  if (!/^[A-Z]/.test(name)) return undefined;
  try {
    const offset = (month: number): string =>
      new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' })
        .formatToParts(Date.UTC(2026, month, 1))
        .find((part) => part.type === 'timeZoneName')?.value ?? '';
    return offset(0) === offset(6) ? 'utc' : 'local';
  } catch {
    return undefined;
  }
}

/** Reads one `OnCalendar=` value as a schedule of its own. */
export function parseOnCalendar(text: string): ScheduleReading {
  const event = parseCalendarEvent(text);
  if (event.kind !== 'event') return event;
  return { kind: 'schedule', schedule: { kind: 'calendar', rules: [event.rule], clock: event.clock, randomDelay: 0 } };
}

/** Reads one `OnCalendar=` value. */
export function parseCalendarEvent(text: string): CalendarEventReading {
  let rest = text.trim();
  let clock: ScheduleClock = 'local';
  if (rest.toLowerCase().endsWith(' utc')) {
    clock = 'utc';
    rest = rest.slice(0, -4).trimEnd();
  } else {
    const lastSpace = rest.lastIndexOf(' ');
    const zone = lastSpace >= 0 ? zoneClock(rest.slice(lastSpace + 1)) : undefined;
    if (zone) {
      clock = zone;
      rest = rest.slice(0, lastSpace).trimEnd();
    }
  }
  if (rest === '') return { kind: 'unknown', reason: `"${text}" is not a calendar event` };
  try {
    const parsed = shorthand(rest) ?? parseSpec(rest);
    if (parsed === 'once') return { kind: 'once', reason: `"${text}" names one moment (@seconds since 1970), not a repeating event` };
    const spec = normalize(parsed);
    validate(spec);
    if (spec.year !== undefined) return { kind: 'unknown', reason: `"${text}" names years: the event stops repeating` };
    return { kind: 'event', rule: toRule(spec), clock };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    if (rest.includes('*/')) return { kind: 'unknown', reason: `"${text}": systemd has no */N (write 0/N): it rejects the event` };
    const lastWord = /\s([A-Za-z]{2,5})$/.exec(rest)?.[1];
    if (lastWord && !shorthand(lastWord) && !weekdayNames.some(([name]) => name === lastWord.toLowerCase()))
      return { kind: 'unknown', reason: `"${text}" ends in "${lastWord}": a time zone abbreviation only the machine's own zone resolves` };
    return { kind: 'unknown', reason: `"${text}" is not a calendar event systemd accepts: ${error.message}` };
  }
}

class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  get char(): string {
    return this.text[this.position] ?? '';
  }
  skipSpaces(): void {
    while (this.char === ' ') this.position++;
  }
}

function parseSpec(text: string): CalendarSpec | 'once' {
  const cursor = new Cursor(text);
  const weekdays = parseWeekdays(cursor);
  const spec: CalendarSpec = { weekdays, endOfMonth: false, hour: undefined, minute: undefined, second: undefined };
  if (parseDate(cursor, spec) === 'once') return 'once';
  parseTime(cursor, spec);
  if (cursor.position < text.length) fail(`unexpected "${text.slice(cursor.position)}"`);
  return spec;
}

/** calendarspec.c parse_weekdays */
function parseWeekdays(cursor: Cursor): number | undefined {
  let bits = 0;
  let rangeStart = -1;
  let first = true;
  for (;;) {
    const rest = cursor.text.slice(cursor.position).toLowerCase();
    const found = weekdayNames.find(([name]) => rest.startsWith(name));
    if (!found) {
      if (first) return undefined;
      fail('a weekday list ends in something that is not a weekday');
    }
    const [name, number] = found!;
    if (!['', '-', '.', ',', ' '].includes(rest[name.length] ?? '')) fail(`"${cursor.text.slice(cursor.position)}" is not a weekday`);
    bits |= 1 << number;
    if (rangeStart >= 0) {
      if (rangeStart > number) fail('a weekday range runs backwards');
      for (let day = rangeStart + 1; day < number; day++) bits |= 1 << day;
    }
    cursor.position += name.length;
    if (cursor.char === '') return normalizeWeekdays(bits);
    if (cursor.char === ' ') {
      cursor.skipSpaces();
      return normalizeWeekdays(bits);
    }
    if (cursor.char === '.') {
      if (rangeStart >= 0 || cursor.text[cursor.position + 1] !== '.') fail('a weekday range needs ".." between two days');
      rangeStart = number;
      cursor.position += 2;
    } else if (cursor.char === '-') {
      if (rangeStart >= 0) fail('a weekday range needs two days');
      rangeStart = number;
      cursor.position += 1;
    } else if (cursor.char === ',') {
      rangeStart = -1;
      cursor.position += 1;
    }
    if (cursor.char === '' || cursor.char === ' ') {
      if (rangeStart >= 0) fail('a weekday range is left open');
      cursor.skipSpaces();
      return normalizeWeekdays(bits);
    }
    first = false;
  }
}

/** calendar_spec_normalize: no weekday or all seven is the same as none given. */
const normalizeWeekdays = (bits: number): number | undefined => (bits <= 0 || bits >= 127 ? undefined : bits);

/** calendarspec.c parse_date; 'once' for `@EPOCH`. */
function parseDate(cursor: Cursor, spec: CalendarSpec): 'once' | undefined {
  if (cursor.char === '') return undefined;
  if (cursor.char === '@') {
    if (!/^@\d+/.test(cursor.text.slice(cursor.position))) fail('"@" is not followed by seconds since 1970');
    cursor.position = cursor.text.length;
    return 'once';
  }
  const start = cursor.position;
  const first = parseChain(cursor, false);
  if (cursor.char === '' || cursor.char === ':') {
    // It was the hour of a time, not a date.
    cursor.position = start;
    return undefined;
  }
  if (cursor.char === '~') spec.endOfMonth = true;
  else if (cursor.char !== '-') fail(`unexpected "${cursor.char}" in the date`);
  cursor.position++;
  const second = parseChain(cursor, false);
  if (cursor.char === '' || cursor.char === ' ') {
    cursor.skipSpaces();
    spec.month = first;
    spec.day = second;
    return undefined;
  }
  if (spec.endOfMonth) fail('"~" stands between the month and the day');
  if (cursor.char === '~') spec.endOfMonth = true;
  else if (cursor.char !== '-') fail(`unexpected "${cursor.char}" in the date`);
  cursor.position++;
  const third = parseChain(cursor, false);
  if (cursor.char !== '' && cursor.char !== ' ') fail(`unexpected "${cursor.char}" after the date`);
  cursor.skipSpaces();
  spec.year = first === undefined ? undefined : first.map((component) => ({ ...component, start: fixYear(component.start), stop: fixYear(component.stop) }));
  spec.month = second;
  spec.day = third;
  return undefined;
}

/** calendarspec.c fix_year: 12 → 2012, 89 → 1989. */
const fixYear = (year: number): number => (year >= 0 && year < 70 ? year + 2000 : year >= 70 && year < 100 ? year + 1900 : year);

/** calendarspec.c parse_calendar_time */
function parseTime(cursor: Cursor, spec: CalendarSpec): void {
  if (cursor.char === '') {
    spec.hour = [single(0)];
    spec.minute = [single(0)];
    spec.second = [single(0)];
    return;
  }
  spec.hour = parseChain(cursor, false);
  if (cursor.char !== ':') fail('a time is HOUR:MINUTE[:SECOND]');
  cursor.position++;
  spec.minute = parseChain(cursor, false);
  if (cursor.char === '') {
    spec.second = [single(0)];
    return;
  }
  if (cursor.char !== ':') fail('a time is HOUR:MINUTE[:SECOND]');
  cursor.position++;
  spec.second = parseChain(cursor, true) ?? [{ start: 0, stop: -1, repeat: 1 }];
  if (cursor.char !== '') fail(`unexpected "${cursor.text.slice(cursor.position)}" after the time`);
}

/** calendarspec.c parse_chain / prepend_component; seconds as whole numbers. */
function parseChain(cursor: Cursor, seconds: boolean): Chain {
  if (cursor.char === '*') {
    cursor.position++;
    return undefined;
  }
  const components: Component[] = [];
  for (;;) {
    const start = readDecimal(cursor, seconds);
    let stop = -1;
    let repeat = 0;
    if (cursor.char === '.' && cursor.text[cursor.position + 1] === '.') {
      cursor.position += 2;
      stop = readDecimal(cursor, seconds);
      repeat = 1;
    }
    if (cursor.char === '/') {
      cursor.position++;
      repeat = readDecimal(cursor, seconds);
      if (repeat === 0) fail('a repetition of 0');
    } else if (seconds && stop >= 0 && start + repeat > stop) fail(`the seconds ${start}..${stop} are not a range`);
    if (!['', ' ', ',', '-', '~', ':'].includes(cursor.char)) fail(`unexpected "${cursor.char}"`);
    components.push({ start, stop, repeat });
    if (cursor.char !== ',') return components;
    cursor.position++;
  }
}

function readDecimal(cursor: Cursor, seconds: boolean): number {
  const digits = /^\d+/.exec(cursor.text.slice(cursor.position))?.[0];
  if (digits === undefined) fail(`a number was expected at "${cursor.text.slice(cursor.position) || 'the end'}"`);
  cursor.position += digits!.length;
  if (seconds && cursor.char === '.' && cursor.text[cursor.position + 1] !== '.') fail('fractional seconds are not read here');
  const value = Number.parseInt(digits!, 10);
  if (value > 2 ** 31 - 1) fail(`${digits} is too large`);
  return value;
}

/**
 * calendarspec.c normalize_chain, before validation: a range whose end equals its start, or whose
 * repetition cannot fire twice (`0..23/24`), is its start alone.
 */
function normalize(spec: CalendarSpec): CalendarSpec {
  const chain = (components: Chain): Chain =>
    components?.map(({ start, stop, repeat }) => {
      const end = stop > start && repeat > 0 ? stop - ((stop - start) % repeat) : stop;
      return (end > start && repeat > 0 && start + repeat > end) || start === end ? single(start) : { start, stop: end, repeat };
    });
  return {
    ...spec,
    year: chain(spec.year),
    month: chain(spec.month),
    day: chain(spec.day),
    hour: chain(spec.hour),
    minute: chain(spec.minute),
    second: chain(spec.second),
  };
}

/** calendarspec.c calendar_spec_valid / chain_valid */
function validate(spec: CalendarSpec): void {
  const check = (chain: Chain, name: string, from: number, to: number, endOfMonth = false): void => {
    const last = endOfMonth ? to - 3 : to;
    for (const { start, stop, repeat } of chain ?? []) {
      const bad =
        start < from ||
        start > last ||
        repeat > last - from ||
        (stop >= 0 ? stop < from || stop > last || start + repeat > stop : endOfMonth ? start - repeat < from : start + repeat > last);
      const written = `${start}${stop >= 0 ? `..${stop}` : ''}${repeat && !(stop >= 0 && repeat === 1) ? `/${repeat}` : ''}`;
      if (bad) fail(`the ${name} ${written} does not fit ${from}..${last} (a range or repetition needs room for a second value)`);
    }
  };
  check(spec.year, 'year', 1970, 2199);
  check(spec.month, 'month', 1, 12);
  check(spec.day, 'day', 1, 31, spec.endOfMonth && spec.day !== undefined);
  check(spec.hour, 'hour', 0, 23);
  check(spec.minute, 'minute', 0, 59);
  check(spec.second, 'second', 0, 59);
}

function componentMatches({ start, stop, repeat }: Component, value: number): boolean {
  if (repeat === 0) return value === start;
  return value >= start && (value - start) % repeat === 0 && (stop < 0 || value <= stop);
}

const chainMatches = (chain: Chain, value: number): boolean => chain === undefined || chain.some((component) => componentMatches(component, value));

/** calendarspec.c find_matching_component with end_of_month: days counted back from the month's last. */
function endOfMonthComponent({ start, stop, repeat }: Component, daysInMonth: number): Component {
  const fromEnd = (day: number): number => daysInMonth + 1 - day;
  return stop > 0 ? { start: fromEnd(stop), stop: fromEnd(start), repeat } : { start: fromEnd(start), stop, repeat };
}

const chainValues = (chain: Chain, from: number, to: number): number[] => {
  const values: number[] = [];
  for (let value = from; value <= to; value++) if (chainMatches(chain, value)) values.push(value);
  return values;
};

function toRule(spec: CalendarSpec): CalendarRule {
  const { weekdays, month, day, endOfMonth } = spec;
  const firesOn = (civil: CivilDay): boolean => {
    if (weekdays !== undefined && (weekdays & (1 << ((civil.weekday + 6) % 7))) === 0) return false;
    if (!chainMatches(month, civil.month)) return false;
    if (day === undefined) return true;
    if (!endOfMonth) return chainMatches(day, civil.day);
    return day.some((component) => componentMatches(endOfMonthComponent(component, civil.daysInMonth), civil.day));
  };
  return { firesOn, times: timesOfDay(chainValues(spec.hour, 0, 23), chainValues(spec.minute, 0, 59), chainValues(spec.second, 0, 59)) };
}

/**
 * A systemd time span (time-util.c parse_time with seconds as the default unit): `12h`, `1d 12h`,
 * `1h30min`, `90`, `2.5h`; `infinity`. Months are 30.44 days, years 365.25 days, as in systemd.
 * In seconds; undefined when systemd would reject it.
 */
export function parseTimeSpan(text: string): number | undefined {
  const units: readonly (readonly [string, number])[] = [
    ['seconds', 1],
    ['second', 1],
    ['sec', 1],
    ['s', 1],
    ['minutes', secondsPerMinute],
    ['minute', secondsPerMinute],
    ['min', secondsPerMinute],
    ['months', 2_629_800],
    ['month', 2_629_800],
    ['M', 2_629_800],
    ['msec', 1e-3],
    ['ms', 1e-3],
    ['m', secondsPerMinute],
    ['hours', secondsPerHour],
    ['hour', secondsPerHour],
    ['hr', secondsPerHour],
    ['h', secondsPerHour],
    ['days', secondsPerDay],
    ['day', secondsPerDay],
    ['d', secondsPerDay],
    ['weeks', 7 * secondsPerDay],
    ['week', 7 * secondsPerDay],
    ['w', 7 * secondsPerDay],
    ['years', 31_557_600],
    ['year', 31_557_600],
    ['y', 31_557_600],
    ['usec', 1e-6],
    ['us', 1e-6],
    ['μs', 1e-6],
    ['µs', 1e-6],
  ];
  const whitespace = /^[ \t\n\r]*/;
  let rest = text.replace(whitespace, '');
  if (rest.startsWith('infinity')) return /^[ \t\n\r]*$/.test(rest.slice('infinity'.length)) ? Number.POSITIVE_INFINITY : undefined;
  let total = 0;
  let something = false;
  for (;;) {
    rest = rest.replace(whitespace, '');
    if (rest === '') return something ? total : undefined;
    const number = /^(\d+)(?:\.(\d*))?/.exec(rest);
    if (!number) return undefined;
    if (number[2] === '') return undefined;
    rest = rest.slice(number[0].length);
    const afterBlanks = rest.replace(whitespace, '');
    const unit = units.find(([suffix]) => afterBlanks.startsWith(suffix));
    if (!unit && afterBlanks === rest && rest !== '') return undefined;
    const multiplier = unit?.[1] ?? 1;
    rest = unit ? afterBlanks.slice(unit[0].length) : afterBlanks;
    total += Number.parseFloat(`${number[1]}.${number[2] ?? ''}`) * multiplier;
    something = true;
  }
}
