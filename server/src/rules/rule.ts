import type { Facts } from '../facts/facts';
import type { Inventory } from '../inventory/inventory';
import type { SuppressedRule, Suppression } from '../languages/comments/suppression-comments';
import type { Deployment } from '../model/deployment';
import type { Finding, Severity } from '../text/findings';

/** What a rule reads, built by the engine once per analysis. A rule reads no file itself. */
export interface RuleContext {
  readonly deployment: Deployment;
  /** What rules ask of the deployment, each answer worked out once per analysis, when first asked. */
  readonly facts: Facts;
  /**
   * What each file of the workspace is, and a file's text as the analysis read it (the editor's
   * unsaved buffers included): a fix edits the text the rules read.
   */
  readonly inventory: Pick<Inventory, 'root' | 'kindsOf' | 'filesOf' | 'text' | 'textAt' | 'nginxSyntax'>;
}

/** The suppression comments of the linted files, once the findings they drop are known. */
export interface SuppressionContext {
  /** Each file holding suppression comments, with its text. */
  readonly files: readonly { readonly file: string; readonly text: string; readonly suppressions: readonly Suppression[] }[];
  /** The comments without a rule list, and the rule ids of comments with one, that dropped a finding. */
  readonly used: ReadonlySet<Suppression | SuppressedRule>;
  /** Whether certboot has a rule of this id. */
  isRuleId(id: string): boolean;
}

/** What a rule reports; the runner adds the rule id and the configured severity. */
export type RuleFinding = Omit<Finding, 'ruleId' | 'severity'> & { readonly severity?: Severity };

/** Where a rule sits in the catalogue: its folder under rules/ and its heading in the docs. */
export type RuleCategory =
  | 'first-boot'
  | 'issuance'
  | 'collisions'
  | 'certificate-paths'
  | 'renewal'
  | 'infrastructure'
  | 'directives'
  | 'syntax'
  | 'suppressions';

/** Whether the rule's findings carry a fix: none ever, some (when certboot knows what to write), or every one. */
export type RuleFixable = 'never' | 'sometimes' | 'always';

/**
 * What the rule judges: one project (a linted path on its own), or what one Docker host holds
 * once (container names, host ports), which `certboot lint a b` checks again over the projects
 * of all the paths together.
 */
export type RuleScope = 'project' | 'host';

/** What a rule says about itself: the docs, SARIF, the settings schema and the tests read it from the registry (rules/index.ts). */
export interface RuleDeclaration {
  /** Stable, kebab-case; the diagnostic code, the docs page name and the file name rules/<category>/<id>.ts. */
  readonly id: string;
  readonly category: RuleCategory;
  readonly scope: RuleScope;
  readonly fixable: RuleFixable;
  readonly defaultSeverity: Severity;
  /** One line for `--help`, SARIF and the docs index. */
  readonly summary: string;
  /** Its findings are cured by the HTTP-first split: the editor offers "Split into HTTP-first stages" on them. */
  readonly offersHttpFirstSplit?: boolean;
}

/** A rule over the deployment: every rule but unused-suppression. */
export interface Rule extends RuleDeclaration {
  /** When the rule runs: on the deployment, while it is analysed. */
  readonly phase?: 'deployment';
  /** An array, or a generator for a rule that may report thousands in one file (engine/finding-limit.ts keeps the first of them). */
  check(context: RuleContext): Iterable<RuleFinding>;
}

/** A rule over the suppression comments: it runs after they have dropped the findings they name. */
export interface SuppressionRule extends RuleDeclaration {
  readonly phase: 'suppressions';
  check(context: SuppressionContext): RuleFinding[];
}

export type AnyRule = Rule | SuppressionRule;

export function checksDeployment(rule: AnyRule): rule is Rule {
  return rule.phase !== 'suppressions';
}

export function checksSuppressions(rule: AnyRule): rule is SuppressionRule {
  return rule.phase === 'suppressions';
}
