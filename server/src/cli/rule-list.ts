import type { AnyRule } from '../rules/rule';
import { columns } from './arguments';

/** `certboot rules`: a header, then one rule a line: id, category, default severity, whether it fixes, what it checks. */
export function formatRuleList(rules: readonly AnyRule[]): string {
  const rows = rules.map((rule) => [rule.id, rule.category, rule.defaultSeverity, rule.fixable, rule.summary]);
  return `${columns([['RULE', 'CATEGORY', 'SEVERITY', 'FIXES', 'CHECKS'], ...rows], '')}\n`;
}
