import { buildRelated, describeBuild, locatedVerdicts } from '../../facts/directive-verdicts';
import { describeNginx } from '../../facts/nginx-names';
import { sslDirectiveToListens } from '../../fixes/nginx-directive-fixes';
import { nginxVersionsRead } from '../../languages/nginx/directive-tables/directive-table';
import { readTextFile } from '../../workspace/text-files';
import type { Rule } from '../rule';

/** The release after the last one that had a directive: the one that removed it. */
function nextVersion(lastVersion: string): string {
  const versions = nginxVersionsRead();
  return versions[versions.indexOf(lastVersion) + 1] ?? `a release after ${lastVersion}`;
}

export const nginxDirectiveRemoved: Rule = {
  id: 'nginx-directive-removed',
  category: 'directives',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "a directive nginx removed before the version the service's image runs (`ssl on` from 1.25.1 on), so it refuses to start",
  check({ deployment, fileSystem }) {
    const textOf = (file: string) => readTextFile(fileSystem, file);
    return locatedVerdicts(deployment, 'removed').map(({ service, directives, verdict, location, related }) => {
      const { build } = directives;
      const guess = build.build.versionIsGuess;
      const name = verdict.loaded.directive.name;
      const fix = name === 'ssl' ? sslDirectiveToListens(service, verdict.loaded, directives.directives, textOf) : undefined;
      return {
        ...(guess ? { severity: 'warning' as const } : {}),
        message:
          `${describeNginx(service, deployment.workspaceRoot)} ${guess ? 'may exit' : 'exits'} with \`[emerg] unknown directive "${name}"\`: ` +
          `nginx ${nextVersion(verdict.lastVersion)} removed \`${name}\`, and the service runs ${describeBuild(build)}.` +
          (name === 'ssl' ? ' TLS is the `ssl` parameter of `listen` now.' : ''),
        location,
        related: [...related, ...buildRelated(build)],
        fixes: fix === undefined ? [] : [fix],
      };
    });
  },
};
