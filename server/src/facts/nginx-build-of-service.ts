import type { NginxBuild } from '../languages/nginx/directive-tables/nginx-build';
import type { DeployedService } from '../model/deployment';

/**
 * The nginx build a service runs, when certboot knows it well enough to say what it lacks: the
 * model's build of its image (or of the image its Dockerfile is built FROM), not the one it
 * assumes for nginx on a host, whose modules are a guess.
 */
export function serviceNginxBuild(service: DeployedService): NginxBuild | undefined {
  const known = service.nginx?.build;
  return known === undefined || known.modulesAreGuess ? undefined : known.build;
}
