import type { RestartPolicy } from '../../languages/compose/model';
import type { DeployedProject } from '../../model/deployment';
import { challengeWithoutWebServer } from '../../languages/shell/certbot-invocation';
import type { Rule, RuleFinding } from '../rule';

function describePolicy(restart: RestartPolicy): string {
  if (restart.origin === 'deploy.restart_policy') {
    const attempts = restart.maximumRetries !== undefined ? ` (max_attempts: ${restart.maximumRetries})` : '';
    return `\`deploy.restart_policy\` condition \`${restart.policy ?? ''}\`${attempts}`;
  }
  const retries = restart.policy === 'on-failure' && restart.maximumRetries !== undefined ? `:${restart.maximumRetries}` : '';
  return `\`restart: ${restart.policy ?? ''}${retries}\``;
}

function describeLoop(restart: RestartPolicy, forever: string): string {
  if (restart.policy === 'on-failure' && restart.maximumRetries !== undefined) {
    return `compose restarts it ${restart.maximumRetries} times, then leaves it stopped`;
  }
  return `compose restarts it ${forever}`;
}

/**
 * Whether certbot may need nginx to answer its challenge: some certbot service of the project
 * runs with `--webroot`, `--nginx`, or an authenticator its command does not name (`certbot
 * renew` takes the one stored with the certificate). Not when every run names one that does
 * without nginx: a DNS plugin, `--standalone`, `--manual`.
 */
function mayNeedNginxForChallenge(project: DeployedProject): boolean {
  const certbots = project.services.filter((service) => service.certbot);
  const invocations = certbots.flatMap((service) => service.certbot?.invocations ?? []);
  if (certbots.length === 0) return false;
  if (invocations.length === 0) return true;
  return !invocations.every(challengeWithoutWebServer);
}

export const restartLoopOnFirstBoot: Rule = {
  id: 'restart-loop-on-first-boot',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  offersHttpFirstSplit: true,
  defaultSeverity: 'error',
  summary: 'an nginx service that fails on first boot is restarted forever, so port 80 never answers and certbot never gets a certificate',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      // HTTP-01 is named unless certbot surely does without nginx (a DNS plugin, standalone)
      const deadlock = mayNeedNginxForChallenge(project);
      for (const service of project.services) {
        const restart = service.compose.restart;
        if (!restart || restart.policy === undefined || restart.policy === 'no') continue;
        const failures = facts.firstBootFailures(project, service).filter((failure) => !failure.placeholderScript);
        if (failures.length === 0) continue;
        const [first] = failures;
        const others = failures.length > 1 ? ` (and ${failures.length - 1} more missing file${failures.length > 2 ? 's' : ''})` : '';
        // without a deadlock the loop ends once every file exists: never, when nothing in the repository writes one
        const consequence = deadlock
          ? `${describeLoop(restart, 'forever')}, nothing answers on port 80, and certbot's HTTP-01 challenge can never succeed`
          : failures.some((failure) => failure.state.state === 'absent')
            ? `${describeLoop(restart, 'forever')}, and the site never comes up`
            : `${describeLoop(restart, failures.length > 1 ? 'until the files are written' : 'until the file is written')}, and the site is down until then`;
        findings.push({
          message:
            `Service \`${service.name}\` has ${describePolicy(restart)}, but nginx exits on first boot because "${first.path}" does not exist yet${others}: ` +
            `${consequence}.`,
          location: restart.location,
          related: failures.map((failure) => ({ ...failure.location, message: `nginx stops here: [emerg] ${failure.nginxMessage}` })),
          fixes: [],
        });
      }
    }
    return findings;
  },
};
