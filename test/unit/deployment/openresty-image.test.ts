import { deepStrictEqual } from 'node:assert';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment, type DeployedService } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

const httpsOnly =
  'server {\n    listen 443 ssl;\n    ssl_certificate /etc/letsencrypt/live/example.org/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/example.org/privkey.pem;\n}\n';

async function openresty(service: string, files: Record<string, string> = {}): Promise<DeployedService> {
  const fileSystem = new MemoryFileSystem({ '/p/compose.yaml': `services:\n  web:\n${service}`, '/p/conf.d/site.conf': httpsOnly, ...files });
  const deployment = await buildDeployment(takeInventory(fileSystem, '/p'));
  const [web] = deployment.projects[0]?.services ?? [];
  if (!web) throw new Error('no service');
  return web;
}

function summary(service: DeployedService) {
  return {
    main: service.nginx?.mainConfigurationPath,
    prefix: service.nginx?.prefix,
    files: service.nginx?.configuration?.files.map((file) => file.path),
  };
}

// docker-openresty's nginx.conf lives below the openresty prefix and includes /etc/nginx/conf.d/*.conf
describe('the openresty/openresty image', () => {
  it('loads its own nginx.conf, conf.d from the mount, mime.types from the conf directory', async () => {
    const web = await openresty('    image: openresty/openresty:alpine\n    volumes: [./conf.d:/etc/nginx/conf.d, ./nginx.conf:/etc/nginx/nginx.conf]\n', {
      '/p/nginx.conf': 'events {}\n',
    });
    deepStrictEqual(summary(web), {
      main: '/usr/local/openresty/nginx/conf/nginx.conf',
      prefix: '/usr/local/openresty/nginx/',
      files: ['/usr/local/openresty/nginx/conf/nginx.conf', '/usr/local/openresty/nginx/conf/mime.types', '/etc/nginx/conf.d/site.conf'],
    });
    deepStrictEqual(web.view.firstBootState('/etc/letsencrypt/live/example.org/fullchain.pem').state, 'absent');
  });

  it('keeps the image default server while conf.d is not mounted', async () => {
    const web = await openresty('    image: openresty/openresty:1.25.3.2-bookworm\n');
    deepStrictEqual(summary(web).files, [
      '/usr/local/openresty/nginx/conf/nginx.conf',
      '/usr/local/openresty/nginx/conf/mime.types',
      '/etc/nginx/conf.d/default.conf',
    ]);
  });

  it('reads an nginx.conf mounted over its own', async () => {
    const web = await openresty(
      '    image: openresty/openresty\n    volumes: [./nginx.conf:/usr/local/openresty/nginx/conf/nginx.conf, ./conf.d:/etc/nginx/conf.d]\n',
      {
        '/p/nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    include /etc/nginx/conf.d/*.conf;\n}\n',
      },
    );
    deepStrictEqual(summary(web).files, [
      '/usr/local/openresty/nginx/conf/nginx.conf',
      '/usr/local/openresty/nginx/conf/mime.types',
      '/etc/nginx/conf.d/site.conf',
    ]);
  });

  it('follows -p and a relative -c to the prefix they name', async () => {
    const web = await openresty(
      '    image: openresty/openresty:alpine\n    command: openresty -p /app -c conf/app.conf -g "daemon off;"\n    volumes: [./app:/app]\n',
      {
        '/p/app/conf/app.conf': 'events {}\n',
      },
    );
    deepStrictEqual(summary(web), { main: '/app/conf/app.conf', prefix: '/app/', files: ['/app/conf/app.conf'] });
  });

  it('knows nothing of the Windows and debug flavours, nor of a tag behind a variable', async () => {
    for (const image of ['openresty/openresty:windows', 'openresty/openresty:bullseye-debug', 'openresty/openresty:${TAG}']) {
      const web = await openresty(`    image: ${image}\n    volumes: [./conf.d:/etc/nginx/conf.d]\n`);
      deepStrictEqual(summary(web).files, undefined, image);
    }
  });
});
