import type { Rule } from '../rule';

export const duplicateLocation: Rule = {
  id: 'duplicate-location',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'two prefix (or two exact) `location` blocks of one name in one block, so nginx refuses to start',
  check({ facts }) {
    return facts.loadFailureReports('duplicate-location').map(({ message, location, related }) => ({ message, location, related, fixes: [] }));
  },
};
