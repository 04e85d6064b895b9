import { deepStrictEqual } from 'node:assert';
import { pathsWrittenByScript, scriptPath, scriptsRunBy } from '../../../server/src/languages/shell/written-paths';

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

  it('with relative, also the paths a script on the host writes relative to where it runs', () => {
    const script = [
      'for domain_name in $DOMAIN_NAMES; do',
      '  cp ./conf.d/.conf.template "./conf.d/$domain_name.conf"',
      '  sed -i "s/example.com/$domain_name/g" "./conf.d/$domain_name.conf"',
      'done',
      'envsubst < templates/site.conf > sites/site.conf',
      'grep -q x config/read-only.conf',
      'docker compose exec nginx nginx -s reload',
    ].join('\n');
    deepStrictEqual(pathsWrittenByScript(script), []);
    deepStrictEqual(pathsWrittenByScript(script, { relative: true }), ['./conf.d/.conf.template', './conf.d', 'sites/site.conf']);
  });

  it('read a command continued over lines as one, and a variable the script assigns a path as that path', () => {
    const script = [
      '#!/bin/sh',
      'CERT=/etc/ssl-certs/chain.pem',
      'export KEY="/etc/ssl-certs/key.pem"',
      'DIR=/etc/nginx/certs; NAME=$1',
      'issue() {',
      '  openssl req -x509 -nodes -days 30\\',
      '    -keyout "$KEY" \\',
      '    -out "${CERT}" \\',
      "    -subj '/CN=localhost'",
      '}',
      'rm "$UNSET/cert.pem" "${CERT}"',
      'cp /tmp/a.pem "$DIR/$NAME.pem"',
      '/root/.acme.sh/acme.sh --install-cert -d example.org --key-file /etc/nginx/tls/key.pem',
      'nginx -g "daemon off;"',
    ].join('\n');
    deepStrictEqual(pathsWrittenByScript(script), ['/etc/ssl-certs/key.pem', '/etc/ssl-certs/chain.pem', '/etc/nginx/certs', '/etc/nginx/tls/key.pem']);
    // a variable assigned elsewhere as well: each path it may hold
    deepStrictEqual(pathsWrittenByScript('K=/a/key.pem\nif [ -n "$X" ]; then K=/b/key.pem; fi\ntouch $K\n'), ['/a/key.pem', '/b/key.pem']);
  });

  it('follow the scripts a command runs by absolute path', () => {
    deepStrictEqual(scriptsRunBy("/init-letsencrypt.sh && nginx -g 'daemon off;'\nsh /setup.sh; . /env.sh; $HOOK; exec /bin/start"), [
      '/init-letsencrypt.sh',
      '/setup.sh',
      '/env.sh',
      '/bin/start',
    ]);
  });

  it('follow a relative script from the directory the command runs in; a bare name is looked up in PATH', () => {
    deepStrictEqual(scriptsRunBy('./start.sh', '/'), ['/start.sh']);
    deepStrictEqual(scriptsRunBy('bin/setup.sh && sh init.sh; . ./env.sh; exec entrypoint.sh', '/opt/app'), [
      '/opt/app/bin/setup.sh',
      '/opt/app/init.sh',
      '/opt/app/env.sh',
    ]);
    deepStrictEqual(scriptsRunBy('./start.sh'), []);
    deepStrictEqual(
      [scriptPath('./run.sh', '/srv', false), scriptPath('run.sh', '/srv', false), scriptPath('run.sh', '/srv', true), scriptPath('$HOOK', '/srv', true)],
      ['/srv/run.sh', undefined, '/srv/run.sh', undefined],
    );
  });
});
