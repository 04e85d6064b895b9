/**
 * An image reference as docker reads it (distribution's reference grammar): `[registry/]path[:tag][@digest]`.
 * Docker Hub's names are normalised: `docker.io/library/nginx`, `index.docker.io/nginx` and
 * `nginx` are one repository, `nginx`. A registry of its own (`registry.example.com/nginx`,
 * `localhost:5000/nginx`) stays part of the repository: it is another image.
 */
export interface ImageReference {
  /** Lower-cased, without Docker Hub's registry and `library/`: `nginx`, `nginxinc/nginx-unprivileged`. */
  readonly repository: string;
  /** undefined: none written (docker pulls `latest`). */
  readonly tag: string | undefined;
  /** `sha256:…`, when pinned. */
  readonly digest: string | undefined;
}

export function parseImageReference(image: string): ImageReference {
  const trimmed = image.trim();
  const at = trimmed.indexOf('@');
  const digest = at < 0 ? undefined : trimmed.slice(at + 1);
  const name = at < 0 ? trimmed : trimmed.slice(0, at);
  // a colon after the last slash starts the tag; one before it belongs to a registry's port
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  const repository = (colon < 0 ? name : name.slice(0, colon))
    .toLowerCase()
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
  return { repository, tag: colon < 0 ? undefined : name.slice(colon + 1), digest };
}
