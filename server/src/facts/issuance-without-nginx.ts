import { posix } from 'node:path';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import { type AcmeShWriter, acmeShRunsOnce } from './acme-sh-writer';
import { type CertbotJobs, certbotPathOf, lineagePath, lineagesOf, sameLineage } from './certbot-directories';
import { type CertbotIssuer, officialCertbotImage, serviceCertbotIssuers } from './certificate-issuers';
import { certbotInstallerFiles, type FirstBootFailure } from './first-boot-failures';
import { type WriterOutsideProject, writerOutsideProject } from './writers-outside-project';

/** How a certbot service gets its certificates without nginx in front. */
export interface IssuanceWithoutNginx {
  /** For messages: `by DNS-01`. */
  readonly challenge: string;
  /**
   * certbot runs once and exits: the service's command is certbot's own arguments (the image's
   * entrypoint is certbot), `certonly`, and no restart policy brings it back. A service that waits
   * for it with `condition: service_completed_successfully` then starts once it has exited 0.
   */
  readonly runsOnce: boolean;
  /** Every run is `certonly`: no installer runs, so files only certbot's nginx installer writes never appear. */
  readonly installsNothing: boolean;
}

/**
 * Whether certbot service `writer` surely obtains its certificates without nginx: each certbot run
 * of its own command (among `issuers`) names a DNS plugin; or its command is unknown (it depends
 * on a variable the repository does not set) and its image is one of certbot's DNS plugin images
 * (`certbot/dns-cloudflare`), which exist for DNS-01.
 */
export function issuanceWithoutNginx(issuers: readonly CertbotIssuer[], writer: DeployedService): IssuanceWithoutNginx | undefined {
  const own = serviceCertbotIssuers(issuers, writer);
  if (own.length > 0) {
    // --standalone needs port 80 reachable in certbot's own container: not judged here
    if (!own.every((issuer) => issuer.challenge === 'dns-01')) return undefined;
    const restart = writer.compose.restart?.policy;
    const installsNothing = own.every((issuer) => issuer.run.invocation.subcommand === 'certonly');
    const runsOnce = writer.command?.imageEntrypoint === true && installsNothing && (restart === undefined || restart === 'no');
    return { challenge: 'by DNS-01', runsOnce, installsNothing };
  }
  const commandUnknown = writer.command === undefined && (writer.compose.command !== undefined || writer.compose.entrypoint !== undefined);
  const image = writer.compose.image?.value;
  if (commandUnknown && image !== undefined && officialCertbotImage(image).extraPlugins.some((plugin) => plugin.startsWith('dns-')))
    return { challenge: 'by DNS-01', runsOnce: false, installsNothing: false };
  return undefined;
}

/**
 * The lineages certbot creates when `path` (as service `service` sees it) lies in none of them:
 * certbot's runs are all known and name other lineages (`live/YOURDOMAIN/` while `-d domain1.com`
 * creates `live/domain1.com/`; certbot's `-0001` suffixes count as the same lineage).
 * certificate-name-mismatch reports these. undefined when the path is in one, or when unknown.
 */
function otherLineages(
  jobsOf: (certbot: DeployedService) => CertbotJobs,
  project: DeployedProject,
  service: DeployedService,
  path: string,
): string[] | undefined {
  const certbotPath = certbotPathOf(project, service, path);
  const lineageFile = certbotPath && lineagePath(certbotPath.relative);
  if (!certbotPath?.certbot || lineageFile?.kind !== 'live') return undefined;
  const lineages = lineagesOf(jobsOf(certbotPath.certbot));
  if (!lineages || lineages.length === 0) return undefined;
  return lineages.some((lineage) => sameLineage(lineageFile.name, lineage)) ? undefined : [...new Set(lineages.map((lineage) => `\`live/${lineage.name}/\``))];
}

/**
 * What becomes of a file nginx misses on first boot when nothing needs nginx to create it:
 * - `outside`: a script writes it to a host path that is its mount only under one project directory;
 * - `awaited`: nginx waits for the certbot run that creates it (`service_completed_successfully`);
 * - `later`: a certbot service creates it without nginx, while nginx starts;
 * - `acme.sh-later`: acme.sh obtains it by DNS-01 and writes it, while nginx starts or after;
 * - `never`: nothing creates it (`why` says so, for messages).
 * undefined when certbot or acme.sh may need nginx to create it (HTTP-01): other rules speak for a
 * deadlock; or when acme.sh gets it with its own server (`--standalone`) or nothing says how.
 */
export type FirstBootOutlook =
  | { readonly kind: 'outside'; readonly writer: WriterOutsideProject }
  | { readonly kind: 'awaited' }
  | { readonly kind: 'later'; readonly writer: string; readonly issuance: IssuanceWithoutNginx }
  | { readonly kind: 'acme.sh-later'; readonly writer: AcmeShWriter; readonly runsOnce?: DeployedService }
  | { readonly kind: 'never'; readonly cause: 'absent' | 'lineage' | 'installer' | 'deploy-hook'; readonly why: string };

/**
 * The outlook of a file acme.sh writes: never, when its docker deploy hook copies it into nginx's
 * container, which runs only once the file is there; otherwise as for certbot, by its challenge.
 */
function acmeShOutlook(writer: AcmeShWriter, failure: FirstBootFailure): FirstBootOutlook | undefined {
  if (writer.how === 'docker-deploy')
    return { kind: 'never', cause: 'deploy-hook', why: `${writer.origin} runs acme.sh's docker deploy hook, which copies into a running container only` };
  if (writer.obtaining !== 'dns-01') return undefined;
  const runsOnce = acmeShRunsOnce(writer);
  if (runsOnce && failure.service.compose.awaitsCompletionOf?.includes(runsOnce.name)) return { kind: 'awaited' };
  return { kind: 'acme.sh-later', writer, ...(runsOnce ? { runsOnce } : {}) };
}

export function firstBootOutlook(
  deployment: Deployment,
  issuers: readonly CertbotIssuer[],
  jobsOf: (certbot: DeployedService) => CertbotJobs,
  project: DeployedProject,
  failure: FirstBootFailure,
): FirstBootOutlook | undefined {
  if (failure.acmeSh) return acmeShOutlook(failure.acmeSh, failure);
  const outside = writerOutsideProject(deployment, failure);
  if (outside) return { kind: 'outside', writer: outside };
  const installerFile = certbotInstallerFiles.has(posix.basename(failure.path));
  const installerOnly = "only certbot's nginx installer, `--nginx`, writes such a file";
  if (failure.state.state === 'absent') {
    return installerFile
      ? { kind: 'never', cause: 'installer', why: installerOnly }
      : { kind: 'never', cause: 'absent', why: 'the repository has no such file' };
  }
  const writerName = failure.state.writer.service;
  const writer = project.services.find((candidate) => candidate.name === writerName);
  const issuance = writer && issuanceWithoutNginx(issuers, writer);
  if (!issuance) return undefined;
  if (issuance.runsOnce && failure.service.compose.awaitsCompletionOf?.includes(writerName)) return { kind: 'awaited' };
  const others = otherLineages(jobsOf, project, failure.service, failure.path);
  if (others) return { kind: 'never', cause: 'lineage', why: `service \`${writerName}\` creates only ${others.join(', ')}` };
  if (installerFile && issuance.installsNothing)
    return { kind: 'never', cause: 'installer', why: `${installerOnly}, and service \`${writerName}\` runs \`certonly\`` };
  return { kind: 'later', writer: writerName, issuance };
}
