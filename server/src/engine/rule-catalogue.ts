import { composeSyntaxRuleId, nginxSyntaxRuleId } from './analyze-workspace';
import type { Severity } from '../text/findings';
import { rules } from '../rules/index';

/** What a report needs to know about a rule: SARIF's rule table, config validation. */
export interface RuleDescription {
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line: what triggers the rule. */
  readonly summary: string;
}

export const unusedSuppressionRuleId = 'unused-suppression';

/** Every id certboot can report: the checks of the engine itself, then the rules of the registry. */
export const ruleCatalogue: readonly RuleDescription[] = [
  { id: nginxSyntaxRuleId, defaultSeverity: 'error', summary: 'nginx rejects the configuration before it starts (nginx -t)' },
  { id: composeSyntaxRuleId, defaultSeverity: 'error', summary: 'docker compose cannot read the file, or reads a value differently from how it looks' },
  ...rules.map((rule): RuleDescription => ({ id: rule.id, defaultSeverity: rule.defaultSeverity, summary: rule.summary })),
  { id: unusedSuppressionRuleId, defaultSeverity: 'info', summary: 'a certboot-disable-next-line comment that suppresses nothing' },
];

export function findRule(ruleId: string): RuleDescription | undefined {
  return ruleCatalogue.find((rule) => rule.id === ruleId);
}
