import { strict as assert } from 'node:assert';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';
import { repeatingLoop, type ShellCommand, type ShellWord } from '../../../server/src/languages/shell/shell-script';

const argv = (command: ShellCommand): string[] => [command.name, ...command.arguments].map((word) => (word as ShellWord).value);
const written = (text: string, word: ShellWord): string => text.slice(word.span.start, word.span.end);

describe('shell parser', () => {
  before(() => initializeShellParser());

  it('finds the commands of the certbot renewal loop, with their loop', () => {
    const text = 'trap exit TERM; while :; do certbot renew; sleep 12h & wait ${!}; done;';
    const script = parseShell(text);
    assert.deepEqual(script.errors, []);
    assert.deepEqual(script.commands.map(argv), [['trap', 'exit', 'TERM'], [':'], ['certbot', 'renew'], ['sleep', '12h'], ['wait', '${!}']]);
    const [loop] = script.loops;
    assert.ok(loop);
    assert.equal(script.loops.length, 1);
    assert.equal(loop.kind, 'while');
    assert.deepEqual(loop.span, { start: 16, end: 70 });
    assert.deepEqual(loop.condition.map(argv), [[':']]);
    assert.deepEqual(loop.body.map(argv), [
      ['certbot', 'renew'],
      ['sleep', '12h'],
      ['wait', '${!}'],
    ]);
    const [trap, , certbot, sleep, wait] = script.commands as ShellCommand[];
    assert.deepEqual(trap?.loops, []);
    assert.deepEqual(certbot?.loops, [loop]);
    assert.deepEqual(certbot?.span, { start: 28, end: 41 });
    assert.deepEqual(certbot?.arguments[0]?.span, { start: 36, end: 41 });
    assert.equal(sleep?.background, true);
    assert.equal(certbot?.background, false);
    assert.equal(wait?.arguments[0]?.literal, false);
    assert.deepEqual(
      script.traps.map((entry) => [entry.action?.value, entry.signals.map((signal) => signal.value)]),
      [['exit', ['TERM']]],
    );
  });

  it('tells a loop over a list of words, which ends, from loops that turn on', () => {
    const script = parseShell(
      'for d in a b; do certbot certonly -d "$d"; done\nfor ((;;)); do certbot renew; done\nselect s in a b; do echo "$s"; done\nuntil false; do for d; do x; done; done',
    );
    assert.deepEqual(script.errors, []);
    assert.deepEqual(
      script.loops.map((loop) => [loop.kind, loop.perWord]),
      [
        ['for', true],
        ['for', false],
        ['select', false],
        ['until', false],
        ['for', true],
      ],
    );
    const inner = script.commands.find((command) => command.name?.value === 'x');
    assert.equal(repeatingLoop(inner?.loops ?? [])?.kind, 'until');
    assert.equal(repeatingLoop(script.commands[0]?.loops ?? []), undefined);
  });

  it('removes quotes the way the shell does and keeps where each word was written', () => {
    const text = `echo 'a b' "x\\"y\\q" a\\ b $'t\\tu' pre"mid"'end' --w='/v w' é"ü"`;
    const [command] = parseShell(text).commands;
    assert.ok(command);
    assert.deepEqual(
      command.arguments.map((word) => [word.value, word.literal, written(text, word)]),
      [
        ['a b', true, "'a b'"],
        ['x"y\\q', true, '"x\\"y\\q"'],
        ['a b', true, 'a\\ b'],
        ['t\tu', true, "$'t\\tu'"],
        ['premidend', true, `pre"mid"'end'`],
        ['--w=/v w', true, "--w='/v w'"],
        ['éü', true, 'é"ü"'],
      ],
    );
    const quoted = command.arguments[0] as ShellWord;
    assert.deepEqual(quoted.offsets, [6, 7, 8, 9]);
  });

  it('marks words the shell expands as not literal', () => {
    const text = 'cmd $HOME "${d[0]}" "$(date)" ~/x *.pem {a,b} "*.pem" \\* plain';
    const [command] = parseShell(text).commands;
    assert.deepEqual(
      command?.arguments.map((word) => [word.value, word.literal]),
      [
        ['$HOME', false],
        ['${d[0]}', false],
        ['$(date)', false],
        ['~/x', false],
        ['*.pem', false],
        ['{a,b}', false],
        ['*.pem', true],
        ['*', true],
        ['plain', true],
      ],
    );
  });

  it('reads as one word what stands with no blank between, where tree-sitter-bash splits a quoted argument', () => {
    // tree-sitter-bash ends the first node after the `$` of `"$path/cert.pem`, and starts the next one at `path`
    const text = 'run --entrypoint "openssl req -keyout "$path/key.pem" \\\n  -out "$path/cert.pem" -subj x" certbot';
    const [command] = parseShell(text).commands;
    assert.deepEqual(
      command?.arguments.map((word) => [word.value, word.literal, written(text, word)]),
      [
        ['--entrypoint', true, '--entrypoint'],
        ['openssl req -keyout $path/key.pem   -out $path/cert.pem -subj x', false, '"openssl req -keyout "$path/key.pem" \\\n  -out "$path/cert.pem" -subj x"'],
        ['certbot', true, 'certbot'],
      ],
    );
  });

  it('tells lists, pipelines, subshells, substitutions, branches, functions and exec apart', () => {
    const text = ['a && b || c', 'd | e', '( f )', 'g "$(h)"', 'if i; then j; else k; fi', 'fn() { l; }', 'exec nginx -g "daemon off;"'].join('\n');
    const script = parseShell(text);
    const flags = (command: ShellCommand) => ({
      name: command.name?.value,
      conditional: command.conditional,
      pipeline: command.pipeline,
      subshell: command.subshell,
      substitution: command.substitution,
      functionName: command.functionName,
      exec: command.exec,
    });
    assert.deepEqual(script.commands.map(flags), [
      { name: 'a', conditional: false, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'b', conditional: true, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'c', conditional: true, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'd', conditional: false, pipeline: true, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'e', conditional: false, pipeline: true, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'f', conditional: false, pipeline: false, subshell: true, substitution: false, functionName: undefined, exec: false },
      { name: 'g', conditional: false, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'h', conditional: false, pipeline: false, subshell: true, substitution: true, functionName: undefined, exec: false },
      { name: 'i', conditional: false, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'j', conditional: true, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'k', conditional: true, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: false },
      { name: 'l', conditional: false, pipeline: false, subshell: false, substitution: false, functionName: 'fn', exec: false },
      { name: 'nginx', conditional: false, pipeline: false, subshell: false, substitution: false, functionName: undefined, exec: true },
    ]);
    const nginx = script.commands.at(-1) as ShellCommand;
    assert.deepEqual(
      nginx.arguments.map((word) => word.value),
      ['-g', 'daemon off;'],
    );
    assert.equal(text.slice(nginx.span.start, nginx.span.end), 'exec nginx -g "daemon off;"');
  });

  it('runs the reload loop in the background and nginx in the foreground', () => {
    const text = 'while :; do sleep 6h & wait $${!}; nginx -s reload; done & nginx -g "daemon off;"';
    const script = parseShell(text);
    const reload = script.commands.find((command) => command.arguments[1]?.value === 'reload');
    const foreground = script.commands.at(-1) as ShellCommand;
    assert.equal(reload?.background, true);
    assert.equal(reload?.loops.length, 1);
    assert.deepEqual(argv(foreground), ['nginx', '-g', 'daemon off;']);
    assert.equal(foreground.background, false);
    assert.deepEqual(foreground.loops, []);
  });

  it('knows until and for loops, and keeps a for list out of the loop', () => {
    const script = parseShell('for d in $(list); do use "$d"; done\nuntil ready; do sleep 1; done');
    assert.deepEqual(
      script.loops.map((loop) => [loop.kind, loop.condition.map(argv), loop.body.map(argv)]),
      [
        ['for', [], [['use', '$d']]],
        ['until', [['ready']], [['sleep', '1']]],
      ],
    );
    assert.deepEqual(script.commands.find((command) => command.name?.value === 'list')?.loops, []);
  });

  it('records assignments, arrays, exports and command prefixes', () => {
    const text = 'domains=(a.org "b c.org")\nsize=4096\nexport EMAIL=\'x@y.z\'\nA=1 cmd\nif t; then late=1; fi\nempty=';
    const script = parseShell(text);
    assert.deepEqual(
      script.assignments.map((assignment) => [
        assignment.name,
        assignment.value?.value,
        assignment.elements?.map((word) => word.value),
        assignment.prefix,
        assignment.conditional,
      ]),
      [
        ['domains', undefined, ['a.org', 'b c.org'], false, false],
        ['size', '4096', undefined, false, false],
        ['EMAIL', 'x@y.z', undefined, false, false],
        ['A', '1', undefined, true, false],
        ['late', '1', undefined, false, true],
        ['empty', '', undefined, false, false],
      ],
    );
    assert.deepEqual(argv(script.commands.find((command) => command.name?.value === 'export') as ShellCommand), ['export', 'EMAIL=x@y.z']);
  });

  it('maps spans through source offsets', () => {
    const sourceOffsets = Array.from({ length: 'certbot renew'.length + 1 }, (_, index) => index + 100);
    const [command] = parseShell('certbot renew', { sourceOffsets }).commands;
    assert.deepEqual(command?.span, { start: 100, end: 113 });
    assert.deepEqual(command?.arguments[0]?.span, { start: 108, end: 113 });
  });

  describe('malformed input', () => {
    it('reports an unterminated quote without throwing', () => {
      const script = parseShell('echo "unterminated');
      assert.deepEqual(script.errors, [{ message: 'syntax error near "\\"unterminated"', span: { start: 5, end: 18 } }]);
      assert.deepEqual(script.commands.map(argv), [['echo']]);
      const inScript = parseShell('certbot renew\necho "unterminated');
      assert.deepEqual(inScript.errors, [{ message: 'syntax error near "\\"unterminated"', span: { start: 19, end: 32 } }]);
      assert.deepEqual(inScript.commands.map(argv), [['certbot', 'renew'], ['echo']]);
    });

    it('reports what tree-sitter had to insert', () => {
      const script = parseShell('echo "a $(certbot renew)');
      assert.deepEqual(script.errors, [{ message: 'syntax error: missing "\\""', span: { start: 24, end: 24 } }]);
      assert.deepEqual(script.commands.map(argv), [
        ['echo', 'a $(certbot renew)'],
        ['certbot', 'renew'],
      ]);
    });

    it('reports a loop without done', () => {
      const script = parseShell('while :; do certbot renew');
      assert.deepEqual(script.errors, [{ message: 'syntax error near "while :; do certbot renew"', span: { start: 0, end: 25 } }]);
      assert.deepEqual(script.commands.map(argv), [[':'], ['certbot', 'renew']]);
    });

    it('survives binary bytes and caps the errors it reports', () => {
      const binary = Array.from({ length: 200_000 }, (_, index) => String.fromCharCode((index * 7919) % 256)).join('');
      const script = parseShell(binary);
      assert.ok(script.errors.length > 0 && script.errors.length <= 51);
    });

    it('refuses a 5 MB string without parsing it', () => {
      const huge = 'certbot renew; '.repeat(350_000);
      assert.ok(huge.length > 5_000_000);
      const started = Date.now();
      const script = parseShell(huge);
      assert.ok(Date.now() - started < 1_000);
      assert.deepEqual(script.commands, []);
      assert.deepEqual(script.errors, [
        { message: `script not analysed: ${huge.length} characters, more than the limit of 1000000`, span: { start: 0, end: huge.length } },
      ]);
    });

    it('gives up on a parse that takes too long', () => {
      const script = parseShell('a b; '.repeat(100_000), { timeoutMilliseconds: 0 });
      assert.deepEqual(
        script.errors.map((error) => error.message),
        ['script not analysed: parsing took too long'],
      );
      assert.deepEqual(parseShell('certbot renew').commands.map(argv), [['certbot', 'renew']]);
    });

    it('stops at absurd nesting instead of overflowing the stack', () => {
      const script = parseShell(`${'('.repeat(5_000)}certbot${')'.repeat(5_000)}`);
      assert.ok(script.errors.some((error) => error.message.startsWith('nested deeper than')));
    });
  });
});
