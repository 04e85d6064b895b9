import { deepStrictEqual } from 'node:assert';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { initializeShellParser } from '../../../server/src/languages/shell/shell-parser';
import { buildDeployment } from '../../../server/src/model/deployment';
import { positionAt } from '../../../server/src/text/line-index';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

const certbotService = [
  'services:',
  '  certbot:',
  '    image: certbot/certbot',
  '    volumes:',
  '      - ./le:/etc/letsencrypt',
  '      - named:/srv/named',
  'volumes:',
  '  named:',
  '',
].join('\n');

/** For each run that certboot finds written before: the line of the run (1-based), the path as written and as certbot sees it. */
async function writesOf(script: string, compose = certbotService): Promise<string[]> {
  const inventory = takeInventory(new MemoryFileSystem({ '/p/compose.yaml': compose, '/p/setup.sh': `#!/bin/bash\n${script}\n` }), '/p');
  const deployment = await buildDeployment(inventory);
  return new Facts(deployment, inventory).liveDirectoryWrites.map((write) => {
    const text = write.run.origin.kind === 'script' ? write.run.origin.script.text : '';
    return `line ${positionAt(text, write.run.invocation.command.span.start).line + 1}: ${write.path} -> ${write.pathInCertbot}`;
  });
}

const write =
  'mkdir -p /etc/letsencrypt/live/example.org && openssl req -x509 -nodes -newkey rsa:2048 -subj /CN=x -keyout /etc/letsencrypt/live/example.org/privkey.pem -out /etc/letsencrypt/live/example.org/fullchain.pem';
const certonly = 'certbot certonly --webroot -w /var/www -d example.org -n --agree-tos -m a@example.org';
const reported = (line: number, file = 'privkey.pem') => [
  `line ${line}: /etc/letsencrypt/live/example.org/${file} -> /etc/letsencrypt/live/example.org/${file}`,
];

