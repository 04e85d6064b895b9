import { deepStrictEqual } from 'node:assert';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

/** What the container of service `web` holds at each path on first boot. */
async function states(service: string, paths: readonly string[], files: Record<string, string> = {}): Promise<string[]> {
  const deployment = await buildDeployment(takeInventory(new MemoryFileSystem({ '/p/compose.yaml': `services:\n  web:\n${service}`, ...files }), '/p'));
  const web = deployment.projects[0]?.services.find((candidate) => candidate.name === 'web');
  return paths.map((path) => web?.view.firstBootState(path).state ?? 'no service');
}

const paths = ['/etc/nginx/nginx.conf', '/etc/nginx/fastcgi_params', '/etc/nginx/snippets/headers.conf', '/etc/nginx/modules/ngx_http_js_module.so'];

describe("the official nginx image's /etc/nginx", () => {
  it('holds the package files and nothing else while only the entrypoint runs before nginx', async () => {
    deepStrictEqual(await states('    image: nginx:1.27\n', paths), ['present', 'present', 'absent', 'unknown']);
  });

  it('is unknown beyond its files (or wholly, for a shell command) when something else may write there first', async () => {
    const unknown = ['present', 'present', 'unknown', 'unknown'];
    // a shell command that copies into /etc/nginx may replace the image's own files too
    const everythingUnknown = ['unknown', 'unknown', 'unknown', 'unknown'];
    deepStrictEqual(
      [
        await states('    image: nginx:1.27\n    volumes:\n      - ./init.sh:/docker-entrypoint.d/40-init.sh:ro\n', paths, {
          '/p/init.sh': 'mkdir -p /etc/nginx/snippets\n',
        }),
        await states('    image: nginx:1.27\n    entrypoint: ["/bin/sh", "-c", "cp -r /conf/* /etc/nginx/ && exec nginx -g \'daemon off;\'"]\n', paths),
        await states('    image: nginx:1.27\n    command: ["/bin/sh", "-c", "cp -r /conf/* /etc/nginx/ && exec nginx -g \'daemon off;\'"]\n', paths),
        await states('    image: nginx:1.27\n    environment:\n      NGINX_ENVSUBST_OUTPUT_DIR: /etc/nginx/snippets\n', paths),
      ],
      [unknown, everythingUnknown, everythingUnknown, unknown],
    );
  });
});
