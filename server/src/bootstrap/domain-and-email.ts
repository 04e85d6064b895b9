/**
 * The checks of a certificate request's names and address, with no imports: the CLI runs them on
 * its command line before it loads the rest of certboot.
 */

/**
 * A name Let's Encrypt can validate over HTTP-01: a dotted DNS name of letters, digits and
 * hyphens. Wildcards need DNS-01, and IP addresses and single labels get no certificate.
 */
export function isCertificateDomain(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2 || /^\d+$/.test(labels.at(-1) ?? '')) return false;
  return labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

/** An address certbot accepts that can be written into YAML and shell without quoting. */
export function isPlainEmail(email: string): boolean {
  return /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(email);
}
