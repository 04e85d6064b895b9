import { deepStrictEqual } from 'node:assert';
import { serviceDirectives } from '../../../server/src/facts/directive-verdicts';
import { loadedDirectives } from '../../../server/src/facts/loaded-directives';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment, type DeployedService } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

async function services(files: Record<string, string>): Promise<DeployedService[]> {
  const deployment = await buildDeployment(takeInventory(new MemoryFileSystem(files), '/p'));
  return deployment.projects.flatMap((project) => project.services).filter((service) => service.nginx !== undefined);
}

async function web(compose: string, files: Record<string, string> = {}): Promise<DeployedService> {
  const [service] = await services({ '/p/compose.yaml': `services:\n  web:\n${compose}`, ...files });
  if (service === undefined) throw new Error('no nginx service');
  return service;
}

function build(service: DeployedService) {
  const found = service.nginx?.build;
  if (found === undefined) return undefined;
  return { description: found.build.description, guess: found.build.versionIsGuess, open: found.build.mayHaveUnknownModules, origin: found.origin.kind };
}

describe('the nginx build of a service', () => {
  it('comes from the image compose names, a guess when a variable names it', async () => {
    deepStrictEqual(
      [
        build(await web('    image: nginx:1.27.5-alpine\n')),
        build(await web('    image: nginx:${NGINX_TAG:-1.25.3}\n')),
        build(await web('    image: nginx:1.17.8\n')),
      ],
      [
        { description: 'nginx:1.27.5-alpine (nginx 1.27.5)', guess: false, open: false, origin: 'image' },
        {
          description: 'nginx:1.25.3 (nginx 1.25.3), from a variable the deployment may set otherwise',
          guess: true,
          open: false,
          origin: 'image',
        },
        // older than the tables: no build, rather than the newest release as a wrong guess
        undefined,
      ],
    );
    deepStrictEqual((await web('    image: nginx:1.27.5-alpine\n')).nginx?.build?.origin, {
      kind: 'image',
      image: 'nginx:1.27.5-alpine',
      location: { file: '/p/compose.yaml', range: { start: { line: 2, character: 11 }, end: { line: 2, character: 30 } } },
    });
  });

  it('comes from the image a Dockerfile is built FROM, open to unknown directives when it adds modules', async () => {
    const plain = await web('    build: ./web\n', { '/p/web/Dockerfile': 'FROM nginx:1.26.3\nCOPY site.conf /etc/nginx/conf.d/site.conf\n' });
    const compiling = await web('    build: ./web\n', {
      '/p/web/Dockerfile': 'FROM nginx:1.26.3\nRUN apt-get update && apt-get install -y libnginx-mod-http-headers-more-filter\n',
    });
    deepStrictEqual(
      [build(plain), build(compiling)],
      [
        { description: 'nginx:1.26.3 (nginx 1.26.3)', guess: false, open: false, origin: 'dockerfile' },
        { description: 'nginx:1.26.3 (nginx 1.26.3)', guess: false, open: true, origin: 'dockerfile' },
      ],
    );
    deepStrictEqual(plain.nginx?.build?.origin, {
      kind: 'dockerfile',
      image: 'nginx:1.26.3',
      location: { file: '/p/web/Dockerfile', range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } } },
    });
  });

  it('is Debian 12’s package, a guess, for nginx on a host', async () => {
    const [host] = await services({ '/p/nginx.conf': 'events {}\n' });
    deepStrictEqual(host === undefined ? undefined : [build(host), host.nginx?.build?.modulesAreGuess], [
      { description: "nginx on a host (certboot assumes Debian 12's nginx 1.22.1)", guess: true, open: false, origin: 'host' },
      true,
    ]);
  });
});

describe('the directives a service loads', () => {
  const compose = '    image: nginx:1.27.5\n    volumes: [./nginx.conf:/etc/nginx/nginx.conf, ./snippets:/etc/nginx/snippets]\n';

  it('are met where nginx meets them: includes followed in place, a file included twice met twice, map bodies left out', async () => {
    const service = await web(compose, {
      '/p/nginx.conf':
        'events {}\nhttp {\n    map $host $x { default 1; }\n    server {\n        include snippets/common.conf;\n        location / {\n            include snippets/common.conf;\n        }\n    }\n}\n',
      '/p/snippets/common.conf': 'add_header X-Frame-Options DENY;\n',
    });
    const configuration = service.nginx?.configuration;
    deepStrictEqual(
      configuration === undefined
        ? undefined
        : loadedDirectives(configuration).map(
            (loaded) => `${loaded.context} ${loaded.directive.name} (${loaded.enclosing.map((block) => block.name).join(' > ')})`,
          ),
      [
        'main events ()',
        'main http ()',
        'http map (http)',
        'http server (http)',
        'server include (http > server)',
        'server add_header (http > server)',
        'server location (http > server)',
        'location include (http > server > location)',
        'location add_header (http > server > location)',
      ],
    );
  });

  it('are judged once per statement: what nginx-syntax reports, and files with a syntax error, are left to it', async () => {
    const service = await web(compose.replace('1.27.5', '1.22.1'), {
      '/p/nginx.conf':
        'events {}\nhttp {\n    include snippets/*.conf;\n    server {\n        proxy_pas http://app;\n        http2 on;\n        location / {\n            http2 on;\n        }\n    }\n}\n',
      '/p/snippets/broken.conf': 'server_tokens off\nadd_heder X 1;\n',
    });
    // nginx-syntax: `"http2" directive is not allowed here` in the location, and `unexpected "1"` in broken.conf
    deepStrictEqual(
      serviceDirectives(service)?.verdicts.map((verdict) => `${verdict.kind} ${verdict.loaded.directive.name} ${verdict.loaded.directive.line}`),
      ['unknown proxy_pas 5', 'added-later http2 6'],
    );
  });

  it('are open to unknown names when the main context includes files certboot cannot see', async () => {
    const open = (nginxConf: string) =>
      web(compose, { '/p/nginx.conf': nginxConf }).then((service) => [serviceDirectives(service)?.open, serviceDirectives(service)?.verdicts.length]);
    deepStrictEqual(
      [
        await open('include /usr/share/nginx/modules/*.conf;\nevents {}\nhttp { more_set_headers "A: b"; }\n'),
        await open('load_module modules/ngx_http_brotli_filter_module.so;\nevents {}\nhttp { brotli on; }\n'),
        await open('include /etc/nginx/snippets/*.conf;\nevents {}\nhttp { more_set_headers "A: b"; }\n'),
        await open('include /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp { more_set_headers "A: b"; }\n'),
      ],
      [
        [true, 0],
        [true, 0],
        // the repository's snippets/ is mounted there: certboot sees every file
        [false, 1],
        // the official image's /etc/nginx has no modules-enabled/: the glob matches nothing
        [false, 1],
      ],
    );
  });
});
