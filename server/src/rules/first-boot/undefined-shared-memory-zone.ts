import type { Rule } from '../rule';

export const undefinedSharedMemoryZone: Rule = {
  id: 'undefined-shared-memory-zone',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'limit_req, limit_conn, proxy_cache or an upstream `zone` uses a shared memory zone nothing defines, so nginx refuses to start',
  check({ facts }) {
    return facts.loadFailureReports('undefined-shared-memory-zone').map(({ message, location, related }) => ({ message, location, related, fixes: [] }));
  },
};
