import type { RelatedLocation } from '../../text/findings';
import {
  type FirstBootFailure,
  isMissingInclude,
  missingFileExplanation,
  placeholderCommandLocation,
  reportedFirstBootFailures,
} from '../../facts/first-boot-failures';
import type { FirstBootOutlook } from '../../facts/issuance-without-nginx';
import { describeNginx } from '../../facts/nginx-names';
import { describeWriterOutsideProject, type WriterOutsideProject } from '../../facts/writers-outside-project';
import { describeMount } from '../../model/locations';
import type { Rule, RuleFinding } from '../rule';

function placeholderRelated(failure: FirstBootFailure): RelatedLocation[] {
  const location = placeholderCommandLocation(failure);
  return location ? [{ ...location, message: 'writes the placeholder certificate' }] : [];
}

/**
 * A certbot service that needs no nginx (DNS-01, `--standalone`) creates the file while nginx
 * starts: nginx exits, and comes up on a later start once the file is there, if something
 * starts it again.
 */
function laterFinding(failure: FirstBootFailure, start: string, outlook: Extract<FirstBootOutlook, { kind: 'later' }>): RuleFinding {
  const { writer, issuance } = outlook;
  const service = failure.service;
  const exits = `nginx exits with \`[emerg] ${failure.nginxMessage}\``;
  const policy = service.compose.restart?.policy;
  const base = { location: failure.location, related: failure.related, fixes: [] };
  if (policy !== undefined && policy !== 'no') {
    return {
      ...base,
      severity: 'warning',
      message: `${start} nginx fails until service \`${writer}\` has obtained the certificate ${issuance.challenge}; it starts on a later restart. Until then ${exits}.`,
    };
  }
  const mount =
    failure.state.state === 'created-later'
      ? describeMount(failure.state.writer.mount.source, failure.state.writer.mount.target, service.projectDirectory)
      : '';
  const wait = issuance.runsOnce ? `, or make it wait for certbot: \`depends_on: ${writer}: condition: service_completed_successfully\`` : '';
  return {
    ...base,
    message:
      `${start} service \`${writer}\` obtains it ${issuance.challenge} through ${mount}, but nginx starts before certbot has written it, and nothing restarts nginx: ` +
      `${exits} and stays down. Give service \`${service.name}\` \`restart: on-failure\` so that it starts once the certificate is there${wait}.`,
  };
}

/** A script that writes the certificate to an absolute host path that is this mount only under one project directory. */
function outsideWriterFinding(failure: FirstBootFailure, start: string, writer: WriterOutsideProject, workspaceRoot: string): RuleFinding {
  return {
    severity: 'warning',
    message: `${start} ${describeWriterOutsideProject(writer, failure, workspaceRoot)}. Elsewhere nginx exits with \`[emerg] ${failure.nginxMessage}\`.`,
    location: failure.location,
    related: [...failure.related, { ...writer.location, message: 'the certificate is written to this host path' }],
    fixes: [],
  };
}

export const missingCertificateOnFirstBoot: Rule = {
  id: 'missing-certificate-on-first-boot',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  offersHttpFirstSplit: true,
  defaultSeverity: 'error',
  summary: 'nginx names a certificate (or other TLS file) that does not exist yet when it first starts, so it exits',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      for (const failure of reportedFirstBootFailures(project, (service) => facts.firstBootFailures(project, service))) {
        // missing-include-on-first-boot speaks for includes
        if (isMissingInclude(failure)) continue;
        const service = failure.service;
        const nginx = describeNginx(service, deployment.workspaceRoot);
        const subject = `\`${failure.directive.name}\` "${failure.path}"`;
        const outlook = failure.placeholderScript ? undefined : facts.firstBootOutlook(project, failure);
        if (outlook?.kind === 'outside') {
          findings.push(outsideWriterFinding(failure, `${subject} may not exist when ${nginx} first starts:`, outlook.writer, deployment.workspaceRoot));
          continue;
        }
        // nginx waits for certbot; certificate-name-mismatch speaks for a lineage certbot never creates
        if (outlook?.kind === 'awaited' || (outlook?.kind === 'never' && outlook.cause === 'lineage')) continue;
        if (outlook?.kind === 'later') {
          findings.push(laterFinding(failure, `${subject} does not exist when ${nginx} first starts:`, outlook));
          continue;
        }
        const why = missingFileExplanation(failure, project, deployment.workspaceRoot);
        const start = `${subject} does not exist when ${nginx} first starts: ${why.text}.`;
        if (failure.placeholderScript) {
          const script = `\`${failure.placeholderScript.path.slice(deployment.workspaceRoot.length + 1)}\``;
          findings.push({
            severity: 'info',
            message: failure.placeholderLineageUnknown
              ? `${start} ${script} may create a placeholder certificate there first (the name under \`live/\` it writes comes from a variable the repository does not set); run it, with that name, before \`docker compose up\`.`
              : `${start} ${script} creates a placeholder certificate there first; run it before \`docker compose up\`.`,
            location: failure.location,
            related: [...why.related, ...placeholderRelated(failure)],
            fixes: [],
          });
          continue;
        }
        findings.push({
          message: `${start} nginx exits with \`[emerg] ${failure.nginxMessage}\`.`,
          location: failure.location,
          related: why.related,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
