import type { Deployment } from '../model/deployment';
import type { Finding, Severity } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';

export interface RuleContext {
  readonly deployment: Deployment;
  /** The workspace as the editor sees it (unsaved buffers included). */
  readonly fileSystem: FileSystem;
}

/** What a rule reports; the runner adds the rule id and the configured severity. */
export type RuleFinding = Omit<Finding, 'ruleId' | 'severity'> & { readonly severity?: Severity };

export interface Rule {
  /** Stable, kebab-case; the diagnostic code and the docs page name. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line for `--help`, SARIF and the docs index. */
  readonly summary: string;
  check(context: RuleContext): RuleFinding[];
}
