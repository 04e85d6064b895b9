import { acmeChallengeNotServed } from '../acme-challenge-not-served';
import type { Rule } from '../rule';
import { webrootMismatch } from '../webroot-mismatch';

export const challengeRules: readonly Rule[] = [acmeChallengeNotServed, webrootMismatch];
