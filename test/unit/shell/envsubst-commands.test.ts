import { deepStrictEqual } from 'node:assert';
import { envsubstCommands } from '../../../server/src/languages/shell/envsubst-commands';
import { templateVariables } from '../../../server/src/facts/envsubst-renders';

describe('envsubstCommands', () => {
  it('reads the template and the file written, in either order and through cat', () => {
    deepStrictEqual(envsubstCommands('#!/bin/sh\n  envsubst < /site.conf.template > /etc/nginx/conf.d/default.conf\n'), [
      { start: 12, end: 20, source: '/site.conf.template', destination: '/etc/nginx/conf.d/default.conf', listsNames: false },
    ]);
    deepStrictEqual(envsubstCommands('envsubst > /out.conf < "/in.conf"'), [
      { start: 0, end: 8, source: '/in.conf', destination: '/out.conf', listsNames: false },
    ]);
    deepStrictEqual(envsubstCommands('cat /t.conf | envsubst > /etc/nginx/conf.d/x.conf && nginx -g "daemon off;"'), [
      { start: 14, end: 22, source: '/t.conf', destination: '/etc/nginx/conf.d/x.conf', listsNames: false },
    ]);
    deepStrictEqual(envsubstCommands('envsubst \\\n  < /in > /out'), [{ start: 0, end: 8, source: '/in', destination: '/out', listsNames: false }]);
  });

  it('keeps the list of names it is given', () => {
    deepStrictEqual(envsubstCommands("envsubst '${DOMAIN} ${PORT}' < a.tpl > /etc/nginx/conf.d/a.conf"), [
      { start: 0, end: 8, source: 'a.tpl', destination: '/etc/nginx/conf.d/a.conf', listsNames: true },
    ]);
    deepStrictEqual(envsubstCommands('envsubst "$defined_envs" < "$template" > "$output_path"'), [
      { start: 0, end: 8, source: '$template', destination: '$output_path', listsNames: true },
    ]);
  });

  it('leaves out comments, -v, and envsubst inside a substitution whose output goes elsewhere', () => {
    deepStrictEqual(envsubstCommands('# envsubst < /a > /b\necho x # envsubst < /a > /b'), []);
    deepStrictEqual(envsubstCommands('envsubst -v "$x" < /a > /b'), []);
    deepStrictEqual(envsubstCommands('echo "$(envsubst < /usr/local/bin/x.sh)" > /usr/local/bin/x.sh'), []);
  });
});

describe('templateVariables', () => {
  it('finds $NAME and ${NAME} as envsubst does, and nothing else', () => {
    // envsubst replaces no `${NAME:-default}`, `$1` or `$$`
    deepStrictEqual(templateVariables('return 301 https://$host${request_uri}; ${A:-b} $1 $$'), [
      { name: 'host', start: 19, end: 24 },
      { name: 'request_uri', start: 24, end: 38 },
    ]);
  });
});
