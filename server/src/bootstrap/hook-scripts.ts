import { posix } from 'node:path';
import { generatedMarker } from './generated-scripts';
import { projectRelative, type BootstrapLayout } from './bootstrap-layout';
import { redirectFileName, stageTwoFileName } from './nginx-stages';

/** The file, in the stage-2 directory, whose every change asks nginx to reload. */
export const reloadTokenName = '.reload';

function display(layout: BootstrapLayout, path: string): string {
  return projectRelative(layout.project.compose.directory, path).replace(/^\.\//, '');
}

/**
 * certbot's deploy hook. certbot runs it in its own container after each issuance and renewal,
 * once the certificate files are in place (never on a dry run). For the bootstrapped lineage
 * it links the stage-2 files into the enabled directory, as the nginx container sees them;
 * then, for any lineage, it writes a new reload token, which the nginx container's start
 * script turns into `nginx -s reload`: certbot's container has neither nginx nor the docker
 * socket, so it cannot reload nginx itself.
 */
export function deployHookScript(layout: BootstrapLayout): string {
  const enabled = layout.enabledContainerPath;
  const files = [stageTwoFileName(layout), redirectFileName(layout)];
  return `#!/bin/sh
${generatedMarker}
# certbot's deploy hook, written by \`certboot bootstrap\`. certbot runs it inside its container
# (services \`${layout.issuerName}\` and \`${layout.renewerName}\`, --deploy-hook ${layout.hookContainerPath}) after each
# issuance and renewal, once the new certificate is in place; a dry run skips it.
#
# For ${layout.lineage} it enables stage 2: it links ${files.join(' and ')} of
# ${display(layout, layout.availableDirectory)}/ into ${display(layout, layout.enabledDirectory)}/ (link targets are paths in the nginx
# container). Then it asks nginx to reload by writing a new token to ${display(layout, layout.enabledDirectory)}/${reloadTokenName}:
# certbot's container cannot reach nginx, and ${display(layout, layout.reloadScriptPath)}
# in the nginx container reloads when the token changes. Safe to run again.
set -eu

enabled=${enabled}
name=$(basename "\${RENEWED_LINEAGE:?certbot sets RENEWED_LINEAGE for deploy hooks}")

if [ "$name" = ${layout.lineage} ]; then
    for file in ${files.join(' ')}; do
        ln -sfn "${layout.availableContainerPath}/$file" "$enabled/$file"
    done
    echo "enable-https: stage 2 (HTTPS) enabled for $name"
fi

echo "$name $(date -u +%Y-%m-%dT%H:%M:%SZ) $$" > "$enabled/${reloadTokenName}.tmp"
mv "$enabled/${reloadTokenName}.tmp" "$enabled/${reloadTokenName}"
echo "enable-https: nginx reloads within seconds"
`;
}

/** How often, in seconds, the nginx container looks at the reload token. */
const reloadInterval = 5;

/**
 * A start script of the official nginx image (mounted into /docker-entrypoint.d/, which the
 * image's entrypoint runs before nginx when the command starts with `nginx`): a loop in the
 * background that reloads nginx whenever certbot's deploy hook writes a new token.
 */
export function reloadStartScript(layout: BootstrapLayout): string {
  const token = posix.join(layout.enabledContainerPath, reloadTokenName);
  return `#!/bin/sh
${generatedMarker}
# Start script of the official nginx image, written by \`certboot bootstrap\` and mounted at
# ${layout.reloadScriptContainerPath}: the image's entrypoint runs it before nginx starts.
#
# certbot runs in another container and cannot signal nginx, so its deploy hook
# (${display(layout, layout.hookPath)}) writes a new token to ${token} after each
# issuance and renewal, and the loop below reloads nginx when the token changes: stage 2
# (HTTPS) switches on after the first certificate, and renewed certificates get served.
# A restart needs none of this: the stage-2 links are on disk and nginx loads them at start.
set -eu

token_file=${token}
interval=\${CERTBOOT_RELOAD_INTERVAL:-${reloadInterval}}

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
`;
}
