// The renewal-schedule parsers must read a schedule as the programs that run it do. Calendar
// events are expanded by certboot and by systemd's own `systemd-analyze calendar` (Debian 12:
// systemd 252), run in UTC from the same moment, and the runs compared; events systemd rejects
// must be unknown to certboot. Sleep durations are given to GNU sleep and busybox sleep: both
// must accept what certboot reads as a duration, and one at least must refuse what it leaves
// unknown.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { listRuns } from '../../server/src/languages/schedule/schedule';
import { parseSleepArguments } from '../../server/src/languages/schedule/sleep';
import { parseOnCalendar } from '../../server/src/languages/schedule/systemd-calendar';

const iterations = 6;

/** systemd's next elapses from 2026-01-01 00:00 UTC as `YYYY-MM-DD HH:MM[:SS]`, or undefined when it rejects the event. */
function systemdRuns(event: string): string[] | undefined {
  const result = spawnSync('systemd-analyze', ['calendar', `--iterations=${iterations}`, '--base-time=2025-12-31 23:59:59 UTC', event], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) return undefined;
  return [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d) (\d\d:\d\d):(\d\d) UTC/g)].map(
    ([, date, minutes, seconds]) => `${date} ${minutes}${seconds === '00' ? '' : `:${seconds}`}`,
  );
}

/** Exit status of `sleep` given the arguments, stopped after 0.2 s: 124 means it accepted them and was sleeping. */
function sleepStatus(program: string[], args: string[]): number | null {
  const result = spawnSync('timeout', ['0.2', ...program, ...args], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.status;
}

describe('schedule parsers against systemd and sleep', () => {
  it('expands calendar events as systemd-analyze calendar does', () => {
    const events = [
      'daily',
      'weekly',
      'monthly',
      'hourly',
      'quarterly',
      'semiannually',
      'yearly',
      '*-*-* 00,12:00:00',
      'Mon *-*-* 03:00',
      'Monday 03:00',
      'Mon..Fri 03:00',
      'Sat,Sun 03:00:15',
      'Mon-Wed *-*-* 0/8:30',
      '*:0/15',
      '03:00',
      '12-25',
      '*-*-1/10 05:00',
      'Mon *-*-1..7 10:00',
      '*-*-31',
      '*-*~01',
      '*-02~03 04:00',
      '*-*~7/2',
      '*-*~1..3',
      '*-*-* 1..1:00',
      '*-*-* 0..23/24:00',
      '03:00:05..06',
    ];
    for (const event of events) {
      const reading = parseOnCalendar(event);
      assert.ok(reading.kind === 'schedule' && reading.schedule.kind === 'calendar', `${event}: ${JSON.stringify(reading)}`);
      assert.deepEqual(listRuns(reading.schedule, '2026-01-01', iterations), systemdRuns(event), event);
    }
  });

  it('leaves unknown every event systemd rejects', () => {
    const rejected = [
      '*-*-* */2:00',
      'Mon..',
      'Fri..Mon',
      'Mond 03:00',
      '*-*-* 25:00',
      '*-*-30/2',
      '*',
      '*-*-* 5..3:00',
      '*-*-* 3:30/30',
      '03:00:05..05',
      '*-*-* 03:00 europe/berlin',
    ];
    for (const event of rejected) {
      assert.equal(systemdRuns(event), undefined, `systemd accepts ${event}`);
      assert.equal(parseOnCalendar(event).kind, 'unknown', event);
    }
  });

  it('reads as durations only what GNU sleep and busybox sleep both accept', () => {
    const cases = [
      ['12h'],
      ['86400'],
      ['1d'],
      ['1d', '12h'],
      ['0.5h'],
      ['.5d'],
      ['1.d'],
      ['--', '30m'],
      ['infinity'],
      ['inf'],
      ['1e3'],
      ['12H'],
      ['-5'],
      ['1x'],
    ];
    for (const args of cases) {
      const gnu = sleepStatus(['sleep'], args);
      const busybox = sleepStatus(['busybox', 'sleep'], args);
      const read = parseSleepArguments(args).kind !== 'unknown';
      if (read) assert.deepEqual([gnu, busybox], [124, 124], args.join(' '));
      else assert.ok(gnu !== 124 || busybox !== 124, `both sleeps accept ${args.join(' ')}`);
    }
  });
});
