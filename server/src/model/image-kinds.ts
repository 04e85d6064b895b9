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

/**
 * The other names the images certboot knows are published under, each to the name certboot's
 * tables use. Each project pushes every release to several registries:
 * - nginx-proxy and acme-companion: GitHub's registry and Docker Hub, under their current and
 *   former Docker Hub names (.github/workflows/build-publish.yml of github.com/nginx-proxy/nginx-proxy
 *   and github.com/nginx-proxy/acme-companion, `images:` of docker/metadata-action);
 * - linuxserver's SWAG: Docker Hub, GitLab's, GitHub's and Quay's registries (github.com/linuxserver/docker-swag
 *   Jenkinsfile, `for PUSHIMAGE in "${IMAGE}" "${GITLABIMAGE}" "${GITHUBIMAGE}" "${QUAYIMAGE}"`) and
 *   linuxserver's own lscr.io (its README). Until 2020 it was `linuxserver/letsencrypt`
 *   (github.com/linuxserver/docker-letsencrypt, README: "this image is moved to a new repo", Jenkinsfile
 *   pushing to Docker Hub, GitHub's and GitLab's registries), with the same /config, the same
 *   VALIDATION (http by default, tls-sni falling back to it) and certbot run by its s6 init
 *   (root/etc/cont-init.d/50-config).
 */
const otherNames: ReadonlyMap<string, string> = new Map([
  ['ghcr.io/nginx-proxy/nginx-proxy', 'nginxproxy/nginx-proxy'],
  ['ghcr.io/nginx-proxy/acme-companion', 'nginxproxy/acme-companion'],
  ['lscr.io/linuxserver/swag', 'linuxserver/swag'],
  ['ghcr.io/linuxserver/swag', 'linuxserver/swag'],
  ['registry.gitlab.com/linuxserver.io/docker-swag/swag', 'linuxserver/swag'],
  ['quay.io/linuxserver.io/swag', 'linuxserver/swag'],
  ['linuxserver/letsencrypt', 'linuxserver/swag'],
  ['ghcr.io/linuxserver/letsencrypt', 'linuxserver/swag'],
  ['registry.gitlab.com/linuxserver.io/docker-letsencrypt/letsencrypt', 'linuxserver/swag'],
]);

/**
 * An image's repository (see parseImageReference) under the name certboot knows it by:
 * `ghcr.io/nginx-proxy/acme-companion:2.2` is `nginxproxy/acme-companion`.
 */
export function knownRepository(image: string): string {
  const repository = parseImageReference(image).repository;
  return otherNames.get(repository) ?? repository;
}

export function nginxImageKind(image: string): NginxImageKind | undefined {
  const repository = knownRepository(image);
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
