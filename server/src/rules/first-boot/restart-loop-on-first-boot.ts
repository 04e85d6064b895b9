import type { RestartPolicy } from '../../languages/compose/model';
import { firstBootFailures } from '../../facts/first-boot-failures';
import type { Rule, RuleFinding } from '../rule';

function describePolicy(restart: RestartPolicy): string {
  if (restart.origin === 'deploy.restart_policy') {
    const attempts = restart.maximumRetries !== undefined ? ` (max_attempts: ${restart.maximumRetries})` : '';
    return `\`deploy.restart_policy\` condition \`${restart.policy ?? ''}\`${attempts}`;
  }
  const retries = restart.policy === 'on-failure' && restart.maximumRetries !== undefined ? `:${restart.maximumRetries}` : '';
  return `\`restart: ${restart.policy ?? ''}${retries}\``;
}

function describeLoop(restart: RestartPolicy): string {
  if (restart.policy === 'on-failure' && restart.maximumRetries !== undefined) {
    return `compose restarts it ${restart.maximumRetries} times, then leaves it stopped`;
  }
  return 'compose restarts it forever';
}

export const restartLoopOnFirstBoot: Rule = {
  id: 'restart-loop-on-first-boot',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  offersHttpFirstSplit: true,
  defaultSeverity: 'error',
  summary: 'an nginx service that fails on first boot is restarted forever, so port 80 never answers and certbot never gets a certificate',
  check({ deployment }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      const hasCertbot = project.services.some((service) => service.certbot);
      for (const service of project.services) {
        const restart = service.compose.restart;
        if (!restart || restart.policy === undefined || restart.policy === 'no') continue;
        const failures = firstBootFailures(deployment, project, service).filter((failure) => !failure.placeholderScript);
        if (failures.length === 0) continue;
        const [first] = failures;
        const others = failures.length > 1 ? ` (and ${failures.length - 1} more missing file${failures.length > 2 ? 's' : ''})` : '';
        const consequence = hasCertbot ? "nothing answers on port 80, and certbot's HTTP-01 challenge can never succeed" : 'and the site never comes up';
        findings.push({
          message:
            `Service \`${service.name}\` has ${describePolicy(restart)}, but nginx exits on first boot because "${first.path}" does not exist yet${others}: ` +
            `${describeLoop(restart)}, ${consequence}.`,
          location: restart.location,
          related: failures.map((failure) => ({ ...failure.location, message: `nginx stops here: [emerg] ${failure.nginxMessage}` })),
          fixes: [],
        });
      }
    }
    return findings;
  },
};
