/**
 * Commands written into compose files, as YAML plain scalars. `$$` is compose's spelling of a
 * literal `$`: the shell, not compose, expands `${!}`.
 */

/**
 * The well-known reload loop for the official nginx image, started through the image's
 * entrypoint so that its start scripts (template rendering) still run: nginx picks up renewed
 * certificates within 6 hours. The fix of renewal-without-reload; earlier versions of the
 * bootstrap wrote it too, and the bootstrap now replaces it with its start script.
 */
export const nginxReloadLoopCommand = `/bin/sh -c 'while :; do sleep 6h & wait $\${!}; nginx -s reload; done & exec /docker-entrypoint.sh nginx -g "daemon off;"'`;

/**
 * certbot's renewal loop: `certbot renew` renews what is due (within 30 days of expiry) with the
 * settings each certificate was issued with, twice a day as Let's Encrypt recommends, and runs
 * the deploy hook after each renewal (so that nginx reloads). `trap` lets `docker compose stop`
 * end it at once instead of after the 10 s grace period.
 */
export function certbotRenewLoopEntrypoint(deployHook: string): string {
  return `/bin/sh -c 'trap exit TERM; while :; do certbot renew --deploy-hook ${deployHook}; sleep 12h & wait $\${!}; done'`;
}

/** The value compose hands to the container: `$$` read as `$`. */
export function interpolatedValue(yamlText: string): string {
  return yamlText.replace(/\$\$/g, '$');
}
