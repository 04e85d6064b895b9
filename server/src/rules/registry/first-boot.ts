import { missingCertificateOnFirstBoot } from '../first-boot/missing-certificate-on-first-boot';
import { restartLoopOnFirstBoot } from '../first-boot/restart-loop-on-first-boot';
import type { Rule } from '../rule';

export const firstBootRules: readonly Rule[] = [missingCertificateOnFirstBoot, restartLoopOnFirstBoot];
