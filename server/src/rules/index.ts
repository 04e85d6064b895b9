import { acmRules } from './registry/acm';
import { certificateRules } from './registry/certificates';
import { challengeRules } from './registry/challenge';
import { collisionRules } from './registry/collisions';
import { firstBootRules } from './registry/first-boot';
import { renewalRules } from './registry/renewal';
import type { AnyRule } from './rule';
import { unusedSuppression } from './suppressions/unused-suppression';
import { composeSyntax } from './syntax/compose-syntax';
import { nginxSyntax } from './syntax/nginx-syntax';

/** Every rule, in the catalogue's order (../shared/RULES.md); each registry lists one section. */
export const rules: readonly AnyRule[] = [
  nginxSyntax,
  composeSyntax,
  ...firstBootRules,
  ...challengeRules,
  ...certificateRules,
  ...collisionRules,
  ...renewalRules,
  ...acmRules,
  unusedSuppression,
];

export function findRule(ruleId: string): AnyRule | undefined {
  return rules.find((rule) => rule.id === ruleId);
}
