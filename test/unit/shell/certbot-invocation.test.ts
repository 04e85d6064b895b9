import { strict as assert } from 'node:assert';
import { findCertbotInvocations, findNginxReloads, readCertbotArguments, type CertbotInvocation } from '../../../server/src/languages/shell/certbot-invocation';
import { parseComposeCommand } from '../../../server/src/languages/shell/compose-command';
import { initializeShellParser, parseShell } from '../../../server/src/languages/shell/shell-parser';
import type { ShellWord } from '../../../server/src/languages/shell/shell-script';

const values = (list: readonly ShellWord[]): string[] => list.map((word) => word.value);

/** The fields a rule reads, as plain values. */
function summary(invocation: CertbotInvocation) {
  return {
    launcher: invocation.launcher,
    target: invocation.target?.value,
    subcommand: invocation.subcommand,
    authenticator: invocation.authenticator?.name,
    webrootPaths: values(invocation.webrootPaths),
    domains: invocation.domains.map((domain) => [domain.name.value, domain.webrootPath?.value]),
    certName: invocation.certName?.value,
    email: invocation.email?.value,
    server: invocation.server?.value,
    rsaKeySize: invocation.rsaKeySize?.value,
    keyType: invocation.keyType?.value,
    deployHooks: values(invocation.deployHooks),
    preHooks: values(invocation.preHooks),
    postHooks: values(invocation.postHooks),
    staging: invocation.staging?.word.value,
    forceRenewal: invocation.forceRenewal?.word.value,
    dryRun: invocation.dryRun !== undefined,
    agreeTos: invocation.agreeTos !== undefined,
    nonInteractive: invocation.nonInteractive?.word.value,
    keepUntilExpiring: invocation.keepUntilExpiring !== undefined,
    expand: invocation.expand !== undefined,
    dynamicArguments: values(invocation.dynamicArguments),
  };
}

const empty = {
  launcher: 'direct',
  target: undefined,
  subcommand: 'run',
  authenticator: undefined,
  webrootPaths: [],
  domains: [],
  certName: undefined,
  email: undefined,
  server: undefined,
  rsaKeySize: undefined,
  keyType: undefined,
  deployHooks: [],
  preHooks: [],
  postHooks: [],
  staging: undefined,
  forceRenewal: undefined,
  dryRun: false,
  agreeTos: false,
  nonInteractive: undefined,
  keepUntilExpiring: false,
  expand: false,
  dynamicArguments: [],
};

function certbotIn(script: string): CertbotInvocation[] {
  return findCertbotInvocations(parseShell(script).commands);
}

