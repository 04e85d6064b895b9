import { deepStrictEqual, strictEqual } from 'node:assert';
import { runCommandLocation } from '../../../server/src/facts/certbot-runs';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment, type DeployedService, type Deployment } from '../../../server/src/model/deployment';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { CountingFileSystem } from '../../support/counting-file-system';

const workspace = {
  '/w/compose.yaml':
    'services:\n  nginx:\n    image: nginx:1.27\n    ports: ["80:80", "443:443"]\n    volumes:\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro\n      - ./certbot/conf:/etc/letsencrypt:ro\n' +
    '  certbot:\n    image: certbot/certbot\n    container_name: certbot\n    volumes:\n      - ./certbot/conf:/etc/letsencrypt\n    command: certonly --webroot -w /var/www/certbot -d example.org\n',
  '/w/nginx/conf.d/site.conf': 'server {\n  listen 443 ssl;\n  ssl_certificate /etc/letsencrypt/live/example.org/fullchain.pem;\n}\n',
  '/w/ops/cron.d/renew': '0 3 * * * root certbot renew\n',
  '/w/web/Dockerfile': 'FROM nginx:1.27\n',
};

function serviceNamed(deployment: Deployment, name: string): DeployedService {
  const found = deployment.projects.flatMap((project) => project.services).find((service) => service.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

describe('facts', () => {
  it('are worked out when a rule first asks, not before, and read schedules and Dockerfiles through the inventory', async () => {
    const fileSystem = new CountingFileSystem(new MemoryFileSystem(workspace));
    const inventory = takeInventory(fileSystem, '/w');
    const deployment = await buildDeployment(inventory);
    const facts = new Facts(deployment, inventory);
    strictEqual(fileSystem.reads.get('/w/ops/cron.d/renew'), undefined);
    strictEqual(fileSystem.reads.get('/w/web/Dockerfile'), undefined);
    deepStrictEqual(
      facts.certbotRuns.map((run) => [run.invocation.subcommand, run.origin.kind]),
      [
        ['certonly', 'service'],
        ['renew', 'schedule'],
      ],
    );
    strictEqual(fileSystem.reads.get('/w/ops/cron.d/renew'), 1);
    strictEqual(fileSystem.reads.get('/w/web/Dockerfile'), 1);
  });

  it('are worked out once per analysis: every rule that asks gets the same answer', async () => {
    const inventory = takeInventory(new MemoryFileSystem(workspace), '/w');
    const deployment = await buildDeployment(inventory);
    const facts = new Facts(deployment, inventory);
    const [project] = deployment.projects;
    if (!project) throw new Error('no project');
    const nginx = serviceNamed(deployment, 'nginx');
    const certbot = serviceNamed(deployment, 'certbot');
    strictEqual(facts.renewal, facts.renewal);
    strictEqual(facts.reloadEvidence, facts.reloadEvidence);
    strictEqual(facts.challengeRoutes, facts.challengeRoutes);
    strictEqual(facts.hostPortUses, facts.hostPortUses);
    strictEqual(facts.containerNames, facts.containerNames);
    strictEqual(facts.terraformCertificates, facts.terraformCertificates);
    strictEqual(facts.firstBootFailures(project, nginx), facts.firstBootFailures(project, nginx));
    strictEqual(facts.certificateReferences(project, nginx), facts.certificateReferences(project, nginx));
    strictEqual(facts.tlsServers(project, nginx), facts.tlsServers(project, nginx));
    strictEqual(facts.certbotCertificates(nginx), facts.certbotCertificates(nginx));
    strictEqual(facts.enabledStages(nginx), facts.enabledStages(nginx));
    strictEqual(facts.certbotJobs(certbot), facts.certbotJobs(certbot));
    strictEqual(facts.serviceDirectives(nginx), facts.serviceDirectives(nginx));
    strictEqual(facts.serviceDirectives(nginx)?.build.build.version.startsWith('1.27.'), true);
    deepStrictEqual(
      facts.firstBootFailures(project, nginx).map((failure) => [failure.path, failure.state.state]),
      [['/etc/letsencrypt/live/example.org/fullchain.pem', 'created-later']],
    );
    deepStrictEqual(
      facts.containerNames.map((claim) => [claim.name, claim.service.name]),
      [['certbot', 'certbot']],
    );
    deepStrictEqual(
      facts.hostPortUses.services.map((use) => [use.claim.lowPort, use.owner.kind]),
      [
        [80, 'service'],
        [443, 'service'],
      ],
    );
  });

  it('are worked out anew for the next analysis', async () => {
    const fileSystem = new MemoryFileSystem(workspace);
    const first = takeInventory(fileSystem, '/w');
    const firstFacts = new Facts(await buildDeployment(first), first);
    deepStrictEqual(
      firstFacts.certbotRuns.map((run) => run.invocation.subcommand),
      ['certonly', 'renew'],
    );
    fileSystem.writeFile('/w/ops/cron.d/renew', '# renewal moved to the host\n');
    const second = takeInventory(fileSystem, '/w');
    const secondFacts = new Facts(await buildDeployment(second), second);
    strictEqual(firstFacts.certbotRuns.length, 2);
    deepStrictEqual(
      secondFacts.certbotRuns.map((run) => run.invocation.subcommand),
      ['certonly'],
    );
  });

  it('read the commands of cron entries as cron does: the user field of cron.d, @ times, CRLF lines; variables and comments are no entries', async () => {
    const crontab = '# renew twice a day\r\nMAILTO = ops@example.org\r\n0 */12 * * * root certbot renew --quiet\r\n@daily certbot renew -q\r\n0 4 * * *\r\n';
    const inventory = takeInventory(new MemoryFileSystem({ '/w/cron.d/certbot': crontab }), '/w');
    const facts = new Facts(await buildDeployment(inventory), inventory);
    deepStrictEqual(
      facts.certbotRuns.map((run) => [run.origin.kind, runCommandLocation(run).range, run.invocation.command.arguments.map((word) => word.value)]),
      [
        ['schedule', { start: { line: 2, character: 18 }, end: { line: 2, character: 39 } }, ['renew', '--quiet']],
        ['schedule', { start: { line: 3, character: 7 }, end: { line: 3, character: 23 } }, ['renew', '-q']],
      ],
    );
  });
});
