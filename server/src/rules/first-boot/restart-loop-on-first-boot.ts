import type { RestartPolicy } from '../../languages/compose/model';
import type { DeployedProject } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import type { Facts } from '../../facts/facts';
import { type FirstBootFailure, inNginxOrder } from '../../facts/first-boot-failures';
import { type CertbotIssuer, serviceCertbotIssuers } from '../../facts/certificate-issuers';
import { issuanceWithoutNginx } from '../../facts/issuance-without-nginx';
import { describeWriterOutsideProject, type WriterOutsideProject } from '../../facts/writers-outside-project';
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
 * renew` takes the one stored with the certificate). Not when every one surely does without
 * nginx: a DNS plugin, `--standalone`, `--manual`.
 */
function mayNeedNginxForChallenge(issuers: readonly CertbotIssuer[], project: DeployedProject): boolean {
  return project.services.some((service) => {
    if (!service.certbot) return false;
    const own = serviceCertbotIssuers(issuers, service);
    return !issuanceWithoutNginx(issuers, service) && !(own.length > 0 && own.every(answersWithoutWebServer));
  });
}

/** A DNS plugin, `--standalone` or `--manual`: certbot answers the challenge without a web server of the project. */
function answersWithoutWebServer(issuer: CertbotIssuer): boolean {
  return issuer.challenge === 'dns-01' || issuer.authenticator === 'standalone' || issuer.authenticator === 'manual';
}

function quoted(failures: readonly FirstBootFailure[]): string {
  const paths = failures.map((failure) => `"${failure.path}"`);
  return paths.length === 1 ? (paths[0] as string) : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
}

/** The files that never appear, grouped by why: `"a" and "b" (service `certbot` creates other lineages)`. */
function describeNeverAppearing(failures: readonly { failure: FirstBootFailure; why: string }[]): string {
  const byReason = new Map<string, FirstBootFailure[]>();
  for (const { failure, why } of failures) byReason.set(why, [...(byReason.get(why) ?? []), failure]);
  return [...byReason].map(([why, group]) => `${quoted(group)} (${why})`).join(', ');
}

function related(failures: readonly FirstBootFailure[]): RelatedLocation[] {
  return failures.map((failure) => ({ ...failure.location, message: `nginx stops here: [emerg] ${failure.nginxMessage}` }));
}

/**
 * With no certbot that needs nginx, the restart policy is what brings nginx up once certbot has
 * written its files: the loop ends, and missing-certificate-on-first-boot says it. It is endless
 * when a file never appears; it may be when a script writes the file to a host path that is the
 * mount only under one project directory.
 */
function loopWithoutDeadlock(
  facts: Facts,
  project: DeployedProject,
  failures: readonly FirstBootFailure[],
  restart: RestartPolicy,
): Omit<RuleFinding, 'location'> | undefined {
  const never: { failure: FirstBootFailure; why: string; absent: boolean }[] = [];
  const outside: { failure: FirstBootFailure; writer: WriterOutsideProject }[] = [];
  for (const failure of failures) {
    const outlook = facts.firstBootOutlook(project, failure);
    if (outlook?.kind === 'never') never.push({ failure, why: outlook.why, absent: outlook.cause === 'absent' });
    else if (outlook?.kind === 'outside') outside.push({ failure, writer: outlook.writer });
  }
  const service = failures[0]?.service.name ?? '';
  const policy = describePolicy(restart);
  if (never.length > 0 && never.every(({ absent }) => absent)) {
    const [first] = never;
    const others = never.length > 1 ? ` (and ${never.length - 1} more missing file${never.length > 2 ? 's' : ''})` : '';
    return {
      message:
        `Service \`${service}\` has ${policy}, but nginx exits on first boot because "${first?.failure.path}" does not exist yet${others}: ` +
        `${describeLoop(restart, 'forever')}, and the site never comes up.`,
      related: related(never.map(({ failure }) => failure)),
      fixes: [],
    };
  }
  if (never.length > 0) {
    const many = never.length > 1;
    return {
      message:
        `Service \`${service}\` has ${policy}, but nginx exits on every start: ${describeNeverAppearing(never)} never appear${many ? '' : 's'}. ` +
        `${describeLoop(restart, 'forever')}, and the site never comes up.`,
      related: related(never.map(({ failure }) => failure)),
      fixes: [],
    };
  }
  const [first] = outside;
  if (!first) {
    // a standalone certbot or acme.sh: the loop lasts until it has written the files
    const pending = failures.filter(
      (failure) => (failure.state.state === 'created-later' || failure.acmeSh !== undefined) && facts.firstBootOutlook(project, failure) === undefined,
    );
    if (pending.length === 0) return undefined;
    const others = pending.length > 1 ? ` (and ${pending.length - 1} more missing file${pending.length > 2 ? 's' : ''})` : '';
    return {
      message:
        `Service \`${service}\` has ${policy}, but nginx exits on first boot because "${pending[0]?.path}" does not exist yet${others}: ` +
        `${describeLoop(restart, pending.length > 1 ? 'until the files are written' : 'until the file is written')}, and the site is down until then.`,
      related: related(pending),
      fixes: [],
    };
  }
  return {
    severity: 'warning',
    message:
      `Service \`${service}\` has ${policy}, and nginx may exit on every start, restarted forever: ${quoted(outside.map(({ failure }) => failure))} may be missing, since ` +
      `${describeWriterOutsideProject(first.writer, first.failure, facts.deployment.workspaceRoot)}.`,
    related: [...related(outside.map(({ failure }) => failure)), { ...first.writer.location, message: 'the certificate is written to this host path' }],
    fixes: [],
  };
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
      const certbotDeadlock = mayNeedNginxForChallenge(facts.certbotIssuers, project);
      for (const service of project.services) {
        const restart = service.compose.restart;
        if (!restart || restart.policy === undefined || restart.policy === 'no') continue;
        // the first is the file nginx's [emerg] names: a missing include stops it before any certificate is loaded
        const failures = inNginxOrder(facts.firstBootFailures(project, service).filter((failure) => !failure.placeholderScript && !failure.httpFirstScript));
        if (failures.length === 0) continue;
        // or acme.sh writes a file nginx misses once it has validated through nginx (`-w`, `--nginx`)
        const issuer = certbotDeadlock ? 'certbot' : failures.some((failure) => failure.acmeSh?.obtaining === 'web-server') ? 'acme.sh' : undefined;
        if (issuer === undefined) {
          const finding = loopWithoutDeadlock(facts, project, failures, restart);
          if (finding) findings.push({ ...finding, location: restart.location });
          continue;
        }
        const [first] = failures;
        const others = failures.length > 1 ? ` (and ${failures.length - 1} more missing file${failures.length > 2 ? 's' : ''})` : '';
        findings.push({
          message:
            `Service \`${service.name}\` has ${describePolicy(restart)}, but nginx exits on first boot because "${first?.path}" does not exist yet${others}: ` +
            `${describeLoop(restart, 'forever')}, nothing answers on port 80, and ${issuer}'s HTTP-01 challenge can never succeed.`,
          location: restart.location,
          related: related(failures),
          fixes: [],
        });
      }
    }
    return findings;
  },
};
