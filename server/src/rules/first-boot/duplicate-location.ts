import { loadFailureReports } from '../../facts/nginx-load-failures';
import type { Rule } from '../rule';

export const duplicateLocation: Rule = {
  id: 'duplicate-location',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'two prefix (or two exact) `location` blocks of one name in one block, so nginx refuses to start',
  check({ deployment }) {
    return loadFailureReports(deployment, 'duplicate-location').map(({ message, location, related }) => ({ message, location, related, fixes: [] }));
  },
};
