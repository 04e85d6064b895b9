import type { RelatedLocation } from '../findings';
import { certbotInstallerFiles, FirstBootFailure, firstBootFailures, placeholderCommandLocation, whyMissing } from '../deployment/first-boot-failures';
import { Rule, RuleFinding } from './rule';


function placeholderRelated(failure: FirstBootFailure): RelatedLocation[] {
  const location = placeholderCommandLocation(failure);
  return location ? [{ ...location, message: 'writes the placeholder certificate' }] : [];
}

export const missingCertificateOnFirstBoot: Rule = {
  id: 'missing-certificate-on-first-boot',
  defaultSeverity: 'error',
  summary: 'nginx names a certificate (or other file) that does not exist yet when it first starts, so it exits',
  check({ deployment }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      const hasCertbot = project.services.some((service) => service.certbot);
      for (const service of project.services) {
        for (const failure of firstBootFailures(deployment, project, service)) {
          const name = failure.path.split('/').pop() ?? '';
          // certbot-nginx-options-missing speaks for these, and a script that fetches them is fine
          if (certbotInstallerFiles.has(name) && (hasCertbot || failure.placeholderScript)) continue;
          const start = `\`${failure.directive.name}\` "${failure.path}" does not exist when nginx (service \`${service.name}\`) first starts: ${whyMissing(failure, project)}.`;
          if (failure.placeholderScript) {
            findings.push({
              severity: 'info',
              message: `${start} \`${failure.placeholderScript.path.slice(deployment.workspaceRoot.length + 1)}\` creates a placeholder certificate there first; run it before \`docker compose up\`.`,
              location: failure.location,
              related: [...failure.related, ...placeholderRelated(failure)],
              fixes: [],
            });
            continue;
          }
          findings.push({
            message: `${start} nginx exits with \`[emerg] ${failure.nginxMessage}\`.`,
            location: failure.location,
            related: failure.related,
            fixes: [],
          });
        }
      }
    }
    return findings;
  },
};
