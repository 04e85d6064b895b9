import { nginxProxyServices, serviceKey, serviceLabels, takesVolumesFrom } from '../../facts/certificate-issuers';
import { composeServiceEdits } from '../../fixes/compose-file-editor';
import type { SourceTexts } from '../../inventory/inventory';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import type { Fix } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';

/**
 * The labels acme-companion looks for on the nginx-proxy container (acme-companion app/functions.sh
 * get_nginx_proxy_container: the new label, then the legacy one, then NGINX_PROXY_CONTAINER, then
 * the containers of its own `--volumes-from` whose environment has NGINX_VERSION).
 */
const proxyLabels = ['com.github.nginx-proxy.nginx', 'com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy'];

/** `volumes_from: [<proxy>]` in the companion's service, right after its image: how acme-companion's docs wire the two. */
function volumesFromFix(texts: SourceTexts, project: DeployedProject, companion: DeployedService, proxy: DeployedService): Fix | undefined {
  const edits = composeServiceEdits(texts, project.compose.documents, companion.compose, (editor) =>
    editor.appendItems(companion.name, 'volumes_from', [proxy.name], ['image']),
  );
  return (
    edits && { title: `Give \`${companion.name}\` the volumes of \`${proxy.name}\` (\`volumes_from: [${proxy.name}]\`)`, edits, preferred: true, safe: true }
  );
}

export const acmeCompanionProxyNotFound: Rule = {
  id: 'acme-companion-proxy-not-found',
  category: 'issuance',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary:
    'acme-companion has no way to find the nginx-proxy container (no `volumes_from`, no NGINX_PROXY_CONTAINER, no proxy label): it exits with "can\'t get nginx-proxy container ID !"',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    const labelled = deployment.projects.some((project) =>
      project.services.some((service) => {
        const labels = serviceLabels(project.compose, service.name);
        // labels certboot cannot read may hold the proxy's
        return labels === undefined || proxyLabels.some((label) => labels.has(label));
      }),
    );
    if (labelled) return [];
    for (const issuer of facts.issuers) {
      if (issuer.kind !== 'acme-companion') continue;
      const { project, service } = issuer;
      // an env_file may set NGINX_PROXY_CONTAINER: the model does not read it
      if ('NGINX_PROXY_CONTAINER' in service.compose.environment || serviceKey(project.compose, service.name, 'env_file') !== undefined) continue;
      if (takesVolumesFrom(project.compose, service.name)) continue;
      // the proxy must be in sight: elsewhere it may carry the label
      const proxies = nginxProxyServices(project);
      const proxy = proxies[0];
      if (!proxy) continue;
      // with two proxies in sight, which one it serves is the user's choice
      const fix = proxies.length === 1 ? volumesFromFix(inventory, project, service, proxy) : undefined;
      findings.push({
        message:
          `Service \`${service.name}\` runs acme-companion, which must find the nginx-proxy container to write its certificates and challenge files for and to reload it, ` +
          `and nothing tells it which one that is: it has no \`volumes_from: [${proxy.name}]\` and no NGINX_PROXY_CONTAINER, and service \`${proxy.name}\` has no label \`com.github.nginx-proxy.nginx\`. ` +
          'acme-companion exits at start with "Error: can\'t get nginx-proxy container ID !" and no certificate is issued. ' +
          `Add \`volumes_from: [${proxy.name}]\` to \`${service.name}\` (it then shares the proxy's certificate, vhost and html volumes too), or the label to \`${proxy.name}\`.`,
        location: service.compose.nameLocation,
        related: [{ ...proxy.compose.nameLocation, message: 'the nginx-proxy service' }],
        fixes: fix ? [fix] : [],
      });
    }
    return findings;
  },
};
