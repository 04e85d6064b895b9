import { type AcmeShInvocation, findAcmeShInvocations, isAcmeShImage, readAcmeShArguments } from '../languages/shell/acme-sh-invocation';
import type { DeployedService, Deployment } from '../model/deployment';
import { type CommandRun, gatherRuns, type ScheduleFile } from './certbot-runs';

export interface AcmeShRun extends CommandRun {
  readonly invocation: AcmeShInvocation;
}

/**
 * The acme.sh runs of a service's command. A service of the acme.sh image runs its `command:`
 * through the image's entrypoint: `daemon`, or one of its `--issue` commands.
 */
function inService(service: DeployedService): AcmeShInvocation[] {
  const command = service.command;
  if (!command) return [];
  const image = service.compose.image?.value;
  const inImage = image !== undefined && service.compose.build === undefined && isAcmeShImage(image);
  const [first] = command.argv;
  const [daemonCommand] = command.commands;
  if (inImage && command.imageEntrypoint && !command.shell && first?.value === 'daemon' && daemonCommand)
    return [readAcmeShArguments([first], daemonCommand, 'daemon')];
  return findAcmeShInvocations(command.commands, { inImage });
}

/** Every acme.sh run the repository states, in the order of certbot's: compose services, the repository's scripts, then the cron files and systemd units. */
export function gatherAcmeShRuns(deployment: Deployment, schedules: readonly ScheduleFile[]): AcmeShRun[] {
  return gatherRuns(deployment, schedules, {
    inService,
    inScript: (script) => findAcmeShInvocations(script.script.commands),
    inCommands: (commands) => findAcmeShInvocations(commands),
  });
}
