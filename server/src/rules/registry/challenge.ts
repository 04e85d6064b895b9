import { acmeChallengeNotServed } from '../first-boot/acme-challenge-not-served';
import type { Rule } from '../rule';
import { webrootMismatch } from '../first-boot/webroot-mismatch';

export const challengeRules: readonly Rule[] = [acmeChallengeNotServed, webrootMismatch];
