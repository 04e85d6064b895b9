// certboot's nginx parser must put a syntax error where nginx itself does, or the editor
// underlines a line nginx never complains about. Each fixture under
// test/fixtures/nginx-syntax/ is checked by the real `nginx -t` (inside an emulated
// container, so the test writes nothing on the host) and by certboot's engine as the editor
// and the rules use it (nginx's judgement, not crossplane's).
//
// nginx stops at its first error while certboot recovers and reports them all, so the
// comparison is between nginx's only error and certboot's first one.

import { strict as assert } from 'node:assert';
import { join, relative } from 'node:path';
import { loadNginxConfiguration } from '../../server/src/languages/nginx/configuration';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { fixturesRoot } from '../support/paths';
import { runContainer, stopAllContainers, type CommandResult } from './support/container';

const syntaxFixtures = join(fixturesRoot, 'nginx-syntax');
const containerFixtures = '/fixtures';

interface ErrorPosition {
  /** Relative to the fixture's directory, where nginx.conf lives. */
  file: string;
  line: number;
}

interface NginxError extends ErrorPosition {
  message: string;
}

interface SyntaxCase {
  name: string;
  /** What nginx 1.22 (Debian 12) prints, pinned so a change in nginx shows up here first. */
  nginx: NginxError | 'ok';
}

// Lines at end of file are one past the last line: nginx counts the final newline
// before it notices that the file has ended.
const cases: SyntaxCase[] = [
  { name: 'valid', nginx: 'ok' },
  { name: 'valid-with-includes', nginx: 'ok' },
  {
    name: 'unbalanced-braces',
    nginx: { message: 'unexpected end of file, expecting "}"', file: 'nginx.conf', line: 18 },
  },
  {
    name: 'top-level-close-brace',
    nginx: { message: 'unexpected "}"', file: 'nginx.conf', line: 3 },
  },
  {
    name: 'missing-semicolon-before-brace',
    nginx: { message: 'unexpected "}"', file: 'nginx.conf', line: 9 },
  },
  {
    name: 'unterminated-quote',
    nginx: { message: 'unexpected end of file, expecting ";" or "}"', file: 'nginx.conf', line: 10 },
  },
  {
    name: 'unterminated-block-at-eof',
    nginx: { message: 'unexpected end of file, expecting "}"', file: 'nginx.conf', line: 8 },
  },
  {
    name: 'text-after-quote',
    nginx: { message: 'unexpected "w"', file: 'nginx.conf', line: 7 },
  },
  {
    name: 'not-terminated-by-semicolon',
    nginx: { message: 'directive "listen" is not terminated by ";"', file: 'nginx.conf', line: 6 },
  },
  {
    name: 'missing-include',
    nginx: {
      message: `open() "${containerFixtures}/missing-include/mime.types.missing" failed (2: No such file or directory)`,
      file: 'nginx.conf',
      line: 5,
    },
  },
  {
    name: 'error-in-included-file',
    nginx: { message: 'unexpected "}"', file: 'conf.d/example.com.conf', line: 8 },
  },
];

/** The first `[emerg]` line of `nginx -t`, in the error-log format Debian's build writes to stderr. */
function firstNginxError(caseName: string, stderr: string): NginxError | undefined {
  const match = /\[emerg\] \d+#\d+: (.*) in (\/\S+):(\d+)$/m.exec(stderr);
  if (match === null) return undefined;
  const [, message = '', file = '', line = ''] = match;
  return { message, file: relative(`${containerFixtures}/${caseName}`, file), line: Number(line) };
}

/** Every error certboot finds, file by file in include order, as nginx would print it. */
function certbootErrors(caseDirectory: string, caseName: string): NginxError[] {
  const configuration = loadNginxConfiguration(new DiskFileSystem([caseDirectory]), join(caseDirectory, 'nginx.conf'));
  return configuration.files.flatMap((file) =>
    file.errors.map((error) => ({
      // certboot read the fixture on the host; nginx read it where the container mounts it
      message: error.message.split(caseDirectory).join(`${containerFixtures}/${caseName}`),
      file: relative(caseDirectory, file.path),
      line: error.line,
    })),
  );
}

describe('the nginx parser reports syntax errors where nginx -t does', () => {
  afterEach(async () => {
    await stopAllContainers();
  });

  for (const syntaxCase of cases) {
    describe(syntaxCase.name, () => {
      const caseDirectory = join(syntaxFixtures, syntaxCase.name);
      let nginxResult: CommandResult;

      before(async () => {
        nginxResult = await runContainer({
          command: ['nginx', '-t', '-c', `${containerFixtures}/${syntaxCase.name}/nginx.conf`],
          mounts: [{ hostPath: syntaxFixtures, containerPath: containerFixtures, readOnly: true }],
        });
      });

      it(syntaxCase.nginx === 'ok' ? 'nginx -t accepts it' : `nginx -t: ${syntaxCase.nginx.message}`, () => {
        if (syntaxCase.nginx === 'ok') {
          assert.equal(nginxResult.exitCode, 0, nginxResult.stderr);
          assert.match(nginxResult.stderr, /syntax is ok/);
        } else {
          assert.equal(nginxResult.exitCode, 1, nginxResult.stderr);
          assert.deepEqual(firstNginxError(syntaxCase.name, nginxResult.stderr), syntaxCase.nginx, nginxResult.stderr);
        }
      });

      it(syntaxCase.nginx === 'ok' ? 'certboot reports no error' : 'certboot reports the same first error, in the same file and line', () => {
        const errors = certbootErrors(caseDirectory, syntaxCase.name);
        if (syntaxCase.nginx === 'ok') {
          assert.deepEqual(errors, []);
          return;
        }
        assert.deepEqual(errors[0], firstNginxError(syntaxCase.name, nginxResult.stderr), nginxResult.stderr);
      });
    });
  }
});
