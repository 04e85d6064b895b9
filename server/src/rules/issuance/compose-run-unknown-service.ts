import { posix } from 'node:path';
import { containerLaunch } from '../../languages/shell/container-launch';
import type { ShellCommand } from '../../languages/shell/shell-script';
import { isWithin } from '../../model/container-view';
import type { RepositoryScript } from '../../model/deployment';
import { positionAt } from '../../text/line-index';
import { pathBelow } from '../../text/paths';
import type { Rule, RuleFinding } from '../rule';

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

/**
 * `docker compose run SERVICE` and `docker compose exec SERVICE` stop with `no such service:
 * SERVICE` when the project has no service of that name (compose's own message), before anything
 * runs: a script that issues or renews certificates through a service that was renamed or
 * commented out does nothing at all.
 */
export const composeRunUnknownService: Rule = {
  id: 'compose-run-unknown-service',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'a script runs `docker compose run` or `exec` on a service no compose file of its project defines: compose stops with "no such service"',
  check({ deployment }) {
    const findings: RuleFinding[] = [];
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
        const verb = launch.launcher === 'docker-compose-run' ? 'run' : 'exec';
        const names = projects.flatMap((project) => project.services.map((service) => `\`${service.name}\``));
        const files = projects.flatMap((project) => project.compose.files.map((file) => `\`${pathBelow(deployment.workspaceRoot, file)}\``));
        findings.push({
          message:
            `\`${pathBelow(deployment.workspaceRoot, script.path)}\` runs \`docker compose ${verb} ${target.value}\`, and no compose file of its project (${files.join(', ')}) defines a service \`${target.value}\`` +
            `${names.length > 0 ? ` (it has ${names.join(', ')})` : ''}. compose stops with "no such service: ${target.value}" and the command does not run.`,
          location: { file: script.path, range: { start: positionAt(script.text, target.span.start), end: positionAt(script.text, target.span.end) } },
          related: [],
          fixes: [],
        });
      }
    }
    return findings;
  },
};
