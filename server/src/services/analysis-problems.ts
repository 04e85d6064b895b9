import { type InternalError, type UnlistableDirectory, unlistableMessage } from '../engine/analyze-workspace';

export interface AnalysisProblemOutput {
  /** The output channel: every problem, with the stack of a failing rule. */
  log(text: string): void;
  /** A notification: an error for a failing rule, a warning for a directory that cannot be listed. */
  show(text: string, severity: 'error' | 'warning'): void;
}

/**
 * What an analysis could not do: rules that threw, directories it could not list. The editor
 * analyses on every keystroke, so each would be told again on each: the user is told once per
 * rule and file, and once per directory, with a notification (diagnostics alone cannot say that
 * findings are missing), and the output channel gets the details the first time too.
 */
export class AnalysisProblems {
  private readonly told = new Set<string>();

  constructor(private readonly output: AnalysisProblemOutput) {}

  report(failures: readonly InternalError[], unlistable: readonly UnlistableDirectory[] = []): void {
    for (const failure of failures) {
      if (!this.tellOnce(`rule\0${failure.ruleId}\0${failure.file}`)) continue;
      this.output.log(`certboot: rule ${failure.ruleId} failed on ${failure.file}: ${failure.message}`);
      this.output.show(
        `certboot: rule ${failure.ruleId} failed on ${failure.file}, so its findings are missing there (an internal error of certboot; details in the certboot output).`,
        'error',
      );
    }
    for (const directory of unlistable) {
      if (!this.tellOnce(`directory\0${directory.path}`)) continue;
      const text = `certboot: ${unlistableMessage(directory.path, directory.reason)}.`;
      this.output.log(text);
      this.output.show(text, 'warning');
    }
  }

  private tellOnce(key: string): boolean {
    if (this.told.has(key)) return false;
    this.told.add(key);
    return true;
  }
}
