import { describeBuild, directiveFinding } from '../../facts/directive-verdicts';
import { sslDirectiveToListens } from '../../fixes/nginx-directive-fixes';
import { nginxVersionsRead } from '../../languages/nginx/directive-tables/directive-table';
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
  check({ deployment, facts, inventory }) {
    const textOf = (file: string) => inventory.text(file);
    return facts.locatedVerdicts('removed').map((located) => {
      const { loaded, lastVersion } = located.verdict;
      const name = loaded.directive.name;
      const ssl = name === 'ssl';
      return directiveFinding(
        located,
        deployment.workspaceRoot,
        { level: 'emerg', text: `unknown directive "${name}"`, versionDependent: true },
        `: nginx ${nextVersion(lastVersion)} removed \`${name}\`, and the service runs ${describeBuild(located.directives.build)}.` +
          (ssl ? ' TLS is the `ssl` parameter of `listen` now.' : ''),
        [ssl ? sslDirectiveToListens(located.service, loaded, located.directives.directives, textOf) : undefined],
      );
    });
  },
};
