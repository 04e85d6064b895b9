import type { ConfigurationFile } from '../languages/nginx/configuration';
import type { TextSpan } from '../languages/nginx/syntax-tree';
import type { Position, SourceLocation } from '../text/source-location';
import type { ContainerView } from './container-view';

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
  const relative = source === undefined ? '(unknown)' : source.startsWith(`${projectDirectory}/`) ? `./${source.slice(projectDirectory.length + 1)}` : source;
  return `\`${relative}\` → \`${target ?? '(unknown)'}\``;
}

/** The LSP position of a UTF-16 offset in a text. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, character: offset - lineStart };
}
