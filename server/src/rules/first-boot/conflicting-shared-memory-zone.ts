import type { Rule } from '../rule';

export const conflictingSharedMemoryZone: Rule = {
  id: 'conflicting-shared-memory-zone',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'one shared memory zone name declared for two uses, with two sizes, or defined twice, so nginx refuses to start',
  check({ facts }) {
    return facts.loadFailureReports('conflicting-shared-memory-zone').map(({ message, location, related }) => ({
      message,
      location,
      related,
      fixes: [],
    }));
  },
};
