import { strict as assert } from 'node:assert';
import { formatDuration, judgeForLetsEncrypt, judgeRenewalSchedule, type RenewalJudgement } from '../../../server/src/facts/renewal-schedule';
import { certbotBefore4, type CertbotRenewalRule, certbotRenewalWindow, letsEncryptLifetimes } from '../../../server/src/facts/renewal-window';
import { parseCronExpression } from '../../../server/src/languages/schedule/cron';
import { type CalendarSchedule, listRuns, mergeCalendars, type Schedule } from '../../../server/src/languages/schedule/schedule';
import { sleepLoopInterval } from '../../../server/src/languages/schedule/sleep';
import { parseSystemdTimer } from '../../../server/src/languages/schedule/systemd-timer';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

const day = 86_400;
const hour = 3_600;
const lifetimeFraction: CertbotRenewalRule = { kind: 'lifetime-fraction' };

function cron(expression: string): CalendarSchedule {
  const reading = parseCronExpression(expression);
  assert.ok(reading.kind === 'schedule' && reading.schedule.kind === 'calendar', `${expression}: ${JSON.stringify(reading)}`);
  return reading.schedule;
}

function timer(text: string): Schedule {
  const { reading } = parseSystemdTimer(text);
  assert.ok(reading.kind === 'schedule', JSON.stringify(reading));
  return reading.schedule;
}

const judge = (schedule: Schedule, lifetimeDays: number, rule?: CertbotRenewalRule): RenewalJudgement =>
  judgeRenewalSchedule(schedule, { lifetime: lifetimeDays * day, ...(rule ? { window: certbotRenewalWindow(lifetimeDays * day, rule) } : {}) });

/** The figures a rule message quotes. */
function summary(judgement: RenewalJudgement) {
  if (judgement.verdict === 'never-runs') return judgement;
  return {
    verdict: judgement.verdict,
    window: formatDuration(judgement.window),
    longestGap: formatDuration(judgement.longestGap),
    margin: `${judgement.margin < 0 ? '-' : ''}${formatDuration(judgement.margin)}`,
    attempts: judgement.attempts,
    expiringShare: Math.round(judgement.expiringShare * 1000) / 1000,
  };
}

describe("certbot's renewal window and Let's Encrypt's lifetimes", () => {
  it('gives the window of each certbot rule for each announced lifetime', () => {
    const rules: [string, CertbotRenewalRule][] = [
      ['certbot >= 4.1 with ARI', { kind: 'ari' }],
      ['certbot 4.0', lifetimeFraction],
      ['certbot < 4.0', certbotBefore4],
    ];
    const table = letsEncryptLifetimes.map(({ profile, lifetime, from }) => [
      `${profile} ${formatDuration(lifetime)}${from ? ` from ${from}` : ''}`,
      ...rules.map(([name, rule]) => `${name}: ${formatDuration(certbotRenewalWindow(lifetime, rule))}`),
    ]);
    assert.deepEqual(table, [
      ['classic 90 days', 'certbot >= 4.1 with ARI: 29 days 2 hours 24 minutes', 'certbot 4.0: 30 days', 'certbot < 4.0: 30 days'],
      [
        'shortlived 6 days 16 hours from 2026-01-15',
        'certbot >= 4.1 with ARI: 3 days 6 hours 24 minutes',
        'certbot 4.0: 3 days 8 hours',
        'certbot < 4.0: 6 days 16 hours',
      ],
      ['tlsserver 45 days from 2026-05-13', 'certbot >= 4.1 with ARI: 14 days 13 hours 12 minutes', 'certbot 4.0: 15 days', 'certbot < 4.0: 30 days'],
      ['classic 64 days from 2027-02-10', 'certbot >= 4.1 with ARI: 20 days 16 hours 38 minutes', 'certbot 4.0: 21 days 8 hours', 'certbot < 4.0: 30 days'],
      ['classic 45 days from 2028-02-16', 'certbot >= 4.1 with ARI: 14 days 13 hours 12 minutes', 'certbot 4.0: 15 days', 'certbot < 4.0: 30 days'],
    ]);
    // renew_before_expiry still renews earlier than ARI would
    assert.equal(certbotRenewalWindow(90 * day, { kind: 'ari', renewBeforeExpiry: 35 * day }), 35 * day);
    assert.equal(certbotRenewalWindow(90 * day, { kind: 'before-expiry', seconds: 10 * day }), 10 * day);
  });

  it('formats durations to the minute', () => {
    assert.deepEqual([0, 60, 86_400, 90_000, 2_514_240, -2_764_800].map(formatDuration), [
      '0 minutes',
      '1 minute',
      '1 day',
      '1 day 1 hour',
      '29 days 2 hours 24 minutes',
      '32 days',
    ]);
  });
});

