/**
 * What certbot's options-ssl-nginx.conf sets, minus the DHE suites (without `ssl_dhparam` nginx
 * offers none): TLS 1.2 and 1.3, forward-secret AEAD suites, a shared session cache, no tickets.
 * certbot's nginx installer writes that file; `certonly` never does, so the settings are written
 * inline instead, both by the certbot-nginx-options-missing fix and by the bootstrap generator.
 */
export const inlineTlsSettings: readonly (readonly [string, string])[] = [
  ['ssl_protocols', 'TLSv1.2 TLSv1.3'],
  [
    'ssl_ciphers',
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  ],
  ['ssl_prefer_server_ciphers', 'off'],
  ['ssl_session_cache', 'shared:SSL:10m'],
  ['ssl_session_timeout', '1d'],
  ['ssl_session_tickets', 'off'],
];

/**
 * The settings a block still lacks. A second `ssl_session_cache` anywhere would be a duplicate
 * zone declaration, so the cache is left out when the configuration already sets one.
 */
export function missingTlsSettings(presentInBlock: ReadonlySet<string>, sessionCacheElsewhere: boolean): (readonly [string, string])[] {
  return inlineTlsSettings.filter(([name]) => !presentInBlock.has(name) && !(name === 'ssl_session_cache' && sessionCacheElsewhere));
}

/** The directives as lines aligned on their values; every line after the first starts with `indentation`. */
export function formatTlsSettings(settings: readonly (readonly [string, string])[], indentation: string): string {
  const width = Math.max(...settings.map(([name]) => name.length));
  return settings.map(([name, value]) => `${name.padEnd(width)} ${value};`).join(`\n${indentation}`);
}
