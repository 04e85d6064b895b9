import { strict as assert } from 'node:assert';
import { type CronOptions, parseCronExpression, parseCrontab } from '../../../server/src/languages/schedule/cron';
import { listRuns, type ScheduleReading } from '../../../server/src/languages/schedule/schedule';

/** The first runs from Thursday 2026-01-01, or the reading itself when it is not a calendar. */
function runs(expression: string, options: CronOptions = {}, count = 6): string[] | ScheduleReading {
  const reading = parseCronExpression(expression, options);
  if (reading.kind !== 'schedule' || reading.schedule.kind !== 'calendar') return reading;
  return listRuns(reading.schedule, '2026-01-01', count);
}

const unknown = (reason: string): ScheduleReading => ({ kind: 'unknown', reason });

describe('cron expressions', () => {
  it('reads lists, ranges, steps and names (cronie entry.c)', () => {
    assert.deepEqual(runs('*/20 9-10 1 1 *'), [
      '2026-01-01 09:00',
      '2026-01-01 09:20',
      '2026-01-01 09:40',
      '2026-01-01 10:00',
      '2026-01-01 10:20',
      '2026-01-01 10:40',
    ]);
    assert.deepEqual(runs('0 0,12 * * *', {}, 4), ['2026-01-01 00:00', '2026-01-01 12:00', '2026-01-02 00:00', '2026-01-02 12:00']);
    assert.deepEqual(runs('30 4 * Jan,jul Sat-Sun', {}, 4), ['2026-01-03 04:30', '2026-01-04 04:30', '2026-01-10 04:30', '2026-01-11 04:30']);
    assert.deepEqual(runs('0 6 1-7 * *', {}, 3), ['2026-01-01 06:00', '2026-01-02 06:00', '2026-01-03 06:00']);
    assert.deepEqual(runs('0 0 1 1-12/4 *', {}, 4), ['2026-01-01 00:00', '2026-05-01 00:00', '2026-09-01 00:00', '2027-01-01 00:00']);
  });

  it('takes weekday 7 for Sunday, like 0', () => {
    assert.deepEqual(runs('0 0 * * 7', {}, 3), ['2026-01-04 00:00', '2026-01-11 00:00', '2026-01-18 00:00']);
    assert.deepEqual(runs('0 0 * * 0', {}, 3), ['2026-01-04 00:00', '2026-01-11 00:00', '2026-01-18 00:00']);
  });

  it('runs on either day field when both are restricted, on both when one starts with * (cronie cron.c find_jobs)', () => {
    // the 1st, the 15th and every Friday
    assert.deepEqual(runs('0 0 1,15 * Fri'), [
      '2026-01-01 00:00',
      '2026-01-02 00:00',
      '2026-01-09 00:00',
      '2026-01-15 00:00',
      '2026-01-16 00:00',
      '2026-01-23 00:00',
    ]);
    // */2 starts with *: Mondays that fall on an odd day
    assert.deepEqual(runs('0 0 */2 * 1', {}, 4), ['2026-01-05 00:00', '2026-01-19 00:00', '2026-02-09 00:00', '2026-02-23 00:00']);
    // 0-6 does not start with *: every day
    assert.deepEqual(runs('0 0 10 * 0-6', {}, 2), ['2026-01-01 00:00', '2026-01-02 00:00']);
  });

  it('steps over months: every other month from January; the 31st only in the months that have one', () => {
    assert.deepEqual(runs('0 0 1 */2 *'), [
      '2026-01-01 00:00',
      '2026-03-01 00:00',
      '2026-05-01 00:00',
      '2026-07-01 00:00',
      '2026-09-01 00:00',
      '2026-11-01 00:00',
    ]);
    assert.deepEqual(runs('0 0 31 */2 *', {}, 5), ['2026-01-31 00:00', '2026-03-31 00:00', '2026-05-31 00:00', '2026-07-31 00:00', '2027-01-31 00:00']);
    assert.deepEqual(runs('0 0 30 2 *'), []);
  });

  it('reads @daily and its siblings as their five fields; @reboot runs once', () => {
    assert.deepEqual(runs('@daily', {}, 2), ['2026-01-01 00:00', '2026-01-02 00:00']);
    assert.deepEqual(runs('@midnight', {}, 2), ['2026-01-01 00:00', '2026-01-02 00:00']);
    assert.deepEqual(runs('@weekly', {}, 2), ['2026-01-04 00:00', '2026-01-11 00:00']);
    assert.deepEqual(runs('@monthly', {}, 3), ['2026-01-01 00:00', '2026-02-01 00:00', '2026-03-01 00:00']);
    assert.deepEqual(runs('@yearly', {}, 2), ['2026-01-01 00:00', '2027-01-01 00:00']);
    assert.deepEqual(runs('@annually', {}, 1), ['2026-01-01 00:00']);
    assert.deepEqual(runs('@hourly', {}, 2), ['2026-01-01 00:00', '2026-01-01 01:00']);
    assert.deepEqual(parseCronExpression('@reboot'), { kind: 'once', reason: '@reboot runs once, when the cron daemon starts' });
  });

  it('says why an expression is not read, and never guesses', () => {
    const cases: [string, string][] = [
      ['', 'an empty cron expression'],
      ['0 3 * *', '"0 3 * *" has 4 fields; a cron expression has five'],
      ['60 * * * *', '60 is outside the minute field (0–59)'],
      ['* 24 * * *', '24 is outside the hour field (0–23)'],
      ['0 0 0 * *', '0 is outside the day-of-month field (1–31)'],
      ['0 0 * 13 *', '13 is outside the month field (1–12)'],
      ['0 0 * * 8', '8 is outside the day-of-week field (0–7)'],
      ['0 3 * * Monday', '"Monday" in the day-of-week field is neither a number nor a three-letter name (sun, mon, tue…)'],
      ['0 3 x * *', '"x" in the day-of-month field is not a number'],
      ['5/15 * * * *', '"5/15": a step (/15) follows * or a range, not a single minute'],
      ['*/0 * * * *', '"*/0": the step must be a number above 0'],
      ['1,,2 * * * *', '"1,,2" is not a valid minute field'],
      ['0 22-2 * * *', '"22-2" runs backwards: cronie accepts it and never runs, busybox wraps it around, other crons reject it'],
      ['0~30 3 * * *', `"0~30": cronie's ~ picks a random minute each time the crontab is loaded`],
      ['@fortnightly', '"@fortnightly" is not a cron schedule (@yearly, @monthly, @weekly, @daily, @hourly, @reboot)'],
      ['@every 12h', '"@every 12h" is not a cron schedule (@yearly, @monthly, @weekly, @daily, @hourly, @reboot)'],
      ['0 0 3 * * *', 'six fields in "0 0 3 * * *": seconds first (ofelia, node-cron) or a year last (supercronic)? A crontab line has five, then the command'],
    ];
    for (const [expression, reason] of cases) assert.deepEqual(parseCronExpression(expression), unknown(reason), expression);
  });

  describe('busybox crond (miscutils/crond.c)', () => {
    const busybox: CronOptions = { dialect: 'busybox' };

    it('counts a day-of-month step from 0: */2 is the even days, where Vixie cron runs the odd ones', () => {
      assert.deepEqual(runs('0 0 */2 * *', busybox, 3), ['2026-01-02 00:00', '2026-01-04 00:00', '2026-01-06 00:00']);
      assert.deepEqual(runs('0 0 */2 * *', {}, 3), ['2026-01-01 00:00', '2026-01-03 00:00', '2026-01-05 00:00']);
      assert.deepEqual(runs('0 0 1 */2 *', busybox, 3), ['2026-01-01 00:00', '2026-03-01 00:00', '2026-05-01 00:00']);
    });

    it('judges "restricted" by the values (FixDayDow): */2 with a weekday is either; 0-6 leaves only the day of month', () => {
      assert.deepEqual(runs('0 0 */2 * 1', busybox, 4), ['2026-01-02 00:00', '2026-01-04 00:00', '2026-01-05 00:00', '2026-01-06 00:00']);
      assert.deepEqual(runs('0 0 10 * 0-6', busybox, 2), ['2026-01-10 00:00', '2026-02-10 00:00']);
      assert.deepEqual(runs('0 0 1,15 * Fri', busybox, 3), ['2026-01-01 00:00', '2026-01-02 00:00', '2026-01-09 00:00']);
    });

    it('wraps a backwards range, takes N/step as N, and has no weekday 7', () => {
      assert.deepEqual(runs('0 22-2 * * *', busybox, 6), [
        '2026-01-01 00:00',
        '2026-01-01 01:00',
        '2026-01-01 02:00',
        '2026-01-01 22:00',
        '2026-01-01 23:00',
        '2026-01-02 00:00',
      ]);
      assert.deepEqual(runs('5/15 * * * *', busybox, 2), ['2026-01-01 00:05', '2026-01-01 01:05']);
      assert.deepEqual(parseCronExpression('0 0 * * 7', busybox), unknown('7 is outside the day-of-week field for busybox crond'));
      assert.deepEqual(
        parseCronExpression('0 3 * * Monday', busybox),
        unknown('"Monday" is not a valid day-of-week field for busybox crond (it reports a parse error)'),
      );
    });
  });

  describe('six fields, seconds first (ofelia, node-cron, robfig/cron)', () => {
    const seconds: CronOptions = { seconds: true };

    it('reads the seconds, ? for *, N/step as N to the end, and @every', () => {
      assert.deepEqual(runs('30 0 3 * * *', seconds, 2), ['2026-01-01 03:00:30', '2026-01-02 03:00:30']);
      assert.deepEqual(runs('0 0 3 ? * *', seconds, 2), ['2026-01-01 03:00', '2026-01-02 03:00']);
      assert.deepEqual(runs('5/15 * * * *', seconds, 5), ['2026-01-01 00:05', '2026-01-01 00:20', '2026-01-01 00:35', '2026-01-01 00:50', '2026-01-01 01:05']);
      assert.deepEqual(parseCronExpression('@every 12h', seconds), { kind: 'schedule', schedule: { kind: 'interval', period: 43200, randomDelay: 0 } });
      assert.deepEqual(parseCronExpression('@every 1h30m', seconds), { kind: 'schedule', schedule: { kind: 'interval', period: 5400, randomDelay: 0 } });
      assert.deepEqual(parseCronExpression('@every soon', seconds), unknown('"@every soon" is not a Go duration (such as 12h or 1h30m)'));
    });
  });
});

