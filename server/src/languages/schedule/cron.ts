/**
 * Cron expressions and crontab files, read as the cron daemons in images and on hosts read them.
 *
 * Dialects (they differ where it matters for a renewal schedule):
 * - `vixie`: Vixie cron as cronie (Fedora, RHEL) and Debian's `cron` package carry it. From cronie
 *   1.7.2's src/entry.c: a field is a list of `*`, `N`, `N-M`, each range or `*` with an optional
 *   `/step` (a step after a single number is an error); month and weekday names are the three-letter
 *   English abbreviations, case-insensitive, whole words only (`Mon`, not `Monday`); weekday 7 is
 *   Sunday too; `N-0` in the weekday field means N through Sunday; a range that runs backwards
 *   elsewhere (`22-2`) sets nothing and is left unknown here; cronie's `~` (a random value chosen
 *   when the crontab loads) is unknown too. `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/
 *   `@midnight`, `@hourly` stand for their five fields, `@reboot` runs once at daemon start. From
 *   src/cron.c (find_jobs): when the day-of-month or the day-of-week field starts with `*` (so also
 *   `*\/2`), a day must match both; when both are restricted, either one (`0 0 1,15 * Fri` runs on
 *   the 1st, the 15th and every Friday).
 * - `busybox`: busybox crond (Alpine-based images such as certbot/certbot), miscutils/crond.c:
 *   ParseField counts a step from the first value of its range (`*\/2` in the day-of-month field is
 *   0,2,4… so the even days, where Vixie cron runs the odd ones), lets a range wrap around
 *   (`22-2`), accepts `N/step` as N alone, matches names by their first three letters, has no
 *   weekday 7; FixDayDow makes a day match either field when both are restricted, judging
 *   "restricted" by the values (`1-31` and `*` differ there, `*\/2` counts as restricted), not by a
 *   leading `*`.
 *
 * Six fields: crontab files never have them, but schedulers in images (ofelia, node-cron, Go's
 * robfig/cron with seconds) read `SECONDS MINUTES HOURS DAYS MONTHS WEEKDAYS`, and robfig/cron's
 * `@every 12h`. With `seconds: true` that form is read (robfig/cron's parser.go: `?` is `*`, `N/step`
 * is N through the maximum). Supercronic's six fields put a year last instead: not read (unknown).
 *
 * Time zone: cron runs in the daemon's local time; the schedule's clock is `local`. A container
 * without `TZ` runs in UTC: the caller knows that, this file does not. cronie's `CRON_TZ=` is
 * reported as a variable, not applied.
 */
import { type CalendarRule, type CivilDay, onceOnly, type ScheduleReading, timesOfDay, unknownSchedule } from './schedule';

export type CronDialect = 'vixie' | 'busybox';

