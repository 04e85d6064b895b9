import { buildRelated, describeBuild, locatedVerdicts } from '../../facts/directive-verdicts';
import { describeNginx } from '../../facts/nginx-names';
import { http2DirectiveToListens } from '../../fixes/nginx-directive-fixes';
import { readTextFile } from '../../workspace/text-files';
import type { Rule } from '../rule';

export const nginxDirectiveTooNew: Rule = {
  id: 'nginx-directive-too-new',
  category: 'directives',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "a directive nginx added after the version the service's image runs (`http2 on` before 1.25.1), so it refuses to start",
  check({ deployment, fileSystem }) {
    const textOf = (file: string) => readTextFile(fileSystem, file);
    return locatedVerdicts(deployment, 'added-later').map(({ service, directives, verdict, location, related }) => {
      const { build } = directives;
      const guess = build.build.versionIsGuess;
      const name = verdict.loaded.directive.name;
      const fix = name === 'http2' ? http2DirectiveToListens(service, verdict.loaded, directives.directives, textOf) : undefined;
      return {
        ...(guess ? { severity: 'warning' as const } : {}),
        message:
          `${describeNginx(service, deployment.workspaceRoot)} ${guess ? 'may exit' : 'exits'} with \`[emerg] unknown directive "${name}"\`: ` +
          `nginx added \`${name}\` in ${verdict.firstVersion}, and the service runs ${describeBuild(build)}.` +
          (name === 'http2' ? ' Before 1.25.1, HTTP/2 is the `http2` parameter of `listen`.' : ''),
        location,
        related: [...related, ...buildRelated(build)],
        fixes: fix === undefined ? [] : [fix],
      };
    });
  },
};
