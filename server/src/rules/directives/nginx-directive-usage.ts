import { buildRelated, describeBuild, locatedVerdicts } from '../../facts/directive-verdicts';
import { describeNginx } from '../../facts/nginx-names';
import type { ArgumentRule, DirectiveContext } from '../../languages/nginx/directives';
import type { Rule, RuleFinding } from '../rule';

/** A context as nginx's documentation writes it: `if in location` for location-if. */
function contextName(context: DirectiveContext): string {
  switch (context) {
    case 'server-if':
      return 'if in server';
    case 'location-if':
      return 'if in location';
    case 'mail-server':
      return 'server in mail';
    case 'stream-server':
      return 'server in stream';
    case 'stream-upstream':
      return 'upstream in stream';
    default:
      return context;
  }
}

/** What a declaration takes, as its module's documentation says it. */
function takes(rule: ArgumentRule, block: boolean): string {
  const what = (() => {
    switch (rule.kind) {
      case 'flag':
        return 'one argument';
      case 'atLeast':
        return rule.minimum === 0 ? 'any number of arguments' : `at least ${rule.minimum} argument${rule.minimum === 1 ? '' : 's'}`;
      case 'counts': {
        const counts = rule.counts.map(String);
        const last = counts.pop();
        const listed = counts.length === 0 ? last : `${counts.join(', ')} or ${last}`;
        return `${listed} argument${rule.counts.length === 1 && rule.counts[0] === 1 ? '' : 's'}`;
      }
    }
  })();
  return block ? `${what} and a block` : what;
}

export const nginxDirectiveUsage: Rule = {
  id: 'nginx-directive-usage',
  category: 'directives',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    "a directive nginx-syntax's table does not know, in a block where the image's nginx does not allow it or with arguments it does not take, so nginx refuses to start",
  check({ deployment }) {
    const findings: RuleFinding[] = [];
    for (const { service, directives, verdict, location, related } of locatedVerdicts(deployment, 'not-allowed')) {
      const guess = directives.build.build.versionIsGuess;
      const name = verdict.loaded.directive.name;
      findings.push({
        ...(guess ? { severity: 'warning' as const } : {}),
        message:
          `${describeNginx(service, deployment.workspaceRoot)} ${guess ? 'may exit' : 'exits'} with \`[emerg] "${name}" directive is not allowed here\`: ` +
          `in ${describeBuild(directives.build)}, \`${name}\` belongs in ${verdict.contexts.map(contextName).join(', ')}, not in ${contextName(verdict.loaded.context)}.`,
        location,
        related: [...related, ...buildRelated(directives.build)],
        fixes: [],
      });
    }
    for (const { service, directives, verdict, location, related } of locatedVerdicts(deployment, 'usage')) {
      const guess = directives.build.build.versionIsGuess;
      findings.push({
        ...(guess ? { severity: 'warning' as const } : {}),
        message:
          `${describeNginx(service, deployment.workspaceRoot)} ${guess ? 'may exit' : 'exits'} with \`[emerg] ${verdict.problem}\`: ` +
          `in ${describeBuild(directives.build)}, \`${verdict.loaded.directive.name}\` takes ${takes(verdict.declaration.arguments, verdict.declaration.block)}.`,
        location,
        related: [...related, ...buildRelated(directives.build)],
        fixes: [],
      });
    }
    return findings;
  },
};