describe('renewal schedules judged by simulation', () => {
  before(() => initializeShellParser());

  it('0 0 1 */2 * runs 59 to 62 days apart: with a 30-day window about half of the 90-day certificates expire first', () => {
    const schedule = cron('0 0 1 */2 *');
    const runs = listRuns(schedule, '2026-01-01', 13).map((run) => Date.parse(`${run.replace(' ', 'T')}Z`) / 1000 / day);
    assert.deepEqual(
      runs.slice(1).map((run, index) => run - runs[index]!),
      [59, 61, 61, 62, 61, 61, 59, 61, 61, 62, 61, 61],
    );
    assert.deepEqual(judge(schedule, 90, lifetimeFraction), {
      verdict: 'expires',
      lifetime: 90 * day,
      window: 30 * day,
      longestGap: 62 * day,
      margin: -32 * day,
      attempts: 0,
      expiringShare: 5187 / 10_227,
      dstSensitive: false,
      example: { issued: '2026-05-02 00:00', renewalDue: '2026-07-01 00:00', expires: '2026-07-31 00:00', nextRun: '2026-09-01 00:00' },
    });
    assert.deepEqual(judge(schedule, 90, certbotBefore4), judge(schedule, 90, lifetimeFraction));
    // current certbot with Let's Encrypt's ARI: certainly due only 29 days 2 h 24 min before expiry
    const ari = judge(schedule, 90);
    assert.ok(ari.verdict === 'expires');
    assert.deepEqual(
      [summary(ari), ari.example],
      [
        {
          verdict: 'expires',
          window: '29 days 2 hours 24 minutes',
          longestGap: '62 days',
          margin: '-32 days 21 hours 36 minutes',
          attempts: 0,
          expiringShare: 0.522,
        },
        { issued: '2026-05-01 02:24', renewalDue: '2026-07-01 00:00', expires: '2026-07-30 02:24', nextRun: '2026-09-01 00:00' },
      ],
    );
  });

  it('0 3 * * * holds: 30 attempts in the 30-day window, 29 in the worst case of ARI', () => {
    const schedule = cron('0 3 * * *');
    assert.deepEqual(judge(schedule, 90, lifetimeFraction), {
      verdict: 'holds',
      lifetime: 90 * day,
      window: 30 * day,
      longestGap: day,
      margin: 29 * day,
      attempts: 30,
      expiringShare: 0,
      dstSensitive: false,
      example: { issued: '2026-01-01 03:00', renewalDue: '2026-03-02 03:00', expires: '2026-04-01 03:00', nextRun: '2026-03-03 03:00' },
    });
    assert.deepEqual(
      [90, 64, 45, 160 / 24].map((lifetime) => summary(judge(schedule, lifetime))),
      [
        { verdict: 'holds', window: '29 days 2 hours 24 minutes', longestGap: '1 day', margin: '28 days 2 hours 24 minutes', attempts: 29, expiringShare: 0 },
        { verdict: 'holds', window: '20 days 16 hours 38 minutes', longestGap: '1 day', margin: '19 days 16 hours 38 minutes', attempts: 20, expiringShare: 0 },
        { verdict: 'holds', window: '14 days 13 hours 12 minutes', longestGap: '1 day', margin: '13 days 13 hours 12 minutes', attempts: 14, expiringShare: 0 },
        { verdict: 'holds', window: '3 days 6 hours 24 minutes', longestGap: '1 day', margin: '2 days 6 hours 24 minutes', attempts: 3, expiringShare: 0 },
      ],
    );
  });

  it('a sleep 12h loop holds at every announced lifetime', () => {
    const [loop] = parseShell('trap exit TERM; while :; do certbot renew; sleep 12h & wait ${!}; done').loops;
    const reading = sleepLoopInterval(loop!);
    assert.ok(reading.kind === 'schedule');
    assert.deepEqual(judge(reading.schedule, 90), {
      verdict: 'holds',
      lifetime: 90 * day,
      window: 2_514_240,
      longestGap: 12 * hour,
      margin: 2_514_240 - 12 * hour,
      attempts: 58,
      expiringShare: 0,
      dstSensitive: false,
    });
    assert.deepEqual(
      [45, 160 / 24].map((lifetime) => summary(judge(reading.schedule, lifetime))),
      [
        {
          verdict: 'holds',
          window: '14 days 13 hours 12 minutes',
          longestGap: '12 hours',
          margin: '14 days 1 hour 12 minutes',
          attempts: 29,
          expiringShare: 0,
        },
        { verdict: 'holds', window: '3 days 6 hours 24 minutes', longestGap: '12 hours', margin: '2 days 18 hours 24 minutes', attempts: 6, expiringShare: 0 },
      ],
    );
  });

  it('a weekly systemd timer holds for 90 days with 4 attempts, and for 45 days (window 15 days, 14 d 13 h 12 min with ARI) with 2', () => {
    const schedule = timer('[Timer]\nOnCalendar=weekly\nPersistent=true\n');
    assert.deepEqual(judge(schedule, 90), {
      verdict: 'holds',
      lifetime: 90 * day,
      window: 2_514_240,
      longestGap: 7 * day,
      margin: 2_514_240 - 7 * day,
      attempts: 4,
      expiringShare: 0,
      dstSensitive: false,
      example: { issued: '2026-01-07 02:24', renewalDue: '2026-03-09 00:00', expires: '2026-04-07 02:24', nextRun: '2026-03-16 00:00' },
    });
    assert.deepEqual(
      [
        summary(judge(schedule, 45, lifetimeFraction)),
        summary(judge(schedule, 45)),
        // certbot before 4.0 keeps renewing 30 days before expiry, whatever the lifetime
        summary(judge(schedule, 45, certbotBefore4)),
        summary(judge(schedule, 160 / 24)),
      ],
      [
        { verdict: 'holds', window: '15 days', longestGap: '7 days', margin: '8 days', attempts: 2, expiringShare: 0 },
        { verdict: 'holds', window: '14 days 13 hours 12 minutes', longestGap: '7 days', margin: '7 days 13 hours 12 minutes', attempts: 2, expiringShare: 0 },
        { verdict: 'holds', window: '30 days', longestGap: '7 days', margin: '23 days', attempts: 4, expiringShare: 0 },
        {
          verdict: 'expires',
          window: '3 days 6 hours 24 minutes',
          longestGap: '7 days',
          margin: '-3 days 17 hours 36 minutes',
          attempts: 0,
          expiringShare: 0.533,
        },
      ],
    );
  });

  it("judges one schedule for every Let's Encrypt lifetime: a weekly run falls short only of 6-day certificates", () => {
    const judgements = judgeForLetsEncrypt(cron('0 0 * * 0'));
    assert.deepEqual(
      judgements.map(({ certificate, judgement }) => [certificate.profile, certificate.from ?? 'today', judgement.verdict]),
      [
        ['classic', 'today', 'holds'],
        ['shortlived', '2026-01-15', 'expires'],
        ['tlsserver', '2026-05-13', 'holds'],
        ['classic', '2027-02-10', 'holds'],
        ['classic', '2028-02-16', 'holds'],
      ],
    );
  });

  it("Debian's certbot.timer: a random delay of up to 12 hours makes the longest gap a day and takes 12 hours off each window", () => {
    const schedule = timer('[Timer]\nOnCalendar=*-*-* 00,12:00:00\nRandomizedDelaySec=43200\nPersistent=true\n');
    assert.deepEqual(
      [90, 45, 160 / 24].map((lifetime) => summary(judge(schedule, lifetime))),
      [
        { verdict: 'holds', window: '29 days 2 hours 24 minutes', longestGap: '1 day', margin: '28 days 2 hours 24 minutes', attempts: 57, expiringShare: 0 },
        { verdict: 'holds', window: '14 days 13 hours 12 minutes', longestGap: '1 day', margin: '13 days 13 hours 12 minutes', attempts: 28, expiringShare: 0 },
        { verdict: 'holds', window: '3 days 6 hours 24 minutes', longestGap: '1 day', margin: '2 days 6 hours 24 minutes', attempts: 5, expiringShare: 0 },
      ],
    );
  });

  it('@monthly and a weekly cron job: 31-day months leave a 90-day certificate expired for a day; weekly holds with 4 attempts', () => {
    assert.deepEqual(judge(cron('@monthly'), 90, lifetimeFraction), {
      verdict: 'expires',
      lifetime: 90 * day,
      window: 30 * day,
      longestGap: 31 * day,
      margin: -day,
      attempts: 0,
      expiringShare: (7 * 28) / 10_227,
      dstSensitive: false,
      example: { issued: '2026-03-02 00:00', renewalDue: '2026-05-01 00:00', expires: '2026-05-31 00:00', nextRun: '2026-06-01 00:00' },
    });
    assert.deepEqual(summary(judge(cron('0 0 * * 0'), 90)), {
      verdict: 'holds',
      window: '29 days 2 hours 24 minutes',
      longestGap: '7 days',
      margin: '22 days 2 hours 24 minutes',
      attempts: 4,
      expiringShare: 0,
    });
  });

  it('day of month and day of week together: either one (1,15 and Fridays), or both when one starts with * (odd-day Mondays)', () => {
    assert.deepEqual(summary(judge(cron('0 0 1,15 * Fri'), 45)), {
      verdict: 'holds',
      window: '14 days 13 hours 12 minutes',
      longestGap: '7 days',
      margin: '7 days 13 hours 12 minutes',
      attempts: 2,
      expiringShare: 0,
    });
    // Mondays on an odd day are 14 or 21 days apart: one attempt for 90-day certificates, too few for 45-day ones
    assert.deepEqual(
      [summary(judge(cron('0 0 */2 * 1'), 90)), summary(judge(cron('0 0 */2 * 1'), 45, lifetimeFraction))],
      [
        { verdict: 'holds', window: '29 days 2 hours 24 minutes', longestGap: '21 days', margin: '8 days 2 hours 24 minutes', attempts: 1, expiringShare: 0 },
        { verdict: 'expires', window: '15 days', longestGap: '21 days', margin: '-6 days', attempts: 0, expiringShare: 0.051 },
      ],
    );
  });

  it('a step over months that needs a 31st skips to January: 184 days apart', () => {
    const judgement = judge(cron('0 0 31 */2 *'), 90, lifetimeFraction);
    assert.ok(judgement.verdict === 'expires');
    assert.deepEqual(
      [formatDuration(judgement.longestGap), judgement.example],
      ['184 days', { issued: '2026-06-01 00:00', renewalDue: '2026-07-31 00:00', expires: '2026-08-30 00:00', nextRun: '2027-01-31 00:00' }],
    );
  });

  it('a schedule that never fires never renews', () => {
    assert.deepEqual(judge(cron('0 0 30 2 *'), 90), { verdict: 'never-runs', lifetime: 90 * day, window: 2_514_240 });
  });

  it('several cron lines count together', () => {
    const together = mergeCalendars([cron('0 0 1 * *'), cron('0 0 16 * *')]);
    assert.deepEqual(summary(judge(together, 45)), {
      verdict: 'expires',
      window: '14 days 13 hours 12 minutes',
      longestGap: '16 days',
      margin: '-1 day 10 hours 48 minutes',
      attempts: 0,
      expiringShare: 0.048,
    });
    const longer = judge(together, 90);
    assert.ok(longer.verdict === 'holds');
    assert.equal(longer.attempts, 1);
  });

  it('an interval timer adds its random delay to every gap', () => {
    const schedule = timer('[Timer]\nOnBootSec=15min\nOnUnitActiveSec=12h\nRandomizedDelaySec=1h\n');
    assert.deepEqual(summary(judge(schedule, 90)), {
      verdict: 'holds',
      window: '29 days 2 hours 24 minutes',
      longestGap: '13 hours',
      margin: '28 days 13 hours 24 minutes',
      attempts: 53,
      expiringShare: 0,
    });
  });

  it('says when a change of daylight saving time could flip the verdict of a local-time schedule', () => {
    const local = cron('0 3 * * *');
    const tight = { lifetime: 90 * day, window: day + 1800 };
    const judgement = judgeRenewalSchedule(local, tight);
    assert.ok(judgement.verdict === 'holds');
    assert.deepEqual([judgement.margin, judgement.dstSensitive, judgement.attempts], [1800, true, 1]);
    const utc = judgeRenewalSchedule({ ...local, clock: 'utc' }, tight);
    assert.ok(utc.verdict === 'holds');
    assert.equal(utc.dstSensitive, false);
  });

  it('agrees with counting every run of 2026–2053 one by one', () => {
    const cycle = 10_227 * day;
    const cases: [string, number][] = [
      ['0 0 */2 * 1', 15 * day],
      ['0 0 1,15 * Fri', 10 * day],
      ['0 4 1-7 * Sun', 30 * day],
      ['30 2 29 2 *', 2_514_240],
      ['0 0,12 1 * *', 20 * day],
      ['0 6 13 * 5', 40 * day],
    ];
    for (const [expression, window] of cases) {
      const schedule = cron(expression);
      const runs = listRuns(schedule, '2026-01-01', 100_000)
        .map((run) => Date.parse(`${run.replace(' ', 'T')}Z`) / 1000 - Date.UTC(2026, 0, 1) / 1000)
        .filter((run) => run < cycle);
      const gaps = runs.map((run, index) => (runs[index + 1] ?? runs[0]! + cycle) - run);
      const twice = [...runs, ...runs.map((run) => run + cycle)];
      let end = 0;
      const inWindow = runs.map((run, index) => {
        while (end < twice.length && twice[end]! <= run + window) end++;
        return end - index - 1;
      });
      const judgement = judgeRenewalSchedule(schedule, { lifetime: 90 * day, window });
      assert.ok(judgement.verdict !== 'never-runs', expression);
      assert.deepEqual(
        [judgement.longestGap, judgement.attempts, Math.round(judgement.expiringShare * 1e9)],
        [Math.max(...gaps), Math.min(...inWindow), Math.round((gaps.reduce((sum, gap) => sum + Math.max(0, gap - window), 0) / cycle) * 1e9)],
        expression,
      );
    }
  });

  it('per-minute runs over 28 years are judged without listing them', () => {
    assert.deepEqual(summary(judge(cron('* * * * *'), 90)), {
      verdict: 'holds',
      window: '29 days 2 hours 24 minutes',
      longestGap: '1 minute',
      margin: '29 days 2 hours 23 minutes',
      attempts: 41_904,
      expiringShare: 0,
    });
  });
});
