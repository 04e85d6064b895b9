import { strict as assert } from 'node:assert';
import { listRuns, type ScheduleReading } from '../../../server/src/languages/schedule/schedule';
import { parseOnCalendar, parseTimeSpan } from '../../../server/src/languages/schedule/systemd-calendar';
import { parseSystemdTimer } from '../../../server/src/languages/schedule/systemd-timer';

/** The clock and first runs from Thursday 2026-01-01, or the reading itself when it is not a calendar. */
function runs(event: string, count = 5): { clock: string; runs: string[] } | ScheduleReading {
  const reading = parseOnCalendar(event);
  if (reading.kind !== 'schedule' || reading.schedule.kind !== 'calendar') return reading;
  return { clock: reading.schedule.clock, runs: listRuns(reading.schedule, '2026-01-01', count) };
}

const local = (...list: string[]) => ({ clock: 'local', runs: list });

describe('systemd calendar events (calendarspec.c)', () => {
  it('reads the shorthands: weekly is Monday 00:00', () => {
    assert.deepEqual(runs('daily', 2), local('2026-01-01 00:00', '2026-01-02 00:00'));
    assert.deepEqual(runs('weekly', 2), local('2026-01-05 00:00', '2026-01-12 00:00'));
    assert.deepEqual(runs('monthly', 2), local('2026-01-01 00:00', '2026-02-01 00:00'));
    assert.deepEqual(runs('hourly', 2), local('2026-01-01 00:00', '2026-01-01 01:00'));
    assert.deepEqual(runs('minutely', 2), local('2026-01-01 00:00', '2026-01-01 00:01'));
    assert.deepEqual(runs('quarterly', 3), local('2026-01-01 00:00', '2026-04-01 00:00', '2026-07-01 00:00'));
    assert.deepEqual(runs('semiannually', 2), local('2026-01-01 00:00', '2026-07-01 00:00'));
    assert.deepEqual(runs('yearly', 2), local('2026-01-01 00:00', '2027-01-01 00:00'));
    assert.deepEqual(runs('Daily UTC', 1), { clock: 'utc', runs: ['2026-01-01 00:00'] });
  });

  it('reads weekdays, dates, lists, ranges and repetitions; weekday and date must both match', () => {
    assert.deepEqual(runs('*-*-* 00,12:00:00', 3), local('2026-01-01 00:00', '2026-01-01 12:00', '2026-01-02 00:00'));
    assert.deepEqual(runs('Mon *-*-* 03:00', 2), local('2026-01-05 03:00', '2026-01-12 03:00'));
    assert.deepEqual(runs('Monday 03:00', 1), local('2026-01-05 03:00'));
    assert.deepEqual(runs('Mon..Fri 03:00', 3), local('2026-01-01 03:00', '2026-01-02 03:00', '2026-01-05 03:00'));
    assert.deepEqual(runs('Sat,Sun 03:00:15', 2), local('2026-01-03 03:00:15', '2026-01-04 03:00:15'));
    assert.deepEqual(runs('Mon-Wed *-*-* 0/8:30', 4), local('2026-01-05 00:30', '2026-01-05 08:30', '2026-01-05 16:30', '2026-01-06 00:30'));
    assert.deepEqual(runs('*:0/15', 2), local('2026-01-01 00:00', '2026-01-01 00:15'));
    assert.deepEqual(runs('03:00', 2), local('2026-01-01 03:00', '2026-01-02 03:00'));
    assert.deepEqual(runs('12-25', 2), local('2026-12-25 00:00', '2027-12-25 00:00'));
    assert.deepEqual(runs('*-*-1/10 05:00', 5), local('2026-01-01 05:00', '2026-01-11 05:00', '2026-01-21 05:00', '2026-01-31 05:00', '2026-02-01 05:00'));
    // the first Monday of the month
    assert.deepEqual(runs('Mon *-*-1..7 10:00', 3), local('2026-01-05 10:00', '2026-02-02 10:00', '2026-03-02 10:00'));
  });

  it('counts days from the end of the month after ~', () => {
    assert.deepEqual(runs('*-*~01', 3), local('2026-01-31 00:00', '2026-02-28 00:00', '2026-03-31 00:00'));
    assert.deepEqual(runs('*-02~03 04:00', 3), local('2026-02-26 04:00', '2027-02-26 04:00', '2028-02-27 04:00'));
    assert.deepEqual(runs('*-*~7/2', 5), local('2026-01-25 00:00', '2026-01-27 00:00', '2026-01-29 00:00', '2026-01-31 00:00', '2026-02-22 00:00'));
    assert.deepEqual(runs('*-*~1..3', 4), local('2026-01-29 00:00', '2026-01-30 00:00', '2026-01-31 00:00', '2026-02-26 00:00'));
  });

  it('sets the clock from a trailing UTC or zone: local when the zone observes daylight saving time', () => {
    assert.deepEqual(runs('*-*-* 03:00 UTC', 1), { clock: 'utc', runs: ['2026-01-01 03:00'] });
    assert.deepEqual(runs('*-*-* 03:00 Etc/UTC', 1), { clock: 'utc', runs: ['2026-01-01 03:00'] });
    assert.deepEqual(runs('*-*-* 03:00 EST', 1), { clock: 'utc', runs: ['2026-01-01 03:00'] });
    assert.deepEqual(runs('*-*-* 03:00 Europe/Berlin', 1), local('2026-01-01 03:00'));
    assert.deepEqual(runs('*-*-* 03:00 CET', 1), local('2026-01-01 03:00'));
  });

  it('takes a range that ends where it starts, or a repetition that cannot fire twice, as its start (normalize_chain)', () => {
    assert.deepEqual(runs('*-*-* 1..1:00', 2), local('2026-01-01 01:00', '2026-01-02 01:00'));
    assert.deepEqual(runs('*-*-* 0..23/24:00', 2), local('2026-01-01 00:00', '2026-01-02 00:00'));
  });

  it('says why an event is not read', () => {
    const cases: [string, ScheduleReading][] = [
      ['*-*-* */2:00', { kind: 'unknown', reason: '"*-*-* */2:00": systemd has no */N (write 0/N): it rejects the event' }],
      ['Mon..', { kind: 'unknown', reason: '"Mon.." is not a calendar event systemd accepts: a weekday range is left open' }],
      ['Fri..Mon', { kind: 'unknown', reason: '"Fri..Mon" is not a calendar event systemd accepts: a weekday range runs backwards' }],
      ['Mond 03:00', { kind: 'unknown', reason: '"Mond 03:00" is not a calendar event systemd accepts: "Mond 03:00" is not a weekday' }],
      [
        '*-*-* 25:00',
        {
          kind: 'unknown',
          reason: '"*-*-* 25:00" is not a calendar event systemd accepts: the hour 25 does not fit 0..23 (a range or repetition needs room for a second value)',
        },
      ],
      [
        '*-*-30/2',
        {
          kind: 'unknown',
          reason: '"*-*-30/2" is not a calendar event systemd accepts: the day 30/2 does not fit 1..31 (a range or repetition needs room for a second value)',
        },
      ],
      ['*', { kind: 'unknown', reason: '"*" is not a calendar event systemd accepts: a time is HOUR:MINUTE[:SECOND]' }],
      ['*-*-* 03:00 CEST', { kind: 'unknown', reason: `"*-*-* 03:00 CEST" ends in "CEST": a time zone abbreviation only the machine's own zone resolves` }],
      [
        '*-*-* 03:00 europe/berlin',
        { kind: 'unknown', reason: '"*-*-* 03:00 europe/berlin" is not a calendar event systemd accepts: a time is HOUR:MINUTE[:SECOND]' },
      ],
      [
        '*-*-* 5..3:00',
        {
          kind: 'unknown',
          reason:
            '"*-*-* 5..3:00" is not a calendar event systemd accepts: the hour 5..3 does not fit 0..23 (a range or repetition needs room for a second value)',
        },
      ],
      ['03:00:05..05', { kind: 'unknown', reason: '"03:00:05..05" is not a calendar event systemd accepts: the seconds 5..5 are not a range' }],
      ['*-*-* 03:00:05.5', { kind: 'unknown', reason: '"*-*-* 03:00:05.5" is not a calendar event systemd accepts: fractional seconds are not read here' }],
      ['2027-*-* 03:00', { kind: 'unknown', reason: '"2027-*-* 03:00" names years: the event stops repeating' }],
      ['@1700000000', { kind: 'once', reason: '"@1700000000" names one moment (@seconds since 1970), not a repeating event' }],
    ];
    for (const [event, reading] of cases) assert.deepEqual(parseOnCalendar(event), reading, event);
  });
});

