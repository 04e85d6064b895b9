import { acmRules } from './registry/acm';
import { certificateRules } from './registry/certificates';
import { challengeRules } from './registry/challenge';
import { collisionRules } from './registry/collisions';
import { firstBootRules } from './registry/first-boot';
import { renewalRules } from './registry/renewal';
import type { Rule } from './rule';

/** Every rule, in the catalogue's order (../shared/RULES.md); each registry lists one section. */
export const rules: readonly Rule[] = [...firstBootRules, ...challengeRules, ...certificateRules, ...collisionRules, ...renewalRules, ...acmRules];