export interface CronOptions {
  /** Which daemon reads it; `vixie` unless said. */
  readonly dialect?: CronDialect;
  /** Read six fields with seconds first, and `@every <duration>` (ofelia, node-cron, robfig/cron). Not for crontab files. */
  readonly seconds?: boolean;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const weekdayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** What each `@name` stands for, in both dialects (cronie entry.c, busybox crond.c SpecAry). */
const specials: Readonly<Record<string, string>> = {
  yearly: '0 0 1 1 *',
  annually: '0 0 1 1 *',
  monthly: '0 0 1 * *',
  weekly: '0 0 * * 0',
  daily: '0 0 * * *',
  midnight: '0 0 * * *',
  hourly: '0 * * * *',
};

interface FieldSpec {
  readonly name: string;
  readonly low: number;
  readonly high: number;
  readonly names?: readonly string[];
}

const secondField: FieldSpec = { name: 'second', low: 0, high: 59 };
const minuteField: FieldSpec = { name: 'minute', low: 0, high: 59 };
const hourField: FieldSpec = { name: 'hour', low: 0, high: 23 };
const dayField: FieldSpec = { name: 'day-of-month', low: 1, high: 31 };
const monthField: FieldSpec = { name: 'month', low: 1, high: 12, names: monthNames };
const weekdayField: FieldSpec = { name: 'day-of-week', low: 0, high: 7, names: weekdayNames };

/** The values a field allows, indexed by value; `star`: it starts with `*` (Vixie's DOM_STAR/DOW_STAR). */
interface Field {
  readonly values: readonly boolean[];
  readonly star: boolean;
}

const valuesOf = (field: readonly boolean[]): number[] => field.flatMap((on, value) => (on ? [value] : []));

/** Reads a cron schedule: five fields (six with `seconds`), or `@daily` and its siblings. */
export function parseCronExpression(text: string, options: CronOptions = {}): ScheduleReading {
  const trimmed = text.trim();
  if (trimmed === '') return unknownSchedule('an empty cron expression');
  if (trimmed.startsWith('@')) return parseSpecial(trimmed, options);
  const fields = trimmed.split(/\s+/);
  if (options.seconds && fields.length === 6) return parseFields(fields.slice(1), options, fields[0]);
  if (fields.length === 5) return parseFields(fields, options);
  if (fields.length === 6)
    return unknownSchedule(
      `six fields in "${trimmed}": seconds first (ofelia, node-cron) or a year last (supercronic)? A crontab line has five, then the command`,
    );
  return unknownSchedule(`"${trimmed}" has ${fields.length} fields; a cron expression has five`);
}

function parseSpecial(text: string, options: CronOptions): ScheduleReading {
  const [word = '', ...rest] = text.slice(1).split(/\s+/);
  if (word === 'reboot' && rest.length === 0) return onceOnly('@reboot runs once, when the cron daemon starts');
  if (word === 'every' && options.seconds) return parseEvery(rest.join(' '));
  const fields = specials[word];
  if (fields === undefined || rest.length > 0)
    return unknownSchedule(`"${text}" is not a cron schedule (@yearly, @monthly, @weekly, @daily, @hourly, @reboot)`);
  return parseFields(fields.split(' '), options);
}

/** robfig/cron's `@every <Go duration>`: a constant delay, rounded down to whole seconds, at least 1 s. */
function parseEvery(duration: string): ScheduleReading {
  const units: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/;
  let rest = duration.trim();
  let seconds = 0;
  if (rest === '') return unknownSchedule('@every without a duration');
  while (rest !== '') {
    const part = match.exec(rest);
    if (!part) return unknownSchedule(`"@every ${duration}" is not a Go duration (such as 12h or 1h30m)`);
    const unit = /[a-zµμ]+$/.exec(part[0])?.[0] ?? 's';
    seconds += Number.parseFloat(part[0]) * (units[unit] ?? 1);
    rest = rest.slice(part[0].length);
  }
  return { kind: 'schedule', schedule: { kind: 'interval', period: Math.max(1, Math.floor(seconds)), randomDelay: 0 } };
}

function parseFields(fields: readonly string[], options: CronOptions, secondsText?: string): ScheduleReading {
  const dialect = options.dialect ?? 'vixie';
  const [minuteText = '', hourText = '', dayText = '', monthText = '', weekdayText = ''] = fields;
  const read = (fieldText: string, spec: FieldSpec): Field | string => {
    const wildcard = options.seconds && fieldText === '?' && (spec === dayField || spec === weekdayField) ? '*' : fieldText;
    return dialect === 'busybox' ? parseBusyboxField(wildcard, spec) : parseVixieField(wildcard, spec, options.seconds === true);
  };
  const second = secondsText === undefined ? { values: [true], star: false } : read(secondsText, secondField);
  const minute = read(minuteText, minuteField);
  const hour = read(hourText, hourField);
  const day = read(dayText, dayField);
  const month = read(monthText, monthField);
  const weekday = read(weekdayText, weekdayField);
  for (const field of [second, minute, hour, day, month, weekday]) if (typeof field === 'string') return unknownSchedule(field);
  const [s, mi, h, d, mo, w] = [second, minute, hour, day, month, weekday] as Field[];
  const times = timesOfDay(valuesOf(h!.values), valuesOf(mi!.values), valuesOf(s!.values));
  const weekdays = w!.values[0] || w!.values[7] ? w!.values.map((on, value) => on || value === 0 || value === 7) : w!.values;
  const firesOn = dialect === 'busybox' ? busyboxDays(d!.values, mo!.values, weekdays) : vixieDays(d!, mo!.values, { values: weekdays, star: w!.star });
  const rule: CalendarRule = { firesOn, times };
  return { kind: 'schedule', schedule: { kind: 'calendar', rules: [rule], clock: 'local', randomDelay: 0 } };
}

/** cronie cron.c find_jobs: both day fields must match when either starts with `*`, otherwise either one. */
function vixieDays(day: Field, months: readonly boolean[], weekday: Field): (civil: CivilDay) => boolean {
  const both = day.star || weekday.star;
  return (civil) => {
    if (!months[civil.month]) return false;
    const dayMatches = day.values[civil.day] === true;
    const weekdayMatches = weekday.values[civil.weekday] === true;
    return both ? dayMatches && weekdayMatches : dayMatches || weekdayMatches;
  };
}

/** busybox crond.c FixDayDow, then `cl_Days[mday] || cl_Dow[wday]`. */
function busyboxDays(days: readonly boolean[], months: readonly boolean[], weekdays: readonly boolean[]): (civil: CivilDay) => boolean {
  // Here days are indexed 0–31 and weekdays 0–6, as in busybox's arrays.
  const weekUsed = weekdays.slice(0, 7).some((on) => !on);
  const daysUsed = days.slice(0, 32).some((on) => !on);
  const dayValues = weekUsed && !daysUsed ? [] : days;
  const weekdayValues = daysUsed && !weekUsed ? [] : weekdays;
  return (civil) => months[civil.month] === true && (dayValues[civil.day] === true || weekdayValues[civil.weekday] === true);
}

function readNumber(token: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(token)) return Number.parseInt(token, 10);
  const index = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  if (index >= 0) return index + spec.low;
  return spec.names
    ? `"${token}" in the ${spec.name} field is neither a number nor a three-letter name (${spec.names.slice(0, 3).join(', ')}…)`
    : `"${token}" in the ${spec.name} field is not a number`;
}

