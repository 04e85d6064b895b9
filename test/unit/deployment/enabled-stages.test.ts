import { deepStrictEqual } from 'node:assert';
import { join, relative } from 'node:path';
import { gatherCertbotRuns, runCommandLocation } from '../../../server/src/facts/certbot-runs';
import { Facts } from '../../../server/src/facts/facts';
import { takeInventory } from '../../../server/src/inventory/inventory';
import { buildDeployment, type Deployment } from '../../../server/src/model/deployment';
import { DiskFileSystem } from '../../../server/src/workspace/disk-file-system';
import { fixturesRoot } from '../../support/paths';

async function load(directory: string): Promise<{ deployment: Deployment; facts: Facts }> {
  const inventory = takeInventory(new DiskFileSystem([directory]), directory);
  const deployment = await buildDeployment(inventory);
  return { deployment, facts: new Facts(deployment, inventory) };
}

function service(deployment: Deployment, name: string) {
  const found = deployment.projects.flatMap((project) => project.services).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

describe('stage 2 of an HTTP-first setup, as a deploy hook links it', () => {
  it('finds the files the hook links into the include globs of the reference project: the redirect and the HTTPS server', async () => {
    const directory = join(fixturesRoot, 'acme', 'http-first');
    const { deployment, facts } = await load(directory);
    const stages = facts.enabledStages(service(deployment, 'nginx'));
    deepStrictEqual(
      stages.map((stage) => ({
        include: stage.include.args[0]?.value,
        enabledDirectory: stage.enabledDirectory,
        script: relative(directory, stage.script.path),
        files: stage.configuration.files.map((file) => file.path),
      })),
      [
        {
          include: '/etc/nginx/https-enabled/example.org.redirect*',
          enabledDirectory: '/etc/nginx/https-enabled',
          script: 'certbot/hooks/enable-https.sh',
          files: ['/etc/nginx/https/example.org.redirect'],
        },
        {
          include: '/etc/nginx/https-enabled/*.conf',
          enabledDirectory: '/etc/nginx/https-enabled',
          script: 'certbot/hooks/enable-https.sh',
          files: ['/etc/nginx/https/example.org.conf'],
        },
      ],
    );
  });

  it('finds none where nothing links into the glob', async () => {
    const directory = join(fixturesRoot, 'rules', 'acme-challenge-not-served', 'good-http-first-stage');
    const { deployment, facts } = await load(directory);
    deepStrictEqual(facts.enabledStages(service(deployment, 'nginx')), []);
  });
});

describe('one gatherer of certbot runs', () => {
  it('gives the renewal picture and the jobs of a certbot service the same runs, in the same places', async () => {
    const directory = join(fixturesRoot, 'acme', 'http-first');
    const { deployment, facts } = await load(directory);
    const place = (location: { file: string; range: { start: { line: number } } }): string =>
      `${relative(directory, location.file)}:${location.range.start.line + 1}`;
    const runs = gatherCertbotRuns(deployment, []);
    deepStrictEqual(
      runs.map((run) => [run.invocation.subcommand, place(runCommandLocation(run))]),
      [
        ['certonly', 'compose.yaml:33'],
        ['renew', 'compose.yaml:49'],
      ],
    );
    deepStrictEqual(
      facts.certbotRuns.map((run) => run.invocation),
      runs.map((run) => run.invocation),
    );
    deepStrictEqual(
      facts.certbotJobs(service(deployment, 'certbot-renew')).invocations.map(({ invocation, location }) => [invocation.subcommand, place(location)]),
      [['renew', 'compose.yaml:49']],
    );
  });
});
