/** The prefix of the nginx images and of a host's nginx package. */
export const defaultNginxPrefix = '/etc/nginx/';

/**
 * nginx resolves a relative path against a prefix: `root` and `alias` against its prefix (`-p`),
 * `include` and certificate files against the main configuration's directory. Both are
 * /etc/nginx/ in the nginx images.
 */
export function resolveNginxPath(path: string, prefix: string = defaultNginxPrefix): string {
  if (path.startsWith('/')) return path;
  return prefix.endsWith('/') ? `${prefix}${path}` : `${prefix}/${path}`;
}
