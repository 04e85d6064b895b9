import { certbotNginxOptionsMissing } from '../certbot-nginx-options-missing';
import { certificateKeyMismatch } from '../certificate-key-mismatch';
import { certificateNameMismatch } from '../certificate-name-mismatch';
import { certificatePathNotLive } from '../certificate-path-not-live';
import { certificateWithoutChain } from '../certificate-without-chain';
import { letsencryptPartialMount } from '../letsencrypt-partial-mount';
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
