import { acmeCompanionAnswersHttp01, nginxCertbotAnswersHttp01, nginxProxyServices, swagAnswersHttp01, swagImage } from '../../facts/certificate-issuers';
import { hostPort80Reach } from '../../facts/published-ports';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import type { Rule, RuleFinding } from '../rule';

/** The service that must answer HTTP-01 on host port 80 for an issuer, and how to name it. */
interface Answerer {
  readonly project: DeployedProject;
  readonly service: DeployedService;
  readonly who: string;
}

/** Images that carry outside traffic to a container without publishing a port: a tunnel may bring port 80 in. */
const tunnelImage = /cloudflared|tunnel|ngrok|tailscale|frp|zrok|pangolin|newt/i;

/**
 * Whether only the host's published ports reach the service: it joins networks of this project
 * alone (none external or named for other projects to join) and no service of the project runs a
 * tunnel. Otherwise a proxy elsewhere, or a tunnel, may bring port 80 to it.
 */
function reachedOnlyThroughHost(project: DeployedProject, service: DeployedService): boolean {
  const networks = service.compose.networking?.networks;
  if (!networks || service.compose.networking?.unknown) return false;
  const declared = project.compose.networks ?? [];
  const shared = [...networks.keys()].some((key) => declared.find((network) => network.key === key)?.shared ?? false);
  return !shared && !project.services.some((other) => tunnelImage.test(other.compose.image?.value ?? ''));
}

const nginxCertbotRepositories = new Set(['jonasal/nginx-certbot', 'staticfloat/nginx-certbot']);

export const httpChallengePortNotPublished: Rule = {
  id: 'http-challenge-port-not-published',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    "the service that answers HTTP-01 for acme-companion (nginx-proxy), for linuxserver/swag or for jonasal/ or staticfloat/nginx-certbot does not publish host port 80, where Let's Encrypt always asks: no certificate is issued",
  check({ facts, inventory }) {
    const answerers: Answerer[] = [];
    for (const issuer of facts.issuers) {
      if (issuer.kind === 'acme-companion') {
        const proxies = nginxProxyServices(issuer.project);
        const proxy = proxies[0];
        // HTTPS_METHOD=nohttp: the proxy serves no port 80 at all, another failure
        if (proxies.length !== 1 || !proxy || !acmeCompanionAnswersHttp01(issuer.project) || 'HTTPS_METHOD' in proxy.compose.environment) continue;
        answerers.push({
          project: issuer.project,
          service: proxy,
          who: `nginx-proxy (service \`${proxy.name}\`) answers the HTTP-01 challenges of acme-companion (service \`${issuer.service.name}\`)`,
        });
      } else if (issuer.kind === 'all-in-one' && issuer.image === swagImage && swagAnswersHttp01(issuer.project, issuer.service)) {
        answerers.push({
          project: issuer.project,
          service: issuer.service,
          who: `\`${issuer.repository}\` (service \`${issuer.service.name}\`) validates by HTTP-01 (VALIDATION is http or unset) and answers the challenge itself on its port 80`,
        });
      } else if (
        issuer.kind === 'all-in-one' &&
        nginxCertbotRepositories.has(issuer.image) &&
        nginxCertbotAnswersHttp01(inventory, issuer.project, issuer.service, issuer.image)
      ) {
        answerers.push({
          project: issuer.project,
          service: issuer.service,
          who: `\`${issuer.repository}\` (service \`${issuer.service.name}\`) runs certbot by HTTP-01 and answers the challenge with its own nginx on its port 80`,
        });
      }
    }
    const findings: RuleFinding[] = [];
    for (const { project, service, who } of answerers) {
      const reach = hostPort80Reach(project, service, 80);
      const asked = "Let's Encrypt always sends the HTTP-01 request to port 80 of the host";
      if (reach.kind === 'not-published' && reachedOnlyThroughHost(project, service)) {
        findings.push({
          message: `${who}, and ${asked}, but \`${service.name}\` publishes no host port 80 (no other service takes it, and it joins no network shared with other projects): validation fails with a connection error and no certificate is issued. Publish it: \`ports: ["80:80"]\`.`,
          location: service.compose.nameLocation,
          related: [],
          fixes: [],
        });
      } else if (reach.kind === 'elsewhere' || reach.kind === 'loopback') {
        const how =
          reach.kind === 'elsewhere' ? `publishes its port 80 on host port ${reach.hostPort} only` : 'publishes its port 80 on a loopback address only';
        findings.push({
          message: `${who}, and ${asked}, but \`${service.name}\` ${how}: unless something outside the project (a router, a proxy on the host) forwards port 80 to it, validation fails and no certificate is issued. Publish \`80:80\`.`,
          location: reach.binding.location,
          severity: 'warning',
          related: [],
          fixes: [],
        });
      }
    }
    return findings;
  },
};
