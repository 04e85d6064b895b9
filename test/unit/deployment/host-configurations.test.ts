import { deepStrictEqual } from 'node:assert';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

/** The directories of the nginx.conf files certboot reads as nginx on a host. */
async function hosts(files: Record<string, string>): Promise<string[]> {
  const deployment = await buildDeployment(takeInventory(new MemoryFileSystem(files), '/p'));
  return deployment.projects
    .flatMap((project) => project.services)
    .flatMap((service) => (service.nginx?.imageKind === 'host' ? [service.projectDirectory] : []));
}

const configuration = 'events {}\nhttp {\n    server { listen 80; }\n}\n';

describe('nginx on a host', () => {
  it('is an nginx.conf that no image and no container takes', async () => {
    deepStrictEqual(await hosts({ '/p/nginx/nginx.conf': configuration, '/p/k8s/deployment.yaml': 'kind: Deployment\nspec: {}\n' }), ['/p/nginx']);
  });

  it('is not one a Dockerfile copies in any of its stages', async () => {
    deepStrictEqual(
      await hosts({
        '/p/proxy/nginx.conf': configuration,
        '/p/proxy/Dockerfile': 'FROM alpine AS files\nCOPY nginx.conf /rootfs/etc/nginx/\nFROM nginx:1.27\nCOPY --from=files /rootfs/ /\n',
      }),
      [],
    );
  });

  it('is not one a compose file of another name mounts, from its own directory or from the project directory', async () => {
    const mounting = (source: string) => `services:\n  tls:\n    image: nginx:1.27\n    volumes: ['${source}:/etc/nginx:ro']\n`;
    deepStrictEqual(
      [
        await hosts({ '/p/ci/nginx/nginx.conf': configuration, '/p/ci/compose.test.yml': mounting('./nginx') }),
        await hosts({
          '/p/compose.yaml': 'services: {app: {image: app}}\n',
          '/p/ci/nginx/nginx.conf': configuration,
          '/p/ci/compose.test.yml': mounting('./ci/nginx'),
        }),
        // without a compose project around it, the path is its own directory's only
        await hosts({ '/p/ci/nginx/nginx.conf': configuration, '/p/ci/compose.test.yml': mounting('./ci/nginx') }),
      ],
      [[], [], ['/p/ci/nginx']],
    );
  });
});
