import { deepStrictEqual } from 'node:assert';
import { spawn } from 'node:child_process';
import { descendantsOf } from '../../support/leftover-processes';

describe('the leftover-process check of the test tiers', () => {
  it('lists a process a test started, with its command line, below the children that started it, and not once it has ended', async () => {
    const shell = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      // the shell starts its child a moment after it starts itself
      for (let waited = 0; waited < 2000 && !descendantsOf(process.pid).some((entry) => entry.parent === shell.pid); waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      deepStrictEqual(
        descendantsOf(process.pid)
          .filter((entry) => entry.pid === shell.pid || entry.parent === shell.pid)
          .map((entry) => entry.command),
        ['sh -c sleep 30 & wait', 'sleep 30'],
      );
    } finally {
      const sleeper = descendantsOf(process.pid).find((entry) => entry.parent === shell.pid);
      if (sleeper) process.kill(sleeper.pid, 'SIGKILL');
      shell.kill('SIGKILL');
      await new Promise((resolve) => shell.once('exit', resolve));
    }
    deepStrictEqual(
      descendantsOf(process.pid).filter((entry) => entry.pid === shell.pid),
      [],
    );
  });
});
