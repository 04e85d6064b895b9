import type { RepositoryScript } from '../../model/deployment';
import { positionAt } from '../../text/line-index';
import { deletion } from '../../fixes/text-edits';
import type { Fix } from '../../text/findings';
import { basename, containerLaunch, optionValue } from '../../languages/shell/container-launch';
import type { ShellCommand, ShellWord } from '../../languages/shell/shell-script';
import type { SourceLocation } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import type { Rule, RuleContext, RuleFinding } from '../rule';
import type { ContainerNameClaim } from '../../facts/host-claims';
import { describePlace, pathBelow } from '../../text/paths';
import { coexistence } from '../../facts/coexistence';

function daemonConflict(name: string): string {
  return `\`Error response from daemon: Conflict. The container name "/${name}" is already in use by container "…". You have to remove (or rename) that container to be able to reuse that name.\``;
}

/** Words of the script's commands that name the container: `docker exec certbot …`, `docker logs certbot`. */
function scriptsNaming(scripts: readonly RepositoryScript[], name: string): boolean {
  return scripts.some((script) => script.script.commands.some((command) => command.arguments.some((word) => word.value === name)));
}

/** Deletes the whole `container_name:` entry when it stands alone on its line. */
function removeContainerName(texts: SourceTexts, entry: ContainerNameClaim, safe: boolean): Fix | undefined {
  const text = texts.text(entry.location.file);
  if (text === undefined) return undefined;
  const line = text.split('\n')[entry.location.range.start.line] ?? '';
  const key = /^([ \t]*)container_name[ \t]*:[ \t]*$/.exec(line.slice(0, entry.location.range.start.character));
  if (!key) return undefined;
  const range = { start: { line: entry.location.range.start.line, character: key[1]?.length ?? 0 }, end: entry.location.range.end };
  const edit = deletion(entry.location.file, text, range);
  if (edit.kind !== 'replace' || edit.range.start.character !== 0) return undefined;
  return { title: `Remove \`container_name: ${entry.name}\` from service \`${entry.service.name}\``, edits: [edit], preferred: true, safe };
}

function composeFindings({ deployment, facts, inventory }: RuleContext): RuleFinding[] {
  const byName = new Map<string, ContainerNameClaim[]>();
  for (const entry of facts.containerNames) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  const findings: RuleFinding[] = [];
  for (const entries of byName.values()) {
    entries.forEach((second, index) => {
      // the first earlier service whose container exists with this one, else one that may
      const earlier = entries.slice(0, index).map((candidate) => ({ candidate, together: coexistence(deployment, candidate, second) }));
      const match = earlier.find((entry) => entry.together === 'together') ?? earlier.find((entry) => entry.together === 'if-one-host');
      if (!match) return;
      const first = match.candidate;
      const root = deployment.workspaceRoot;
      const sameProject = first.project === second.project;
      const owner = sameProject
        ? `Service \`${second.service.name}\``
        : `Service \`${second.service.name}\` of compose project \`${second.project.compose.name}\``;
      const where = sameProject
        ? `service \`${first.service.name}\` of the same project already sets it (${describePlace(root, first.location)}): compose creates one of the two containers, and the other fails with`
        : match.together === 'if-one-host'
          ? `service \`${first.service.name}\` of compose project \`${first.project.compose.name}\` sets it too (${describePlace(root, first.location)}). ` +
            "Container names are unique on a Docker host, across compose projects: if both run on one Docker host (certboot.json's `hosts` says which projects do), whichever project starts second fails with"
          : `service \`${first.service.name}\` of compose project \`${first.project.compose.name}\` already sets it (${describePlace(root, first.location)}). ` +
            'Container names are unique on the whole Docker host, across compose projects, so whichever project starts second fails with';
      const safe = second.service.certbot !== undefined && !scriptsNaming(deployment.scripts, second.name);
      const fix = removeContainerName(inventory, second, safe);
      const firstOwner = sameProject
        ? `service \`${first.service.name}\``
        : `service \`${first.service.name}\` of compose project \`${first.project.compose.name}\``;
      findings.push({
        ...(match.together === 'if-one-host' ? { severity: 'info' as const } : {}),
        message: `${owner} sets \`container_name: ${second.name}\`, but ${where} ${daemonConflict(second.name)}`,
        location: second.location,
        related: [{ ...first.location, message: `\`container_name: ${first.name}\` of ${firstOwner}` }],
        fixes: fix ? [fix] : [],
      });
    });
  }
  return findings;
}

