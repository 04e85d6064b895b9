import type { Fix, RelatedLocation } from '../../text/findings';
import type { CertbotCertificate } from '../../facts/certbot-certificates';
import { posix } from 'node:path';
import { describeRunOrigin, replaceRunText, runVerbWord, runWordLocation, scriptsRunBy, type CertbotRun, type ReloadEvidence } from '../../facts/certbot-runs';
import type { Facts } from '../../facts/facts';
import { isWithin } from '../../model/container-view';
import type { DeployedService, Deployment, RepositoryScript } from '../../model/deployment';
import { positionAt } from '../../text/line-index';
import type { SourceLocation } from '../../text/source-location';
import type { EnabledStage } from '../../facts/enabled-stages';
import type { SourceTexts } from '../../inventory/inventory';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';
import type { StorageOrigin } from '../../facts/acme-challenge';
import type { AcmeShIssuer } from '../../facts/certificate-issuers';
import { installsAt } from '../../facts/issued-files';
import { repeatingLoop } from '../../languages/shell/shell-script';
import { describeMount } from '../../model/locations';
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
  summary: 'certbot or acme.sh renews the certificate but nothing reloads nginx, which keeps serving the old one until it expires',
  check(context) {
    return [...certbotFindings(context), ...acmeShFindings(context)];
  },
};

