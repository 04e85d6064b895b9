#!/bin/sh
# Start script of the official nginx image, written by `certboot bootstrap` and mounted at
# /docker-entrypoint.d/40-reload-on-certificate.sh: the image's entrypoint runs it before nginx starts.
#
# certbot runs in another container and cannot signal nginx, so its deploy hook
# (certbot/hooks/enable-https.sh) writes a new token to /etc/nginx/https-enabled/.reload after each
# issuance and renewal, and the loop below reloads nginx when the token changes: stage 2
# (HTTPS) switches on after the first certificate, and renewed certificates get served.
# A restart needs none of this: the stage-2 links are on disk and nginx loads them at start.
set -eu

token_file=/etc/nginx/https-enabled/.reload
interval=${CERTBOOT_RELOAD_INTERVAL:-5}

(
    seen=$(cat "$token_file" 2>/dev/null || true)
    while sleep "$interval"; do
        token=$(cat "$token_file" 2>/dev/null || true)
        if [ "$token" != "$seen" ]; then
            seen=$token
            echo "$0: the certificate changed ($token): reloading nginx"
            nginx -s reload || echo "$0: nginx -s reload failed; nginx keeps its previous configuration" >&2
        fi
    done
) &
