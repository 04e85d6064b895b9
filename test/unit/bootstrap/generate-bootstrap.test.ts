import { deepStrictEqual, match, strictEqual, throws } from 'node:assert';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { nginxReloadLoopCommand } from '../../../server/src/fixes/compose-commands';
import { BootstrapError } from '../../../server/src/bootstrap/generate-bootstrap';
import { generateBootstrap } from '../../../server/src/bootstrap/generate-bootstrap';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment } from '../../../server/src/model/deployment';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { fixturesRoot, repositoryRoot } from '../../support/paths';
import { allFindings, applyToDisk, blockingFindings, copyProject, generate } from './support';

const example = join(repositoryRoot, 'examples', 'certbot-deadlock');
// the example's fixed twin is the reviewed output (its README aside)
const expected = join(repositoryRoot, 'examples', 'certbot-http-first');
const exampleOptions = { domains: ['example.com', 'www.example.com'], email: 'admin@example.com', staging: false };

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const fixtures: { name: string; directory: string; options: typeof exampleOptions; failsBefore: boolean }[] = [
  { name: 'the example from the story', directory: example, options: exampleOptions, failsBefore: true },
  {
    name: 'servers inline in nginx.conf, a redirect on port 80, a named volume',
    directory: join(fixturesRoot, 'bootstrap', 'inline-http-block'),
    options: { domains: ['shop.example.org'], email: 'ops@example.org', staging: false },
    failsBefore: true,
  },
  {
    name: 'no certbot service, certificates outside letsencrypt',
    directory: join(fixturesRoot, 'bootstrap', 'no-certbot'),
    options: { domains: ['app.example.net'], email: 'ops@example.net', staging: true },
    // the image's /etc/nginx holds no certs/, and nothing mounts it
    failsBefore: true,
  },
];

