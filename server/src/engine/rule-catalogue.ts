import type { Severity } from '../text/findings';
import { rules } from '../rules/index';

/** What a report needs to know about a rule: SARIF's rule table, config validation. */
export interface RuleDescription {
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line: what triggers the rule. */
  readonly summary: string;
}

/** Every id certboot can report. */
export const ruleCatalogue: readonly RuleDescription[] = rules;

export function findRule(ruleId: string): RuleDescription | undefined {
  return ruleCatalogue.find((rule) => rule.id === ruleId);
}
