import type { ImageFiles } from './container-view';

/**
 * Files an nginx package installs under /etc/nginx on a host — Debian's `nginx-common` and
 * nginx.org's `nginx` — that configurations include by name (`include mime.types;`). A
 * repository that holds a host's configuration is copied over them, so they are there on a
 * fresh server even though the repository lacks them. Their content does not matter to any rule.
 * The package's server blocks (`sites-enabled/default`, `conf.d/default.conf`) are left out: a
 * deployment may remove them, and certboot cannot tell.
 */
const packageFiles = [
  'fastcgi.conf',
  'fastcgi_params',
  'koi-utf',
  'koi-win',
  'mime.types',
  'proxy_params',
  'scgi_params',
  'snippets/fastcgi-php.conf',
  'snippets/snakeoil.conf',
  'uwsgi_params',
  'win-utf',
];

export function hostNginxPackageFiles(): ImageFiles {
  return {
    files: new Map(packageFiles.map((name) => [`/etc/nginx/${name}`, ''])),
    unknownBelow: [],
    knownDirectories: new Set(),
    absentBelow: [],
    writtenAtStart: new Set(),
    underCopies: true,
  };
}
