import { posix } from 'node:path';
import { pathsWrittenByScript } from '../languages/shell/written-paths';
import { isWithin } from '../model/container-view';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';

/** Where a repository script runs: on the host, in a compose service's container, or somewhere certboot cannot tell. */
export type ScriptPlace =
  | { readonly kind: 'host' }
  | { readonly kind: 'service'; readonly project: DeployedProject; readonly service: DeployedService }
  | { readonly kind: 'unknown' };

/**
 * Where a script (or cron file) of the repository runs its commands: in the container of the
 * service whose Dockerfile copies it into the image, or that bind-mounts that very file, else on
 * the host; unknown when several containers hold it.
 */
export function placeOfScript(deployment: Deployment, path: string): ScriptPlace {
  const holds = (service: DeployedService): boolean =>
    (service.copiedIntoImage?.some((copied) => isWithin(path, copied)) ?? false) ||
    service.compose.volumes.some((mount) => mount.type === 'bind' && mount.source === path);
  const holders = deployment.projects.flatMap((project) => project.services.filter(holds).map((service) => ({ project, service })));
  const [holder] = holders;
  if (holders.length > 1) return { kind: 'unknown' };
  return holder ? { kind: 'service', ...holder } : { kind: 'host' };
}

/**
 * The host paths the repository's scripts that run on the host may write (files, or the directory
 * before a name only the shell knows: `cp t "./conf.d/$name.conf"` → `conf.d`): what lies there
 * on the server is not only what the repository holds. A relative path is read from the script's
 * directory and from the repository's root, where scripts are usually run from.
 */
export function hostPathsWrittenByScripts(deployment: Deployment): string[] {
  const written = new Set<string>();
  for (const script of deployment.scripts) {
    if (placeOfScript(deployment, script.path).kind !== 'host') continue;
    for (const path of pathsWrittenByScript(script.text, { relative: true })) {
      if (path.startsWith('/')) written.add(path);
      else for (const base of [posix.dirname(script.path), script.repositoryRoot]) written.add(posix.join(base, path));
    }
  }
  return [...written];
}
