import type { Inventory } from '../inventory/inventory';
import { type MissingMountSource, missingMountSources } from './missing-mount-sources';
import { type UnknownServiceLaunch, unknownServiceLaunches } from './unknown-service-launches';
import type { NginxConfiguration } from '../languages/nginx/configuration';
import type { PathOrigin } from '../model/container-view';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import {
  type CloudFormationCertificate,
  cloudFormationCertificates,
  type TerraformCertificate,
  terraformCertificates,
} from '../model/infrastructure/acm-certificates';
import { templateDirectory, templateSuffix } from '../model/official-nginx-image';
import { blocksFirstBoot, type ChallengeAnswer, type ChallengeRoute, challengeRoutes, followedOnFirstBoot } from './acme-challenge';
import { hostPathsWrittenByScripts } from './script-place';
import { type CertbotCertificate, certbotCertificates } from './certbot-certificates';
import { type CertbotJobs, certbotJobs } from './certbot-directories';
import { type CertbotRun, nginxReloadEvidence, type ReloadEvidence, type RenewalPicture, renewalPicture } from './certbot-runs';
import { type AcmeShIssuer, acmeShIssuersOf, certbotIssuersOf, type CertbotIssuer, certificateIssuers, type Issuer } from './certificate-issuers';
import { type IssuedFile, issuedFileOf } from './issued-files';
import { ServiceCertificates, type CertificateReference, type TlsServer } from './certificate-references';
import { type DirectiveVerdict, type LocatedVerdict, locatedVerdicts, type ServiceDirectives, serviceDirectives } from './directive-verdicts';
import { type EnabledStage, enabledStages } from './enabled-stages';
import { type FirstBootFailure, firstBootFailures } from './first-boot-failures';
import { acmeShWriterOf } from './acme-sh-written-files';
import { type FirstBootOutlook, firstBootOutlook } from './issuance-without-nginx';
import { type ContainerNameClaim, containerNameClaims, type HostPortUses, hostPortUses } from './host-claims';
import type { LoadCheck, LoadFailure } from './nginx-load-failure';
import { type LiveDirectoryWrite, liveDirectoryWrites } from './live-directory-writes';
import { type LoadFailureReport, loadFailureReports, nginxLoadFailures } from './nginx-load-failures';

/** The template files a service bind-mounts at /etc/nginx/templates, read from the repository. */
export interface MountedTemplates {
  readonly origin: Extract<PathOrigin, { readonly kind: 'bind' }>;
  /** The `*.template` names of the directory, sorted. */
  readonly names: readonly string[];
}

function once<Key, Value>(answers: Map<Key, Value>, key: Key, compute: () => Value): Value {
  if (answers.has(key)) return answers.get(key) as Value;
  const answer = compute();
  answers.set(key, answer);
  return answer;
}

/**
 * What the rules ask of one analysis's deployment, each answer worked out when a rule first asks
 * and kept for the rest of the analysis, as several rules ask the same questions. The engine
 * makes one per analysis and hands it to every rule in its context; it reads files only through
 * the inventory.
 */
export class Facts {
  private renewalAnswer: RenewalPicture | undefined;
  private unknownLaunchesAnswer: readonly UnknownServiceLaunch[] | undefined;
  private reloadAnswer: readonly ReloadEvidence[] | undefined;
  private issuersAnswer: readonly Issuer[] | undefined;
  private scriptWritesAnswer: readonly string[] | undefined;
  private routesAnswer: readonly ChallengeRoute[] | undefined;
  private terraformAnswer: readonly TerraformCertificate[] | undefined;
  private cloudFormationAnswer: readonly CloudFormationCertificate[] | undefined;
  private portsAnswer: HostPortUses | undefined;
  private namesAnswer: readonly ContainerNameClaim[] | undefined;
  private liveWritesAnswer: readonly LiveDirectoryWrite[] | undefined;
  private readonly failures = new Map<DeployedService, readonly FirstBootFailure[]>();
  private readonly outlooks = new Map<FirstBootFailure, FirstBootOutlook | undefined>();
  private readonly certificates = new Map<DeployedService, ServiceCertificates>();
  private readonly certbotCertificatesByConfiguration = new Map<NginxConfiguration | undefined, Map<DeployedService, readonly CertbotCertificate[]>>();
  private readonly jobs = new Map<DeployedService, CertbotJobs>();
  private readonly stages = new Map<DeployedService, readonly EnabledStage[]>();
  private readonly templates = new Map<DeployedService, MountedTemplates | undefined>();
  private readonly directives = new Map<DeployedService, ServiceDirectives | undefined>();
  private readonly loadFailures = new Map<DeployedService, readonly LoadFailure[]>();

