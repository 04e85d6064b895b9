// Prints figures for judging renewal schedules (facts/renewal-schedule.ts); never asserts on time.
// Cold: the first parse + judgement in a fresh process, as one lint run meets it. Warm: later
// parses + judgements in the same process (each expands the calendar again), and judgements of
// one parsed schedule for other lifetimes (the expansion is kept).
import { spawnSync } from 'node:child_process';
import { judgeRenewalSchedule } from '../server/src/facts/renewal-schedule';
import { parseCronExpression } from '../server/src/languages/schedule/cron';
import { percentile } from './bench-support';

const day = 86_400;

function judgeOnce(expression: string, lifetimeDays: number): number {
  const started = process.hrtime.bigint();
  const reading = parseCronExpression(expression);
  if (reading.kind !== 'schedule') throw new Error(`${expression}: ${reading.kind}`);
  judgeRenewalSchedule(reading.schedule, { lifetime: lifetimeDays * day });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

if (process.argv[2] === '--cold') {
  process.stdout.write(`${judgeOnce(process.argv[3]!, 90)}\n`);
} else {
  const schedules = [
    ['0 3 * * *', 'daily'],
    ['* * * * *', 'every minute, 28 years'],
    ['0 0 1 */2 *', 'every other month'],
    ['0 3 1-20 * *', '20 days a month, no weekly period'],
    ['*/5 * 1-20 * Mon', 'every 5 minutes on 20 days a month or Mondays'],
  ];
  for (const [expression, what] of schedules) {
    const cold = [1, 2, 3].map(() => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--cold', expression!], { encoding: 'utf8' });
      return Number.parseFloat(child.stdout);
    });
    const lifetimes = [90, 64, 45, 160 / 24];
    const warm = Array.from({ length: 40 }, (_, index) => judgeOnce(expression!, lifetimes[index % lifetimes.length]!)).sort((a, b) => a - b);
    const reading = parseCronExpression(expression!);
    if (reading.kind !== 'schedule') throw new Error(expression);
    const again = Array.from({ length: 40 }, (_, index) => {
      const started = process.hrtime.bigint();
      judgeRenewalSchedule(reading.schedule, { lifetime: lifetimes[index % lifetimes.length]! * day });
      return Number(process.hrtime.bigint() - started) / 1e6;
    }).sort((a, b) => a - b);
    console.log(
      `schedule ${expression} (${what}): cold parse + judgement ${Math.min(...cold).toFixed(1)} ms (best of 3 fresh processes); ` +
        `warm parse + judgement median ${percentile(warm, 0.5).toFixed(2)} ms (p95 ${percentile(warm, 0.95).toFixed(2)}); ` +
        `judgement of the parsed schedule for another lifetime median ${percentile(again, 0.5).toFixed(2)} ms`,
    );
  }
}
