import type { Rule } from '../rule';

export const unknownVariable: Rule = {
  id: 'unknown-variable',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: "a `$variable` that neither the image's nginx nor the configuration defines, so nginx refuses to start",
  check({ facts }) {
    return facts.loadFailureReports('unknown-variable').map(({ message, location, related }) => ({ message, location, related, fixes: [] }));
  },
};
