import { posix } from 'node:path';
import { containerLaunch, volumeOptions } from '../languages/shell/container-launch';
import { isWithin } from '../model/container-view';
import type { Deployment, RepositoryScript } from '../model/deployment';
import { describeMount } from '../model/locations';
import { positionAt } from '../text/line-index';
import type { SourceLocation } from '../text/source-location';
import { obtainsCertificate } from './certbot-directories';
import type { FirstBootFailure } from './first-boot-failures';

/**
 * A repository script whose `docker run` of certbot writes certificates to an absolute host path
 * outside the workspace that ends in a bind mount's source as the project names it
 * (`/root/docker/letsencrypt/etc` for `./letsencrypt/etc`): the same directory only when the
 * project directory is the rest of that path, which certboot cannot know.
 */
export interface WriterOutsideProject {
  readonly script: RepositoryScript;
  /** The host path the script mounts, as written (without a trailing slash). */
  readonly hostPath: string;
  /** The project directory under which the script's path is the mount's source. */
  readonly projectDirectory: string;
  /** The script's `-v` option. */
  readonly location: SourceLocation;
}

function normalized(path: string): string {
  return posix.normalize(path).replace(/(.)\/+$/, '$1');
}

/** The script writing the certificate nginx misses, for a bind mount of a host path nothing in the repository fills. */
export function writerOutsideProject(deployment: Deployment, failure: FirstBootFailure): WriterOutsideProject | undefined {
  const origin = failure.state.origin;
  if (failure.state.state !== 'absent' || origin.kind !== 'bind' || origin.mount.source === undefined || origin.mount.target === undefined) return undefined;
  const projectDirectory = failure.service.projectDirectory;
  const relativeSource = posix.relative(projectDirectory, origin.mount.source);
  if (relativeSource === '' || relativeSource.startsWith('..')) return undefined;
  const target = normalized(origin.mount.target);
  for (const script of deployment.scripts) {
    for (const invocation of script.certbotInvocations) {
      if (invocation.launcher !== 'docker-run' || !obtainsCertificate(invocation)) continue;
      const launch = containerLaunch(invocation.command.name ? [invocation.command.name, ...invocation.command.arguments] : invocation.command.arguments);
      for (const volume of volumeOptions(launch?.options ?? [])) {
        const text = volume.value.replace(/^(--volume=|-v)/, '');
        const [source, mountedAt] = text.split(':');
        if (!volume.literal || !source?.startsWith('/') || mountedAt === undefined || normalized(mountedAt) !== target) continue;
        const hostPath = normalized(source);
        if (isWithin(hostPath, deployment.workspaceRoot) || !hostPath.endsWith(`/${relativeSource}`)) continue;
        const span = volume.span;
        return {
          script,
          hostPath,
          projectDirectory: hostPath.slice(0, hostPath.length - relativeSource.length - 1) || '/',
          location: { file: script.path, range: { start: positionAt(script.text, span.start), end: positionAt(script.text, span.end) } },
        };
      }
    }
  }
  return undefined;
}

/** For messages: "`get-certificate.sh` writes the certificate to `/srv/proxy/letsencrypt/etc`, which is the mount … only if …". */
export function describeWriterOutsideProject(writer: WriterOutsideProject, failure: FirstBootFailure, workspaceRoot: string): string {
  const origin = failure.state.origin;
  const mount = origin.kind === 'bind' ? ` (${describeMount(origin.mount.source, origin.mount.target, failure.service.projectDirectory)})` : '';
  return (
    `\`${writer.script.path.slice(workspaceRoot.length + 1)}\` writes the certificate to \`${writer.hostPath}\`, ` +
    `which is the mount${mount} of service \`${failure.service.name}\` only if the project directory is \`${writer.projectDirectory}\``
  );
}