describe('files written into a live directory before the certonly that creates the lineage', () => {
  before(initializeShellParser);

  it('follows the order of one script: a write then the certonly, in a list, an && chain or one branch', async () => {
    deepStrictEqual(await writesOf(`${write}\n${certonly}`), reported(3));
    deepStrictEqual(await writesOf(`mkdir -p /etc/letsencrypt/live/example.org && ${write} && ${certonly}`), reported(2));
    deepStrictEqual(await writesOf(`mkdir -p /etc/letsencrypt/live/example.org && \\\n  ${write} &&\n  # then the certificate\n  ${certonly}`), reported(5));
    deepStrictEqual(await writesOf(`if [ -n "$1" ]; then\n  ${write}\n  ${certonly}\nfi`), reported(4));
    deepStrictEqual(await writesOf(`${write} # placeholder\nif [ "$1" = staging ]; then echo staging; fi\n${certonly} 2>&1 | tee log`), reported(4));
    deepStrictEqual(await writesOf(`${write}\nwhile true; do\n  ${certonly}\n  sleep 12h\ndone`), reported(4));
  });

  it('stays silent where the write may not have happened when the certonly runs', async () => {
    deepStrictEqual(await writesOf(`[ -e /x ] && ${write}; ${certonly}`), []);
    deepStrictEqual(await writesOf(`[ -e /x ] || ${write} && ${certonly}`), []);
    deepStrictEqual(await writesOf(`if [ -n "$1" ]; then ${write}; fi\n${certonly}`), []);
    deepStrictEqual(await writesOf(`${write} &\n${certonly}`), []);
    deepStrictEqual(await writesOf(`${certonly}\n${write}`), []);
    deepStrictEqual(await writesOf(`placeholder() { ${write}; }\nplaceholder\n${certonly}`), []);
    deepStrictEqual(await writesOf(`${write}\nuntil [ -e /etc/letsencrypt/live/example.org/fullchain.pem ]; do ${certonly}; done`), []);
    deepStrictEqual(await writesOf(`${write}\nexit 0\n${certonly}`), []);
  });

  it('stays silent when something may remove the directory before the certonly', async () => {
    for (const removal of [
      'rm -rf /etc/letsencrypt/live/example.org',
      'rm -Rf /etc/letsencrypt/live/*',
      'rm -rf "$WHATEVER"',
      'rm -rf /etc/letsencrypt',
      'if [ -n "$1" ]; then rm -rf /etc/letsencrypt/live/example.org; fi',
      'mv /etc/letsencrypt/live/example.org /root/placeholder',
      'certbot delete --cert-name example.org',
    ]) {
      deepStrictEqual(await writesOf(`${write}\n${removal}\n${certonly}`), [], removal);
    }
    deepStrictEqual(await writesOf(`cleanup() { rm -rf /etc/letsencrypt/live/example.org; }\n${write}\ncleanup\n${certonly}`), []);
    deepStrictEqual(await writesOf(`${write}\nrm -f /etc/letsencrypt/live/example.org/privkey.pem\n${certonly}`), reported(4, 'fullchain.pem'));
    deepStrictEqual(await writesOf(`rm -rf /etc/letsencrypt/live/example.org\n${write}\n${certonly}`), reported(4));
  });

  it('names the lineage as certbot does: --cert-name, else the first domain without a wildcard, with the script variables', async () => {
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --standalone --cert-name other -d example.org`), []);
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --manual -d '*.Example.org.' -d example.org`), reported(3));
    deepStrictEqual(await writesOf(`domain=example.org\n${write}\ncertbot certonly --standalone -d "$domain"`), reported(4));
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --standalone $extra -d example.org`), []);
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --standalone --dry-run -d example.org`), []);
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --standalone -c /srv/cli.ini -d example.org`), []);
    deepStrictEqual(await writesOf(`${write}\ncertbot certonly --standalone --config-dir /srv/le -d example.org`), []);
    deepStrictEqual(
      await writesOf(`mkdir -p /srv/le/live/example.org; touch /srv/le/live/example.org/x\ncertbot certonly --standalone --config-dir /srv/le -d example.org`),
      ['line 3: /srv/le/live/example.org/x -> /srv/le/live/example.org/x'],
    );
    // words the script expands: options that leave the lineage alone, or init-letsencrypt.sh's -d per element of an array
    const staging =
      'if [ "$staging" = 1 ]; then staging_arg="--staging"; fi\ncase "$email" in "") email_arg=--register-unsafely-without-email ;; *) email_arg="--email $email" ;; esac';
    deepStrictEqual(await writesOf(`${write}\n${staging}\ncertbot certonly --standalone $staging_arg $email_arg -d example.org`), reported(5));
    const loop = 'domains=(example.org www.example.org)\ndomain_args=""\nfor domain in "${domains[@]}"; do\n  domain_args="$domain_args -d $domain"\ndone';
    deepStrictEqual(await writesOf(`${loop}\n${write}\ncertbot certonly --standalone $domain_args`), reported(8));
    deepStrictEqual(await writesOf(`${loop}\n${write}\ncertbot certonly --standalone -d other.org $domain_args`), []);
    deepStrictEqual(await writesOf(`extra="--cert-name other"\n${write}\ncertbot certonly --standalone $extra -d example.org`), []);
    deepStrictEqual(await writesOf(`extra="--dry-run"\n${write}\ncertbot certonly --standalone $extra -d example.org`), []);
    deepStrictEqual(await writesOf(`extra="$more"\n${write}\ncertbot certonly --standalone $extra -d example.org`), []);
    // the first run meets the directory; a later one of the same lineage finds certbot's leftovers instead
    deepStrictEqual(await writesOf(`${write}\n${certonly}\n${certonly}`), reported(3));
  });

  it('reads which commands write files: cp, curl -o, tee, touch, openssl -out, into a directory the script made; mkdir alone writes none', async () => {
    const dhparams = (command: string) => writesOf(`mkdir -p /etc/letsencrypt/live/example.org\n${command}\n${certonly}`);
    deepStrictEqual(await dhparams('cp ./dhparams.pem /etc/letsencrypt/live/example.org/'), [
      'line 4: /etc/letsencrypt/live/example.org/ -> /etc/letsencrypt/live/example.org',
    ]);
    deepStrictEqual(await dhparams('curl -sSo /etc/letsencrypt/live/example.org/dh.pem https://example.net/dh.pem'), [
      'line 4: /etc/letsencrypt/live/example.org/dh.pem -> /etc/letsencrypt/live/example.org/dh.pem',
    ]);
    deepStrictEqual(await dhparams('echo x | tee /etc/letsencrypt/live/example.org/note'), [
      'line 4: /etc/letsencrypt/live/example.org/note -> /etc/letsencrypt/live/example.org/note',
    ]);
    deepStrictEqual(await dhparams('echo nothing written'), []);
    deepStrictEqual(await dhparams('openssl dhparam -out /etc/letsencrypt/ssl-dhparams.pem 2048'), []);
    // on a new server live/example.org does not exist: without a mkdir the write fails, and certbot then finds nothing
    deepStrictEqual(await writesOf(`openssl dhparam -out /etc/letsencrypt/live/example.org/dh.pem 2048\n${certonly}`), []);
    deepStrictEqual(
      await writesOf(`mkdir -p /etc/letsencrypt/live/example.org\nrm -rf /etc/letsencrypt/live\ntouch /etc/letsencrypt/live/example.org/x\n${certonly}`),
      [],
    );
    deepStrictEqual(
      await writesOf(`if [ -n "$1" ]; then mkdir -p /etc/letsencrypt/live/example.org; fi\ntouch /etc/letsencrypt/live/example.org/x\n${certonly}`),
      [],
    );
  });

  it('follows a path through mounts: the host into a compose service, docker run -v, a named volume', async () => {
    const run = 'docker compose run --rm certbot certonly --webroot -w /var/www -d example.org';
    const mkdir = 'mkdir -p ./le/live/example.org';
    deepStrictEqual(await writesOf(`${mkdir} && touch ./le/live/example.org/x\n${run}`), [
      'line 3: ./le/live/example.org/x -> /etc/letsencrypt/live/example.org/x',
    ]);
    deepStrictEqual(await writesOf(`${mkdir}\ndocker compose run --rm --entrypoint "touch /etc/letsencrypt/live/example.org/x" certbot\n${run}`), [
      'line 4: /etc/letsencrypt/live/example.org/x -> /etc/letsencrypt/live/example.org/x',
    ]);
    deepStrictEqual(
      await writesOf(
        `docker compose run --rm --entrypoint "sh -c 'mkdir -p /etc/letsencrypt/live/example.org && touch /etc/letsencrypt/live/example.org/x'" certbot\n${run}`,
      ),
      ['line 3: /etc/letsencrypt/live/example.org/x -> /etc/letsencrypt/live/example.org/x'],
    );
    // certbot's image runs certbot: `docker compose run certbot touch …` is `certbot touch …`
    deepStrictEqual(await writesOf(`${mkdir}\ndocker compose run --rm certbot touch /etc/letsencrypt/live/example.org/x\n${run}`), []);
    deepStrictEqual(await writesOf(`mkdir -p ./other/live/example.org && touch ./other/live/example.org/x\n${run}`), []);
    deepStrictEqual(
      await writesOf(
        `mkdir -p "$PWD/le/live/example.org"\ntouch "$PWD/le/live/example.org/x"\ndocker run --rm -v "$PWD/le:/etc/letsencrypt" certbot/certbot certonly --standalone -d example.org`,
      ),
      ['line 4: ./le/live/example.org/x -> /etc/letsencrypt/live/example.org/x'],
    );
    const touchInVolume = 'sh -c "mkdir -p /etc/letsencrypt/live/example.org && touch /etc/letsencrypt/live/example.org/x"';
    deepStrictEqual(
      await writesOf(
        `docker run --rm -v le:/etc/letsencrypt alpine ${touchInVolume}\ndocker run --rm -v le:/etc/letsencrypt certbot/certbot certonly --standalone -d example.org`,
      ),
      ['line 3: /etc/letsencrypt/live/example.org/x -> /etc/letsencrypt/live/example.org/x'],
    );
    // each `docker run` without a volume has a file system of its own
    deepStrictEqual(await writesOf(`docker run --rm alpine ${touchInVolume}\ndocker run --rm certbot/certbot certonly --standalone -d example.org`), []);
  });
});
