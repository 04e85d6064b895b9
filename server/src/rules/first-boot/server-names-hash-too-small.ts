import { loadRemedyFixes } from '../../fixes/nginx-load-fixes';
import type { Rule } from '../rule';

export const serverNamesHashTooSmall: Rule = {
  id: 'server-names-hash-too-small',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "a server name too long for the buckets of nginx's server names hash (server_names_hash_bucket_size), so nginx refuses to start",
  check({ facts, inventory }) {
    return facts.loadFailureReports('server-names-hash').map(({ remedy, ...report }) => ({ ...report, fixes: loadRemedyFixes(remedy, inventory) }));
  },
};
