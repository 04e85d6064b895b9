import { parseImageReference } from '../languages/dockerfile/image-reference';

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

export function nginxImageKind(image: string): NginxImageKind | undefined {
  const repository = parseImageReference(image).repository;
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
  const repository = parseImageReference(image).repository;
  return repository === 'certbot/certbot' || repository.startsWith('certbot/dns-');
}
