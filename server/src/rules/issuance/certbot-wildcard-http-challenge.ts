import { httpOnlyAuthenticators, optionLastWord } from '../../facts/certificate-issuers';
import { describeRunOrigin, runWordLocation } from '../../facts/certbot-runs';
import type { Rule, RuleFinding } from '../rule';

/**
 * ACME (RFC 8555 section 7.1.3) lets a CA offer only DNS-01 for a wildcard identifier, and Let's
 * Encrypt does; certbot's webroot and standalone plugins say "HTTP challenge only (wildcards not
 * supported)" (certbot plugins/webroot.py, plugins/standalone.py), and auth_handler.py
 * _report_no_chall_path stops the run with the message quoted below.
 */
export const certbotWildcardHttpChallenge: Rule = {
  id: 'certbot-wildcard-http-challenge',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'certbot asks for a wildcard name with an HTTP-01 authenticator (webroot, standalone, nginx, apache); the CA offers only DNS-01 for it',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const issuer of facts.certbotIssuers) {
      const { run, authenticator } = issuer;
      if (authenticator === undefined || !httpOnlyAuthenticators.has(authenticator) || run.invocation.dryRun) continue;
      if (!['certonly', 'run'].includes(run.invocation.subcommand)) continue;
      const wildcard = run.invocation.domains.find((domain) => domain.name.literal && domain.name.value.startsWith('*.'));
      if (!wildcard) continue;
      const location = runWordLocation(run, wildcard.name, inventory);
      if (!location) continue;
      const option = run.invocation.authenticator?.option;
      const optionLocation = option && runWordLocation(run, option.word, inventory, optionLastWord(option));
      findings.push({
        message:
          `certbot asks for the wildcard name \`${wildcard.name.value}\` with the ${authenticator} authenticator (${describeRunOrigin(run, deployment.workspaceRoot)}), which answers HTTP-01 challenges only. ` +
          'Let\'s Encrypt validates a wildcard name over DNS-01 alone, so certbot stops with "Client with the currently selected authenticator does not support any combination of challenges that will satisfy the CA" and no certificate is issued. ' +
          'Use a DNS plugin (`--dns-<provider>`, in the `certbot/dns-<provider>` image) for the wildcard, or list the names without `*.`.',
        location,
        related: optionLocation ? [{ ...optionLocation, message: `the ${authenticator} authenticator` }] : [],
        fixes: [],
      });
    }
    return findings;
  },
};
