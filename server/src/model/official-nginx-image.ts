/**
 * The files of the official nginx image that a configuration reads, as the image ships them
 * (nginx.conf loads conf.d/*.conf; conf.d holds default.conf). Only their presence and these
 * includes matter to the analysis.
 */
export const officialNginxConfiguration = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

export const officialDefaultServer = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

/** A types block stands in for the image's mime.types: its entries never matter here. */
const mimeTypesPlaceholder = 'types {\n    text/html html htm shtml;\n}\n';

/*
 * The parameter files the nginx package installs beside nginx.conf (nginx's conf/fastcgi_params,
 * scgi_params, uwsgi_params): `fastcgi_param NAME $builtin_variable;` lines, which no rule
 * reads. Empty stand-ins say that they are there and hold nothing a rule looks for.
 */
const parameterFiles = ['fastcgi_params', 'scgi_params', 'uwsgi_params'];

/*
 * The charset tables nginx's source carries (conf/koi-utf, koi-win, win-utf): nginx.org's older
 * packages installed them into /etc/nginx, newer ones do not. Counted as present, so an include of
 * one is never reported: which image version holds them is not known here.
 */
const charsetTables = ['koi-utf', 'koi-win', 'win-utf'];

/** What the image's /etc/nginx holds (nginx.org's package: nginx.conf, conf.d/default.conf, mime.types, the parameter files, modules/). */
export const officialNginxFiles: ReadonlyMap<string, string> = new Map([
  ['/etc/nginx/nginx.conf', officialNginxConfiguration],
  ['/etc/nginx/conf.d/default.conf', officialDefaultServer],
  ['/etc/nginx/mime.types', mimeTypesPlaceholder],
  ...parameterFiles.map((name): [string, string] => [`/etc/nginx/${name}`, '']),
  ...charsetTables.map((name): [string, string] => [`/etc/nginx/${name}`, '']),
]);

/** The official image's entrypoint runs the scripts of this directory before nginx starts. */
export const entrypointScriptDirectory = '/docker-entrypoint.d';

/** Directories of the image whose whole content certboot knows (listing them is exact). */
export const officialNginxKnownDirectories: ReadonlySet<string> = new Set(['/etc/nginx/conf.d']);

/** The image's entrypoint renders these into conf.d, substituting environment variables. */
export const templateDirectory = '/etc/nginx/templates';
export const templateSuffix = '.template';
export const templateOutputDirectory = '/etc/nginx/conf.d';
