import type { DeployedProject } from '../../model/deployment';
import type { RelatedLocation } from '../../text/findings';
import { certbotInstallerFiles, type FirstBootFailure, placeholderCommandLocation, whyMissing } from '../../facts/first-boot-failures';
import type { FirstBootOutlook } from '../../facts/issuance-without-nginx';
import { describeHostConfigurationDirectory, describeNginx, isHostNginx } from '../../facts/nginx-names';
import { describeWriterOutsideProject, type WriterOutsideProject } from '../../facts/writers-outside-project';
import { describeMount } from '../../model/locations';
import type { Rule, RuleFinding } from '../rule';

function placeholderRelated(failure: FirstBootFailure): RelatedLocation[] {
  const location = placeholderCommandLocation(failure);
  return location ? [{ ...location, message: 'writes the placeholder certificate' }] : [];
}

/**
 * Why the file is missing. A host nginx has no mounts: its /etc/nginx is the directory of the
 * nginx.conf, so the mount wording (and the mount as a related location) would be made up.
 */
function explanation(failure: FirstBootFailure, project: DeployedProject, workspaceRoot: string): { text: string; related: readonly RelatedLocation[] } {
  if (!isHostNginx(failure.service)) return { text: whyMissing(failure, project), related: failure.related };
  const directory = describeHostConfigurationDirectory(failure.service, workspaceRoot);
  const text =
    failure.state.state === 'absent' && failure.state.ignoredBy !== undefined
      ? `it is ignored by ${failure.state.ignoredBy}, so a fresh clone of the repository does not have it in ${directory}, which stands for the host's \`/etc/nginx\``
      : `nothing in the repository puts it there (${directory}, which stands for the host's \`/etc/nginx\`, holds no such file on a fresh server)`;
  return { text, related: [] };
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
  summary: 'nginx names a certificate (or other file) that does not exist yet when it first starts, so it exits',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      const hasCertbot = project.services.some((service) => service.certbot);
      for (const service of project.services) {
        for (const failure of facts.firstBootFailures(project, service)) {
          const name = failure.path.split('/').pop() ?? '';
          // certbot-nginx-options-missing speaks for these, and a script that fetches them is fine
          if (certbotInstallerFiles.has(name) && (hasCertbot || failure.placeholderScript)) continue;
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
          const why = explanation(failure, project, deployment.workspaceRoot);
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
    }
    return findings;
  },
};
