import { posix } from 'node:path';
import { lineagePath } from '../../facts/certbot-directories';
import type { Facts } from '../../facts/facts';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';

function findingsFor(facts: Facts, project: DeployedProject, service: DeployedService, workspaceRoot: string): RuleFinding[] {
  return facts.certificateReferences(project, service).flatMap((reference): RuleFinding[] => {
    const lineageFile = reference.certbotPath && lineagePath(reference.certbotPath.relative);
    if (reference.entry.directive.name !== 'ssl_certificate' || lineageFile?.kind !== 'live' || lineageFile.file !== 'cert.pem') return [];
    const newPath = posix.join(posix.dirname(reference.argument.value), 'fullchain.pem');
    const newText = reference.argument.quoted ? `"${newPath}"` : newPath;
    return [
      {
        message:
          `\`ssl_certificate\` "${reference.path}" is certbot's \`cert.pem\`: the site's certificate alone, without the intermediate certificate that \`fullchain.pem\` adds, ` +
          `so ${describeNginx(service, workspaceRoot)} sends an incomplete chain and clients that do not already hold the intermediate (curl, Android, Java, Python) fail with ` +
          '`unable to get local issuer certificate`.',
        location: reference.location,
        related: [],
        fixes: [
          {
            title: `Use ${newPath}`,
            edits: [{ kind: 'replace', file: reference.location.file, range: reference.location.range, newText }],
            preferred: true,
            safe: true,
          },
        ],
      },
    ];
  });
}

export const certificateWithoutChain: Rule = {
  id: 'certificate-without-chain',
  category: 'certificate-paths',
  scope: 'project',
  fixable: 'always',
  defaultSeverity: 'warning',
  summary: "nginx serves certbot's cert.pem, which lacks the intermediate certificate, instead of fullchain.pem",
  check({ deployment, facts }) {
    return deployment.projects.flatMap((project) => project.services.flatMap((service) => findingsFor(facts, project, service, deployment.workspaceRoot)));
  },
};
