import type { Fix, RelatedLocation } from '../../text/findings';
import type { CertbotCertificate } from '../../facts/certbot-certificates';
import { posix } from 'node:path';
import { describeRunOrigin, renews, runVerbWord, runWordLocation, type CertbotRun, type ReloadEvidence } from '../../facts/certbot-runs';
import type { Facts } from '../../facts/facts';
import { isWithin } from '../../model/container-view';
import type { DeployedService, RepositoryScript } from '../../model/deployment';
import { positionAt } from '../../text/line-index';
import type { SourceLocation } from '../../text/source-location';
import type { EnabledStage } from '../../facts/enabled-stages';
import type { SourceTexts } from '../../inventory/inventory';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';
import { nginxReloadLoopCommand } from '../../fixes/compose-commands';
import { pathBelow } from '../../text/paths';

/** Official images before 1.19 have no `/docker-entrypoint.sh`: their loop starts nginx itself. */
function reloadLoopFor(image: string): string {
  const version = /:(\d+)\.(\d+)/.exec(image);
  const old = version !== null && (Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 19));
  return old ? nginxReloadLoopCommand.replace('exec /docker-entrypoint.sh nginx ', 'exec nginx ') : nginxReloadLoopCommand;
}

/** Adds the reload loop as the `command:` of an official nginx service that has none. */
function reloadLoopFix(texts: SourceTexts, service: DeployedService): Fix | undefined {
  const image = service.compose.image;
  if (service.nginx?.imageKind !== 'official' || service.compose.command || service.compose.entrypoint || !image?.value) return undefined;
  const text = texts.text(image.location.file);
  const line = text?.split('\n')[image.location.range.start.line];
  const indentation = line === undefined || text?.includes('\r') ? undefined : /^([ \t]*)image[ \t]*:/.exec(line)?.[1];
  if (line === undefined || indentation === undefined || image.location.range.end.line !== image.location.range.start.line) return undefined;
  const end = { line: image.location.range.start.line, character: line.length };
  return {
    title: `Reload nginx every 6 hours in service \`${service.name}\``,
    edits: [{ kind: 'replace', file: image.location.file, range: { start: end, end }, newText: `\n${indentation}command: ${reloadLoopFor(image.value)}` }],
    preferred: true,
    safe: false,
  };
}

/** A certificate nginx loads from certbot, and the stage 2 that loads it when the first-boot configuration does not. */
interface LoadedCertificate {
  readonly certificate: CertbotCertificate & { readonly location: NonNullable<CertbotCertificate['location']> };
  readonly stage?: EnabledStage;
}

function written(certificates: readonly CertbotCertificate[]): LoadedCertificate['certificate'] | undefined {
  return certificates.find((candidate): candidate is LoadedCertificate['certificate'] => candidate.writer !== undefined && candidate.location !== undefined);
}

/**
 * The first certificate certbot writes that nginx loads: at start, else in a stage 2 that a
 * script links into an include glob (the HTTP-first setup `certboot bootstrap` writes), read as
 * the service runs once the links exist.
 */
function loadedCertificate(facts: Facts, service: DeployedService): LoadedCertificate | undefined {
  const atStart = written(facts.certbotCertificates(service));
  if (atStart) return { certificate: atStart };
  if (!service.nginx) return undefined;
  for (const stage of facts.enabledStages(service)) {
    const certificate = written(facts.certbotCertificates(service, stage.configuration));
    if (certificate) return { certificate, stage };
  }
  return undefined;
}

/** A reload a setup script runs once, in the project of `service` (the script stands in its directory, or above or below it). */
function onceReload(
  evidence: readonly ReloadEvidence[],
  service: DeployedService,
): { script: RepositoryScript; text: string; location: SourceLocation } | undefined {
  for (const item of evidence) {
    const script = item.script;
    if (item.reach !== 'once' || !script) continue;
    const directory = posix.dirname(script.path);
    if (!isWithin(directory, service.projectDirectory) && !isWithin(service.projectDirectory, directory)) continue;
    const span = item.reload.command.span;
    const text = script.text.slice(span.start, span.end);
    if (text.includes('\n')) continue;
    return { script, text, location: { file: script.path, range: { start: positionAt(script.text, span.start), end: positionAt(script.text, span.end) } } };
  }
  return undefined;
}

