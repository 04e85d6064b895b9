import { strict as assert } from 'node:assert';
import type { ScheduleReading } from '../../../server/src/languages/schedule/schedule';
import { parseSleepArguments, type SleepDuration, sleepLoopInterval } from '../../../server/src/languages/schedule/sleep';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

const every = (period: number): ScheduleReading => ({ kind: 'schedule', schedule: { kind: 'interval', period, randomDelay: 0 } });

describe('sleep durations (GNU and busybox sleep)', () => {
  it('reads suffixes, fractions and sums, and infinity', () => {
    const cases: [string[], SleepDuration][] = [
      [['12h'], { kind: 'seconds', seconds: 43200 }],
      [['86400'], { kind: 'seconds', seconds: 86400 }],
      [['1d'], { kind: 'seconds', seconds: 86400 }],
      [['1d', '12h'], { kind: 'seconds', seconds: 129600 }],
      [['0.5h'], { kind: 'seconds', seconds: 1800 }],
      [['.5d'], { kind: 'seconds', seconds: 43200 }],
      [['infinity'], { kind: 'forever' }],
      [['inf'], { kind: 'forever' }],
    ];
    for (const [args, duration] of cases) assert.deepEqual(parseSleepArguments(args), duration, args.join(' '));
  });

  it('leaves forms only one sleep reads, and errors, unknown', () => {
    assert.deepEqual(parseSleepArguments(['1e3']), {
      kind: 'unknown',
      reason: 'sleep 1e3: not a duration both GNU and busybox sleep read (N, N.N with s, m, h or d)',
    });
    assert.deepEqual(parseSleepArguments(['12H']), {
      kind: 'unknown',
      reason: 'sleep 12H: not a duration both GNU and busybox sleep read (N, N.N with s, m, h or d)',
    });
    assert.deepEqual(parseSleepArguments([]), { kind: 'unknown', reason: 'sleep without a duration fails ("missing operand")' });
    assert.deepEqual(parseSleepArguments(['--', '30m']), { kind: 'unknown', reason: 'sleep -- fails in busybox before 1.37 (fixed 2023-10-02)' });
  });
});

describe('sleep loops', () => {
  before(() => initializeShellParser());

  const interval = (script: string): ScheduleReading => {
    const [loop] = parseShell(script).loops;
    assert.ok(loop, script);
    return sleepLoopInterval(loop);
  };

  it('adds up the sleeps of one turn, in the body or the condition, waited for in the background', () => {
    assert.deepEqual(interval('trap exit TERM; while :; do certbot renew; sleep 12h & wait ${!}; done'), every(43200));
    assert.deepEqual(interval('while :; do certbot renew; sleep 12h & wait; done'), every(43200));
    assert.deepEqual(interval('while sleep 86400; do certbot renew -q; done'), every(86400));
    assert.deepEqual(interval('while true; do certbot renew; sleep 1d; sleep 12h; done'), every(129600));
    assert.deepEqual(interval('until false; do certbot renew; /bin/sleep 43200; done'), every(43200));
  });

  it('says why the interval is not known', () => {
    const cases: [string, ScheduleReading][] = [
      ['while :; do certbot renew; sleep $INTERVAL; done', { kind: 'unknown', reason: 'sleep $INTERVAL: the duration is only known when the script runs' }],
      [
        'while :; do certbot renew; sleep 12h & done',
        { kind: 'unknown', reason: 'sleep 12h & runs in the background and nothing waits for it: the loop does not pause' },
      ],
      [
        'while :; do certbot renew; if [ -f x ]; then sleep 12h; fi; done',
        { kind: 'unknown', reason: 'sleep 12h runs only on some turns (under a condition, in a function or a substitution)' },
      ],
      [
        'while :; do for d in a b; do certbot renew -d $d; sleep 1h; done; done',
        { kind: 'unknown', reason: 'a sleep inside a nested loop: how often it runs per turn is not read' },
      ],
      ['for i in 1 2; do sleep 1; done', { kind: 'unknown', reason: 'a for loop ends with its list; it does not repeat on its own' }],
      ['while :; do certbot renew; done', { kind: 'unknown', reason: 'no sleep in the loop: it does not pause between turns' }],
      ['while :; do certbot renew; sleep infinity; done', { kind: 'once', reason: 'sleep infinity never ends: the loop runs its body once' }],
    ];
    for (const [script, reading] of cases) assert.deepEqual(interval(script), reading, script);
  });
});
