import { deepStrictEqual } from 'node:assert';
import { composeStart } from '../../../server/src/languages/shell/container-launch';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';

/** What each command of the script starts: subcommand, services, --no-deps, compose's own options. */
function starts(script: string) {
  return parseShell(script).commands.map((command) => {
    const start = command.name ? composeStart([command.name, ...command.arguments]) : undefined;
    return start && [start.subcommand, start.services.map((word) => word.value), start.noDependencies, start.globalOptions.map((word) => word.value)];
  });
}

describe('composeStart: the services a docker compose up or run of a script starts', () => {
  before(async () => {
    await initializeShellParser();
  });

  it('reads the services of up between and after its options, and those of run', () => {
    deepStrictEqual(
      starts(
        [
          'docker compose up --force-recreate -d nginx',
          'docker-compose up -d nginx --scale app=2 certbot --timeout 5',
          'sudo docker compose -f prod.yml --profile web up --no-deps -d nginx',
          'docker compose up -d',
          'docker compose run --rm -p 80:80 --entrypoint sh certbot -c true',
          'docker compose ps nginx',
          'docker run -d nginx',
        ].join('\n'),
      ),
      [
        ['up', ['nginx'], false, []],
        ['up', ['nginx', 'certbot'], false, []],
        ['up', ['nginx'], true, ['-f', 'prod.yml', '--profile', 'web']],
        ['up', [], false, []],
        ['run', ['certbot'], false, []],
        undefined,
        undefined,
      ],
    );
  });
});
