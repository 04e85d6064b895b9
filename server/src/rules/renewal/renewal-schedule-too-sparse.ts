import { describeRunOrigin } from '../../facts/certbot-runs';
import { formatDuration, judgeForLetsEncrypt } from '../../facts/renewal-schedule';
import type { Rule, RuleFinding } from '../rule';

/**
 * certbot renews a certificate only at a run inside its renewal window (facts/renewal-window.ts:
 * 29 days 2 h 24 min of a 90-day certificate with certbot 4.1+ and Let's Encrypt's ARI); a schedule
 * whose runs can be further apart than that lets certificates expire between two runs. Judged by
 * simulation over every issue moment (facts/renewal-schedule.ts), for today's 90-day certificates
 * (an error) and for the shorter lifetimes Let's Encrypt's default profile has announced (a warning
 * naming the date).
 */
export const renewalScheduleTooSparse: Rule = {
  id: 'renewal-schedule-too-sparse',
  category: 'renewal',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: "`certbot renew` runs on a schedule whose runs can be further apart than certbot's renewal window: certificates expire between two runs",
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const issuer of facts.certbotIssuers) {
      const renewal = issuer.renewal;
      if (renewal.kind !== 'schedule') continue;
      const key = `${renewal.location.file}:${renewal.location.range.start.line}`;
      if (reported.has(key)) continue;
      const judged = judgeForLetsEncrypt(renewal.schedule).filter(({ certificate }) => !certificate.optIn);
      const failing = judged.find(({ judgement }) => judgement.verdict !== 'holds');
      if (!failing) continue;
      reported.add(key);
      const { certificate, judgement } = failing;
      const lifetime = formatDuration(certificate.lifetime);
      const origin = describeRunOrigin(issuer.run, deployment.workspaceRoot);
      const when = certificate.from
        ? `From ${certificate.from} Let's Encrypt's certificates are valid for ${lifetime} (announced: https://letsencrypt.org/2025/12/02/from-90-to-45)`
        : `Let's Encrypt's certificates are valid for ${lifetime}`;
      const detail =
        judgement.verdict === 'never-runs'
          ? `${renewal.written} never fires, so \`certbot renew\` (${origin}) never runs and every certificate expires.`
          : `${renewal.written} runs \`certbot renew\` (${origin}) up to ${formatDuration(judgement.longestGap)} apart, and certbot renews only in the last ${formatDuration(judgement.window)} before expiry: ` +
            `about ${Math.round(judgement.expiringShare * 100)}% of certificates expire before a run renews them${
              judgement.example && !certificate.from
                ? ` (one issued ${judgement.example.issued} is due from ${judgement.example.renewalDue}, expires ${judgement.example.expires}, next run ${judgement.example.nextRun})`
                : ''
            }.`;
      findings.push({
        message: `${when}: ${detail} Run it at least daily (twice a day is certbot's advice: \`0 0,12 * * *\`); a run with nothing due does nothing.`,
        location: renewal.location,
        related: [],
        fixes: [],
        ...(certificate.from ? { severity: 'warning' as const } : {}),
      });
    }
    return findings;
  },
};
