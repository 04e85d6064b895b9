import { deepStrictEqual, strictEqual } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rules } from '../../server/src/rules/index';
import { repositoryRoot } from '../support/paths';
import { runBuiltCli } from '../support/run-cli';

const exitCodes = '  2  bad usage (see --help), or input that cannot be used: a missing file, an invalid certboot.json\n';

describe('certboot --version, --help and usage errors', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'certboot-usage-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it("prints package.json's version with --version", () => {
    const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
    deepStrictEqual(runBuiltCli(['--version'], directory), { status: 0, stdout: `certboot ${version}\n`, stderr: '' });
  });

  it('names every command, the global options and the exit codes in certboot --help', () => {
    const help = [
      'Usage: certboot <command> [OPTIONS]',
      '',
      'Commands:',
      '  lint [PATH...]             report what makes the deployment fail on first boot or first renewal',
      '  bootstrap [DIR] --email E  split the nginx + certbot deployment into HTTP-first stages',
      '  rules                      list the rules',
      "  parse FILE                 print crossplane's JSON payload for an nginx configuration",
      '  lex FILE                   print the tokens of one nginx file',
      '',
      'Options:',
      '  -h, --help  print this help; "certboot <command> --help" prints the options of a command',
      "  --version   print certboot's version",
      '',
      'Exit codes:',
      '  0  success: nothing to report (lint: no errors)',
      '  1  problems found (lint: errors, or more warnings than --max-warnings)',
      `${exitCodes}  3  lint: a rule of certboot failed (an internal error, named on stderr); the report may lack findings\n`,
    ].join('\n');
    deepStrictEqual(runBuiltCli(['--help'], directory), { status: 0, stdout: help, stderr: '' });
    deepStrictEqual(runBuiltCli(['-h'], directory), { status: 0, stdout: help, stderr: '' });
    // no command at all is a usage error: the same help, on the error output
    deepStrictEqual(runBuiltCli([], directory), { status: 2, stdout: '', stderr: help });
  });

  it('names every option of lint with one line each, and its exit codes', () => {
    const help = [
      'Usage: certboot lint [PATH...] [OPTIONS]',
      '',
      'Finds the compose projects, nginx configurations, shell scripts, Terraform and CloudFormation',
      'files under each PATH (default: the current directory) and reports what makes HTTPS fail on',
      'first boot or first renewal. Paths named together are taken as deployed to one Docker host.',
      '',
      'Options:',
      '  --format FORMAT   text (default), json, sarif (SARIF 2.1.0, for code scanning) or gitlab (GitLab Code Quality)',
      '  --max-warnings N  exit with 1 when there are more than N warnings',
      '  --config FILE     use FILE instead of the nearest certboot.json',
      '  --quiet           report errors only (warnings still count for --max-warnings)',
      '  --fix             apply the safe fixes to the files under PATH, then report what is left',
      '  --fix-dry-run     print the safe fixes as a unified diff instead of the report; write nothing',
      '  -h, --help        print this help and exit',
      '',
      'Exit codes:',
      '  0  no errors, and no more warnings than --max-warnings (with --fix: once the fixes are in)',
      '  1  errors, or more warnings than --max-warnings, or a fixed file that could not be written',
      `${exitCodes}  3  a rule of certboot failed (an internal error, named on stderr with the file): the report may lack findings\n`,
      'Rules are configured in certboot.json: { "rules": { "<rule-id>": "error" | "warning" | "info" | "off" } };',
      '"hosts": [["site-a", "site-b"]] (or "all") there says which compose projects share a Docker host.',
      'A comment "# certboot-disable-next-line <rule-id>, ..." drops the findings that start on the next line.',
      '"certboot rules" lists the rules.',
      '',
    ].join('\n');
    deepStrictEqual(runBuiltCli(['lint', '--help'], directory), { status: 0, stdout: help, stderr: '' });
    // help wins over what else is on the line, and reads nothing
    deepStrictEqual(runBuiltCli(['lint', 'no-such-dir', '--quiet', '-h'], directory), { status: 0, stdout: help, stderr: '' });
  });

  it('names every option of bootstrap, rules, parse and lex in their help', () => {
    const optionLines = (args: string[]): string[] => {
      const { stdout } = runBuiltCli(args, directory);
      const options = stdout.slice(stdout.indexOf('Options:\n') + 'Options:\n'.length, stdout.indexOf('\n\nExit codes:'));
      return options.split('\n').map((line) => line.trim().split(/ {2,}/)[0]);
    };
    deepStrictEqual(optionLines(['bootstrap', '--help']), ['--email E', '-d, --domain D', '--staging', '--write', '-h, --help']);
    deepStrictEqual(optionLines(['rules', '--help']), ['-h, --help']);
    deepStrictEqual(optionLines(['parse', '--help']), [
      '--include-comments',
      '--single-file',
      '--combine',
      '--ignore A,B',
      '--root DIR',
      '--indent N',
      '-h, --help',
    ]);
    deepStrictEqual(optionLines(['lex', '--help']), ['--indent N', '-h, --help']);
    for (const command of ['bootstrap', 'rules', 'parse', 'lex']) {
      const { stdout } = runBuiltCli([command, '--help'], directory);
      strictEqual(stdout.includes(`\n\nExit codes:\n  0  `), true, command);
      strictEqual(stdout.includes(exitCodes), true, command);
    }
  });

  it('prints every usage error in one format, with the help of its command, and exits 2', () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'certboot: unknown command "frobnicate"\nRun "certboot --help" for usage.\n'],
      [['--frobnicate'], 'certboot: unknown option --frobnicate\nRun "certboot --help" for usage.\n'],
      [['lint', '--fix-everything'], 'certboot: unknown option --fix-everything\nRun "certboot lint --help" for usage.\n'],
      [['lint', '--format', 'xml'], 'certboot: --format takes text, json, sarif or gitlab, not "xml"\nRun "certboot lint --help" for usage.\n'],
      [['lint', '--max-warnings'], 'certboot: --max-warnings needs a value\nRun "certboot lint --help" for usage.\n'],
      [['bootstrap', 'a', 'b', '--email', 'ops@example.org'], 'certboot: bootstrap takes at most one DIR\nRun "certboot bootstrap --help" for usage.\n'],
      [['bootstrap', '--email=nobody'], 'certboot: --email nobody is not an email address\nRun "certboot bootstrap --help" for usage.\n'],
      [['rules', 'extra'], 'certboot: rules takes no operands, not "extra"\nRun "certboot rules --help" for usage.\n'],
      [['parse'], 'certboot: parse takes exactly one FILE\nRun "certboot parse --help" for usage.\n'],
      [['parse', 'nginx.conf', '--indent', 'two'], 'certboot: --indent takes a whole number, not "two"\nRun "certboot parse --help" for usage.\n'],
      [['lex', 'a.conf', '--combine'], 'certboot: unknown option --combine\nRun "certboot lex --help" for usage.\n'],
    ];
    for (const [args, stderr] of cases) {
      deepStrictEqual(runBuiltCli(args, directory), { status: 2, stdout: '', stderr }, args.join(' '));
    }
  });

  it('lists every rule of the registry with certboot rules: category, severity, whether it fixes, what it checks', () => {
    const result = runBuiltCli(['rules'], directory);
    deepStrictEqual([result.status, result.stderr], [0, '']);
    const lines = result.stdout.split('\n');
    strictEqual(lines.at(-1), '');
    const idWidth = Math.max(...rules.map((rule) => rule.id.length));
    const categoryWidth = Math.max(...rules.map((rule) => rule.category.length));
    strictEqual(lines[0], `${'RULE'.padEnd(idWidth)}  ${'CATEGORY'.padEnd(categoryWidth)}  SEVERITY  FIXES      CHECKS`);
    strictEqual(
      lines[1],
      `${'nginx-syntax'.padEnd(idWidth)}  ${'syntax'.padEnd(categoryWidth)}  error     never      nginx rejects the configuration before it starts (nginx -t)`,
    );
    deepStrictEqual(
      lines.slice(1, -1).map((line) => line.split(/ {2,}/)),
      rules.map((rule) => [rule.id, rule.category, rule.defaultSeverity, rule.fixable, rule.summary]),
    );
  });
});
