import { certificateNeverRenewed } from '../certificate-never-renewed';
import { forceRenewalInLoop } from '../force-renewal-in-loop';
import { ocspStaplingLetsencrypt } from '../ocsp-stapling-letsencrypt';
import { renewalWithoutReload } from '../renewal-without-reload';
import type { Rule } from '../rule';
import { stagingCertificate } from '../staging-certificate';
import { templateNotRendered } from '../template-not-rendered';

export const renewalRules: readonly Rule[] = [
  certificateNeverRenewed,
  renewalWithoutReload,
  templateNotRendered,
  forceRenewalInLoop,
  stagingCertificate,
  ocspStaplingLetsencrypt,
];
