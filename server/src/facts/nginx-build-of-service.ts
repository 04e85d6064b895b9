import type { NginxBuild } from '../languages/nginx/directive-tables/nginx-build';
import { nginxBuildOfImage } from '../languages/nginx/nginx-builds';
import type { DeployedService } from '../model/deployment';

/**
 * The nginx build a service runs, when certboot knows it: that of the nginx, nginx-unprivileged
 * or openresty image its `image:` names. undefined for an image a Dockerfile builds (its RUN steps
 * may add modules), an image certboot does not know, and nginx on a host.
 */
export function serviceNginxBuild(service: DeployedService): NginxBuild | undefined {
  const kind = service.nginx?.imageKind;
  if ((kind !== 'official' && kind !== 'openresty') || service.compose.build !== undefined) return undefined;
  const image = service.compose.image?.value;
  if (image === undefined) return undefined;
  // the same few images on every analysis; one build object each keeps the tables' caches warm
  if (!builds.has(image)) {
    if (builds.size >= 64) builds.clear();
    builds.set(image, nginxBuildOfImage(image));
  }
  return builds.get(image);
}

const builds = new Map<string, NginxBuild | undefined>();
