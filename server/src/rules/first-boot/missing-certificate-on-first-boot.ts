import type { DeployedProject } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import { certbotInstallerFiles, type FirstBootFailure, placeholderCommandLocation, whyMissing } from '../../facts/first-boot-failures';
import { describeHostConfigurationDirectory, describeNginx, isHostNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';

function placeholderRelated(failure: FirstBootFailure): RelatedLocation[] {
  const location = placeholderCommandLocation(failure);
  return location ? [{ ...location, message: 'writes the placeholder certificate' }] : [];
}

/**
 * Why the file is missing. A host nginx has no mounts: its /etc/nginx is the directory of the
 * nginx.conf, so the mount wording (and the mount as a related location) would be made up.
 */
function explanation(failure: FirstBootFailure, project: DeployedProject, workspaceRoot: string): { text: string; related: readonly RelatedLocation[] } {
  if (!isHostNginx(failure.service)) return { text: whyMissing(failure, project), related: failure.related };
  const directory = describeHostConfigurationDirectory(failure.service, workspaceRoot);
  const text =
    failure.state.state === 'absent' && failure.state.ignoredBy !== undefined
      ? `it is ignored by ${failure.state.ignoredBy}, so a fresh clone of the repository does not have it in ${directory}, which stands for the host's \`/etc/nginx\``
      : `nothing in the repository puts it there (${directory}, which stands for the host's \`/etc/nginx\`, holds no such file on a fresh server)`;
  return { text, related: [] };
}

export const missingCertificateOnFirstBoot: Rule = {
  id: 'missing-certificate-on-first-boot',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  offersHttpFirstSplit: true,
  defaultSeverity: 'error',
  summary: 'nginx names a certificate (or other file) that does not exist yet when it first starts, so it exits',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      const hasCertbot = project.services.some((service) => service.certbot);
      for (const service of project.services) {
        for (const failure of facts.firstBootFailures(project, service)) {
          const name = failure.path.split('/').pop() ?? '';
          // certbot-nginx-options-missing speaks for these, and a script that fetches them is fine
          if (certbotInstallerFiles.has(name) && (hasCertbot || failure.placeholderScript)) continue;
          const why = explanation(failure, project, deployment.workspaceRoot);
          const start = `\`${failure.directive.name}\` "${failure.path}" does not exist when ${describeNginx(service, deployment.workspaceRoot)} first starts: ${why.text}.`;
          if (failure.placeholderScript) {
            findings.push({
              severity: 'info',
              message: `${start} \`${failure.placeholderScript.path.slice(deployment.workspaceRoot.length + 1)}\` creates a placeholder certificate there first; run it before \`docker compose up\`.`,
              location: failure.location,
              related: [...why.related, ...placeholderRelated(failure)],
              fixes: [],
            });
            continue;
          }
          findings.push({
            message: `${start} nginx exits with \`[emerg] ${failure.nginxMessage}\`.`,
            location: failure.location,
            related: why.related,
            fixes: [],
          });
        }
      }
    }
    return findings;
  },
};