describe('systemd time spans (time-util.c parse_time)', () => {
  it('reads units, sums and fractions, in seconds', () => {
    const cases: [string, number | undefined][] = [
      ['12h', 43200],
      ['1d 12h', 129600],
      ['1h30min', 5400],
      ['90', 90],
      ['2.5h', 9000],
      ['12 h', 43200],
      ['1w', 604800],
      ['1M', 2629800],
      ['1y', 31557600],
      ['500ms', 0.5],
      ['infinity', Number.POSITIVE_INFINITY],
      ['5x', undefined],
      ['3.', undefined],
      ['-1', undefined],
      ['', undefined],
    ];
    for (const [text, seconds] of cases) assert.equal(parseTimeSpan(text), seconds, text);
  });
});

describe('systemd timer units', () => {
  /** The reading with its calendar rules counted, and the other fields. */
  const timer = (text: string) => {
    const { reading, ...rest } = parseSystemdTimer(text);
    const shown = reading.kind === 'schedule' && reading.schedule.kind === 'calendar' ? { ...reading.schedule, rules: reading.schedule.rules.length } : reading;
    return { reading: shown, ...rest };
  };

  it("reads Debian's certbot.timer: twice a day with up to 12 hours of random delay", () => {
    const text =
      '[Unit]\nDescription=Run certbot twice daily\n\n[Timer]\nOnCalendar=*-*-* 00,12:00:00\nRandomizedDelaySec=43200\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n';
    assert.deepEqual(timer(text), {
      reading: { kind: 'calendar', rules: 1, clock: 'local', randomDelay: 43200 },
      persistent: true,
      calendars: ['*-*-* 00,12:00:00'],
    });
  });

  it('reads several OnCalendar=, an empty one resetting them, Unit=, FixedRandomDelay= and continued lines', () => {
    assert.deepEqual(timer('[Timer]\nOnCalendar=*-*-* 03:00 UTC\nOnCalendar=*-*-* 15:00 UTC\n'), {
      reading: { kind: 'calendar', rules: 2, clock: 'utc', randomDelay: 0 },
      persistent: false,
      calendars: ['*-*-* 03:00 UTC', '*-*-* 15:00 UTC'],
    });
    assert.deepEqual(timer('[Timer]\nOnCalendar=daily\nOnCalendar=\nOnCalendar=Mon 03:00\nUnit=renew.service\n'), {
      reading: { kind: 'calendar', rules: 1, clock: 'local', randomDelay: 0 },
      persistent: false,
      unit: 'renew.service',
      calendars: ['Mon 03:00'],
    });
    assert.deepEqual(timer('[Timer]\nOnCalendar=daily\nRandomizedDelaySec=6h\nFixedRandomDelay=yes\n').reading, {
      kind: 'calendar',
      rules: 1,
      clock: 'local',
      randomDelay: 0,
    });
    assert.deepEqual(timer('[Timer]\n# comment\nOnCalendar=Mon..Fri \\\n  03:00\n').calendars, ['Mon..Fri  03:00']);
  });

  it('reads monotonic timers: an interval with a start, once without repetition, unknown without a start', () => {
    assert.deepEqual(timer('[Timer]\nOnBootSec=15min\nOnUnitActiveSec=12h\nRandomizedDelaySec=1h\n').reading, {
      kind: 'schedule',
      schedule: { kind: 'interval', period: 43200, randomDelay: 3600 },
    });
    assert.deepEqual(timer('[Timer]\nOnBootSec=5min\n').reading, { kind: 'once', reason: 'OnBootSec= alone elapses once per boot or start' });
    assert.deepEqual(timer('[Timer]\nOnUnitActiveSec=1d\n').reading, {
      kind: 'unknown',
      reason:
        "OnUnitActiveSec= counts from the service's last start, and no OnBootSec=, OnStartupSec= or OnActiveSec= starts it: it elapses only if something else starts the service",
    });
  });

  it('says why a timer is not read', () => {
    const reasons = [
      '[Timer]\nOnCalendar=daily\nOnUnitActiveSec=12h\nOnBootSec=1min\n',
      '[Service]\nOnCalendar=daily\n',
      '[Timer]\nOnCalendar=2027-01-01\n',
      '[Timer]\nOnCalendar=daily\nRandomizedDelaySec=soon\n',
    ].map((text) => parseSystemdTimer(text).reading);
    assert.deepEqual(reasons, [
      { kind: 'unknown', reason: 'OnCalendar= together with OnUnitActiveSec=/OnUnitInactiveSec= is not modelled' },
      { kind: 'unknown', reason: 'no OnCalendar= and no On…Sec= in [Timer]: systemd refuses to load the timer' },
      { kind: 'unknown', reason: 'OnCalendar=2027-01-01: "2027-01-01" names years: the event stops repeating' },
      { kind: 'unknown', reason: 'RandomizedDelaySec=soon is not a time span systemd reads' },
    ]);
  });
});
