import type { NginxArgument } from '../nginx/syntax-tree';
import type { SourceLocation } from '../source-location';
import { CertbotPath, certbotPathOf } from './certbot-directories';
import type { DeployedProject, DeployedService } from './deployment';
import { argumentLocation, directivesNamed, expandedConfiguration, fixedPathArgument, NginxBlock, PlacedDirective, resolveNginxPath, walkDirectives } from './nginx-blocks';
import { remember } from './per-service';

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

function referenceOf(project: DeployedProject, service: DeployedService, entry: PlacedDirective): CertificateReference | undefined {
  const argument = fixedPathArgument(entry);
  if (!argument) return undefined;
  const location = argumentLocation(service.view, entry, argument);
  if (!location) return undefined;
  const path = resolveNginxPath(argument.value);
  const certbotPath = certbotPathOf(project, service, path);
  return { entry, argument, path, location, ...(certbotPath ? { certbotPath } : {}) };
}

function locationKey(location: SourceLocation): string {
  return `${location.file}:${location.range.start.line}:${location.range.start.character}`;
}

/** Every certificate file directive the service's nginx loads, once per place in the repository. */
function computeCertificateReferences(project: DeployedProject, service: DeployedService): CertificateReference[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const seen = new Set<string>();
  const references: CertificateReference[] = [];
  for (const { entry } of walkDirectives(expandedConfiguration(configuration))) {
    if (!certificateDirectives.has(entry.directive.name)) continue;
    const reference = referenceOf(project, service, entry);
    if (!reference || seen.has(locationKey(reference.location))) continue;
    seen.add(locationKey(reference.location));
    references.push(reference);
  }
  return references;
}

/**
 * Every `server` block of the service's nginx with the certificates it serves: its own
 * `ssl_certificate` / `ssl_certificate_key` directives, else those of the enclosing `http` or
 * `stream` block, as nginx inherits them.
 */
function computeTlsServers(project: DeployedProject, service: DeployedService): TlsServer[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const servers: TlsServer[] = [];
  const referencesOf = (block: NginxBlock, name: string): CertificateReference[] | undefined => {
    const entries = directivesNamed(block, name);
    if (entries.length === 0) return undefined;
    // one directive nginx cannot read as a fixed path makes the whole list unknown
    const references = entries.map((entry) => referenceOf(project, service, entry));
    return references.every((reference) => reference !== undefined) ? (references as CertificateReference[]) : [];
  };
  const visit = (block: NginxBlock, certificates: CertificateReference[], keys: CertificateReference[]): void => {
    const ownCertificates = referencesOf(block, 'ssl_certificate') ?? certificates;
    const ownKeys = referencesOf(block, 'ssl_certificate_key') ?? keys;
    if (block.opener?.directive.name === 'server') {
      const listensTls = directivesNamed(block, 'listen').some((entry) => entry.directive.args.slice(1).some((argument) => argument.value === 'ssl' || argument.value === 'quic'));
      const serverNames = directivesNamed(block, 'server_name').flatMap((entry) =>
        entry.directive.args.flatMap((argument) => {
          const location = argumentLocation(service.view, entry, argument);
          return location ? [{ argument, location }] : [];
        }),
      );
      servers.push({ block, certificates: ownCertificates, keys: ownKeys, listensTls, serverNames });
      return;
    }
    for (const entry of block.entries) if (entry.block) visit(entry.block, ownCertificates, ownKeys);
  };
  visit(expandedConfiguration(configuration), [], []);
  return servers;
}

const certificateReferencesOf = new WeakMap<DeployedService, CertificateReference[]>();
const tlsServersOf = new WeakMap<DeployedService, TlsServer[]>();

/** Every certificate and key an nginx service names, once per analysis (several rules ask). */
export function certificateReferences(project: DeployedProject, service: DeployedService): CertificateReference[] {
  return remember(certificateReferencesOf, service, () => computeCertificateReferences(project, service));
}

/** The TLS server blocks of an nginx service, once per analysis. */
export function tlsServers(project: DeployedProject, service: DeployedService): TlsServer[] {
  return remember(tlsServersOf, service, () => computeTlsServers(project, service));
}
