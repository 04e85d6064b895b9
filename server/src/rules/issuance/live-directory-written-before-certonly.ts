import { describeRunOrigin, runCommandLocation, runWordLocation } from '../../facts/certbot-runs';
import type { Rule, RuleFinding } from '../rule';

/**
 * certbot files a new certificate with RenewableCert.new_lineage (certbot
 * src/certbot/_internal/storage.py), which raises "live directory exists for <name>" when
 * `live/<name>` is there and not empty; it runs after the CA has issued the certificate
 * (client.py obtain_and_enroll_certificate). The renewal file it created first stays behind, so
 * the next run files the certificate as `<name>-0001`. See facts/live-directory-writes.ts.
 */
export const liveDirectoryWrittenBeforeCertonly: Rule = {
  id: 'live-directory-written-before-certonly',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    'a script writes into certbot\'s `live/<name>/` before the `certbot certonly` that creates that lineage: certbot stops with "live directory exists" and the certificate is lost',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const write of facts.liveDirectoryWrites) {
      const { run, lineage } = write;
      const location = runWordLocation(run, write.word, inventory);
      if (!location) continue;
      const certonly = runCommandLocation(run);
      const seen = write.pathInCertbot === write.path ? '' : `, which certbot sees as \`${write.pathInCertbot}\`,`;
      const configDirectory = write.liveDirectory.replace(/\/live\/[^/]+$/, '');
      findings.push({
        message:
          `${describeRunOrigin(run, deployment.workspaceRoot)} writes \`${write.path}\`${seen} before \`certbot ${run.invocation.subcommand}\` (line ${certonly.range.start.line + 1}) creates the lineage \`${lineage}\`, and nothing removes it in between. ` +
          `certbot creates a lineage only in a missing or empty \`live/${lineage}/\`: it gets the certificate from the CA, then stops with "live directory exists for ${lineage}" and saves nothing (the certificate still counts against Let's Encrypt's limit of 5 a week for the same names). ` +
          `Run again, it saves the certificate as \`live/${lineage}-0001/\`, and \`live/${lineage}/\` never gets one. ` +
          `Keep other files out of \`live/\` (Diffie-Hellman parameters in \`${configDirectory}/\`, say), or remove \`live/${lineage}\`, \`archive/${lineage}\` and \`renewal/${lineage}.conf\` before the first \`certonly\`, as init-letsencrypt.sh does with its dummy certificate.`,
        location,
        related: [{ ...certonly, message: `certbot creates the lineage \`${lineage}\` here` }],
        fixes: [],
      });
    }
    return findings;
  },
};
