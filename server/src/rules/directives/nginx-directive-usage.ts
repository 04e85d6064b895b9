import { describeBuild, directiveFinding } from '../../facts/directive-verdicts';
import type { ArgumentRule, DirectiveContext } from '../../languages/nginx/directives';
import type { Rule } from '../rule';

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
  check({ deployment, facts }) {
    const root = deployment.workspaceRoot;
    const misplaced = facts.locatedVerdicts('not-allowed').map((located) => {
      const { loaded, contexts } = located.verdict;
      const name = loaded.directive.name;
      return directiveFinding(
        located,
        root,
        { level: 'emerg', text: `"${name}" directive is not allowed here`, versionDependent: true },
        `: in ${describeBuild(located.directives.build)}, \`${name}\` belongs in ${contexts.map(contextName).join(', ')}, not in ${contextName(loaded.context)}.`,
      );
    });
    const misused = facts.locatedVerdicts('usage').map((located) => {
      const { loaded, problem, declaration } = located.verdict;
      return directiveFinding(
        located,
        root,
        { level: 'emerg', text: problem, versionDependent: true },
        `: in ${describeBuild(located.directives.build)}, \`${loaded.directive.name}\` takes ${takes(declaration.arguments, declaration.block)}.`,
      );
    });
    return [...misplaced, ...misused];
  },
};