describe('crontab files', () => {
  /** An entry's fields with the reading shortened to its kind (and reason). */
  const entries = (text: string, userField: boolean, dialect?: 'vixie' | 'busybox') =>
    parseCrontab(text, { userField, ...(dialect ? { dialect } : {}) }).entries.map((entry) => ({
      ...entry,
      reading: entry.reading.kind === 'schedule' ? 'schedule' : `${entry.reading.kind}: ${entry.reading.reason}`,
    }));

  it('reads /etc/crontab and cron.d lines: time, user, command, with its offset; variables; comments', () => {
    const text = [
      '# m h dom mon dow user command',
      'SHELL=/bin/bash',
      'MAILTO = "ops"',
      '',
      '0 3 * * * root certbot renew --quiet',
      '@reboot root /start.sh',
      '-*/5 * * * * root run-parts /etc/x',
      '0 3 * * * root',
      '0 0 0 * * root x',
      '',
    ].join('\r\n');
    const crontab = parseCrontab(text, { userField: true });
    assert.deepEqual(crontab.variables, [
      { line: 1, name: 'SHELL', value: '/bin/bash' },
      { line: 2, name: 'MAILTO', value: 'ops' },
    ]);
    assert.deepEqual(entries(text, true), [
      { line: 4, when: '0 3 * * *', reading: 'schedule', user: 'root', command: 'certbot renew --quiet', commandStart: text.indexOf('certbot') },
      {
        line: 5,
        when: '@reboot',
        reading: 'once: @reboot runs once, when the cron daemon starts',
        user: 'root',
        command: '/start.sh',
        commandStart: text.indexOf('/start'),
      },
      { line: 6, when: '*/5 * * * *', reading: 'schedule', user: 'root', command: 'run-parts /etc/x', commandStart: text.indexOf('run-parts') },
      {
        line: 7,
        when: '0 3 * * *',
        reading: 'unknown: "0 3 * * * root" has no command after its time and user: cron rejects the line',
        user: 'root',
        command: '',
        commandStart: text.indexOf('0 3 * * * root\r') + '0 3 * * * root'.length,
      },
      {
        line: 8,
        when: '0 0 0 * *',
        reading: 'unknown: 0 is outside the day-of-month field (1–31)',
        user: 'root',
        command: 'x',
        commandStart: text.indexOf('root x') + 5,
      },
    ]);
  });

  it('reads a user crontab without a user field; the rest of the line is the command, # included', () => {
    assert.deepEqual(entries('  15 2 * * Mon   certbot renew # weekly\n', false), [
      { line: 0, when: '15 2 * * Mon', reading: 'schedule', command: 'certbot renew # weekly', commandStart: 17 },
    ]);
    assert.deepEqual(entries('0 0 * * * * certbot renew\n', false), [
      {
        line: 0,
        when: '0 0 * * *',
        reading: 'unknown: "0 0 * * * * certbot renew": cron rejects a command that starts with * (a sixth time field?)',
        command: '* certbot renew',
        commandStart: 10,
      },
    ]);
  });

  it('busybox crond takes MAILTO=, SHELL= and PATH= only, and skips lines of fewer than six words', () => {
    const text = 'PATH=/usr/bin:/bin\nFOO=bar\n0 3 * * * certbot renew\n';
    assert.deepEqual(parseCrontab(text, { userField: false, dialect: 'busybox' }).variables, [{ line: 0, name: 'PATH', value: '/usr/bin:/bin' }]);
    assert.deepEqual(entries(text, false, 'busybox'), [
      { line: 1, when: 'FOO=bar', reading: 'unknown: "FOO=bar" has fewer than six words: busybox crond skips the line', command: '', commandStart: 26 },
      { line: 2, when: '0 3 * * *', reading: 'schedule', command: 'certbot renew', commandStart: 37 },
    ]);
  });
});
