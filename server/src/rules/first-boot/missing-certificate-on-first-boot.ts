import type { RelatedLocation } from '../../text/findings';
import {
  type FirstBootFailure,
  isMissingInclude,
  missingFileExplanation,
  mountOfOrigin,
  placeholderCommandLocation,
  reportedFirstBootFailures,
} from '../../facts/first-boot-failures';
import type { FirstBootOutlook } from '../../facts/issuance-without-nginx';
import { describeNginx } from '../../facts/nginx-names';
import { describeWriterOutsideProject, type WriterOutsideProject } from '../../facts/writers-outside-project';
import { describeMount } from '../../model/locations';
import { acmeShMount, describeAcmeShWriter } from '../../facts/acme-sh-writer';
import type { Rule, RuleFinding } from '../rule';

function placeholderRelated(failure: FirstBootFailure): RelatedLocation[] {
  const location = placeholderCommandLocation(failure);
  return location ? [{ ...location, message: 'writes the placeholder certificate' }] : [];
}

/** Who obtains a certificate without nginx, as laterFinding says it. */
interface LaterIssuance {
  /** "service `certbot`", "acme.sh (`setup.sh`)". */
  readonly who: string;
  readonly program: 'certbot' | 'acme.sh';
  /** "by DNS-01". */
  readonly challenge: string;
  /** The mount it writes through, described; undefined when none tells. */
  readonly mount?: string;
  /** The service that runs once and exits, which nginx can wait for. */
  readonly awaitable?: string;
}

/**
 * An issuer that needs no nginx (certbot with a DNS plugin, acme.sh by DNS-01) creates the file
 * while nginx starts, or later: nginx exits, and comes up on a later start once the file is
 * there, if something starts it again.
 */
function laterFinding(failure: FirstBootFailure, start: string, issuance: LaterIssuance): RuleFinding {
  const service = failure.service;
  const exits = `nginx exits with \`[emerg] ${failure.nginxMessage}\``;
  const policy = service.compose.restart?.policy;
  const base = { location: failure.location, related: failure.related, fixes: [] };
  if (policy !== undefined && policy !== 'no') {
    return {
      ...base,
      severity: 'warning',
      message: `${start} nginx fails until ${issuance.who} has obtained the certificate ${issuance.challenge}; it starts on a later restart. Until then ${exits}.`,
    };
  }
  const through = issuance.mount === undefined ? '' : ` through ${issuance.mount}`;
  const wait =
    issuance.awaitable === undefined
      ? ''
      : `, or make it wait for ${issuance.program}: \`depends_on: ${issuance.awaitable}: condition: service_completed_successfully\``;
  return {
    ...base,
    message:
      `${start} ${issuance.who} obtains it ${issuance.challenge}${through}, but nginx starts before ${issuance.program} has written it, and nothing restarts nginx: ` +
      `${exits} and stays down. Give service \`${service.name}\` \`restart: on-failure\` so that it starts once the certificate is there${wait}.`,
  };
}

function certbotIssuance(failure: FirstBootFailure, outlook: Extract<FirstBootOutlook, { kind: 'later' }>): LaterIssuance {
  const state = failure.state;
  return {
    who: `service \`${outlook.writer}\``,
    program: 'certbot',
    challenge: outlook.issuance.challenge,
    mount: state.state === 'created-later' ? describeMount(state.writer.mount.source, state.writer.mount.target, failure.service.projectDirectory) : '',
    ...(outlook.issuance.runsOnce ? { awaitable: outlook.writer } : {}),
  };
}

function acmeShIssuance(failure: FirstBootFailure, outlook: Extract<FirstBootOutlook, { kind: 'acme.sh-later' }>): LaterIssuance {
  const mount = acmeShMount(outlook.writer, mountOfOrigin(failure.state.origin), failure.service.projectDirectory);
  return {
    who: describeAcmeShWriter(outlook.writer),
    program: 'acme.sh',
    challenge: 'by DNS-01',
    ...(mount !== undefined ? { mount } : {}),
    ...(outlook.runsOnce ? { awaitable: outlook.runsOnce.name } : {}),
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
        const outlook = failure.placeholderScript || failure.httpFirstScript ? undefined : facts.firstBootOutlook(project, failure);
        if (outlook?.kind === 'outside') {
          findings.push(outsideWriterFinding(failure, `${subject} may not exist when ${nginx} first starts:`, outlook.writer, deployment.workspaceRoot));
          continue;
        }
        // nginx waits for certbot; certificate-name-mismatch speaks for a lineage certbot never creates
        if (outlook?.kind === 'awaited' || (outlook?.kind === 'never' && outlook.cause === 'lineage')) continue;
        if (outlook?.kind === 'later' || outlook?.kind === 'acme.sh-later') {
          const issuance = outlook.kind === 'later' ? certbotIssuance(failure, outlook) : acmeShIssuance(failure, outlook);
          findings.push(laterFinding(failure, `${subject} does not exist when ${nginx} first starts:`, issuance));
          continue;
        }
        const why = missingFileExplanation(failure, project, deployment.workspaceRoot);
        const start = `${subject} does not exist when ${nginx} first starts: ${why.text}.`;
        if (failure.httpFirstScript && !failure.placeholderScript) {
          const relative = (path: string): string => `\`${path.slice(deployment.workspaceRoot.length + 1)}\``;
          const { script, composeFile } = failure.httpFirstScript;
          findings.push({
            severity: 'info',
            message: `${start} ${relative(script.path)} first starts nginx from ${relative(composeFile)} and creates the certificate before this configuration loads; run it instead of \`docker compose up\` on a fresh server.`,
            location: failure.location,
            related: why.related,
            fixes: [],
          });
          continue;
        }
        if (failure.placeholderScript) {
          const script = `\`${failure.placeholderScript.path.slice(deployment.workspaceRoot.length + 1)}\``;
          findings.push({
            severity: 'info',
            message: failure.placeholderLineageUnknown
              ? `${start} ${script} may create a placeholder certificate there first (the name under \`live/\` it writes comes from a variable the repository does not set); run it, with that name, before \`docker compose up\`.`
              : failure.placeholderRootUnknown
                ? `${start} ${script} may create a placeholder certificate there first (it writes under a directory that a variable the script does not set itself names); run it before \`docker compose up\`.`
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
