import { launchOptions, type CertbotIssuer, optionLastWord } from '../../facts/certificate-issuers';
import { describeDomains, describeRunOrigin, runWordLocation } from '../../facts/certbot-runs';
import { networkModeOf } from '../../facts/host-ports';
import type { PortBinding } from '../../languages/compose/model';
import type { DeployedProject, DeployedService, Deployment } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';

/** Whether the issuing run binds the host's own port: certbot on the host, or in a container in the host's network or publishing the port. */
function bindsHostPort(issuer: CertbotIssuer, port: number): boolean {
  if (issuer.onHost) return true;
  if (issuer.run.invocation.launcher !== 'docker-run') return false;
  const { network, publishes } = launchOptions(issuer.run);
  return network === 'host' || publishes.some((value) => new RegExp(`^(\\[?[0-9a-f.:]*\\]?:)?${port}:\\d+(/tcp)?$`).test(value));
}

function holdsPort(project: DeployedProject, service: DeployedService, port: number): PortBinding | 'host-network' | undefined {
  const mode = networkModeOf(project.compose, service.name);
  if (mode?.value === 'host') return 'host-network';
  return service.compose.ports.find((binding) => !binding.unknown && binding.protocol === 'tcp' && binding.hostPort === String(port));
}

/** nginx services of the workspace that hold the port on the host. */
function nginxHolding(deployment: Deployment, port: number): RelatedLocation[] {
  const found: RelatedLocation[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      if (!service.nginx || service.nginx.imageKind === 'host') continue;
      const held = holdsPort(project, service, port);
      if (held === 'host-network') found.push({ ...service.compose.nameLocation, message: `service \`${service.name}\` runs nginx in the host's network` });
      else if (held) found.push({ ...held.location, message: `service \`${service.name}\` (nginx) publishes host port ${port}` });
    }
  }
  return found;
}

/**
 * certbot stores the authenticator a certificate was obtained with in its renewal configuration
 * (renewal/<name>.conf, `authenticator = standalone`), and `certbot renew` uses it again
 * (certbot _internal/renewal.py reconstitute and CONFIG_ITEMS: `authenticator` is restored unless the
 * `renew` command line sets one). The standalone plugin binds
 * the challenge port itself (plugins/standalone.py): with nginx holding it, the renewal stops with
 * "Could not bind TCP port 80 because it is already in use by another process on this system".
 */
export const standaloneRenewalPortInUse: Rule = {
  id: 'standalone-renewal-port-in-use',
  category: 'renewal',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'warning',
  summary:
    'a certificate obtained with `--standalone` on the host is renewed with the standalone authenticator again, and by then nginx holds port 80: the renewal fails',
  check({ deployment, facts, inventory }) {
    const issuers = facts.certbotIssuers;
    // a --pre-hook of a renewal (or a pre hook directory) may stop nginx first
    if (issuers.some((issuer) => issuer.run.invocation.subcommand === 'renew' && issuer.run.invocation.preHooks.length > 0)) return [];
    if (deployment.scripts.some((script) => script.path.includes('/renewal-hooks/pre/'))) return [];
    // `certbot renew --webroot …` replaces the stored authenticator (renewal.py restore_required_config_elements: values set by the user win)
    if (issuers.some((issuer) => issuer.run.invocation.subcommand === 'renew' && issuer.authenticator !== undefined && issuer.authenticator !== 'standalone'))
      return [];
    const findings: RuleFinding[] = [];
    for (const issuer of issuers) {
      const { run, standalonePort } = issuer;
      if (standalonePort === undefined || run.invocation.dryRun || run.invocation.preHooks.length > 0) continue;
      if (!['certonly', 'run'].includes(run.invocation.subcommand) || !bindsHostPort(issuer, standalonePort)) continue;
      const holders = nginxHolding(deployment, standalonePort);
      if (holders.length === 0) continue;
      const option = run.invocation.authenticator?.option;
      const location = option && runWordLocation(run, option.word, inventory, optionLastWord(option));
      if (!location) continue;
      const domains = describeDomains(run.invocation);
      findings.push({
        message:
          `certbot obtains the certificate${domains ? ` for ${domains}` : ''} with the standalone authenticator on port ${standalonePort} (${describeRunOrigin(run, deployment.workspaceRoot)}), ` +
          `and certbot keeps that authenticator in the certificate's renewal configuration: every \`certbot renew\` binds port ${standalonePort} again. ` +
          `By then nginx holds it, so the renewal stops with "Could not bind TCP port ${standalonePort} because it is already in use by another process on this system" and the certificate expires. ` +
          'Obtain it with `--webroot -w <directory nginx serves /.well-known/acme-challenge/ from>` instead, or stop nginx around renewals with `--pre-hook` and `--post-hook`.',
        location,
        related: holders,
        fixes: [],
      });
    }
    return findings;
  },
};