  constructor(
    readonly deployment: Deployment,
    private readonly inventory: Inventory,
  ) {}

  /** Every certbot run of the workspace, the cron files and systemd units, and whether something renews unseen. */
  get renewal(): RenewalPicture {
    this.renewalAnswer ??= renewalPicture(this.deployment, this.inventory);
    return this.renewalAnswer;
  }

  /** The `docker compose run`/`exec` of repository scripts on a service their project does not define. */
  get unknownServiceLaunches(): readonly UnknownServiceLaunch[] {
    this.unknownLaunchesAnswer ??= unknownServiceLaunches(this.deployment);
    return this.unknownLaunchesAnswer;
  }

  /** Every certbot run: compose services, repository scripts, schedule files (renewal.runs). */
  get certbotRuns(): readonly CertbotRun[] {
    return this.renewal.runs;
  }

  /** Who issues the certificates: each certbot run with its image, authenticator and schedule, then the services that issue by themselves. */
  get issuers(): readonly Issuer[] {
    this.issuersAnswer ??= certificateIssuers(this.deployment, this.renewal);
    return this.issuersAnswer;
  }

  get certbotIssuers(): readonly CertbotIssuer[] {
    return certbotIssuersOf(this.issuers);
  }

  /** The runs that create a lineage after a step of their own script or command wrote into its `live/<name>/`. */
  get liveDirectoryWrites(): readonly LiveDirectoryWrite[] {
    this.liveWritesAnswer ??= liveDirectoryWrites(this.deployment, this.certbotRuns);
    return this.liveWritesAnswer;
  }

  /** Every command that reloads or restarts nginx, and whether it can reach it. */
  get reloadEvidence(): readonly ReloadEvidence[] {
    this.reloadAnswer ??= nginxReloadEvidence(this.deployment, this.renewal);
    return this.reloadAnswer;
  }

  /** The stage-2 files a script links into an include glob of an nginx service. */
  enabledStages(nginx: DeployedService): readonly EnabledStage[] {
    return once(this.stages, nginx, () => enabledStages(this.deployment, this.renewal, nginx));
  }

  /** The missing sources of a service's bind mounts that docker turns into directories where a file must be. */
  missingMountSources(service: DeployedService): readonly MissingMountSource[] {
    return missingMountSources(this.deployment, this.inventory, service);
  }

  /** Every file an nginx service needs at start that is missing on a fresh server. */
  firstBootFailures(project: DeployedProject, service: DeployedService): readonly FirstBootFailure[] {
    return once(this.failures, service, () =>
      firstBootFailures(this.deployment, project, service, (nginx, path) => acmeShWriterOf(this.deployment, this.acmeShIssuers, project, nginx, path)),
    );
  }

  /** What becomes of a missing file when nothing needs nginx to create it: created later, never, or maybe (see FirstBootOutlook). */
  firstBootOutlook(project: DeployedProject, failure: FirstBootFailure): FirstBootOutlook | undefined {
    return once(this.outlooks, failure, () => firstBootOutlook(this.deployment, this.certbotIssuers, (certbot) => this.certbotJobs(certbot), project, failure));
  }

  /** The first-boot failures that stop nginx: no script puts a placeholder there, and certbot's installer files aside. */
  blockingFirstBootFailures(project: DeployedProject, nginx: DeployedService): readonly FirstBootFailure[] {
    return this.firstBootFailures(project, nginx).filter(blocksFirstBoot);
  }

  /** The host paths the repository's scripts that run on the host may write (hostPathsWrittenByScripts). */
  get hostScriptWrites(): readonly string[] {
    this.scriptWritesAnswer ??= hostPathsWrittenByScripts(this.deployment);
    return this.scriptWritesAnswer;
  }

  /** One route per name of every webroot job (certbot, acme.sh) whose project has one nginx service in front. */
  get challengeRoutes(): readonly ChallengeRoute[] {
    this.routesAnswer ??= challengeRoutes(this.deployment, this.issuers, this.hostScriptWrites);
    return this.routesAnswer;
  }

  /** How the HTTPS server a route's redirect leads to answers the first challenge: only if nginx starts. */
  followedOnFirstBoot(route: ChallengeRoute): ChallengeAnswer | undefined {
    return followedOnFirstBoot(route, this.blockingFirstBootFailures(route.project, route.nginx));
  }

