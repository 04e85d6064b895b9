import { deepStrictEqual } from 'node:assert';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { initializeShellParser } from '../../../server/src/languages/shell/shell-parser';
import { buildDeployment } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

const nginxConf = (paths: readonly string[]): string =>
  `server {\n  listen 443 ssl;\n${paths.map((path, index) => `  ${index % 2 === 0 ? 'ssl_certificate' : 'ssl_certificate_key'} ${path};`).join('\n')}\n}\n`;

/** Each path nginx (service `nginx`) misses on first boot, with the acme.sh run that writes it: how, where the run stands, how it gets the certificate. */
async function writers(files: Record<string, string>): Promise<string[]> {
  const inventory = takeInventory(new MemoryFileSystem(files), '/p');
  const deployment = await buildDeployment(inventory);
  const facts = new Facts(deployment, inventory);
  const project = deployment.projects[0];
  const nginx = project?.services.find((service) => service.name === 'nginx');
  if (!project || !nginx) throw new Error('no nginx service');
  return facts
    .firstBootFailures(project, nginx)
    .map((failure) =>
      failure.acmeSh
        ? `${failure.path}: ${failure.acmeSh.how} by ${failure.acmeSh.origin}, ${failure.acmeSh.obtaining}${failure.acmeSh.mount ? ` through ${failure.acmeSh.mount.target}` : ''}`
        : `${failure.path}: nothing`,
    );
}

describe('the acme.sh runs that write what nginx misses on first boot', () => {
  before(initializeShellParser);

  it("find acme.sh's own directory for the first domain: <domain>_ecc/ for an EC key, <domain>/ for RSA, either by default; ~ is root's home in a container", async () => {
    const paths = [
      '/certs/default/fullchain.cer',
      '/certs/default/example.org.key',
      '/certs/default-ecc/fullchain.cer',
      '/certs/default-ecc/example.org.key',
      '/certs/ec/fullchain.cer',
      '/certs/rsa/fullchain.cer',
      '/certs/ec-as-rsa/fullchain.cer',
      '/certs/other/example.org.csr',
    ];
    deepStrictEqual(
      await writers({
        '/p/compose.yaml': [
          'services:',
          '  nginx:',
          '    image: nginx:1.27',
          '    volumes:',
          '      - ./conf.d:/etc/nginx/conf.d:ro',
          '      - ./home:/certs',
          '  acme:',
          '    build: ./acme',
          '    volumes:',
          '      - ./home/default:/root/.acme.sh/example.org',
          '      - ./home/default-ecc:/root/.acme.sh/example.org_ecc',
          '      - ./home/ec:/home/acme/.acme.sh/example.net_ecc',
          '      - ./home/rsa:/root/.acme.sh/example.com',
          '      - ./home/ec-as-rsa:/root/.acme.sh/example.com_ecc',
          '      - ./home/other:/root/.acme.sh/other.org',
          '',
        ].join('\n'),
        '/p/conf.d/site.conf': nginxConf(paths),
        '/p/acme/Dockerfile': 'FROM alpine\nCOPY *.sh /\n',
        '/p/acme/default.sh': 'acme.sh --issue --dns dns_cf -d example.org -d www.example.org\n',
        '/p/acme/ec.sh': 'acme.sh --issue --dns dns_cf -d example.net --keylength ec-384\nacme.sh --issue --dns dns_cf -d other.org\n',
        '/p/acme/rsa.sh': 'acme.sh --issue -d example.com -w /var/www --keylength 4096\n',
      }),
      [
        '/certs/default/fullchain.cer: home by `acme/default.sh`, dns-01 through /root/.acme.sh/example.org',
        '/certs/default/example.org.key: home by `acme/default.sh`, dns-01 through /root/.acme.sh/example.org',
        '/certs/default-ecc/fullchain.cer: home by `acme/default.sh`, dns-01 through /root/.acme.sh/example.org_ecc',
        '/certs/default-ecc/example.org.key: home by `acme/default.sh`, dns-01 through /root/.acme.sh/example.org_ecc',
        '/certs/ec/fullchain.cer: home by `acme/ec.sh`, dns-01 through /home/acme/.acme.sh/example.net_ecc',
        '/certs/rsa/fullchain.cer: home by `acme/rsa.sh`, web-server through /root/.acme.sh/example.com',
        '/certs/ec-as-rsa/fullchain.cer: nothing',
        '/certs/other/example.org.csr: nothing',
      ],
    );
  });

  it("read an install's challenge from the --issue of its first domain, a relative --cert-home on the host, and the docker deploy hook's label and paths (docker exec -e over the service's environment)", async () => {
    const paths = ['/tls/installed.pem', '/tls/unknown.pem', '/home/example.com/fullchain.cer', '/tls/deployed.pem', '/tls/key.pem', '/tls/unlabelled.pem'];
    deepStrictEqual(
      await writers({
        '/p/compose.yaml': [
          'services:',
          '  nginx:',
          '    image: nginx:1.27',
          '    labels: [sh.acme.autoload=yes]',
          '    volumes:',
          '      - ./conf.d:/etc/nginx/conf.d:ro',
          '      - ./tls:/tls',
          '      - ./acme-home:/home',
          '  acme:',
          '    image: neilpang/acme.sh',
          '    container_name: acme',
          '    command: daemon',
          '    environment:',
          '      DEPLOY_DOCKER_CONTAINER_LABEL: sh.acme.autoload=yes',
          '      DEPLOY_DOCKER_CONTAINER_KEY_FILE: /tls/key.pem',
          '      DEPLOY_DOCKER_CONTAINER_FULLCHAIN_FILE: /tls/ignored.pem',
          '    volumes:',
          '      - ./tls:/out',
          '',
        ].join('\n'),
        '/p/conf.d/site.conf': nginxConf(paths),
        '/p/issue.sh': [
          'docker exec acme --issue --dns dns_gandi_livedns -d example.org',
          'docker exec acme --install-cert -d example.org --fullchain-file /out/installed.pem',
          'docker exec acme --install-cert -d example.net --fullchain-file /out/unknown.pem',
          'acme.sh --issue --standalone -d example.com --cert-home ./acme-home',
          'docker exec -e DEPLOY_DOCKER_CONTAINER_FULLCHAIN_FILE=/tls/deployed.pem acme --deploy -d example.org --deploy-hook docker',
          '',
        ].join('\n'),
      }),
      [
        '/tls/installed.pem: install by `issue.sh`, dns-01 through /out',
        '/tls/unknown.pem: install by `issue.sh`, unknown through /out',
        '/home/example.com/fullchain.cer: home by `issue.sh`, own-server',
        '/tls/deployed.pem: docker-deploy by `issue.sh`, dns-01',
        '/tls/key.pem: docker-deploy by `issue.sh`, dns-01',
        '/tls/unlabelled.pem: nothing',
      ],
    );
  });
});
