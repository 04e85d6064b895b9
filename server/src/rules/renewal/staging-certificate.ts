import { describeDomains, describeRunOrigin, removeRunWords, runWordLocation } from '../../facts/certbot-runs';
import type { CertbotOption } from '../../languages/shell/certbot-invocation';
import type { Rule, RuleFinding } from '../rule';

/** Let's Encrypt's staging directory, and the test servers of other ACME CAs. */
const stagingServer = /staging/i;

export const stagingCertificate: Rule = {
  id: 'staging-certificate',
  category: 'renewal',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'info',
  summary: "certbot asks Let's Encrypt's staging environment, whose certificates browsers reject",
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const run of facts.certbotRuns) {
      const { invocation } = run;
      if (invocation.dryRun || !['certonly', 'run', 'renew'].includes(invocation.subcommand)) continue;
      const serverOption: CertbotOption | undefined = [...invocation.options].reverse().find((option) => option.name === '--server');
      const option = invocation.staging ?? (serverOption?.value && stagingServer.test(serverOption.value.value) ? serverOption : undefined);
      if (!option) continue;
      const last = option.value && option.value.span.start >= option.word.span.end ? option.value : option.word;
      const location = runWordLocation(run, option.word, inventory, last);
      if (!location) continue;
      const written = option === invocation.staging ? `\`${option.word.value}\`` : `\`--server ${option.value?.value ?? ''}\``;
      const domains = describeDomains(invocation);
      const edit = removeRunWords(run, option.word, last, inventory);
      findings.push({
        message:
          `certbot gets the certificate${domains ? ` for ${domains}` : ''} from Let's Encrypt's staging environment (${written} in ${describeRunOrigin(run, deployment.workspaceRoot)}). ` +
          'Staging certificates chain to an untrusted test root ("(STAGING) Pretend Pear X1"), so browsers refuse the site with NET::ERR_CERT_AUTHORITY_INVALID. ' +
          'Staging is for testing the setup; drop it once a run succeeds there.',
        location,
        related: [],
        fixes: edit ? [{ title: `Remove ${written} to get a trusted certificate`, edits: [edit], preferred: true, safe: false }] : [],
      });
    }
    return findings;
  },
};