function wordsOf(command: ShellCommand): ShellWord[] {
  return command.name ? [command.name, ...command.arguments] : [...command.arguments];
}

/** The script removes that container itself (`docker rm -f certbot`), or the compose containers (`docker compose down`). */
function scriptRemoves(script: RepositoryScript, name: string, composeContainers: boolean): boolean {
  return script.script.commands.some((command) => {
    const words = wordsOf(command).map((word) => word.value);
    if (command.name === undefined || !['docker', 'docker-compose'].includes(basename(command.name))) return false;
    if (words.includes('rm') && words.includes(name)) return true;
    return composeContainers && (words.includes('down') || words.includes('rm'));
  });
}

function wordLocation(script: RepositoryScript, word: ShellWord): SourceLocation {
  return { file: script.path, range: { start: positionAt(script.text, word.span.start), end: positionAt(script.text, word.span.end) } };
}

/** `docker run --name certbot …` (or `docker compose run --name`) of a certbot run in a repository script. */
function scriptFindings({ deployment, facts }: RuleContext): RuleFinding[] {
  const composeNames = facts.containerNames;
  const findings: RuleFinding[] = [];
  const root = deployment.workspaceRoot;
  for (const script of deployment.scripts) {
    for (const invocation of script.certbotInvocations) {
      if (invocation.launcher !== 'docker-run' && invocation.launcher !== 'docker-compose-run') continue;
      const words = wordsOf(invocation.command);
      const launch = containerLaunch(words);
      const nameWord = launch && optionValue(launch.options, '--name');
      if (!launch || !nameWord?.literal) continue;
      const name = nameWord.value;
      const launcher = invocation.launcher === 'docker-run' ? 'docker run' : 'docker compose run';
      const composeName = composeNames.find((candidate) => candidate.name === name);
      if (composeName && !scriptRemoves(script, name, true)) {
        findings.push({
          message:
            `\`${launcher} --name ${name}\` in \`${pathBelow(root, script.path)}\` names its certbot container like service \`${composeName.service.name}\` does (${describePlace(root, composeName.location)}). ` +
            `A compose container keeps its name after it stops, so whichever is created second fails with ${daemonConflict(name)}`,
          location: wordLocation(script, nameWord),
          related: [{ ...composeName.location, message: `\`container_name: ${name}\` of service \`${composeName.service.name}\`` }],
          fixes: [],
        });
        continue;
      }
      if (launch.options.some((option) => option.value === '--rm') || scriptRemoves(script, name, false)) continue;
      const runWord = words.find((word) => word.value === 'run' && word.span.end <= nameWord.span.start);
      const fixes: Fix[] = runWord
        ? [
            {
              title: 'Add `--rm`',
              edits: [{ kind: 'replace', file: script.path, range: wordLocation(script, runWord).range, newText: `${runWord.value} --rm` }],
              preferred: true,
              safe: true,
            },
          ]
        : [];
      findings.push({
        severity: 'warning',
        message:
          `\`${launcher} --name ${name}\` runs certbot once and, without \`--rm\`, leaves the stopped container behind with that name. ` +
          `The next run of \`${pathBelow(root, script.path)}\` — a renewal, or a retry after a failed attempt — fails with ${daemonConflict(name)}`,
        location: wordLocation(script, nameWord),
        related: [],
        fixes,
      });
    }
  }
  return findings;
}

export const containerNameConflict: Rule = {
  id: 'container-name-conflict',
  category: 'collisions',
  scope: 'host',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: 'two containers with the same name, in one compose project or across the workspace: docker refuses the second one',
  check(context) {
    return [...composeFindings(context), ...scriptFindings(context)];
  },
};
