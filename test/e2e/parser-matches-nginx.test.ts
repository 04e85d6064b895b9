// certboot's nginx parser must put a syntax error where nginx itself does, or the editor
// underlines a line nginx never complains about. Each fixture under
// test/fixtures/nginx-syntax/ is checked by the real `nginx -t` (inside an emulated
// container, so the test writes nothing on the host) and by certboot's engine as the editor
// and the rules use it (nginx's judgement, not crossplane's).
//
// nginx stops at its first error while certboot recovers and finds them all, so the comparison
// is between nginx's only error and certboot's first one in the order nginx reads the files
// (nginx-syntax reports each file's first error). certboot's error must give nginx's message,
// file and line, both as the line it prints and where the editor underlines.

import { strict as assert } from 'node:assert';
import { join, relative } from 'node:path';
import { loadNginxConfiguration } from '../../server/src/languages/nginx/configuration';
import { DiskFileSystem } from '../../server/src/workspace/disk-file-system';
import { fixturesRoot } from '../support/paths';
import { runContainer, stopAllContainers, type CommandResult } from './support/container';
import { errorsInReadingOrder } from './support/nginx-reading-order';

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
  // nginx reads an included file where the include stands, before the rest of the main file
  {
    name: 'error-in-include-before-main-error',
    nginx: { message: 'invalid number of arguments in "root" directive', file: 'conf.d/site.conf', line: 5 },
  },
  // a statement is judged once read: at the line of its ";" or "{"
  {
    name: 'statement-over-several-lines',
    nginx: { message: 'invalid number of arguments in "ssl_ciphers" directive', file: 'nginx.conf', line: 9 },
  },
  // the unclosed block is reported at the end of the file, after what nginx meets before it
  {
    name: 'first-error-inside-unclosed-block',
    nginx: { message: 'invalid number of arguments in "ssl_certificate" directive', file: 'nginx.conf', line: 7 },
  },
  {
    name: 'text-after-quote-in-rejected-statement',
    nginx: { message: 'unexpected "s"', file: 'nginx.conf', line: 5 },
  },
  // the bodies of map, types… are read by their own handler, which takes no block
  {
    name: 'block-in-map',
    nginx: { message: 'unexpected "{"', file: 'nginx.conf', line: 7 },
  },
  {
    name: 'block-in-types',
    nginx: { message: 'unexpected "{"', file: 'nginx.conf', line: 9 },
  },
  {
    name: 'block-in-included-map-file',
    nginx: { message: 'unexpected "{"', file: 'maps/agents.map', line: 2 },
  },
  // a UTF-8 byte order mark is the start of the first word for nginx
  {
    name: 'byte-order-mark-before-comment',
    nginx: { message: 'unknown directive "\ufeff#"', file: 'nginx.conf', line: 2 },
  },
  {
    name: 'byte-order-mark-before-directive',
    nginx: { message: 'unknown directive "\ufeffworker_processes"', file: 'nginx.conf', line: 1 },
  },
  // nginx's spaces are space, tab, CR and LF: a no-break space or a form feed is part of a word
  {
    name: 'no-break-space-in-name',
    nginx: { message: 'unknown directive "\u00a0\u00a0"', file: 'nginx.conf', line: 7 },
  },
  {
    name: 'form-feed-in-name',
    nginx: { message: 'unknown directive "\f"', file: 'nginx.conf', line: 9 },
  },
  // "}" does not end a word: "return 204}" goes on to the next line's "}"
  {
    name: 'brace-inside-word',
    nginx: { message: 'unexpected "}"', file: 'nginx.conf', line: 10 },
  },
  // nginx keeps the token it reads in a buffer of 4096 bytes
  {
    name: 'too-long-quoted-parameter',
    nginx: { message: 'too long parameter, probably missing terminating """ character', file: 'nginx.conf', line: 7 },
  },
  {
    name: 'too-long-comment',
    nginx: { message: 'too long parameter "# allow-li..." started', file: 'nginx.conf', line: 4 },
  },
  {
    name: 'unterminated-quote-in-long-file',
    nginx: { message: 'too long parameter, probably missing terminating """ character', file: 'nginx.conf', line: 7 },
  },
];

/** The first `[emerg]` line of `nginx -t`, in the error-log format Debian's build writes to stderr. */
function firstNginxError(caseName: string, stderr: string): NginxError | undefined {
  const match = /\[emerg\] \d+#\d+: (.*) in (\/\S+):(\d+)$/m.exec(stderr);
  if (match === null) return undefined;
  const [, message = '', file = '', line = ''] = match;
  return { message, file: relative(`${containerFixtures}/${caseName}`, file), line: Number(line) };
}

/** Every error certboot finds, in the order nginx reads the files, as nginx would print it. */
function certbootErrors(caseDirectory: string, caseName: string): (NginxError & { underlinedLine: number })[] {
  const configuration = loadNginxConfiguration(new DiskFileSystem([caseDirectory]), join(caseDirectory, 'nginx.conf'));
  return errorsInReadingOrder(configuration).map(({ file, error }) => ({
    // certboot read the fixture on the host; nginx read it where the container mounts it
    message: error.message.split(caseDirectory).join(`${containerFixtures}/${caseName}`),
    file: relative(caseDirectory, configuration.files[file].path),
    line: error.line,
    underlinedLine: error.span.startLine + 1,
  }));
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
        const nginxError = firstNginxError(syntaxCase.name, nginxResult.stderr);
        assert.deepEqual(errors[0], nginxError && { ...nginxError, underlinedLine: nginxError.line }, nginxResult.stderr);
      });
    });
  }
});
