/**
 * How long `sleep` pauses, and how often a shell loop that sleeps runs its body.
 *
 * GNU coreutils' sleep (src/sleep.c; Debian and Ubuntu images): each argument is a number (a
 * fraction allowed) with an optional suffix `s`, `m`, `h` or `d`; several arguments add up
 * (`sleep 1d 12h`); `inf`/`infinity` never ends. busybox's sleep (coreutils/sleep.c with
 * FEATURE_FANCY_SLEEP and FLOAT_DURATION, both on by default; Alpine images) reads the same
 * suffixes, fractions and sums (libbb/duration.c), and sleeps forever when the first argument starts
 * with `inf`. Forms only one of them reads (GNU's `1e3`, hex; `--`, which busybox 1.35 as in
 * Debian 12 refuses) are left unknown. Checked against both programs (test/e2e).
 *
 * A loop's interval is what its sleeps add up to on one turn (`while :; do certbot renew; sleep 12h
 * & wait $!; done` → 12 h); the run time of the rest is left out (it is small). A container restart
 * starts the loop over: when the loop runs certbot before it sleeps, a restart only brings a run
 * earlier; when it sleeps first, restarts more frequent than the interval keep certbot from running.
 */
import { basename } from '../shell/container-launch';
import type { ShellCommand, ShellLoop } from '../shell/shell-script';
import { onceOnly, type ScheduleReading, secondsPerDay, secondsPerHour, secondsPerMinute, unknownSchedule } from './schedule';

export type SleepDuration =
  | { readonly kind: 'seconds'; readonly seconds: number }
  | { readonly kind: 'forever' }
  | { readonly kind: 'unknown'; readonly reason: string };

const suffixes: Readonly<Record<string, number>> = { '': 1, s: 1, m: secondsPerMinute, h: secondsPerHour, d: secondsPerDay };

/** The arguments of one `sleep` command (without the word `sleep`). */
export function parseSleepArguments(args: readonly string[]): SleepDuration {
  if (args[0] === '--') return { kind: 'unknown', reason: 'sleep -- fails in busybox before 1.37 (fixed 2023-10-02)' };
  const operands = args;
  if (operands.length === 0) return { kind: 'unknown', reason: 'sleep without a duration fails ("missing operand")' };
  if (/^inf/i.test(operands[0]!)) return { kind: 'forever' };
  let seconds = 0;
  for (const operand of operands) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(operand);
    if (!match) return { kind: 'unknown', reason: `sleep ${operand}: not a duration both GNU and busybox sleep read (N, N.N with s, m, h or d)` };
    seconds += Number.parseFloat(match[1]!) * suffixes[match[2]!]!;
  }
  return { kind: 'seconds', seconds };
}

const sameLoop = (a: ShellLoop, b: ShellLoop): boolean => a.span.start === b.span.start && a.span.end === b.span.end;
const isProgram = (command: ShellCommand, name: string): boolean => command.name?.literal === true && basename(command.name) === name;

/** How often a `while`/`until` loop turns, from the `sleep` commands it runs on each turn. */
export function sleepLoopInterval(loop: ShellLoop): ScheduleReading {
  if (loop.kind === 'for' || loop.kind === 'select') return unknownSchedule(`a ${loop.kind} loop ends with its list; it does not repeat on its own`);
  const commands = [...loop.condition, ...loop.body];
  const own = commands.filter((command) => {
    const innermost = command.loops[command.loops.length - 1];
    return innermost !== undefined && sameLoop(innermost, loop);
  });
  if (commands.some((command) => isProgram(command, 'sleep') && !own.includes(command)))
    return unknownSchedule('a sleep inside a nested loop: how often it runs per turn is not read');
  let seconds = 0;
  let sleeps = 0;
  for (const command of own) {
    if (!isProgram(command, 'sleep')) continue;
    const written = ['sleep', ...command.arguments.map((word) => word.value)].join(' ');
    if (command.conditional || command.functionName !== undefined || command.substitution)
      return unknownSchedule(`${written} runs only on some turns (under a condition, in a function or a substitution)`);
    if (command.background) {
      const waited = own.some((other) => isProgram(other, 'wait') && !other.conditional && other.span.start > command.span.end);
      if (!waited) return unknownSchedule(`${written} & runs in the background and nothing waits for it: the loop does not pause`);
    }
    const dynamic = command.arguments.find((word) => !word.literal);
    if (dynamic) return unknownSchedule(`${written}: the duration is only known when the script runs`);
    const duration = parseSleepArguments(command.arguments.map((word) => word.value));
    if (duration.kind === 'forever') return onceOnly(`${written} never ends: the loop runs its body once`);
    if (duration.kind === 'unknown') return unknownSchedule(duration.reason);
    seconds += duration.seconds;
    sleeps++;
  }
  if (sleeps === 0) return unknownSchedule('no sleep in the loop: it does not pause between turns');
  if (seconds <= 0) return unknownSchedule('the loop sleeps 0 seconds: it does not pause between turns');
  return { kind: 'schedule', schedule: { kind: 'interval', period: seconds, randomDelay: 0 } };
}
