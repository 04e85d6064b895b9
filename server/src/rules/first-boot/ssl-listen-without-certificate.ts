import type { Rule } from '../rule';

export const sslListenWithoutCertificate: Rule = {
  id: 'ssl-listen-without-certificate',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'a `listen … ssl` socket whose default server has no ssl_certificate, so nginx refuses to start',
  check({ facts }) {
    return facts.loadFailureReports('ssl-listen-without-certificate').map(({ message, location, related }) => ({
      message,
      location,
      related,
      fixes: [],
    }));
  },
};
