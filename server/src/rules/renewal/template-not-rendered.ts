import { posix } from 'node:path';
import { commandLocation, placeOfWord, replaceCommandText } from '../../facts/command-locations';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import { describeMount } from '../../model/locations';
import { templateOutputDirectory, templateSuffix } from '../../model/official-nginx-image';
import type { Fix } from '../../text/findings';
import type { ComposeCommand } from '../../languages/shell/compose-command';
import { basename } from '../../languages/shell/container-launch';
import type { ShellCommand } from '../../languages/shell/shell-script';
import type { SourceTexts } from '../../inventory/inventory';
import type { Rule, RuleFinding } from '../rule';

const startingCommands = new Set(['nginx', 'nginx-debug']);

/** The image's /docker-entrypoint.sh renders templates when it is what runs and `$1` is exactly `nginx` or `nginx-debug`. */
function rendersTemplates(command: ComposeCommand): boolean {
  const [first, second] = command.argv;
  if (!first) return true;
  if (!command.imageEntrypoint) return basename(first) === 'docker-entrypoint.sh' && second !== undefined && startingCommands.has(second.value);
  return startingCommands.has(first.value);
}

const rendering = /docker-entrypoint|envsubst/;

/**
 * A command that runs the entrypoint, envsubst or the start scripts itself renders the templates
 * its own way; so does a script of the repository it runs (an `entrypoint:` script that runs
 * envsubst, then `exec "$@"`: the service's start scripts, read through its mounts).
 */
function rendersItself(command: ComposeCommand, service: DeployedService): boolean {
  const inCommand = command.commands.some((shellCommand) => {
    const words = [shellCommand.name, ...shellCommand.arguments].filter((word) => word !== undefined);
    return words.some((word) => rendering.test(word.value));
  });
  return inCommand || (service.startScripts ?? []).some((script) => script.containerPath !== undefined && rendering.test(script.text));
}

/** The command that keeps nginx in the foreground: the process the container lives on. */
function foregroundNginx(command: ComposeCommand): ShellCommand | undefined {
  return command.commands.find(
    (shellCommand) =>
      shellCommand.name?.literal === true &&
      startingCommands.has(basename(shellCommand.name)) &&
      !shellCommand.background &&
      !shellCommand.substitution &&
      !shellCommand.arguments.some((word) => /^-[stTvV]/.test(word.value)),
  );
}

function entrypointFix(texts: SourceTexts, project: DeployedProject, service: DeployedService, command: ComposeCommand): Fix | undefined {
  const [first] = command.argv;
  const firstPlace = first && placeOfWord(command, first);
  if (!command.shell && first && firstPlace && startingCommands.has(basename(first))) {
    // the entrypoint compares `$1` with `nginx` as a string: a path to the same program does not match
    const edit = replaceCommandText(texts, project.compose, service.compose, firstPlace, first.span, basename(first));
    return edit ? { title: `Write \`${basename(first)}\` without its path, as the entrypoint expects`, edits: [edit], preferred: true, safe: true } : undefined;
  }
  if (!command.shell) return undefined;
  const nginx = foregroundNginx(command);
  const place = nginx?.name ? placeOfWord(command, nginx.name) : undefined;
  if (!nginx?.name || !place) return undefined;
  const edit = replaceCommandText(texts, project.compose, service.compose, place, nginx.name.span, `/docker-entrypoint.sh ${basename(nginx.name)}`);
  if (!edit) return undefined;
  return { title: 'Start nginx through /docker-entrypoint.sh, which renders the templates first', edits: [edit], preferred: true, safe: false };
}

function describeTemplates(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map((name) => `\`${name}\``)
    .join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

export const templateNotRendered: Rule = {
  id: 'template-not-rendered',
  category: 'renewal',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: 'the official nginx image renders /etc/nginx/templates only when the command starts with nginx; this command skips it',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      for (const service of project.services) {
        const command = service.command;
        if (service.nginx?.imageKind !== 'official' || !command || command.argv.length === 0) continue;
        const environment = service.compose.environment;
        if ('NGINX_ENVSUBST_TEMPLATE_DIR' in environment || 'NGINX_ENVSUBST_OUTPUT_DIR' in environment) continue;
        const templates = facts.mountedTemplates(service);
        if (!templates) continue;
        const { origin, names } = templates;
        if (names.length === 0 || rendersTemplates(command) || rendersItself(command, service)) continue;
        const [first] = command.argv;
        if (!first?.literal) continue;
        const firstPlace = placeOfWord(command, first);
        const location = firstPlace && commandLocation(inventory, project.compose, service.compose, firstPlace, first.span);
        if (!location) continue;
        const outputs = names.map((name) => posix.join(templateOutputDirectory, name.slice(0, -templateSuffix.length)));
        const what = command.imageEntrypoint
          ? `its \`command:\` starts with \`${first.value}\`, not \`nginx\``
          : `its \`entrypoint:\` replaces the image's /docker-entrypoint.sh with \`${first.value}\``;
        findings.push({
          message:
            `Service \`${service.name}\` mounts ${describeMount(origin.mount.source, origin.mount.target, service.projectDirectory)} (${describeTemplates(names)}), but ${what}. ` +
            "The image's /docker-entrypoint.sh runs the scripts in /docker-entrypoint.d/ — among them 20-envsubst-on-templates.sh, which renders the templates into /etc/nginx/conf.d — " +
            `only when the command is \`nginx\` or \`nginx-debug\`. The templates are never rendered, and nginx starts without ${outputs.map((path) => `"${path}"`).join(', ')}.`,
          location,
          related: [{ ...origin.mount.location, message: `the templates are mounted into service \`${service.name}\` here` }],
          fixes: command.imageEntrypoint ? [entrypointFix(inventory, project, service, command)].filter((fix): fix is Fix => fix !== undefined) : [],
        });
      }
    }
    return findings;
  },
};