describe('bootstrap generator', () => {
  const directories: string[] = [];
  const project = (source: string): string => {
    const directory = copyProject(source);
    directories.push(directory);
    return directory;
  };
  after(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  it('writes exactly the reviewed files for the example', async () => {
    const directory = project(example);
    const files = applyToDisk(await generate(directory, exampleOptions));
    deepStrictEqual(
      files.map((file) => [relative(directory, file.file), file.before === undefined ? 'created' : 'edited']),
      [
        ['nginx/conf.d/example.com.conf', 'edited'],
        ['nginx/https-available/example.com.conf', 'created'],
        ['nginx/https-available/example.com.redirect', 'created'],
        ['nginx/https-enabled/.gitignore', 'created'],
        ['docker-compose.yml', 'edited'],
        ['certbot/hooks/enable-https.sh', 'created'],
        ['nginx/entrypoint.d/40-reload-on-certificate.sh', 'created'],
        ['scripts/init-certificates.sh', 'created'],
      ],
    );
    for (const file of filesUnder(expected).filter((path) => relative(expected, path) !== 'README.md')) {
      strictEqual(readFileSync(join(directory, relative(expected, file)), 'utf8'), readFileSync(file, 'utf8'), relative(expected, file));
    }
  });

  it('summarizes each change in one line', async () => {
    const result = await generate(project(example), exampleOptions);
    deepStrictEqual(
      result.summary.map((line) => line.split(':')[0]),
      [
        'nginx/conf.d/example.com.conf',
        'nginx/conf.d/example.com.conf',
        'docker-compose.yml',
        'docker-compose.yml',
        'docker-compose.yml',
        'docker-compose.yml',
        'docker-compose.yml',
        'docker-compose.yml',
        'certbot/hooks/enable-https.sh',
        'nginx/entrypoint.d/40-reload-on-certificate.sh',
        'scripts/init-certificates.sh',
      ],
    );
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      it('lints clean after applying', async () => {
        const directory = project(fixture.directory);
        strictEqual((await blockingFindings(directory)).length > 0, fixture.failsBefore);
        applyToDisk(await generate(directory, fixture.options));
        deepStrictEqual(await blockingFindings(directory), []);
        // the renewal rules too: certbot's deploy hook and the nginx start script reload nginx
        deepStrictEqual(
          (await allFindings(directory)).filter((finding) => !finding.startsWith('info ')),
          [],
        );
      });

      it('changes nothing when run on its own output', async () => {
        const directory = project(fixture.directory);
        applyToDisk(await generate(directory, fixture.options));
        const again = await generate(directory, fixture.options);
        deepStrictEqual(again.edits, []);
        deepStrictEqual(again.summary, []);
      });
    });
  }

  it('leaves only the staging notice on the fixture generated with --staging', async () => {
    const directory = project(join(fixturesRoot, 'bootstrap', 'no-certbot'));
    applyToDisk(await generate(directory, { domains: ['app.example.net'], email: 'ops@example.net', staging: true }));
    deepStrictEqual(await allFindings(directory), ['info staging-certificate']);
  });

  it('moves the HTTPS server out of nginx.conf, corrects cert.pem and drops the port-80 redirect', async () => {
    const directory = project(join(fixturesRoot, 'bootstrap', 'inline-http-block'));
    applyToDisk(await generate(directory, { domains: ['shop.example.org'], email: 'ops@example.org', staging: false }));
    strictEqual(
      readFileSync(join(directory, 'https-available', 'shop.example.org.conf'), 'utf8')
        .split('\n')
        .slice(4)
        .join('\n'),
      [
        'server {',
        '    listen 443 ssl;',
        '    server_name shop.example.org;',
        '    ssl_certificate /etc/letsencrypt/live/shop.example.org/fullchain.pem;',
        '    ssl_certificate_key /etc/letsencrypt/live/shop.example.org/privkey.pem;',
        '',
        '    location / {',
        '        proxy_pass http://app:8080;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const nginx = readFileSync(join(directory, 'nginx.conf'), 'utf8');
    strictEqual(nginx.includes('return 301'), false);
    strictEqual(nginx.endsWith('    include /etc/nginx/https-enabled/*.conf;\n}\n'), true);
  });

  it('replaces the 6-hourly reload loop of earlier bootstraps with the start script', async () => {
    const directory = project(example);
    applyToDisk(await generate(directory, exampleOptions));
    const compose = join(directory, 'docker-compose.yml');
    const generated = readFileSync(compose, 'utf8');
    const loop = `    # reloads nginx every 6 hours for renewed certificates; the image's entrypoint still runs\n    command: ${nginxReloadLoopCommand}\n`;
    writeFileSync(
      compose,
      generated.replace('    container_name: nginx\n', () => `${loop}    container_name: nginx\n`),
    );
    const again = await generate(directory, exampleOptions);
    deepStrictEqual(again.summary, [
      'docker-compose.yml: service `nginx` loses its 6-hourly reload loop (`command:`): nginx/entrypoint.d/40-reload-on-certificate.sh reloads nginx when certbot renews.',
    ]);
    applyToDisk(again);
    strictEqual(readFileSync(compose, 'utf8'), generated);
  });

  it('runs the deploy hook in the certbot containers and the reload in the nginx container', async () => {
    const directory = project(example);
    applyToDisk(await generate(directory, exampleOptions));
    const hook = readFileSync(join(directory, 'certbot', 'hooks', 'enable-https.sh'), 'utf8');
    strictEqual(hook.includes('nginx -s reload'), false, 'the certbot container has no nginx');
    match(hook, /ln -sfn "\/etc\/nginx\/https-available\/\$file" "\$enabled\/\$file"/);
    match(readFileSync(join(directory, 'nginx', 'entrypoint.d', '40-reload-on-certificate.sh'), 'utf8'), /nginx -s reload/);
    const compose = readFileSync(join(directory, 'docker-compose.yml'), 'utf8');
    strictEqual(compose.includes('command: /bin/sh'), false, 'no command override: the image renders templates and runs its start scripts');
    strictEqual(compose.match(/--deploy-hook \/hooks\/enable-https\.sh/g)?.length, 2, 'issuance and the renewal loop run the hook');
  });

  it('refuses what it cannot rewrite, saying why', async () => {
    const fileSystem = new DiskFileSystem([example]);
    const deployment = await buildDeployment(takeInventory(fileSystem, example));
    throws(
      () => generateBootstrap(deployment, fileSystem, { ...exampleOptions, domains: ['*.example.com'] }),
      /not a domain Let's Encrypt can validate over HTTP-01/,
    );
    throws(() => generateBootstrap(deployment, fileSystem, { ...exampleOptions, email: 'nobody' }), BootstrapError);
    throws(
      () => generateBootstrap(deployment, fileSystem, { ...exampleOptions, domains: ['other.example.org'] }),
      /no HTTPS server block of service `nginx` serves other.example.org/,
    );
  });
});