function isRelevant(run: CertbotRun, projectServices: readonly DeployedService[]): boolean {
  return run.origin.kind !== 'service' || projectServices.includes(run.origin.service);
}

export const renewalWithoutReload: Rule = {
  id: 'renewal-without-reload',
  category: 'renewal',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: 'certbot renews the certificate but nothing reloads nginx, which keeps serving the old one until it expires',
  check({ deployment, facts, inventory }) {
    const evidence = facts.reloadEvidence;
    if (evidence.some((item) => item.reach === 'reaches')) return [];
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      const renewing = facts.certbotRuns.filter((run) => renews(run) && isRelevant(run, project.services));
      const [run] = renewing;
      if (!run) continue;
      for (const service of project.services) {
        const kind = service.nginx?.imageKind;
        if (kind !== 'official' && kind !== 'openresty') continue;
        if ((service.compose.command && !service.command) || (service.compose.entrypoint && !service.command)) continue;
        const loaded = loadedCertificate(facts, service);
        if (!loaded) continue;
        const { certificate, stage } = loaded;
        const failedHook = evidence.find((item) => item.hook && item.run && renewing.includes(item.run));
        const verb = runVerbWord(run);
        const location =
          failedHook?.hook && failedHook.run ? runWordLocation(failedHook.run, failedHook.hook, inventory) : verb && runWordLocation(run, verb, inventory);
        if (!location) continue;
        const origin = describeRunOrigin(failedHook?.run ?? run, deployment.workspaceRoot);
        const hookText =
          failedHook?.hook === undefined
            ? ''
            : failedHook.reach === 'no-nginx-in-container'
              ? ` The hook \`${failedHook.hook.value}\` runs inside the certbot container of ${origin}, which has no nginx: it fails with \`/bin/sh: nginx: not found\`.`
              : ` The hook \`${failedHook.hook.value}\` runs inside the certbot container of ${origin}, which has no docker socket (\`/var/run/docker.sock\` is not mounted), so it cannot reach the nginx container.`;
        const once = onceReload(evidence, service);
        const onceText = once
          ? ` \`${pathBelow(deployment.workspaceRoot, once.script.path)}\` reloads it only once (\`${once.text}\`), when someone runs the script to get the first certificate; the renewals that follow get no reload.`
          : '';
        const nginx = describeNginx(service, deployment.workspaceRoot);
        const linker = stage && `\`${pathBelow(deployment.workspaceRoot, stage.script.path)}\``;
        const related: RelatedLocation[] = [
          {
            ...certificate.location,
            message: stage
              ? `${nginx} loads the certificate here once ${linker} has linked this file into \`${stage.enabledDirectory}/\`, and keeps it until it restarts`
              : `${nginx} loads the certificate here, once, at start`,
          },
          { ...service.compose.nameLocation, message: `service \`${service.name}\` runs nginx and is never reloaded` },
        ];
        if (once) related.push({ ...once.location, message: 'reloads nginx once, when the script runs, not after each renewal' });
        const kept = stage
          ? `nginx loads the certificate of stage 2 ("${certificate.path}", in \`${pathBelow(deployment.workspaceRoot, certificate.location.file)}\`, which ${linker} links into \`${stage.enabledDirectory}/\`) ` +
            'only when it starts after the link exists, keeps it in memory and serves it until it expires, although the renewed one is on disk.'
          : `nginx keeps the certificate it loaded at start ("${certificate.path}") in memory and serves it until it expires, although the renewed one is on disk.`;
        const fix = reloadLoopFix(inventory, service);
        findings.push({
          message:
            `certbot renews the certificate here (\`${run.invocation.subcommand}\` in ${describeRunOrigin(run, deployment.workspaceRoot)}), but nothing reloads nginx in service \`${service.name}\`: ` +
            `no \`nginx -s reload\` in its command, no deploy hook that reaches it, no cron job.${hookText}${onceText} ${kept}`,
          location,
          related,
          fixes: fix ? [fix] : [],
        });
      }
    }
    return findings;
  },
};
