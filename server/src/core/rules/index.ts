import { missingCertificateOnFirstBoot } from './missing-certificate-on-first-boot';
import { restartLoopOnFirstBoot } from './restart-loop-on-first-boot';
import type { Rule } from './rule';

/** Every rule, in the catalogue's order (../shared/RULES.md). */
export const rules: readonly Rule[] = [missingCertificateOnFirstBoot, restartLoopOnFirstBoot];
