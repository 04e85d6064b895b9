import {
  companionRequests,
  environmentLocation,
  httpOnMissingCertificateDisabled,
  httpsMethodOf,
  proxyAnswersUnknownHosts,
  virtualHostContainers,
} from '../../facts/acme-companion-requests';
import type { SourceLocation } from '../../text/source-location';
import type { Rule, RuleFinding } from '../rule';

/**
 * nginx-proxy's nginx.tmpl (github.com/nginx-proxy/nginx-proxy): with `HTTPS_METHOD=nohttp` a host
 * gets a server on the HTTPS port only, and none on port 80, once it has a certificate
 * (`$cert_ok`, its own or the default one, `default.crt`). While it has none, nginx-proxy 1.6 on
 * switches it to `noredirect` (`ENABLE_HTTP_ON_MISSING_CERT`, on by default), which serves
 * /.well-known/acme-challenge/; before 1.6 a host without a certificate was served over HTTP
 * anyway. acme-companion renews a certificate 60 days after it was issued (`ACME_RENEW_AFTER`,
 * app/letsencrypt_service.sh) and makes its default certificate only with
 * `CREATE_DEFAULT_CERTIFICATE=true` (app/entrypoint.sh check_default_cert_key).
 */
export const acmeCompanionHttpDisabled: Rule = {
  id: 'acme-companion-http-disabled',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    'HTTPS_METHOD=nohttp on a host acme-companion gets its certificate for by HTTP-01: once it has one, nginx-proxy serves no HTTP for it and every renewal fails',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const request of companionRequests(facts.issuers)) {
      const { project, proxy, service, variable } = request;
      if (request.challenge !== 'http-01' || proxyAnswersUnknownHosts(project, proxy)) continue;
      const disabled = request.names.flatMap((name) => {
        const method = httpsMethodOf(deployment, request, name);
        return method?.method === 'nohttp' ? [{ name, setBy: method.setBy }] : [];
      });
      const first = disabled[0];
      if (!first?.setBy) continue;
      const setBy = first.setBy;
      const location: SourceLocation | undefined = environmentLocation(setBy.project, setBy.service, 'HTTPS_METHOD');
      const key = `${service.name}\u0000${location?.file}:${location?.range.start.line}`;
      if (!location || reported.has(key)) continue;
      reported.add(key);
      const names = disabled.map((entry) => `\`${entry.name}\``).join(', ');
      const containers = disabled.flatMap((entry) => virtualHostContainers(deployment, entry.name) ?? []);
      const where =
        setBy.service === proxy
          ? `nginx-proxy (service \`${proxy.name}\`) sets \`HTTPS_METHOD=nohttp\` for every host`
          : `Service \`${setBy.service.name}\` sets \`HTTPS_METHOD=nohttp\``;
      const fromTheStart =
        /^(1|t|true)$/i.test(request.companion.service.compose.environment.CREATE_DEFAULT_CERTIFICATE?.trim() ?? '') ||
        httpOnMissingCertificateDisabled(containers, proxy);
      const firstCertificate = fromTheStart
        ? `Here nginx-proxy applies it from the start (${
            httpOnMissingCertificateDisabled(containers, proxy)
              ? '`ENABLE_HTTP_ON_MISSING_CERT=false`'
              : 'acme-companion makes a default certificate, `CREATE_DEFAULT_CERTIFICATE=true`'
          }), so even the first certificate is not issued.`
        : 'While a host has no certificate, nginx-proxy serves it over HTTP all the same, so the first certificate may be issued; ' +
          'from then on it has no port-80 server for it, and when acme-companion renews the certificate (60 days after issuance by default) the request ends at the catch-all server, ' +
          'which answers 503: every renewal fails, and the certificate expires 90 days after it was issued.';
      findings.push({
        message:
          `${where}, and acme-companion (service \`${request.companion.service.name}\`) gets the certificate for ${names} (\`${variable}\` of service \`${service.name}\`) by HTTP-01, ` +
          `which Let's Encrypt checks with a plain HTTP request to port 80: with \`nohttp\`, nginx-proxy serves ${disabled.length === 1 ? 'that name' : 'those names'} on HTTPS only. ${firstCertificate} ` +
          'Use `HTTPS_METHOD=redirect` (the default: HTTP answers the challenge and redirects everything else to HTTPS), or DNS-01 (`ACME_CHALLENGE=DNS-01` with `ACMESH_DNS_API_CONFIG`).',
        location,
        related: [{ ...request.location, message: `the names acme-companion gets a certificate for` }],
        fixes: [],
      });
    }
    return findings;
  },
};
