/**
 * How much certboot knows about what an image holds and does at start. The official nginx
 * image and openresty's are known file by file; anything else leaves its own files unknown.
 */
export type NginxImageKind =
  /** nginx or nginx-unprivileged: default nginx.conf, conf.d/default.conf, template rendering. */
  | 'official'
  /** openresty/openresty: nginx.conf below /usr/local/openresty/nginx/conf/, conf.d/default.conf, no templates. */
  | 'openresty'
  /** Images that obtain certificates themselves and start nginx only when they can. */
  | 'manages-certificates';

function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  return repository.replace(/^(docker\.io\/|index\.docker\.io\/)/, '').replace(/^library\//, '');
}

export function nginxImageKind(image: string): NginxImageKind | undefined {
  const repository = repositoryOf(image);
  if (repository === 'nginx' || repository === 'nginxinc/nginx-unprivileged') return 'official';
  if (repository === 'openresty/openresty') return 'openresty';
  if (
    repository === 'jonasal/nginx-certbot' ||
    repository === 'staticfloat/nginx-certbot' ||
    repository === 'nginxproxy/nginx-proxy' ||
    repository === 'jwilder/nginx-proxy'
  ) {
    return 'manages-certificates';
  }
  return undefined;
}

export function isCertbotImage(image: string): boolean {
  const repository = repositoryOf(image);
  return repository === 'certbot/certbot' || repository.startsWith('certbot/dns-');
}
