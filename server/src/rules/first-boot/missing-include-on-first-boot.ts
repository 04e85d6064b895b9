import { posix } from 'node:path';
import { isMissingInclude, missingFileExplanation, reportedFirstBootFailures } from '../../facts/first-boot-failures';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';

/**
 * An `include` of one file (no glob, no variable) that is not there when nginx first starts: no
 * mount provides it and the image does not hold it (the official images' /etc/nginx is known;
 * images certboot does not know stay silent). nginx opens it while it parses and exits.
 */
export const missingIncludeOnFirstBoot: Rule = {
  id: 'missing-include-on-first-boot',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'nginx includes a file that no mount provides and the image does not hold, so it exits when it first starts',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      // certbot's options-ssl-nginx.conf is left to certbot-nginx-options-missing where certbot or a script provides it
      for (const failure of reportedFirstBootFailures(project, (service) => facts.firstBootFailures(project, service))) {
        if (!isMissingInclude(failure)) continue;
        const service = failure.service;
        // a file bind-mounted on its own: docker mounts an empty directory where the source is
        // missing, and nginx says `pread() … (21: Is a directory)`; mount-source-missing speaks for it
        const origin = failure.state.origin;
        if (origin.kind === 'bind' && origin.mount.target !== undefined && posix.normalize(origin.mount.target) === failure.path) continue;
        const why = missingFileExplanation(failure, project, deployment.workspaceRoot);
        findings.push({
          message:
            `\`include\` "${failure.path}" does not exist when ${describeNginx(service, deployment.workspaceRoot)} first starts: ${why.text}. ` +
            `nginx exits with \`[emerg] ${failure.nginxMessage}\`.`,
          location: failure.location,
          related: why.related,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
