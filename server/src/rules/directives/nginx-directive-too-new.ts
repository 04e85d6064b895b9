import { describeBuild, directiveFinding } from '../../facts/directive-verdicts';
import { http2DirectiveToListens } from '../../fixes/nginx-directive-fixes';
import type { Rule } from '../rule';

export const nginxDirectiveTooNew: Rule = {
  id: 'nginx-directive-too-new',
  category: 'directives',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "a directive nginx added after the version the service's image runs (`http2 on` before 1.25.1), so it refuses to start",
  check({ deployment, facts, inventory }) {
    const textOf = (file: string) => inventory.text(file);
    return facts.locatedVerdicts('added-later').map((located) => {
      const { loaded, firstVersion } = located.verdict;
      const name = loaded.directive.name;
      const http2 = name === 'http2';
      return directiveFinding(
        located,
        deployment.workspaceRoot,
        { level: 'emerg', text: `unknown directive "${name}"`, versionDependent: true },
        `: nginx added \`${name}\` in ${firstVersion}, and the service runs ${describeBuild(located.directives.build)}.` +
          (http2 ? ' Before 1.25.1, HTTP/2 is the `http2` parameter of `listen`.' : ''),
        [http2 ? http2DirectiveToListens(located.service, loaded, located.directives.directives, textOf) : undefined],
      );
    });
  },
};
