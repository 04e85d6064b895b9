import { posix } from 'node:path';
import { containerLaunch } from '../languages/shell/container-launch';
import type { ShellCommand, ShellWord } from '../languages/shell/shell-script';
import { isWithin } from '../model/container-view';
import type { DeployedProject, Deployment, RepositoryScript } from '../model/deployment';

/** compose options that load other files or another project: the services are then not the ones certboot read. */
const otherProjectOptions = /^(-f|--file|-p|--project-name|--project-directory|--env-file)(=|$)|^-[a-z]*f/;

function words(command: ShellCommand): string[] {
  return [command.name, ...command.arguments].flatMap((word) => (word ? [word.value] : []));
}

/** The script may run compose somewhere else: it changes to an absolute directory, or names compose files through COMPOSE_FILE. */
function mayRunElsewhere(script: RepositoryScript): boolean {
  if (/\bCOMPOSE_FILE\b|\bCOMPOSE_PROJECT_NAME\b/.test(script.text)) return true;
  return script.script.commands.some((command) => {
    if (command.name?.value !== 'cd' && command.name?.value !== 'pushd') return false;
    const target = command.arguments[0];
    return (
      target !== undefined &&
      (!target.literal ? !/dirname|BASH_SOURCE|\$0|SCRIPT|DIR/i.test(target.value) : target.value.startsWith('/') || target.value.startsWith('~'))
    );
  });
}

/** A `docker compose run SERVICE` or `exec SERVICE` of a repository script whose project has no service of that name. */
export interface UnknownServiceLaunch {
  readonly script: RepositoryScript;
  readonly command: ShellCommand;
  readonly verb: 'run' | 'exec';
  readonly target: ShellWord;
  /** The compose projects the script belongs to. */
  readonly projects: readonly DeployedProject[];
}

/**
 * `docker compose run SERVICE` and `docker compose exec SERVICE` stop with `no such service:
 * SERVICE` when the project has no service of that name (compose's own message), before anything
 * runs. Only where certboot knows the project's services: the script runs compose in its own
 * project, with no option or variable that loads other files, and the compose files parse.
 */
export function unknownServiceLaunches(deployment: Deployment): UnknownServiceLaunch[] {
  const launches: UnknownServiceLaunch[] = [];
  const services = new Set(deployment.projects.flatMap((project) => project.services.map((service) => service.name)));
  for (const script of deployment.scripts) {
    const directory = posix.dirname(script.path);
    const projects = deployment.projects.filter(
      (project) => project.compose.files.length > 0 && (isWithin(directory, project.compose.directory) || isWithin(project.compose.directory, directory)),
    );
    if (projects.length === 0 || projects.some((project) => project.compose.diagnostics.some((diagnostic) => diagnostic.severity === 'error'))) continue;
    if (mayRunElsewhere(script)) continue;
    for (const command of script.script.commands) {
      if (!command.name) continue;
      const launch = containerLaunch([command.name, ...command.arguments]);
      if (!launch || (launch.launcher !== 'docker-compose-run' && launch.launcher !== 'docker-compose-exec')) continue;
      const target = launch.target;
      if (!target?.literal || !/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(target.value) || services.has(target.value)) continue;
      const before = words(command).slice(0, words(command).indexOf(target.value));
      if (before.some((word) => otherProjectOptions.test(word))) continue;
      launches.push({ script, command, verb: launch.launcher === 'docker-compose-run' ? 'run' : 'exec', target, projects });
    }
  }
  return launches;
}
