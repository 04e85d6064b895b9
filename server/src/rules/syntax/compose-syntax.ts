import type { Rule, RuleFinding } from '../rule';

/** What the compose loader could not read, or reads differently from how it looks, in the compose loader's words. */
export const composeSyntax: Rule = {
  id: 'compose-syntax',
  category: 'syntax',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'docker compose cannot read the file, or reads a value differently from how it looks',
  check({ deployment }) {
    return deployment.projects.flatMap((project) =>
      project.compose.diagnostics.map(
        (diagnostic): RuleFinding => ({
          severity: diagnostic.severity === 'information' ? 'info' : diagnostic.severity,
          message: diagnostic.message,
          location: diagnostic.location,
          related: [],
          fixes: [],
        }),
      ),
    );
  },
};
