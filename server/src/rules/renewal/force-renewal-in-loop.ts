import { describeDomains, describeRunOrigin, removeRunWords, runWordLocation, type CertbotRun, type Repetition } from '../../facts/certbot-runs';
import type { Rule, RuleFinding } from '../rule';

function describeRepetition(repetition: Repetition, run: CertbotRun, workspaceRoot: string): string {
  const origin = describeRunOrigin(run, workspaceRoot);
  switch (repetition.kind) {
    case 'loop':
      return `it runs in a \`${repetition.loop.kind}\` loop of ${origin}`;
    case 'restart':
      return `it is the command of ${origin}, which \`restart: ${repetition.restart.policy ?? ''}\` starts again every time certbot exits`;
    case 'schedule':
      return `it runs on the schedule of \`${repetition.file.path.slice(workspaceRoot.length + 1)}\``;
  }
}

/**
 * A loop that asks openssl whether the certificate expires soon (`openssl x509 -checkend N`)
 * before it runs certbot may skip the run while the certificate is not due (`continue`): the
 * flag then renews a due certificate only.
 */
function guardedByExpiryCheck(repetition: Repetition, run: CertbotRun): boolean {
  if (repetition.kind !== 'loop') return false;
  return repetition.loop.body.some(
    (command) =>
      command.span.start < run.invocation.command.span.start &&
      command.name?.value.split('/').pop() === 'openssl' &&
      command.arguments.some((word) => word.value === 'x509') &&
      command.arguments.some((word) => word.value === '-checkend'),
  );
}

export const forceRenewalInLoop: Rule = {
  id: 'force-renewal-in-loop',
  category: 'renewal',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: "`--force-renewal` in a command that runs again and again gets a new certificate every time, until Let's Encrypt refuses",
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const run of facts.certbotRuns) {
      const option = run.invocation.forceRenewal;
      if (!option || !run.repetition || run.invocation.dryRun || run.invocation.staging || guardedByExpiryCheck(run.repetition, run)) continue;
      const location = runWordLocation(run, option.word, inventory);
      if (!location) continue;
      const domains = describeDomains(run.invocation);
      const edit = removeRunWords(run, option.word, option.word, inventory);
      findings.push({
        message:
          `\`${option.word.value}\` makes certbot get a new certificate${domains ? ` for ${domains}` : ''} on every run, due or not, and ${describeRepetition(run.repetition, run, deployment.workspaceRoot)}. ` +
          "Let's Encrypt issues at most 5 certificates for the same set of names in 7 days; after that every run fails with " +
          '`too many certificates (5) already issued for this exact set of identifiers`, and no renewal gets through until the limit refills. ' +
          'Without the flag certbot renews only when the certificate is due for renewal.',
        location,
        related: [],
        fixes: edit ? [{ title: `Remove \`${option.word.value}\``, edits: [edit], preferred: true, safe: true }] : [],
      });
    }
    return findings;
  },
};
