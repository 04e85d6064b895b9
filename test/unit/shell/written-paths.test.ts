import { deepStrictEqual } from 'node:assert';
import { pathsWrittenByScript, scriptsRunBy } from '../../../server/src/languages/shell/written-paths';

describe('paths a start script writes', () => {
  it('are the targets of redirections and of commands that write files, cut before the first expansion', () => {
    const script = [
      '#!/bin/sh',
      '# mkdir -p /commented/out',
      'for domain in $DOMAINS; do',
      '  mkdir -p "/etc/nginx/ssl/dummy/$domain"',
      '  openssl req -x509 -out "/etc/nginx/ssl/dummy/$domain/fullchain.pem" -keyout /etc/nginx/ssl/key.pem',
      'done',
      'envsubst < /templates/site.conf > /etc/nginx/conf.d/site.conf',
      'sed -i "s|a|b|g" /etc/nginx/nginx.conf',
      'sed "s|a|b|g" /etc/nginx/read-only.conf',
      'cat /etc/hosts >/dev/null',
      '[ -f /etc/letsencrypt/live/x/fullchain.pem ] && echo ok',
      'exec nginx -g "daemon off;"',
    ].join('\n');
    deepStrictEqual(pathsWrittenByScript(script), ['/etc/nginx/ssl/dummy', '/etc/nginx/ssl/key.pem', '/etc/nginx/conf.d/site.conf', '/etc/nginx/nginx.conf']);
  });

  it('follow the scripts a command runs by absolute path', () => {
    deepStrictEqual(scriptsRunBy("/init-letsencrypt.sh && nginx -g 'daemon off;'\nsh /setup.sh; . /env.sh; $HOOK; exec /bin/start"), [
      '/init-letsencrypt.sh',
      '/setup.sh',
      '/env.sh',
      '/bin/start',
    ]);
  });
});
