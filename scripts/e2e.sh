#!/usr/bin/env bash
# End-to-end tier: real nginx, certbot, pebble, neovim and chromium (and systemd-analyze and
# busybox for the schedule parsers), with compose
# containers emulated by Linux namespaces (no Docker engine runs on these machines).
# Machines are handed over fresh, so this script installs what it needs; on a machine
# that already has everything it only checks and goes straight to the tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(nginx certbot pebble neovim chromium iproute2 util-linux curl openssl gettext-base systemd busybox pre-commit git)
# Debian's pebble package ships both the ACME server and its challenge test server.
programs=(nginx certbot pebble pebble-challtestsrv nvim chromium unshare nsenter ip ss curl openssl envsubst systemd-analyze busybox timeout pre-commit git)

# PATH of a non-login shell may lack the sbin directories where nginx and ip live.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

missing_packages=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing_packages+=("$package")
  fi
done

if ((${#missing_packages[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "e2e: missing Debian packages: ${missing_packages[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "e2e: installing ${missing_packages[*]}"
  install_started=$SECONDS

  # Debian's maintainer scripts start nginx right after unpacking it; a system nginx
  # listening on port 80 would outlive the tests and hide the bugs they look for.
  # invoke-rc.d consults policy-rc.d, and exit code 101 means "action forbidden".
  created_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=true
  fi
  remove_policy() {
    if [[ $created_policy == true ]]; then rm -f /usr/sbin/policy-rc.d; fi
  }
  trap remove_policy EXIT

  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp)"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    echo "e2e: FAILED: apt-get could not install ${missing_packages[*]}" >&2
    exit 1
  fi
  rm -f "$apt_log"
  remove_policy
  trap - EXIT
  echo "e2e: install took $((SECONDS - install_started)) s"
else
  echo "e2e: all Debian packages present (install took 0 s)"
fi

# Even with the policy in place (or when nginx was installed earlier by someone else),
# make sure no host nginx is left holding port 80.
if [[ -s /run/nginx.pid ]] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  echo "e2e: stopping the system nginx (pid $(cat /run/nginx.pid)) so port 80 stays free"
  nginx -s quit 2>/dev/null || kill "$(cat /run/nginx.pid)"
  for _ in $(seq 50); do
    [[ -s /run/nginx.pid ]] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null || break
    sleep 0.1
  done
fi

missing_programs=()
for program in "${programs[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing_programs+=("$program")
done
if ((${#missing_programs[@]} > 0)); then
  echo "e2e: FAILED: not on PATH after install: ${missing_programs[*]}" >&2
  exit 1
fi

# The container harness (test/e2e/support/container.ts) needs mount, network and PID
# namespaces, which only root (CAP_SYS_ADMIN) may create.
if ! unshare --mount --net --pid --fork --propagation private true 2>/dev/null; then
  echo "e2e: FAILED: cannot create mount + network namespaces here (needs root and CAP_SYS_ADMIN)" >&2
  exit 1
fi

# Extra arguments go to mocha, e.g. --grep "first boot".
npx mocha --config .mocharc.e2e.json "$@"

# The fuzzer's fixed short run: the same inputs on every machine (npm run fuzz -- --seed N --inputs N for more).
npx tsx scripts/fuzz.ts --seed 1 --inputs 200

# The editors: Neovim as a plain LSP client, then a real VS Code (code-server) in Chromium.
npx mocha --config test/neovim/.mocharc.json
bash scripts/e2e-vscode.sh
