#!/bin/sh
# Obtains the Let's Encrypt certificate for example.com, www.example.com and switches nginx to
# HTTPS, on the server, from the project's directory or anywhere. Written by `certboot bootstrap`.
#
# nginx starts in stage 1 (port 80: the ACME challenge, 503 for the rest), which needs no
# certificate. certbot's deploy hook (certbot/hooks/enable-https.sh) enables stage 2 (HTTPS)
# once the certificate exists, and nginx reloads by itself
# (nginx/entrypoint.d/40-reload-on-certificate.sh); no file is edited by hand.
#
# Safe to run again: it requests nothing while /etc/letsencrypt/live/example.com/fullchain.pem
# exists (it runs the deploy hook once instead, so that stage 2 is enabled), renewals are the
# job of service `certbot-renew`, and it never deletes anything under /etc/letsencrypt/live.
#
# SKIP_DNS_CHECK=1 skips the DNS check (behind a load balancer or a CDN, say);
# PUBLIC_ADDRESS=203.0.113.7 names this host's public address when it cannot be found out.
set -eu

cd "$(dirname "$0")/.."

domains="example.com www.example.com"

# This host's addresses: those of its interfaces, and the public ones others see (behind NAT).
host_addresses() {
    hostname -I 2>/dev/null | tr ' ' '\n'
    if command -v dig >/dev/null 2>&1; then
        dig -4 +short +time=3 +tries=1 A myip.opendns.com @resolver1.opendns.com 2>/dev/null || true
        dig -6 +short +time=3 +tries=1 AAAA myip.opendns.com @resolver1.opendns.com 2>/dev/null || true
    fi
    if [ -n "${PUBLIC_ADDRESS:-}" ]; then echo "$PUBLIC_ADDRESS"; fi
}

# The A and AAAA records of a name as public resolvers answer them (CNAME targets left out).
public_records() {
    if command -v dig >/dev/null 2>&1; then
        for resolver in 1.1.1.1 8.8.8.8; do
            dig +short +time=3 +tries=1 A "$1" @"$resolver" 2>/dev/null || true
            dig +short +time=3 +tries=1 AAAA "$1" @"$resolver" 2>/dev/null || true
        done | grep -v '\.$' | sort -u
    else
        getent ahosts "$1" | awk '{ print $1 }' | sort -u
    fi
}

# Let's Encrypt connects to every address of the name (IPv6 first): all must be this host.
points_here() {
    records=$(public_records "$1")
    [ -n "$records" ] || return 1
    addresses=$(host_addresses)
    for record in $records; do
        echo "$addresses" | grep -qxF "$record" || return 1
    done
}

check_dns() {
    for domain in $domains; do
        attempt=1
        until points_here "$domain"; do
            if [ "$attempt" -ge 30 ]; then
                echo "$domain does not point at this host yet (public DNS: $(public_records "$domain" | tr '\n' ' ')): set its A/AAAA records, or run with SKIP_DNS_CHECK=1." >&2
                exit 1
            fi
            echo "Waiting for the DNS records of $domain to reach public resolvers ($attempt/30)…"
            attempt=$((attempt + 1))
            sleep 20
        done
        echo "$domain points at this host."
    done
}

echo "Starting nginx in stage 1 (port 80 only)…"
docker compose up -d nginx

if docker compose run --rm --no-deps --entrypoint test certbot -f /etc/letsencrypt/live/example.com/fullchain.pem; then
    echo "The certificate for example.com exists already: nothing to request. Running the deploy hook, so that HTTPS is enabled…"
    docker compose run --rm --no-deps --entrypoint /hooks/enable-https.sh -e RENEWED_LINEAGE=/etc/letsencrypt/live/example.com certbot
else
    if [ "${SKIP_DNS_CHECK:-0}" != 1 ]; then check_dns; fi
    echo "Dry run against Let's Encrypt's staging server…"
    docker compose run --rm certbot certonly --webroot -w /var/www/certbot --cert-name example.com -d example.com -d www.example.com --email admin@example.com --agree-tos --no-eff-email --non-interactive --keep-until-expiring --deploy-hook /hooks/enable-https.sh --dry-run
    echo "Requesting the certificate (its deploy hook enables HTTPS)…"
    docker compose run --rm certbot
fi

echo "Checking the HTTPS configuration…"
if ! docker compose exec -T nginx nginx -t; then
    # back to stage 1, so that the next start of nginx does not fail on this configuration
    rm -f nginx/https-enabled/example.com.conf nginx/https-enabled/example.com.redirect
    echo "nginx rejects the HTTPS configuration: stage 2 is disabled again. Fix nginx/https-available/example.com.conf and run this script again." >&2
    exit 1
fi

echo "Starting the renewal loop…"
docker compose up -d certbot-renew
echo "HTTPS is on for example.com, www.example.com once nginx has reloaded, within seconds (docker compose logs nginx)."
