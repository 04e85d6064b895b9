/**
 * How long before expiry certbot renews a certificate (its renewal window), and the lifetimes
 * Let's Encrypt issues certificates with, now and as announced.
 *
 * certbot's rule, from certbot's source (certbot/src/certbot/_internal/renewal.py should_autorenew
 * and _default_renewal_time, acme/src/acme/client.py renewal_time; certbot 5.6.0) and CHANGELOG.md:
 * - before 4.0.0: renew when less than `renew_before_expiry` is left, "30 days" unless the lineage's
 *   renewal configuration sets another (3.3.0: _internal/constants.py RENEWER_DEFAULTS,
 *   _internal/storage.py RenewableCert.should_autorenew).
 * - 4.0.0 (2025-04-07): renew with a third of the lifetime left, half of it when the lifetime is
 *   under 10 days; `renew_before_expiry` still overrides that.
 * - 4.1.0 (2025-06-10): ask the CA for ACME Renewal Information (ARI) first, at every run, and renew
 *   once a moment drawn at random in the CA's suggested window has passed; certbot's own default only
 *   applies when the CA gives no ARI (a set `renew_before_expiry` still renews earlier than ARI).
 *   Let's Encrypt's window (boulder core/objects.go RenewalInfoSimple) is centred on a third of the
 *   lifetime left (half under 10 days) and reaches 1% of the lifetime either side, so a certificate
 *   is certainly due only with a third minus 1% of its lifetime left: 29 days 2 h 24 min of 90 days.
 *
 * Lifetimes: 90 days today (the `classic` profile, the default). Announced on 2025-12-02
 * (https://letsencrypt.org/2025/12/02/from-90-to-45): `tlsserver` (opt-in) issues 45-day
 * certificates from 2026-05-13; `classic` issues 64-day certificates from 2027-02-10 and 45-day ones
 * from 2028-02-16. `shortlived` (opt-in) certificates are valid for 160 hours, generally available
 * since 2026-01-15 (https://letsencrypt.org/2026/01/15/6day-and-ip-general-availability).
 * Lifetimes are notAfter − notBefore; Let's Encrypt backdates notBefore by about an hour, which
 * moves the issue date, not the window.
 */
import { secondsPerDay, secondsPerHour } from '../languages/schedule/schedule';

export type CertbotRenewalRule =
  /** certbot ≥ 4.1 against a CA that answers ARI, as Let's Encrypt does: certbot/certbot:latest. Optionally with `renew_before_expiry`. */
  | { readonly kind: 'ari'; readonly renewBeforeExpiry?: number }
  /** certbot 4.0, or a later one against a CA without ARI: a third of the lifetime left (half under 10 days). */
  | { readonly kind: 'lifetime-fraction' }
  /** A fixed time before expiry: certbot before 4.0 (30 days), or `renew_before_expiry` without ARI. */
  | { readonly kind: 'before-expiry'; readonly seconds: number };

export const certbotBefore4: CertbotRenewalRule = { kind: 'before-expiry', seconds: 30 * secondsPerDay };
export const currentCertbot: CertbotRenewalRule = { kind: 'ari' };

/** certbot's _default_renewal_time: the part of the lifetime left when certbot 4.0+ renews. */
function lifetimeFraction(lifetime: number): number {
  return lifetime < 10 * secondsPerDay ? lifetime / 2 : lifetime / 3;
}

/**
 * Seconds before expiry from which certbot certainly renews at its next run (never more than the
 * lifetime: a certificate due from the start is renewed at every run).
 */
export function certbotRenewalWindow(lifetime: number, rule: CertbotRenewalRule = currentCertbot): number {
  let window: number;
  switch (rule.kind) {
    case 'ari':
      window = Math.max(lifetimeFraction(lifetime) - lifetime / 100, rule.renewBeforeExpiry ?? 0);
      break;
    case 'lifetime-fraction':
      window = lifetimeFraction(lifetime);
      break;
    case 'before-expiry':
      window = rule.seconds;
      break;
  }
  return Math.min(window, lifetime);
}

export interface CertificateLifetime {
  readonly profile: 'classic' | 'tlsserver' | 'shortlived';
  /** Seconds from notBefore to notAfter. */
  readonly lifetime: number;
  /** The day certificates start being issued with it (YYYY-MM-DD); absent: in force today. */
  readonly from?: string;
  /** Only for subscribers who ask for the profile. */
  readonly optIn: boolean;
}

export const letsEncryptLifetimes: readonly CertificateLifetime[] = [
  { profile: 'classic', lifetime: 90 * secondsPerDay, optIn: false },
  { profile: 'shortlived', lifetime: 160 * secondsPerHour, from: '2026-01-15', optIn: true },
  { profile: 'tlsserver', lifetime: 45 * secondsPerDay, from: '2026-05-13', optIn: true },
  { profile: 'classic', lifetime: 64 * secondsPerDay, from: '2027-02-10', optIn: false },
  { profile: 'classic', lifetime: 45 * secondsPerDay, from: '2028-02-16', optIn: false },
];