function certbotFindings({ deployment, facts, inventory }: RuleContext): RuleFinding[] {
  const evidence = facts.reloadEvidence;
  if (evidence.some((item) => item.reach === 'reaches')) return [];
  const findings: RuleFinding[] = [];
  for (const project of deployment.projects) {
    // a run renews when its renewal timing is anything but once (certbot renew, certonly run again and again)
    const renewing = facts.certbotIssuers
      .filter((issuer) => issuer.renewal.kind !== 'once' && isRelevant(issuer.run, project.services))
      .map((issuer) => issuer.run);
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
}

/** A reload in a script that installs acme.sh's certificate once (not on a schedule, not in a loop): it runs then, not after the renewals. */
function reloadsAtSetupOnly(item: ReloadEvidence, issuers: readonly AcmeShIssuer[], facts: Facts): boolean {
  const script = item.script;
  if (!script || item.hook) return false;
  const runs = issuers.filter((issuer) => issuer.run.origin.kind === 'script' && issuer.run.origin.script === script);
  // a script that renews (`acme.sh --cron`), repeats or runs on a schedule reloads after the renewals too
  const renews = runs.some((issuer) => issuer.renewal.kind !== 'once' || issuer.run.repetition !== undefined);
  if (runs.length === 0 || renews || scriptsRunBy(facts.renewal.schedules, script)) return false;
  return repeatingLoop(item.reload.command.loops) === undefined;
}

/** The domains of an acme.sh run, lower-cased; undefined when the shell may change them. */
function literalDomainsOf(issuer: AcmeShIssuer): Set<string> | undefined {
  const { domains, dynamicArguments } = issuer.invocation;
  if (dynamicArguments.length > 0 || domains.length === 0 || domains.some((domain) => !domain.name.literal)) return undefined;
  return new Set(domains.map((domain) => domain.name.value.toLowerCase()));
}

/** Options that make acme.sh run something after a renewal: it may reload nginx there. */
const afterRenewal = new Set(['--reloadcmd', '--renew-hook', '--post-hook', '--deploy-hook', '--deploy']);

/** Whether some acme.sh run of the same names (or of names the shell decides) runs a command after renewals. */
function runsSomethingAfterRenewal(issuer: AcmeShIssuer, issuers: readonly AcmeShIssuer[]): boolean {
  const names = literalDomainsOf(issuer);
  return issuers.some((other) => {
    if (!other.invocation.options.some((option) => afterRenewal.has(option.name))) return false;
    const otherNames = literalDomainsOf(other);
    return !names || !otherNames || [...names].some((name) => otherNames.has(name));
  });
}

/** Whether a compose service mounts the script: it may run in that container rather than on the host. */
function mountedIntoContainer(deployment: Deployment, path: string): boolean {
  return deployment.projects.some((project) =>
    project.services.some((service) =>
      service.compose.volumes.some((mount) => mount.type === 'bind' && mount.source !== undefined && isWithin(path, mount.source)),
    ),
  );
}

/** The reload acme.sh can run itself, when it is certain: in nginx's own container, or on the host of a host nginx or of a named container. */
function reloadCommandFor(deployment: Deployment, issuer: AcmeShIssuer, nginx: DeployedService): { command: string; safe: boolean } | undefined {
  if (issuer.runsIn.kind === 'service' && issuer.runsIn.service === nginx) return { command: 'nginx -s reload', safe: true };
  if (issuer.runsIn.kind !== 'host') return undefined;
  if (nginx.nginx?.imageKind === 'host') return { command: 'nginx -s reload', safe: true };
  // a script some container mounts may run in there, where `docker` is not
  if (issuer.run.origin.kind === 'script' && mountedIntoContainer(deployment, issuer.run.origin.script.path)) return undefined;
  const name = nginx.compose.containerName?.value;
  // acme.sh runs the command from its own directory, where `docker compose` finds no compose file: the container's name is needed
  if (nginx.nginx?.imageKind === 'official' && name && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    return { command: `docker exec ${name} nginx -s reload`, safe: false };
  return undefined;
}

function addReloadCommandFix(deployment: Deployment, issuer: AcmeShIssuer, nginx: DeployedService, texts: SourceTexts): Fix | undefined {
  const reload = reloadCommandFor(deployment, issuer, nginx);
  const last = issuer.invocation.command.arguments.at(-1);
  if (!reload || !last) return undefined;
  const edit = replaceRunText(issuer.run, last, last, ` --reloadcmd "${reload.command}"`, texts, true);
  return edit
    ? { title: `Reload nginx after each renewal: add \`--reloadcmd "${reload.command}"\``, edits: [edit], preferred: true, safe: reload.safe }
    : undefined;
}

/** How nginx reaches a file acme.sh installs: `./certs` → `/etc/nginx/certs`, a named volume, its own container. */
function reachOfFile(storage: StorageOrigin, projectDirectory: string): string {
  if (storage.kind === 'host' && storage.mount) return ` through ${describeMount(storage.mount.source, storage.mount.target, projectDirectory)}`;
  if (storage.kind === 'volume') return ` through the named volume \`${storage.name}\``;
  return storage.kind === 'host' ? '' : ' in its own container';
}

/** The reload of a setup script that runs only when the script does, in the script of one of the runs. */
function setupReload(
  issuer: AcmeShIssuer,
  issuers: readonly AcmeShIssuer[],
  facts: Facts,
): { text: string; location: SourceLocation; script: RepositoryScript } | undefined {
  const origin = issuer.run.origin;
  if (origin.kind !== 'script') return undefined;
  const item = facts.reloadEvidence.find((candidate) => candidate.script === origin.script && reloadsAtSetupOnly(candidate, issuers, facts));
  const span = item?.reload.command.span;
  if (!span) return undefined;
  const { script } = origin;
  const text = script.text.slice(span.start, span.end);
  if (text.includes('\n')) return undefined;
  return { text, script, location: { file: script.path, range: { start: positionAt(script.text, span.start), end: positionAt(script.text, span.end) } } };
}

/**
 * acme.sh installs a certificate (`--install-cert`, or `--issue` with `--fullchain-file` and the
 * like) that nginx loads, with no `--reloadcmd`: acme.sh saves the install and repeats it after
 * every renewal, copying the new files and running nothing.
 */
function acmeShFindings({ deployment, facts, inventory }: RuleContext): RuleFinding[] {
  const issuers = facts.acmeShIssuers;
  if (!issuers.some((issuer) => issuer.installs.length > 0)) return [];
  if (facts.reloadEvidence.some((item) => item.reach === 'reaches' && !reloadsAtSetupOnly(item, issuers, facts))) return [];
  const findings: RuleFinding[] = [];
  for (const issuer of issuers) {
    const action = issuer.invocation.action;
    if (issuer.installs.length === 0 || issuer.reloadCommand || !action || issuer.invocation.dynamicArguments.length > 0) continue;
    if (runsSomethingAfterRenewal(issuer, issuers)) continue;
    const location = runWordLocation(issuer.run, action.word, inventory);
    if (!location) continue;
    for (const project of deployment.projects) {
      for (const service of project.services) {
        const kind = service.nginx?.imageKind;
        if (kind !== 'official' && kind !== 'openresty' && kind !== 'host') continue;
        if ((service.compose.command && !service.command) || (service.compose.entrypoint && !service.command)) continue;
        const loaded = facts
          .certificateReferences(project, service)
          .filter((reference) => reference.entry.directive.name !== 'ssl_trusted_certificate')
          .flatMap((reference) => installsAt([issuer], service, reference.path).map((install) => ({ reference, ...install })))[0];
        if (!loaded) continue;
        const { reference, installed, storage } = loaded;
        const origin = describeRunOrigin(issuer.run, deployment.workspaceRoot);
        const nginx = describeNginx(service, deployment.workspaceRoot);
        const optionLocation = runWordLocation(issuer.run, installed.option.word, inventory, installed.path);
        const fix = addReloadCommandFix(deployment, issuer, service, inventory) ?? reloadLoopFix(inventory, service);
        const once = setupReload(issuer, issuers, facts);
        const related: RelatedLocation[] = [
          { ...reference.location, message: `${nginx} loads the certificate here, once, at start` },
          ...(optionLocation ? [{ ...optionLocation, message: 'acme.sh copies each renewed file here' }] : []),
        ];
        if (kind !== 'host') related.push({ ...service.compose.nameLocation, message: `service \`${service.name}\` runs nginx and is never reloaded` });
        if (once) related.push({ ...once.location, message: 'reloads nginx once, when the script runs, not after each renewal' });
        const onceText = once
          ? ` \`${pathBelow(deployment.workspaceRoot, once.script.path)}\` reloads it only once (\`${once.text}\`), when someone runs the script; the renewals that follow get no reload.`
          : '';
        findings.push({
          message:
            `acme.sh installs the certificate here (\`${action.word.value}\` in ${origin}) with \`${installed.option.word.value} ${installed.path.value}\`, ` +
            `which ${nginx} loads as "${reference.path}"${reachOfFile(storage, project.compose.directory)}, but it has no \`--reloadcmd\`: acme.sh keeps the install and repeats it after every renewal, ` +
            `copying the new certificate there and reloading nothing, and nothing else reloads nginx (${kind === 'host' ? 'no cron job' : 'no `nginx -s reload` in its command, no cron job'}).${onceText} ` +
            `nginx keeps the certificate it loaded at start ("${reference.path}") in memory and serves it until it expires, although the renewed one is on disk.`,
          location,
          related,
          fixes: fix ? [fix] : [],
        });
      }
    }
  }
  return findings;
}
