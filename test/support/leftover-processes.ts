// A mocha root hook (each .mocharc requires it): once every test has run, no process a test
// started may still be running. One left behind holds mocha's event loop (its pipes) or CI's
// output open, and the run never ends; here it is named, killed, and fails the run instead.
// Each .mocharc also sets `exit`, so that what else a test leaves in this process (a timer, a
// socket) cannot keep a finished run open either.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  readonly command: string;
  readonly zombie: boolean;
}

function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // a process that cleared its arguments, or ended and was not reaped, shows its name instead
      const command =
        readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim() ||
        `[${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}] (${state})`;
      entries.push({ pid: Number(name), parent: Number(parent), command, zombie: state === 'Z' });
    } catch {
      // the process ended while the table was read
    }
  }
  return entries;
}

/** Every live process below `root`, children before their own children. */
export function descendantsOf(root: number): ProcessEntry[] {
  const table = processTable();
  const found: ProcessEntry[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.shift()!;
    for (const entry of table) {
      if (entry.parent !== parent) continue;
      parents.push(entry.pid);
      if (!entry.zombie) found.push(entry);
    }
  }
  return found;
}

/** esbuild's service process, which tsx starts for the test files themselves and which ends with mocha. */
function isTestRunnerHelper(entry: ProcessEntry): boolean {
  return /(^|\/)esbuild( |$)/.test(entry.command) || /@esbuild\//.test(entry.command);
}

/** The processes still running below this one after a grace period: one killed by the last test may still be exiting. */
async function leftOver(): Promise<ProcessEntry[]> {
  let left = descendantsOf(process.pid).filter((entry) => !isTestRunnerHelper(entry));
  for (let waited = 0; left.length > 0 && waited < 3000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = descendantsOf(process.pid).filter((entry) => !isTestRunnerHelper(entry));
  }
  return left;
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    if (!existsSync('/proc/self/stat')) return;
    this.timeout(15_000);
    const left = await leftOver();
    for (const entry of left) {
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (left.length > 0) {
      throw new Error(
        `processes the tests started were still running after the last test (now killed):\n${left.map((entry) => `  ${entry.pid}: ${entry.command}`).join('\n')}`,
      );
    }
  },
};