describe('certbot invocations', () => {
  before(() => initializeShellParser());

  it('reads the one-shot webroot certonly command', () => {
    const text = 'certbot certonly --webroot -w /var/www/certbot -d example.com -d www.example.com --email a@b.c --agree-tos --no-eff-email --staging';
    const [invocation] = certbotIn(text);
    assert.ok(invocation);
    assert.deepEqual(summary(invocation), {
      ...empty,
      subcommand: 'certonly',
      authenticator: 'webroot',
      webrootPaths: ['/var/www/certbot'],
      domains: [
        ['example.com', '/var/www/certbot'],
        ['www.example.com', '/var/www/certbot'],
      ],
      email: 'a@b.c',
      agreeTos: true,
      staging: '--staging',
    });
    assert.deepEqual(
      invocation.options.map((option) => option.name),
      ['--webroot', '--webroot-path', '--domains', '--domains', '--email', '--agree-tos', '--no-eff-email', '--staging'],
    );
    const staging = invocation.staging?.word as ShellWord;
    assert.equal(text.slice(staging.span.start, staging.span.end), '--staging');
  });

  it('reads --version and --help as runs that print and obtain nothing, whatever else is written', () => {
    assert.deepEqual(
      [
        'certbot --version',
        'CERTBOT_VERSION="$(certbot --version | grep -Eo "[0-9.]+")"',
        'certbot -h',
        'certbot certonly --help webroot',
        'certbot certonly --version -d a.example',
      ].map((text) => certbotIn(text).map((invocation) => invocation.subcommand)),
      [['version'], ['version'], ['help'], ['help'], ['version']],
    );
  });

  it('reads the renewal loop of the compose certbot service, in its loop', () => {
    const result = parseComposeCommand({ entrypoint: "/bin/sh -c 'trap exit TERM; while :; do certbot renew; sleep 12h & wait $${!}; done;'" });
    const [invocation] = findCertbotInvocations(result.commands);
    assert.ok(invocation);
    assert.deepEqual(summary(invocation), { ...empty, subcommand: 'renew' });
    assert.equal(invocation.command.loops[0]?.kind, 'while');
  });

  it('finds --force-renewal in a loop, in both spellings', () => {
    const invocations = certbotIn('while true; do certbot renew --force-renewal; certbot certonly --renew-by-default -n --standalone -d a.org; sleep 1d; done');
    assert.deepEqual(
      invocations.map((invocation) => [invocation.subcommand, invocation.forceRenewal?.word.value, invocation.command.loops.length]),
      [
        ['renew', '--force-renewal', 1],
        ['certonly', '--renew-by-default', 1],
      ],
    );
    assert.deepEqual(summary(invocations[1] as CertbotInvocation), {
      ...empty,
      subcommand: 'certonly',
      authenticator: 'standalone',
      domains: [['a.org', undefined]],
      forceRenewal: '--renew-by-default',
      nonInteractive: '-n',
    });
  });

  it('reads = forms, attached short values, comma lists, clusters and hooks', () => {
    const text = [
      'certbot --nginx -nq --domains=a.org,b.org -d" c.org , d.org" -dexample.net --cert-name=main',
      '--webroot-path=/srv/one --test-cert --server https://acme-staging-v02.api.letsencrypt.org/directory',
      '--deploy-hook \'nginx -s reload\' --pre-hook=true --post-hook "echo done" --dry-run --keep-until-expiring --expand',
      '--rsa-key-size 4096 --key-type=ecdsa -m ops@example.org everything',
    ].join(' ');
    const [invocation] = certbotIn(text);
    assert.ok(invocation);
    assert.deepEqual(summary(invocation), {
      ...empty,
      subcommand: 'run',
      authenticator: 'nginx',
      webrootPaths: ['/srv/one'],
      domains: [
        ['a.org', '/srv/one'],
        ['b.org', '/srv/one'],
        ['c.org', '/srv/one'],
        ['d.org', '/srv/one'],
        ['example.net', '/srv/one'],
      ],
      certName: 'main',
      email: 'ops@example.org',
      server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
      rsaKeySize: '4096',
      keyType: 'ecdsa',
      deployHooks: ['nginx -s reload'],
      preHooks: ['true'],
      postHooks: ['echo done'],
      staging: '--test-cert',
      dryRun: true,
      nonInteractive: '-nq',
      keepUntilExpiring: true,
      expand: true,
    });
    assert.deepEqual(
      invocation.domains.map(({ name }) => text.slice(name.span.start, name.span.end)),
      ['a.org', 'b.org', 'c.org', 'd.org', 'example.net'],
    );
    assert.equal(invocation.subcommandWord?.value, 'everything');
  });

  it('maps each -w to the domains that follow it', () => {
    const [invocation] = certbotIn('certbot certonly -d early.org --webroot -w /one -d a.org -w /two -d b.org,c.org');
    assert.deepEqual(
      invocation?.domains.map((domain) => [domain.name.value, domain.webrootPath?.value]),
      [
        ['early.org', '/two'],
        ['a.org', '/one'],
        ['b.org', '/two'],
        ['c.org', '/two'],
      ],
    );
  });

  it('finds certbot behind docker compose run, docker run and wrappers', () => {
    const script = [
      'docker compose -f prod.yml run --rm --entrypoint "certbot certonly --webroot -w /var/www/certbot $domain_args" certbot',
      'docker-compose run --rm certbot certonly --standalone -d a.org',
      'docker run -it --rm -v "$PWD/le:/etc/letsencrypt" -p 80:80 certbot/certbot:v2.11.0 certonly --standalone -d b.org',
      'docker run --rm alpine echo certonly',
      'sudo -u root certbot renew --quiet',
      'docker compose exec certbot certbot renew',
    ].join('\n');
    assert.deepEqual(
      certbotIn(script).map((invocation) => [
        invocation.launcher,
        invocation.target?.value,
        invocation.subcommand,
        invocation.authenticator?.name,
        values(invocation.domains.map((domain) => domain.name)),
        values(invocation.dynamicArguments),
      ]),
      [
        ['docker-compose-run', 'certbot', 'certonly', 'webroot', [], ['$domain_args']],
        ['docker-compose-run', 'certbot', 'certonly', 'standalone', ['a.org'], []],
        ['docker-run', 'certbot/certbot:v2.11.0', 'certonly', 'standalone', ['b.org'], []],
        ['direct', undefined, 'renew', undefined, [], []],
        ['docker-compose-exec', 'certbot', 'renew', undefined, [], []],
      ],
    );
  });

  it('reads a compose command: holding only certbot arguments, for an image whose entrypoint is certbot', () => {
    const text = 'certonly --webroot --webroot-path=/var/www/certbot -d example.com';
    const result = parseComposeCommand({ command: text });
    const command = result.commands[0];
    assert.ok(command);
    assert.deepEqual(findCertbotInvocations(result.commands), []);
    const invocation = readCertbotArguments(result.argv, command);
    assert.deepEqual(summary(invocation), {
      ...empty,
      subcommand: 'certonly',
      authenticator: 'webroot',
      webrootPaths: ['/var/www/certbot'],
      domains: [['example.com', '/var/www/certbot']],
    });
    assert.deepEqual(invocation.webrootPaths[0]?.span, { start: 34, end: 50 });
    assert.equal(text.slice(34, 50), '/var/www/certbot');
  });
});

describe('nginx reloads', () => {
  before(() => initializeShellParser());

  it('finds nginx -s reload in the compose reload loop', () => {
    const result = parseComposeCommand({ command: `/bin/sh -c 'while :; do sleep 6h & wait $\${!}; nginx -s reload; done & nginx -g "daemon off;"'` });
    const reloads = findNginxReloads(result.commands);
    assert.deepEqual(
      reloads.map((reload) => [reload.launcher, reload.command.loops.length]),
      [['direct', 1]],
    );
    assert.ok(reloads[0]?.command.loops[0]?.body.some((command) => command.name?.value === 'sleep'));
  });

  it('finds reloads through docker exec and kill -s HUP, and nothing else', () => {
    const script = [
      'docker compose exec nginx nginx -s reload',
      'docker exec -it web nginx -sreload',
      'docker kill --signal=HUP proxy',
      'docker compose kill -s SIGHUP nginx',
      'nginx -t',
      'docker kill web',
      'docker compose run nginx nginx -s reload',
    ].join('\n');
    assert.deepEqual(
      findNginxReloads(parseShell(script).commands).map((reload) => [reload.launcher, reload.target?.value]),
      [
        ['docker-compose-exec', 'nginx'],
        ['docker-exec', 'web'],
        ['docker-kill', 'proxy'],
        ['docker-compose-kill', 'nginx'],
      ],
    );
  });
});
