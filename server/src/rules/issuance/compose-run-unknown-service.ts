import { positionAt } from '../../text/line-index';
import { pathBelow } from '../../text/paths';
import type { Rule } from '../rule';

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
  check({ deployment, facts }) {
    return facts.unknownServiceLaunches.map(({ script, verb, target, projects }) => {
      const names = projects.flatMap((project) => project.services.map((service) => `\`${service.name}\``));
      const files = projects.flatMap((project) => project.compose.files.map((file) => `\`${pathBelow(deployment.workspaceRoot, file)}\``));
      return {
        message:
          `\`${pathBelow(deployment.workspaceRoot, script.path)}\` runs \`docker compose ${verb} ${target.value}\`, and no compose file of its project (${files.join(', ')}) defines a service \`${target.value}\`` +
          `${names.length > 0 ? ` (it has ${names.join(', ')})` : ''}. compose stops with "no such service: ${target.value}" and the command does not run.`,
        location: { file: script.path, range: { start: positionAt(script.text, target.span.start), end: positionAt(script.text, target.span.end) } },
        related: [],
        fixes: [],
      };
    });
  },
};
