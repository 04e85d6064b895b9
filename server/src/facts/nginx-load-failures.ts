import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { DeployedService, Deployment } from '../model/deployment';
import type { RelatedLocation } from '../text/findings';
import { listenCheckFailures } from './nginx-listen-checks';
import { type LoadCheck, type LoadFailure, loadCheckInput, loadStages, visitDirectives } from './nginx-load-failure';
import { locationCheckFailures } from './nginx-location-checks';
import { variableCheckFailures } from './nginx-variable-checks';
import { zoneCheckFailures } from './nginx-zone-checks';

/**
 * What stops nginx while it loads a service's configuration, past the syntax: conflicting
 * listens, duplicate locations, a server name too long for the names hash, an ssl listen without
 * a certificate, shared memory zones used and never defined or declared twice, unknown
 * variables. In the order nginx meets them: the first is the one it prints before it exits.
 */
export function nginxLoadFailures(service: DeployedService): LoadFailure[] {
  const input = loadCheckInput(service);
  if (input === undefined) return [];
  const failures = [...listenCheckFailures(input), ...zoneCheckFailures(input), ...locationCheckFailures(input), ...variableCheckFailures(input)];
  if (failures.length < 2) return failures;
  // within the parse, nginx meets them in the order of the directives
  const order = new Map<NginxDirective, number>();
  visitDirectives(input.tree, (entry, _top, _parent, index) => {
    if (!order.has(entry.directive)) order.set(entry.directive, index);
    return true;
  });
  return failures
    .map((failure, index) => ({ failure, index }))
    .sort(
      (left, right) =>
        loadStages.indexOf(left.failure.stage) - loadStages.indexOf(right.failure.stage) ||
        (left.failure.stage === 'parse' ? (order.get(left.failure.directive) ?? 0) - (order.get(right.failure.directive) ?? 0) : 0) ||
        left.index - right.index,
    )
    .map(({ failure }) => failure);
}

/** One finding's worth of a load failure: nginx's words, the service, certboot's explanation. */
export interface LoadFailureReport {
  readonly message: string;
  readonly location: LoadFailure['location'];
  readonly related: LoadFailure['related'];
  readonly remedy: LoadFailure['remedy'];
}

/**
 * What a restart policy makes of an nginx that exits at every start, for the message, and where it
 * is written; undefined without one. (restart-loop-on-first-boot says it of the files that appear
 * later; its cure, the HTTP-first split, does nothing for these.)
 */
function restartLoop(service: DeployedService): { sentence: string; related: RelatedLocation } | undefined {
  const restart = service.compose.restart;
  if (restart?.policy === undefined || restart.policy === 'no') return undefined;
  const written = restart.origin === 'deploy.restart_policy' ? `\`deploy.restart_policy\` condition \`${restart.policy}\`` : `\`restart: ${restart.policy}\``;
  const loop =
    restart.policy === 'on-failure' && restart.maximumRetries !== undefined
      ? `compose restarts it ${restart.maximumRetries} times, then leaves it stopped`
      : 'compose restarts it forever';
  return {
    sentence: ` With ${written}, ${loop}, and nothing answers on its ports.`,
    related: { ...restart.location, message: 'the restart policy that restarts the failing nginx' },
  };
}

/** The failures of one check over every nginx service of the deployment, as findings say them; `failuresOf` gives a service's (nginxLoadFailures). */
export function loadFailureReports(
  deployment: Deployment,
  check: LoadCheck,
  failuresOf: (service: DeployedService) => readonly LoadFailure[],
): LoadFailureReport[] {
  const reports: LoadFailureReport[] = [];
  for (const project of deployment.projects) {
    for (const service of project.services) {
      for (const failure of failuresOf(service)) {
        if (failure.check !== check) continue;
        const loop = restartLoop(service);
        reports.push({
          message: `nginx (service \`${service.name}\`) exits with \`[emerg] ${failure.nginxMessage}\`: ${failure.explanation}.${loop?.sentence ?? ''}`,
          location: failure.location,
          related: loop === undefined ? failure.related : [...failure.related, loop.related],
          remedy: failure.remedy,
        });
      }
    }
  }
  return reports;
}
