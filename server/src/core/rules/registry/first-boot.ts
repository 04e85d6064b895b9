import { missingCertificateOnFirstBoot } from '../missing-certificate-on-first-boot';
import { restartLoopOnFirstBoot } from '../restart-loop-on-first-boot';
import type { Rule } from '../rule';

export const firstBootRules: readonly Rule[] = [missingCertificateOnFirstBoot, restartLoopOnFirstBoot];
