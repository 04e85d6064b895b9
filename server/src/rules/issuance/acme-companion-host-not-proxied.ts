import {
  companionRequests,
  ownConfigurationMayServe,
  proxyAnswersUnknownHosts,
  virtualHostContainers,
  virtualHostsOf,
} from '../../facts/acme-companion-requests';
import type { Rule, RuleFinding } from '../rule';

function listed(names: readonly string[]): string {
  return names.map((name) => `\`${name}\``).join(', ');
}

export const acmeCompanionHostNotProxied: Rule = {
  id: 'acme-companion-host-not-proxied',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    'LETSENCRYPT_HOST (or ACME_HOST) names a host that no VIRTUAL_HOST serves: acme-companion asks for it anyway, nginx-proxy answers the HTTP-01 challenge with 503, and the certificate is not issued',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const request of companionRequests(facts.issuers)) {
      const { project, proxy, service, variable, names } = request;
      if (request.challenge !== 'http-01' || proxyAnswersUnknownHosts(project, proxy)) continue;
      const unserved = names.filter((name) => virtualHostContainers(deployment, name)?.length === 0 && !ownConfigurationMayServe(inventory, proxy, name));
      if (unserved.length === 0) continue;
      const own = virtualHostsOf(project, service);
      const served =
        own && own.names.length > 0 ? `\`${service.name}\` has \`VIRTUAL_HOST\` ${listed(own.names)}` : `\`${service.name}\` has no \`VIRTUAL_HOST\``;
      const others = names.filter((name) => !unserved.includes(name));
      const consequence = request.singleDomain
        ? `${unserved.length === 1 ? 'That name gets' : 'Those names get'} no certificate.`
        : others.length > 0
          ? `acme-companion asks for all the names of \`${variable}\` in one certificate, so none is issued, for ${listed(others)} either.`
          : 'No certificate is issued.';
      findings.push({
        message:
          `\`${variable}\` of service \`${service.name}\` names ${listed(unserved)}, which no \`VIRTUAL_HOST\` of the workspace serves (${served}). ` +
          `acme-companion (service \`${request.companion.service.name}\`) asks for ${unserved.length === 1 ? 'it' : 'them'} all the same (it takes the names of every container's \`${variable}\`), ` +
          `but nginx-proxy (service \`${proxy.name}\`) has a server only for the names of \`VIRTUAL_HOST\`: Let's Encrypt's HTTP-01 request to /.well-known/acme-challenge/ ` +
          `ends at its catch-all server, which answers 503: validation fails. ${consequence} ` +
          `Add ${unserved.length === 1 ? 'the name' : 'the names'} to \`VIRTUAL_HOST\` of \`${service.name}\`, or take ${unserved.length === 1 ? 'it' : 'them'} out of \`${variable}\`.`,
        location: request.location,
        related: [{ ...proxy.compose.nameLocation, message: 'the nginx-proxy service that answers the challenge' }],
        fixes: [],
      });
    }
    return findings;
  },
};
