import { describeBuild, directiveFinding, type LocatedStatement, type LocatedVerdict } from '../../facts/directive-verdicts';
import { listenHttp2ToDirective, removeDirective, renameDirective, sslDirectiveToListens, type TextOf } from '../../fixes/nginx-directive-fixes';
import type { Fix } from '../../text/findings';
import type { Rule } from '../rule';

/** The modern form: `listen … ssl` for `ssl on`, nothing for a directive nginx ignores, the directive nginx names for the rest. */
function directiveFix({ service, directives, verdict }: LocatedVerdict<'deprecated'>, textOf: TextOf): Fix | undefined {
  const { loaded, deprecation } = verdict;
  const name = loaded.directive.name;
  if (name === 'ssl') return sslDirectiveToListens(service, loaded, directives.directives, textOf);
  if (deprecation.ignored) {
    const edits = removeDirective(service, loaded, textOf);
    return edits === undefined ? undefined : { title: `Remove \`${name}\` (nginx ignores it)`, edits, preferred: true, safe: true };
  }
  const replacement = deprecation.replacement;
  if (replacement === undefined || !/^\w+$/.test(replacement)) return undefined;
  const edits = renameDirective(service, loaded, replacement, textOf);
  return edits === undefined ? undefined : { title: `Change to \`${replacement}\``, edits, preferred: true };
}

/** What becomes of the directive: removed in a later version, or no effect at all. */
function consequence(verdict: LocatedVerdict<'deprecated'>['verdict']): string {
  const { deprecation, declaration } = verdict;
  if (declaration.until !== undefined) return ` nginx removed it after ${declaration.until}: with a newer image, nginx does not start.`;
  return deprecation.ignored ? ' It has no effect.' : '';
}

export const nginxDirectiveDeprecated: Rule = {
  id: 'nginx-directive-deprecated',
  category: 'directives',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: "nginx of the service's image warns that a directive or parameter is deprecated or obsolete (`ssl on`, `listen … http2` from 1.25.1 on)",
  check({ deployment, facts, inventory }) {
    const textOf = (file: string) => inventory.text(file);
    const runs = (located: LocatedStatement) => ` (the service runs ${describeBuild(located.directives.build)}).`;
    const directives = facts
      .locatedVerdicts('deprecated')
      .map((located) =>
        directiveFinding(
          located,
          deployment.workspaceRoot,
          { level: 'warn', text: located.verdict.deprecation.message, versionDependent: true },
          runs(located) + consequence(located.verdict),
          [directiveFix(located, textOf)],
        ),
      );
    const parameters = facts.locatedVerdicts('deprecated-parameter').map((located) => {
      const { loaded, argument, message } = located.verdict;
      const http2 = loaded.directive.name === 'listen' && argument.value === 'http2';
      return directiveFinding(located, deployment.workspaceRoot, { level: 'warn', text: message, versionDependent: true }, runs(located), [
        http2 ? listenHttp2ToDirective(located.service, loaded, located.directives.directives, textOf) : undefined,
      ]);
    });
    return [...directives, ...parameters];
  },
};
