import { loadRemedyFixes } from '../../fixes/nginx-load-fixes';
import type { Rule } from '../rule';

export const listenConflict: Rule = {
  id: 'listen-conflict',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary:
    'two `listen` directives nginx cannot combine on one address and port (two default servers, socket options twice, one server twice), so nginx refuses to start',
  check({ facts, inventory }) {
    return facts.loadFailureReports('listen-conflict').map(({ remedy, ...report }) => ({ ...report, fixes: loadRemedyFixes(remedy, inventory) }));
  },
};
