import { posix } from 'node:path';
import { httpServers } from '../facts/acme-challenge';
import type { Deployment } from '../model/deployment';
import { hostLocation } from '../model/locations';
import { isCertificateDomain } from './domain-and-email';

export interface DomainSuggestion {
  readonly domains: string[];
  /** Where each came from, for the user: `example.com (server_name in nginx/conf.d/site.conf:3)`. */
  readonly sources: string[];
}

/**
 * The names the deployment already serves or requests, to prefill `--domain`: the `server_name`s
 * of the nginx services' server blocks, then certbot's `-d` in compose services, in that order.
 */
export function suggestDomains(deployment: Deployment, projectDirectory?: string): DomainSuggestion {
  const domains: string[] = [];
  const sources: string[] = [];
  const add = (name: string, source: string): void => {
    const domain = name.toLowerCase();
    if (!isCertificateDomain(domain) || domains.includes(domain)) return;
    domains.push(domain);
    sources.push(`${domain} (${source})`);
  };
  const projects = deployment.projects.filter(
    (project) =>
      project.compose.documents.length > 0 && (projectDirectory === undefined || posix.resolve(project.compose.directory) === posix.resolve(projectDirectory)),
  );
  for (const project of projects) {
    const relative = (file: string): string => posix.relative(project.compose.directory, file);
    for (const service of project.services) {
      const configuration = service.nginx?.configuration;
      if (!configuration) continue;
      for (const server of httpServers(configuration)) {
        const location = hostLocation(service.view, server.entry.file, server.entry.directive.span);
        const where = location ? `${relative(location.file)}:${server.entry.directive.line}` : server.entry.file.path;
        for (const name of server.names) add(name, `server_name in ${where}`);
      }
    }
    for (const service of project.services) {
      for (const invocation of service.certbot?.invocations ?? []) {
        for (const domain of invocation.domains) if (domain.name.literal) add(domain.name.value, `certbot -d in service \`${service.name}\``);
      }
    }
  }
  return { domains, sources };
}
