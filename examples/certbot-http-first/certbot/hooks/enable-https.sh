#!/bin/sh
# certbot's deploy hook, written by `certboot bootstrap`. certbot runs it inside its container
# (services `certbot` and `certbot-renew`, --deploy-hook /hooks/enable-https.sh) after each
# issuance and renewal, once the new certificate is in place; a dry run skips it.
#
# For example.com it enables stage 2: it links example.com.conf and example.com.redirect of
# nginx/https-available/ into nginx/https-enabled/ (link targets are paths in the nginx
# container). Then it asks nginx to reload by writing a new token to nginx/https-enabled/.reload:
# certbot's container cannot reach nginx, and nginx/entrypoint.d/40-reload-on-certificate.sh
# in the nginx container reloads when the token changes. Safe to run again.
set -eu

enabled=/etc/nginx/https-enabled
name=$(basename "${RENEWED_LINEAGE:?certbot sets RENEWED_LINEAGE for deploy hooks}")

if [ "$name" = example.com ]; then
    for file in example.com.conf example.com.redirect; do
        ln -sfn "/etc/nginx/https-available/$file" "$enabled/$file"
    done
    echo "enable-https: stage 2 (HTTPS) enabled for $name"
fi

echo "$name $(date -u +%Y-%m-%dT%H:%M:%SZ) $$" > "$enabled/.reload.tmp"
mv "$enabled/.reload.tmp" "$enabled/.reload"
echo "enable-https: nginx reloads within seconds"