  /** The certbot runs of a certbot service: its own command and the repository scripts that run it. */
  certbotJobs(certbot: DeployedService): CertbotJobs {
    return once(this.jobs, certbot, () => certbotJobs(certbot, this.certbotRuns));
  }

  /** What a certificate file an nginx service names holds, as the issuer that writes it lays it out. */
  issuedFile(service: DeployedService, reference: CertificateReference): IssuedFile | undefined {
    return issuedFileOf(this.issuers, service, reference);
  }

  /** The acme.sh issuers of the workspace. */
  get acmeShIssuers(): readonly AcmeShIssuer[] {
    return acmeShIssuersOf(this.issuers);
  }

  /** Every certificate and key file an nginx service names, once per place in the repository. */
  certificateReferences(project: DeployedProject, service: DeployedService): readonly CertificateReference[] {
    return this.certificatesOf(project, service).certificateReferences;
  }

  /** The `server` blocks of an nginx service with the certificates they serve. */
  tlsServers(project: DeployedProject, service: DeployedService): readonly TlsServer[] {
    return this.certificatesOf(project, service).tlsServers;
  }

  /** The certificates an nginx service loads from certbot, at start or in `configuration` (a stage 2). */
  certbotCertificates(service: DeployedService, configuration: NginxConfiguration | undefined = service.nginx?.configuration): readonly CertbotCertificate[] {
    const byService = once(this.certbotCertificatesByConfiguration, configuration, () => new Map<DeployedService, readonly CertbotCertificate[]>());
    return once(byService, service, () => certbotCertificates(service, configuration));
  }

  /** Every `aws_acm_certificate` of the workspace's Terraform modules that have no syntax error. */
  get terraformCertificates(): readonly TerraformCertificate[] {
    this.terraformAnswer ??= terraformCertificates(this.deployment.infrastructure);
    return this.terraformAnswer;
  }

  /** Every `AWS::CertificateManager::Certificate` of the workspace's CloudFormation templates. */
  get cloudFormationCertificates(): readonly CloudFormationCertificate[] {
    this.cloudFormationAnswer ??= cloudFormationCertificates(this.deployment.infrastructure);
    return this.cloudFormationAnswer;
  }

  /** What the command table of the nginx a service runs says of each directive it loads; undefined when its build is unknown. */
  serviceDirectives(service: DeployedService): ServiceDirectives | undefined {
    return once(this.directives, service, () => serviceDirectives(service));
  }

  /** The directive verdicts of one kind over every nginx service, where the repository holds the statement. */
  locatedVerdicts<Kind extends DirectiveVerdict['kind']>(kind: Kind): LocatedVerdict<Kind>[] {
    return locatedVerdicts(this.deployment, kind, (service) => this.serviceDirectives(service));
  }

  /** What stops nginx while it loads a service's configuration, past the syntax, in the order nginx meets it. */
  nginxLoadFailures(service: DeployedService): readonly LoadFailure[] {
    return once(this.loadFailures, service, () => nginxLoadFailures(service));
  }

  /** The load failures of one check over every nginx service, as findings say them. */
  loadFailureReports(check: LoadCheck): LoadFailureReport[] {
    return loadFailureReports(this.deployment, check, (service) => this.nginxLoadFailures(service));
  }

  /** What the deployment holds on the Docker host's ports: the services' published ports, certbot --standalone of scripts. */
  get hostPortUses(): HostPortUses {
    this.portsAnswer ??= hostPortUses(this.deployment, this.inventory);
    return this.portsAnswer;
  }

  /** Every `container_name` the deployment's services set: names are unique on the whole Docker host. */
  get containerNames(): readonly ContainerNameClaim[] {
    this.namesAnswer ??= containerNameClaims(this.deployment);
    return this.namesAnswer;
  }

  /**
   * The templates a service bind-mounts at /etc/nginx/templates, as the repository's directory
   * holds them (rendered or not); undefined when no host directory is mounted there or it cannot
   * be listed.
   */
  mountedTemplates(service: DeployedService): MountedTemplates | undefined {
    return once(this.templates, service, () => {
      const origin = service.view.origin(templateDirectory);
      if (origin.kind !== 'bind') return undefined;
      try {
        const names = this.inventory.fileSystem.readDirectory(origin.hostPath).filter((name) => name.endsWith(templateSuffix));
        return { origin, names };
      } catch {
        return undefined;
      }
    });
  }

  private certificatesOf(project: DeployedProject, service: DeployedService): ServiceCertificates {
    return once(this.certificates, service, () => new ServiceCertificates(project, service));
  }
}
