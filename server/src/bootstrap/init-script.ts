import { posix } from 'node:path';
import { generatedMarker } from './generated-scripts';
import type { BootstrapLayout } from './bootstrap-layout';
import { certonlyArguments } from './certbot-command';
import { redirectFileName, stageTwoFileName } from './nginx-stages';

/**
 * The script that takes a fresh server from stage 1 to HTTPS: stage 1 up, the DNS check, a dry
 * run, the request (whose deploy hook enables stage 2), a check of the HTTPS configuration, and
 * the renewal loop. Every name in it is written out (no variables in the docker commands), so
 * that certboot — and a reader — can see exactly which service runs which certbot command.
 */
export function initScript(layout: BootstrapLayout): string {
  const projectDirectory = layout.project.compose.directory;
  const toProject = posix.relative(posix.dirname(layout.scriptPath), projectDirectory) || '.';
  const relative = (path: string): string => posix.relative(projectDirectory, path);
  const enabled = relative(layout.enabledDirectory);
  const stageTwo = stageTwoFileName(layout);
  const redirect = redirectFileName(layout);
  const lineage = `${layout.certificates.certbotPath}/live/${layout.lineage}`;
  const live = `${lineage}/fullchain.pem`;
  const issue = `docker compose run --rm ${layout.issuerName}`;
  const nginx = layout.nginx.name;
  return `#!/bin/sh
${generatedMarker}
# Obtains the Let's Encrypt certificate for ${layout.domains.join(', ')} and switches nginx to
# HTTPS, on the server, from the project's directory or anywhere. Written by \`certboot bootstrap\`.
#
# nginx starts in stage 1 (port 80: the ACME challenge, 503 for the rest), which needs no
# certificate. certbot's deploy hook (${relative(layout.hookPath)}) enables stage 2 (HTTPS)
# once the certificate exists, and nginx reloads by itself
# (${relative(layout.reloadScriptPath)}); no file is edited by hand.
#
# Safe to run again: it requests nothing while ${live}
# exists (it runs the deploy hook once instead, so that stage 2 is enabled), renewals are the
# job of service \`${layout.renewerName}\`, and it never deletes anything under ${layout.certificates.certbotPath}/live.
#
# SKIP_DNS_CHECK=1 skips the DNS check (behind a load balancer or a CDN, say);
# PUBLIC_ADDRESS=203.0.113.7 names this host's public address when it cannot be found out.
set -eu

cd "$(dirname "$0")/${toProject}"

domains="${layout.domains.join(' ')}"

# This host's addresses: those of its interfaces, and the public ones others see (behind NAT).
host_addresses() {
    hostname -I 2>/dev/null | tr ' ' '\\n'
    if command -v dig >/dev/null 2>&1; then
        dig -4 +short +time=3 +tries=1 A myip.opendns.com @resolver1.opendns.com 2>/dev/null || true
        dig -6 +short +time=3 +tries=1 AAAA myip.opendns.com @resolver1.opendns.com 2>/dev/null || true
    fi
    if [ -n "\${PUBLIC_ADDRESS:-}" ]; then echo "$PUBLIC_ADDRESS"; fi
}

# The A and AAAA records of a name as public resolvers answer them (CNAME targets left out).
public_records() {
    if command -v dig >/dev/null 2>&1; then
        for resolver in 1.1.1.1 8.8.8.8; do
            dig +short +time=3 +tries=1 A "$1" @"$resolver" 2>/dev/null || true
            dig +short +time=3 +tries=1 AAAA "$1" @"$resolver" 2>/dev/null || true
        done | grep -v '\\.$' | sort -u
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
                echo "$domain does not point at this host yet (public DNS: $(public_records "$domain" | tr '\\n' ' ')): set its A/AAAA records, or run with SKIP_DNS_CHECK=1." >&2
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
docker compose up -d ${nginx}

if docker compose run --rm --no-deps --entrypoint test ${layout.issuerName} -f ${live}; then
    echo "The certificate for ${layout.lineage} exists already: nothing to request. Running the deploy hook, so that HTTPS is enabled…"
    docker compose run --rm --no-deps --entrypoint ${layout.hookContainerPath} -e RENEWED_LINEAGE=${lineage} ${layout.issuerName}
else
    if [ "\${SKIP_DNS_CHECK:-0}" != 1 ]; then check_dns; fi
    echo "Dry run against Let's Encrypt's staging server…"
    ${issue} ${certonlyArguments(layout).join(' ')} --dry-run
    echo "Requesting the certificate (its deploy hook enables HTTPS)…"
    ${issue}
fi

echo "Checking the HTTPS configuration…"
if ! docker compose exec -T ${nginx} nginx -t; then
    # back to stage 1, so that the next start of nginx does not fail on this configuration
    rm -f ${enabled}/${stageTwo} ${enabled}/${redirect}
    echo "nginx rejects the HTTPS configuration: stage 2 is disabled again. Fix ${relative(posix.join(layout.availableDirectory, stageTwo))} and run this script again." >&2
    exit 1
fi

echo "Starting the renewal loop…"
docker compose up -d ${layout.renewerName}
echo "HTTPS is on for ${layout.domains.join(', ')} once nginx has reloaded, within seconds (docker compose logs ${nginx})."
`;
}
