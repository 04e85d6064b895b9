import type { ConfigurationFile } from '../languages/nginx/configuration';
import type { TextSpan } from '../languages/nginx/syntax-tree';
import type { SourceLocation } from '../text/source-location';
import type { ContainerView } from './container-view';
import { projectRelativePath } from '../text/paths';

/**
 * Where a token of a configuration a container loads stands in the repository: the host file
 * behind the bind mount. undefined for files of the image itself, which no edit can reach.
 */
export function hostLocation(view: ContainerView, file: ConfigurationFile, span: TextSpan): SourceLocation | undefined {
  const origin = view.origin(file.path);
  if (origin.kind === 'image') return origin.template?.locate(span.toRange());
  if (origin.kind !== 'bind') return undefined;
  return { file: origin.hostPath, range: span.toRange() };
}

/** A bind mount as compose shows it in messages: `./certbot/conf` → `/etc/letsencrypt`. */
export function describeMount(source: string | undefined, target: string | undefined, projectDirectory: string): string {
  const relative = source === undefined ? '(unknown)' : projectRelativePath(projectDirectory, source);
  return `\`${relative}\` → \`${target ?? '(unknown)'}\``;
}
