import { certbotNginxOptionsMissing } from '../first-boot/certbot-nginx-options-missing';
import { certificateKeyMismatch } from '../certificate-paths/certificate-key-mismatch';
import { certificateNameMismatch } from '../certificate-paths/certificate-name-mismatch';
import { certificatePathNotLive } from '../certificate-paths/certificate-path-not-live';
import { certificateWithoutChain } from '../certificate-paths/certificate-without-chain';
import { letsencryptPartialMount } from '../first-boot/letsencrypt-partial-mount';
import type { Rule } from '../rule';

/**
 * The rules of the catalogue's "Certificate paths" section, and the two first-boot rules about
 * what certbot's directory holds (certbot-nginx-options-missing, letsencrypt-partial-mount).
 */
export const certificateRules: readonly Rule[] = [
  certbotNginxOptionsMissing,
  letsencryptPartialMount,
  certificatePathNotLive,
  certificateWithoutChain,
  certificateKeyMismatch,
  certificateNameMismatch,
];
