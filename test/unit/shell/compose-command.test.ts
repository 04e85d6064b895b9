import { strict as assert } from 'node:assert';
import { parseComposeCommand, type ComposeWord } from '../../../server/src/languages/shell/compose-command';
import { initializeShellParser } from '../../../server/src/languages/shell/shell-parser';
import type { ShellCommand, ShellWord } from '../../../server/src/languages/shell/shell-script';

const argv = (command: ShellCommand): string[] => [command.name, ...command.arguments].map((word) => (word as ShellWord).value);
const words = (list: readonly ComposeWord[]) => list.map((word) => [word.value, word.literal, word.field, word.item, word.span.start, word.span.end]);

describe('compose command', () => {
  before(() => initializeShellParser());

  it('splits the certbot entrypoint string and parses its shell body, with spans into the original string', () => {
    const entrypoint = "/bin/sh -c 'trap exit TERM; while :; do certbot renew; sleep 12h & wait $${!}; done;'";
    const result = parseComposeCommand({ entrypoint });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(words(result.argv), [
      ['/bin/sh', true, 'entrypoint', 0, 0, 7],
      ['-c', true, 'entrypoint', 0, 8, 10],
      ['trap exit TERM; while :; do certbot renew; sleep 12h & wait ${!}; done;', true, 'entrypoint', 0, 11, 85],
    ]);
    assert.equal(result.imageEntrypoint, false);
    assert.equal(result.shell?.flag.value, '-c');
    assert.deepEqual(result.commands.map(argv), [['trap', 'exit', 'TERM'], [':'], ['certbot', 'renew'], ['sleep', '12h'], ['wait', '${!}']]);
    const certbot = result.commands[2] as ShellCommand;
    assert.equal(entrypoint.slice(certbot.span.start, certbot.span.end), 'certbot renew');
    assert.equal(certbot.loops[0]?.kind, 'while');
    const wait = result.commands[4] as ShellCommand;
    assert.equal(entrypoint.slice(wait.span.start, wait.span.end), 'wait $${!}');
  });

  it('keeps the list form as is and treats it as one command without a shell', () => {
    const result = parseComposeCommand({ command: ['certonly', '--webroot', '-w', '/var/www/certbot', '-d', '${DOMAIN}'] });
    assert.equal(result.shell, undefined);
    assert.equal(result.imageEntrypoint, true);
    assert.deepEqual(
      words(result.argv).map(([value, literal, , item]) => [value, literal, item]),
      [
        ['certonly', true, 0],
        ['--webroot', true, 1],
        ['-w', true, 2],
        ['/var/www/certbot', true, 3],
        ['-d', true, 4],
        ['${DOMAIN}', false, 5],
      ],
    );
    assert.equal(result.commands.length, 1);
    assert.equal(result.commands[0]?.name, result.argv[0]);
  });

  it('splits the string form like go-shellwords: quotes, escapes, empty quotes, no expansion', () => {
    const command = `nginx -g "daemon off;" 'a b'c\\ d "" $(date) \`x y\``;
    const result = parseComposeCommand({ command });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.argv.map((word) => [word.value, command.slice(word.span.start, word.span.end)]),
      [
        ['nginx', 'nginx'],
        ['-g', '-g'],
        ['daemon off;', '"daemon off;"'],
        ['a bc d', "'a b'c\\ d"],
        ['', '""'],
        ['$(date)', '$(date)'],
        ['`x y`', '`x y`'],
      ],
    );
  });

  it('reports where compose drops the rest of an unquoted ; or &&', () => {
    const command = 'certbot renew && nginx -s reload';
    const result = parseComposeCommand({ command });
    assert.deepEqual(
      result.argv.map((word) => word.value),
      ['certbot', 'renew'],
    );
    assert.deepEqual(result.errors, [
      {
        message: `compose does not run a shell: the command ends at the unquoted "&" and the rest is dropped; wrap it in sh -c '…'`,
        span: { start: 14, end: 32 },
        field: 'command',
        item: 0,
      },
    ]);
  });

  it('reports an unterminated quote and an invalid interpolation without throwing', () => {
    const unterminated = parseComposeCommand({ command: "sh -c 'certbot renew" });
    assert.deepEqual(unterminated.argv, []);
    assert.deepEqual(
      unterminated.errors.map((error) => error.message),
      ['compose rejects the command: unterminated quote or escape ("invalid command line string")'],
    );
    const invalid = parseComposeCommand({ entrypoint: "sh -c 'sleep 12h & wait ${!}'" });
    assert.deepEqual(
      invalid.errors.map((error) => [error.message, error.span]),
      [['compose cannot interpolate "${!}" ("Invalid template"); write $$ for a literal $', { start: 24, end: 28 }]],
    );
  });

  it('takes the script from command: when the entrypoint is /bin/sh -c, and maps it into the command item', () => {
    const body = 'certbot certonly -d "$${DOMAIN}" -d x.com';
    const result = parseComposeCommand({ entrypoint: ['/bin/sh', '-c'], command: [body] });
    assert.equal(result.shell?.body.field, 'command');
    assert.deepEqual(result.commands.map(argv), [['certbot', 'certonly', '-d', '${DOMAIN}', '-d', 'x.com']]);
    const [command] = result.commands;
    assert.deepEqual(
      command?.arguments.map((word) => [word.literal, body.slice(word.span.start, word.span.end)]),
      [
        [true, 'certonly'],
        [true, '-d'],
        [false, '"$${DOMAIN}"'],
        [true, '-d'],
        [true, 'x.com'],
      ],
    );
  });

  it('treats words compose interpolates as unknown, also inside single quotes of the script', () => {
    const result = parseComposeCommand({ command: "sh -ec 'certbot certonly -d ${DOMAIN} --email $EMAIL' " });
    assert.equal(result.shell?.flag.value, '-ec');
    assert.deepEqual(
      result.commands[0]?.arguments.map((word) => [word.value, word.literal]),
      [
        ['certonly', true],
        ['-d', true],
        ['${DOMAIN}', false],
        ['--email', true],
        ['$EMAIL', false],
      ],
    );
    const single = parseComposeCommand({ command: ['sh', '-c', "echo '${NAME}'"] });
    assert.deepEqual(
      single.commands[0]?.arguments.map((word) => [word.value, word.literal]),
      [['${NAME}', false]],
    );
  });

  it('reads already interpolated strings as they are', () => {
    const result = parseComposeCommand({ command: 'sh -c "echo $$"', interpolated: true });
    assert.deepEqual(result.commands.map(argv), [['echo', '$$']]);
  });

  it('parses the nginx reload loop command with its escaped inner quotes', () => {
    const command = `/bin/sh -c 'while :; do sleep 6h & wait $\${!}; nginx -s reload; done & nginx -g "daemon off;"'`;
    const result = parseComposeCommand({ command });
    assert.deepEqual(
      result.commands.map((entry) => [argv(entry), entry.loops.length, entry.background]),
      [
        [[':'], 1, true],
        [['sleep', '6h'], 1, true],
        [['wait', '${!}'], 1, true],
        [['nginx', '-s', 'reload'], 1, true],
        [['nginx', '-g', 'daemon off;'], 0, false],
      ],
    );
  });
});
