import { certificateNeverRenewed } from '../renewal/certificate-never-renewed';
import { forceRenewalInLoop } from '../renewal/force-renewal-in-loop';
import { ocspStaplingLetsencrypt } from '../renewal/ocsp-stapling-letsencrypt';
import { renewalWithoutReload } from '../renewal/renewal-without-reload';
import type { Rule } from '../rule';
import { stagingCertificate } from '../renewal/staging-certificate';
import { templateNotRendered } from '../renewal/template-not-rendered';

export const renewalRules: readonly Rule[] = [
  certificateNeverRenewed,
  renewalWithoutReload,
  templateNotRendered,
  forceRenewalInLoop,
  stagingCertificate,
  ocspStaplingLetsencrypt,
];
