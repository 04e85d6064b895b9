import { argumentValues } from '../languages/nginx/argument-values';
import type { NginxArgument } from '../languages/nginx/syntax-tree';
import type { SourceLocation } from '../text/source-location';
import { type CertbotPath, certbotPathOf } from './certbot-directories';
import type { DeployedProject, DeployedService } from '../model/deployment';
import type { ContainerView } from '../model/container-view';
import {
  argumentLocation,
  configurationPrefixOf,
  expandedConfiguration,
  fixedPathArgument,
  type NginxBlock,
  type PlacedDirective,
  placedDirectivesNamed,
} from '../model/nginx-blocks';
import { resolveNginxPath } from '../model/nginx-paths';

/** A certificate or key file an nginx service names, with where it lies in certbot's directory. */
export interface CertificateReference {
  readonly entry: PlacedDirective;
  readonly argument: NginxArgument;
  /** As nginx resolves it. */
  readonly path: string;
  readonly location: SourceLocation;
  readonly certbotPath?: CertbotPath;
}

/** A `server` block with the certificates and keys it uses, its own or inherited. */
export interface TlsServer {
  readonly block: NginxBlock;
  readonly certificates: readonly CertificateReference[];
  readonly keys: readonly CertificateReference[];
  /** Whether a `listen` of the block takes TLS (`ssl` or `quic`). */
  readonly listensTls: boolean;
  readonly serverNames: readonly { readonly argument: NginxArgument; readonly location: SourceLocation }[];
}

export const certificateDirectives: ReadonlySet<string> = new Set(['ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate']);

function computeReference(
  service: DeployedService,
  entry: PlacedDirective,
  certbotPathAt: (path: string) => CertbotPath | undefined,
): CertificateReference | undefined {
  const argument = fixedPathArgument(entry);
  if (!argument) return undefined;
  const location = argumentLocation(service.view, entry, argument);
  if (!location) return undefined;
  const path = resolveNginxPath(argument.value, configurationPrefixOf(service));
  const certbotPath = certbotPathAt(path);
  return { entry, argument, path, location, ...(certbotPath ? { certbotPath } : {}) };
}

function locationKey(location: SourceLocation): string {
  return `${location.file}:${location.range.start.line}:${location.range.start.character}`;
}

/** Every certificate file directive the service's nginx loads, once per place in the repository. */
function computeCertificateReferences(
  service: DeployedService,
  referenceOf: (entry: PlacedDirective) => CertificateReference | undefined,
): CertificateReference[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const seen = new Set<string>();
  const references: CertificateReference[] = [];
  for (const entry of placedDirectivesNamed(expandedConfiguration(configuration), certificateDirectives)) {
    const reference = referenceOf(entry);
    if (!reference) continue;
    const key = locationKey(reference.location);
    if (seen.has(key)) continue;
    seen.add(key);
    references.push(reference);
  }
  return references;
}

type ServerName = TlsServer['serverNames'][number];

/** Most rules never read the names: they are placed in the repository only when asked for. */
class TlsServerBlock implements TlsServer {
  private names: readonly ServerName[] | undefined;

  constructor(
    readonly block: NginxBlock,
    readonly certificates: readonly CertificateReference[],
    readonly keys: readonly CertificateReference[],
    readonly listensTls: boolean,
    private readonly view: ContainerView,
  ) {}

  get serverNames(): readonly ServerName[] {
    if (this.names === undefined) {
      const names: ServerName[] = [];
      for (const entry of this.block.entries) {
        if (entry.directive.name !== 'server_name') continue;
        for (const argument of entry.directive.args) {
          const location = argumentLocation(this.view, entry, argument);
          if (location) names.push({ argument, location });
        }
      }
      this.names = names;
    }
    return this.names;
  }
}

function takesTls(listen: PlacedDirective): boolean {
  // the values alone: the arguments' spans are never asked for here
  const values = argumentValues(listen.directive);
  for (let index = 1; index < values.length; index++) if (values[index] === 'ssl' || values[index] === 'quic') return true;
  return false;
}

/**
 * Every `server` block of the service's nginx with the certificates it serves: its own
 * `ssl_certificate` / `ssl_certificate_key` directives, else those of the enclosing `http` or
 * `stream` block, as nginx inherits them.
 */
function computeTlsServers(service: DeployedService, referenceOf: (entry: PlacedDirective) => CertificateReference | undefined): TlsServer[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const servers: TlsServer[] = [];
  const referencesOf = (block: NginxBlock, name: string): CertificateReference[] | undefined => {
    let references: CertificateReference[] | undefined;
    for (const entry of block.entries) {
      if (entry.directive.name !== name) continue;
      const reference = referenceOf(entry);
      // one directive nginx cannot read as a fixed path makes the whole list unknown
      if (!reference) return [];
      (references ??= []).push(reference);
    }
    return references;
  };
  const visit = (block: NginxBlock, certificates: readonly CertificateReference[], keys: readonly CertificateReference[]): void => {
    const ownCertificates = referencesOf(block, 'ssl_certificate') ?? certificates;
    const ownKeys = referencesOf(block, 'ssl_certificate_key') ?? keys;
    if (block.opener?.directive.name === 'server') {
      const listensTls = block.entries.some((entry) => entry.directive.name === 'listen' && takesTls(entry));
      servers.push(new TlsServerBlock(block, ownCertificates, ownKeys, listensTls, service.view));
      return;
    }
    for (const entry of block.entries) if (entry.block) visit(entry.block, ownCertificates, ownKeys);
  };
  visit(expandedConfiguration(configuration), [], []);
  return servers;
}

/**
 * The certificates and keys an nginx service names, and its TLS server blocks, each worked out
 * once: Facts keeps one per service and analysis, as several rules ask. Both lists name the same
 * placed directives, so each directive's reference is read once too.
 */
export class ServiceCertificates {
  private readonly referencesByEntry = new Map<PlacedDirective, CertificateReference | null>();
  /** By container path: a big configuration names the same few files in every server. */
  private readonly certbotPaths = new Map<string, CertbotPath | undefined>();
  private references: readonly CertificateReference[] | undefined;
  private servers: readonly TlsServer[] | undefined;

  constructor(
    private readonly project: DeployedProject,
    private readonly service: DeployedService,
  ) {}

  /** Every certificate and key the service's nginx names, once per place in the repository. */
  get certificateReferences(): readonly CertificateReference[] {
    this.references ??= computeCertificateReferences(this.service, (entry) => this.referenceOf(entry));
    return this.references;
  }

  get tlsServers(): readonly TlsServer[] {
    this.servers ??= computeTlsServers(this.service, (entry) => this.referenceOf(entry));
    return this.servers;
  }

  private referenceOf(entry: PlacedDirective): CertificateReference | undefined {
    let reference = this.referencesByEntry.get(entry);
    if (reference === undefined) {
      reference = computeReference(this.service, entry, (path) => this.certbotPathAt(path)) ?? null;
      this.referencesByEntry.set(entry, reference);
    }
    return reference ?? undefined;
  }

  private certbotPathAt(path: string): CertbotPath | undefined {
    if (this.certbotPaths.has(path)) return this.certbotPaths.get(path);
    const found = certbotPathOf(this.project, this.service, path);
    this.certbotPaths.set(path, found);
    return found;
  }
}