/** cronie entry.c get_list / get_range / get_number / set_element. */
function parseVixieField(text: string, spec: FieldSpec, robfig: boolean): Field | string {
  const values: boolean[] = new Array(spec.high + 1).fill(false);
  for (const piece of text.split(',')) {
    if (piece.includes('~')) return `"${text}": cronie's ~ picks a random ${spec.name} each time the crontab is loaded`;
    const match = /^(\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:\/([A-Za-z0-9]*))?$/.exec(piece);
    if (!match) return `"${text}" is not a valid ${spec.name} field`;
    const [, , lowText, highText, stepText] = match;
    let low = spec.low;
    let high = spec.high;
    if (lowText !== undefined) {
      const first = readNumber(lowText, spec);
      if (typeof first === 'string') return first;
      low = first;
      if (highText !== undefined) {
        const last = readNumber(highText, spec);
        if (typeof last === 'string') return last;
        high = last;
      } else if (stepText === undefined) high = low;
      else if (!robfig) return `"${piece}": a step (/${stepText}) follows * or a range, not a single ${spec.name}`;
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number.parseInt(stepText, 10) === 0) return `"${piece}": the step must be a number above 0`;
      step = Number.parseInt(stepText, 10);
    }
    if (spec === weekdayField && low > high && high === 0) high = 7;
    if (low > high) return `"${piece}" runs backwards: cronie accepts it and never runs, busybox wraps it around, other crons reject it`;
    for (let value = low; value <= high; value += step) {
      if (value < spec.low || value > spec.high) return `${value} is outside the ${spec.name} field (${spec.low}–${spec.high})`;
      values[value] = true;
    }
  }
  return { values, star: text.startsWith('*') };
}

/** busybox crond.c ParseField, values kept at their calendar numbers (months 1–12). */
function parseBusyboxField(text: string, spec: FieldSpec): Field | string {
  // busybox's arrays: minutes 60, hours 24, days 32 (0–31), months 12 (number − 1), weekdays 7.
  const modulus = spec === dayField ? 32 : spec === monthField ? 12 : spec === weekdayField ? 7 : spec.high + 1;
  const offset = spec === monthField ? -1 : 0;
  const array: boolean[] = new Array(modulus).fill(false);
  const invalid = `"${text}" is not a valid ${spec.name} field for busybox crond (it reports a parse error)`;
  let position = 0;
  for (;;) {
    let first = -1;
    let last = -1;
    for (;;) {
      let read: number | undefined;
      if (text[position] === '*') {
        first = 0;
        last = modulus - 1;
        position++;
        read = 0;
      } else if (/\d/.test(text[position] ?? '')) {
        const digits = /^\d+/.exec(text.slice(position))![0];
        position += digits.length;
        read = Number.parseInt(digits, 10) + offset;
        if (read < 0 || read >= modulus) return `${digits} is outside the ${spec.name} field for busybox crond`;
        if (first < 0) first = read;
        else last = read;
      } else if (spec.names) {
        const index = spec.names.indexOf(text.slice(position, position + 3).toLowerCase());
        if (index >= 0) {
          position += 3;
          read = index;
          if (first < 0) first = index;
          else last = index;
        }
      }
      if (read === undefined) return invalid;
      if (text[position] === '-' && last < 0) {
        position++;
        continue;
      }
      break;
    }
    if (last < 0) last = first;
    let step = 1;
    if (text[position] === '/') {
      const digits = /^\d*/.exec(text.slice(position + 1))![0];
      position += 1 + digits.length;
      step = digits === '' ? 0 : Number.parseInt(digits, 10);
      if (step === 0) return `"${text}": busybox crond takes a step of 0 as "the first value only"; not read here`;
    }
    let countdown = 1;
    let value = first - 1;
    do {
      value = (value + 1) % modulus;
      if (--countdown === 0) {
        array[value] = true;
        countdown = step;
      }
    } while (value !== last);
    if (text[position] !== ',') break;
    position++;
  }
  if (position < text.length) return invalid;
  const values = spec === monthField ? [false, ...array] : array;
  return { values, star: text.startsWith('*') };
}

