import { type CertbotRun, describeDomains, describeRunOrigin, runVerbWord, runWordLocation } from '../../facts/certbot-runs';
import type { Rule, RuleFinding } from '../rule';

export const certificateNeverRenewed: Rule = {
  id: 'certificate-never-renewed',
  category: 'renewal',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'warning',
  summary: 'certbot obtains certificates once and nothing runs `certbot renew`, so they expire after 90 days',
  check({ deployment, facts, inventory }) {
    const issuers = facts.certbotIssuers;
    if (facts.renewal.renewalUnknown || issuers.some((issuer) => issuer.renewal.kind !== 'once')) return [];
    const findings: RuleFinding[] = [];
    // a run through a compose service the project does not define never happens (compose-run-unknown-service says so)
    const impossible = ({ origin, invocation }: CertbotRun): boolean =>
      origin.kind === 'script' &&
      facts.unknownServiceLaunches.some(
        ({ script, command }) =>
          script === origin.script && command.span.start <= invocation.command.span.start && invocation.command.span.end <= command.span.end,
      );
    for (const { run } of issuers.filter((issuer) => issuer.obtains && !impossible(issuer.run))) {
      const verb = runVerbWord(run);
      const location = verb && runWordLocation(run, verb, inventory);
      if (!location) continue;
      const domains = describeDomains(run.invocation);
      findings.push({
        message:
          `certbot obtains the certificate${domains ? ` for ${domains}` : ''} once here (\`${run.invocation.subcommand}\` in ${describeRunOrigin(run, deployment.workspaceRoot)}), ` +
          'and nothing in the workspace runs `certbot renew`: no renew loop in a compose service, no cron file or systemd timer, no script. ' +
          "Let's Encrypt certificates expire after 90 days (64 days for those issued from February 2027, 45 days from February 2028); " +
          'then browsers refuse the site with "certificate has expired" (NET::ERR_CERT_DATE_INVALID).',
        location,
        related: [],
        fixes: [],
      });
    }
    return findings;
  },
};
