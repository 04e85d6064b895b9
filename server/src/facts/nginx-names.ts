import { posix } from 'node:path';
import type { DeployedService } from '../model/deployment';
import { pathBelow } from '../text/paths';

/**
 * A standalone nginx.conf is modelled as a project whose one service is named after the
 * configuration's directory; that name is no compose service, so messages must not call it one.
 */
export function isHostNginx(service: DeployedService): boolean {
  return service.nginx?.imageKind === 'host';
}

/** `nginx on the host (\`etc-nginx/nginx.conf\`)`: nginx installed on a server, named by its main file in the workspace. */
function hostNginxName(service: DeployedService, workspaceRoot: string): string {
  const main = posix.join(service.projectDirectory, posix.relative('/etc/nginx', service.nginx?.mainConfigurationPath ?? '/etc/nginx/nginx.conf'));
  return `nginx on the host (\`${pathBelow(workspaceRoot, main)}\`)`;
}

/** The workspace directory a host nginx's /etc/nginx is read from: `\`etc-nginx/\``, or the workspace folder itself. */
export function describeHostConfigurationDirectory(service: DeployedService, workspaceRoot: string): string {
  return service.projectDirectory === workspaceRoot ? 'the workspace folder' : `\`${pathBelow(workspaceRoot, service.projectDirectory)}/\``;
}

/** nginx as the subject of a sentence: "nginx (service `web`) exits", "nginx on the host (`etc-nginx/nginx.conf`) exits". */
export function describeNginx(service: DeployedService, workspaceRoot: string): string {
  return isHostNginx(service) ? hostNginxName(service, workspaceRoot) : `nginx (service \`${service.name}\`)`;
}

/** What runs nginx, where a message names its owner: "server blocks of service `web`", "… of nginx on the host (`nginx.conf`)". */
export function describeNginxRunner(service: DeployedService, workspaceRoot: string): string {
  return isHostNginx(service) ? hostNginxName(service, workspaceRoot) : `service \`${service.name}\``;
}
