import { posix } from 'node:path';
import { parseImageReference } from '../languages/dockerfile/image-reference';

/**
 * The files of the openresty/openresty images (docker-openresty) that a configuration reads, as
 * they ship them: nginx is built with the prefix /usr/local/openresty/nginx/ and loads
 * conf/nginx.conf there, which docker-openresty replaces with one that loads
 * /etc/nginx/conf.d/*.conf; conf.d holds default.conf, the upstream example server.
 */
export const openrestyPrefix = '/usr/local/openresty/nginx/';
export const openrestyMainConfigurationPath = posix.join(openrestyPrefix, 'conf/nginx.conf');

export const openrestyConfiguration = `worker_processes  1;

events {
    worker_connections  1024;
}

http {
    include       mime.types;
    default_type  application/octet-stream;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

export const openrestyDefaultServer = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/local/openresty/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/local/openresty/nginx/html;
    }
}
`;

/** A types block stands in for mime.types: its entries never matter here. */
const mimeTypesPlaceholder = 'types {\n    text/html html htm shtml;\n}\n';

export const openrestyFiles: ReadonlyMap<string, string> = new Map([
  [openrestyMainConfigurationPath, openrestyConfiguration],
  ['/etc/nginx/conf.d/default.conf', openrestyDefaultServer],
  [posix.join(openrestyPrefix, 'conf/mime.types'), mimeTypesPlaceholder],
]);

/** Directories whose whole content is known: the image's COPY is all that conf.d holds. */
export const openrestyKnownDirectories: ReadonlySet<string> = new Set(['/etc/nginx/conf.d']);

/**
 * Whether the tag names a flavour laid out as above. The Windows images live elsewhere, and the
 * debug and valgrind builds install below /usr/local/openresty-debug/ (-valgrind/); a tag that
 * depends on a variable could be any of them.
 */
export function isKnownOpenrestyFlavour(image: string): boolean {
  const tag = parseImageReference(image).tag ?? 'latest';
  return /^[A-Za-z0-9._-]+$/.test(tag) && !/windows|nanoserver|debug|valgrind/i.test(tag);
}