export interface CrontabEntry {
  /** 0-based line of the file. */
  readonly line: number;
  /** The time fields as written (`0 3 * * *`, `@daily`). */
  readonly when: string;
  readonly reading: ScheduleReading;
  /** /etc/crontab and cron.d files name the user that runs the command. */
  readonly user?: string;
  /** The rest of the line, as written; cron gives what follows an unescaped `%` to the command's stdin. */
  readonly command: string;
  /** Offset of `command` in the file. */
  readonly commandStart: number;
}

export interface CrontabVariable {
  readonly line: number;
  readonly name: string;
  readonly value: string;
}

export interface Crontab {
  readonly entries: readonly CrontabEntry[];
  readonly variables: readonly CrontabVariable[];
}

export interface CrontabOptions {
  /** /etc/crontab and /etc/cron.d/* have a user field after the time; a user's crontab (crontab -e, /etc/crontabs/root) does not. */
  readonly userField: boolean;
  readonly dialect?: CronDialect;
}

/**
 * Reads a crontab file: comments (`#` first on the line), blank lines, variables (`NAME=value`,
 * cronie env.c load_env; busybox crond only takes MAILTO=, SHELL= and PATH=) and entries.
 */
export function parseCrontab(text: string, options: CrontabOptions): Crontab {
  const dialect = options.dialect ?? 'vixie';
  const entries: CrontabEntry[] = [];
  const variables: CrontabVariable[] = [];
  let lineStart = 0;
  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const start = lineStart;
    lineStart += rawLine.length + 1;
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    // busybox takes the first word of MAILTO=, SHELL= and PATH= lines; cronie any `name = value`.
    const busyboxVariable = /^(MAILTO|SHELL|PATH)=(\S*)/.exec(content);
    const variable = dialect === 'vixie' ? readVariable(content) : busyboxVariable && { name: busyboxVariable[1]!, value: busyboxVariable[2]! };
    if (variable) {
      variables.push({ line: index, ...variable });
      continue;
    }
    // cronie: a leading "-" only turns off the syslog line for the job.
    const dash = dialect === 'vixie' && content.startsWith('-') ? 1 : 0;
    const timeWords = content.slice(dash).startsWith('@') ? 1 : 5;
    const words = /\S+/g;
    words.lastIndex = line.length - content.length + dash;
    const found: RegExpExecArray[] = [];
    for (let match = words.exec(line); match && found.length < timeWords + (options.userField ? 2 : 1); match = words.exec(line)) found.push(match);
    const timeEnd = found[timeWords - 1] ? found[timeWords - 1]!.index + found[timeWords - 1]![0].length : line.length;
    const when = line.slice(line.length - content.length + dash, timeEnd);
    const userWord = options.userField ? found[timeWords] : undefined;
    const commandWord = found[timeWords + (options.userField ? 1 : 0)];
    let reading = parseCronExpression(when, { dialect });
    if (!commandWord)
      reading = unknownSchedule(
        dialect === 'busybox'
          ? `"${content}" has fewer than six words: busybox crond skips the line`
          : `"${content}" has no command after its ${options.userField ? 'time and user' : 'time'}: cron rejects the line`,
      );
    else if (dialect === 'vixie' && timeWords === 5 && commandWord[0].startsWith('*'))
      reading = unknownSchedule(`"${content}": cron rejects a command that starts with * (a sixth time field?)`);
    entries.push({
      line: index,
      when,
      reading,
      ...(userWord ? { user: userWord[0] } : {}),
      command: commandWord ? line.slice(commandWord.index) : '',
      commandStart: start + (commandWord ? commandWord.index : line.length),
    });
  }
  return { entries, variables };
}

/** cronie env.c load_env: `name = value`, blanks around `=` allowed, the value optionally quoted. */
function readVariable(content: string): { name: string; value: string } | undefined {
  const match = /^("[^"]*"|'[^']*'|[^\s=]+)\s*=\s*(.*)$/.exec(content);
  if (!match) return undefined;
  const unquote = (text: string): string => (/^(["']).*\1$/.test(text) && text.length >= 2 ? text.slice(1, -1) : text);
  return { name: unquote(match[1]!), value: unquote(match[2]!.trimEnd()) };
}
