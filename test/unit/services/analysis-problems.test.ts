import { deepStrictEqual } from 'node:assert';
import { AnalysisProblems } from '../../../server/src/services/analysis-problems';

describe('what an analysis could not do, in the editor', () => {
  it('shows a rule that throws once per rule and file, however often the analysis runs, and logs its stack', () => {
    const logged: string[] = [];
    const shown: string[] = [];
    const failures = new AnalysisProblems({ log: (text) => logged.push(text), show: (text, severity) => shown.push(`${severity}: ${text}`) });
    const failure = { ruleId: 'webroot-mismatch', file: '/w/compose.yaml', message: 'TypeError: boom\n    at check' };
    for (let analysis = 0; analysis < 3; analysis++) failures.report([failure]);
    failures.report([failure, { ...failure, file: '/w/other/compose.yaml' }]);
    deepStrictEqual(shown, [
      'error: certboot: rule webroot-mismatch failed on /w/compose.yaml, so its findings are missing there (an internal error of certboot; details in the certboot output).',
      'error: certboot: rule webroot-mismatch failed on /w/other/compose.yaml, so its findings are missing there (an internal error of certboot; details in the certboot output).',
    ]);
    deepStrictEqual(logged, [
      'certboot: rule webroot-mismatch failed on /w/compose.yaml: TypeError: boom\n    at check',
      'certboot: rule webroot-mismatch failed on /w/other/compose.yaml: TypeError: boom\n    at check',
    ]);
  });

  it('tells of a directory it could not list once', () => {
    const logged: string[] = [];
    const shown: string[] = [];
    const problems = new AnalysisProblems({ log: (text) => logged.push(text), show: (text, severity) => shown.push(`${severity}: ${text}`) });
    for (let analysis = 0; analysis < 3; analysis++) problems.report([], [{ path: '/w/private', reason: 'permission denied' }]);
    const text = 'certboot: cannot list /w/private (permission denied): the compose projects, nginx files and scripts below it are not checked.';
    deepStrictEqual([logged, shown], [[text], [`warning: ${text}`]]);
  });
});
