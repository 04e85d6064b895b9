import { posix } from 'node:path';
import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import { hasGlobMagic } from '../languages/nginx/glob';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { RelatedLocation } from '../text/findings';
import type { SourceLocation } from '../text/source-location';
import type { FirstBootState } from '../model/container-view';
import type { DummyCertificate } from '../languages/shell/dummy-certificate-script';
import { challengeWithoutWebServer } from '../languages/shell/certbot-invocation';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../model/deployment';
import { describeMount, hostLocation } from '../model/locations';
import { positionAt } from '../text/line-index';
import { configurationPrefixOf, directivesNamed, expandedConfiguration, type NginxBlock, type PlacedDirective } from '../model/nginx-blocks';

/** Directives nginx reads a file for at start; a missing file stops nginx (nginx docs, per module). */
const fileDirectives: ReadonlyMap<string, (path: string) => string> = new Map([
  ['ssl_certificate', (path: string) => `cannot load certificate "${path}": BIO_new_file() failed`],
  ['ssl_certificate_key', (path: string) => `cannot load certificate key "${path}": BIO_new_file() failed`],
  ['ssl_trusted_certificate', (path: string) => `SSL_CTX_load_verify_locations("${path}") failed`],
  ['ssl_client_certificate', (path: string) => `SSL_CTX_load_verify_locations("${path}") failed`],
  ['ssl_dhparam', (path: string) => `BIO_new_file("${path}") failed`],
  ['ssl_crl', (path: string) => `X509_LOOKUP_load_file("${path}") failed`],
  ['ssl_password_file', (path: string) => `open() "${path}" failed`],
  ['ssl_stapling_file', (path: string) => `BIO_new_file("${path}") failed`],
  ['include', (path: string) => `open() "${path}" failed (2: No such file or directory)`],
]);

/** The command of a repository script that writes the placeholder certificate, for related locations. */
export function placeholderCommandLocation(failure: FirstBootFailure): SourceLocation | undefined {
  const script = failure.placeholderScript;
  const certificate =
    script?.dummyCertificates?.certificates.find((candidate) =>
      [candidate.resolvedCertificatePath, candidate.resolvedKeyPath].some(
        (path) => path !== undefined && path.split('/').pop() === failure.path.split('/').pop(),
      ),
    ) ?? script?.dummyCertificates?.certificates[0];
  if (!script || !certificate) return undefined;
  const span = certificate.command.span;
  return { file: script.path, range: { start: positionAt(script.text, span.start), end: positionAt(script.text, span.end) } };
}

export interface FirstBootFailure {
  readonly service: DeployedService;
  readonly directive: NginxDirective;
  /** The path argument as nginx resolves it. */
  readonly path: string;
  readonly location: SourceLocation;
  readonly state: Extract<FirstBootState, { state: 'absent' | 'created-later' }>;
  /** What nginx prints before it exits. */
  readonly nginxMessage: string;
  /** A repository script that puts a placeholder certificate there before nginx starts. */
  readonly placeholderScript?: RepositoryScript;
  /**
   * The script writes its placeholder under `live/<name>/` with a name from a variable the
   * repository does not set (a sourced `.env` a fresh clone lacks): it may be this lineage.
   */
  readonly placeholderLineageUnknown?: boolean;
  readonly related: readonly RelatedLocation[];
}

/** Files only certbot's nginx installer writes; init scripts often download them instead. */
export const certbotInstallerFiles: ReadonlySet<string> = new Set(['options-ssl-nginx.conf', 'ssl-dhparams.pem']);

/** A repository script that fetches or generates an installer file (the init-letsencrypt.sh pattern). */
export function scriptProvidingInstallerFile(deployment: Deployment, fileName: string): RepositoryScript | undefined {
  return deployment.scripts.find((script) => script.text.includes(fileName));
}

/**
 * The host paths a certificate file of a script run on the host may be: a relative path is read
 * from the directory the script runs in, which is its own or, usually, the repository's root.
 */
function hostPathsWritten(script: RepositoryScript, certificate: DummyCertificate, written: string): string[] {
  if (written.startsWith('/')) return [written];
  const directory = certificate.workingDirectory;
  if (directory.kind === 'script') return [posix.join(posix.dirname(script.path), directory.relative, written)];
  if (directory.kind === 'invocation') return [...new Set([posix.join(posix.dirname(script.path), written), posix.join(script.repositoryRoot, written)])];
  return [];
}

function placeholderScriptFor(
  deployment: Deployment,
  pathInWriter: string | undefined,
  path: string,
  hostPath: string | undefined,
): { readonly script: RepositoryScript; readonly lineageUnknown: boolean } | undefined {
  const name = posix.basename(path);
  if (certbotInstallerFiles.has(name)) {
    const script = scriptProvidingInstallerFile(deployment, name);
    return script && { script, lineageUnknown: false };
  }
  const paths = pathInWriter === undefined ? [path] : [pathInWriter, path];
  const writes = (script: RepositoryScript, lineageUnknown: boolean): boolean =>
    script.dummyCertificates?.certificates.some((certificate) => {
      if (lineageUnknown)
        return certificate.launcher !== 'direct' && paths.some((candidate) => certificate.unknownLineagePaths.some((pattern) => pattern.test(candidate)));
      const written = [certificate.resolvedCertificatePath, certificate.resolvedKeyPath].filter((file): file is string => file !== undefined);
      // openssl on the host writes host paths, which reach nginx through a bind mount
      if (certificate.launcher === 'direct')
        return hostPath !== undefined && written.some((file) => hostPathsWritten(script, certificate, file).includes(hostPath));
      return paths.some((candidate) => written.includes(candidate));
    }) ?? false;
  for (const lineageUnknown of [false, true]) {
    const script = deployment.scripts.find((candidate) => writes(candidate, lineageUnknown));
    if (script) return { script, lineageUnknown };
  }
  return undefined;
}

function placeholderOf(found: ReturnType<typeof placeholderScriptFor>): Pick<FirstBootFailure, 'placeholderScript' | 'placeholderLineageUnknown'> {
  if (found === undefined) return {};
  return found.lineageUnknown ? { placeholderScript: found.script, placeholderLineageUnknown: true } : { placeholderScript: found.script };
}

function explain(service: DeployedService, failure: FirstBootFailure['state'], project: DeployedProject): { text: string; related: RelatedLocation[] } {
  const origin = failure.origin;
  const related: RelatedLocation[] = [];
  if (origin.kind === 'bind' || origin.kind === 'volume' || origin.kind === 'tmpfs') {
    related.push({ ...origin.mount.location, message: `mounted into service \`${service.name}\` here` });
  }
  if (failure.state === 'created-later') {
    const writer = project.services.find((candidate) => candidate.name === failure.writer.service);
    const mount = describeMount(failure.writer.mount.source, failure.writer.mount.target, service.projectDirectory);
    related.push({ ...failure.writer.mount.location, message: `service \`${failure.writer.service}\` writes the certificate through this mount` });
    const command = writer?.compose.command ?? writer?.compose.entrypoint;
    if (command) related.push({ ...command.location, message: `service \`${failure.writer.service}\` obtains the certificate here` });
    // a DNS-01 or standalone certbot gets it without nginx; saying it needs port 80 would be made up
    const invocations = writer?.certbot?.invocations ?? [];
    const withoutNginx = invocations.length > 0 && invocations.every(challengeWithoutWebServer);
    return {
      text: `it is created later by service \`${failure.writer.service}\` through ${mount}${withoutNginx ? '' : ', and certbot can only get it once nginx answers on port 80'}`,
      related,
    };
  }
  if (origin.kind === 'bind') {
    const mount = describeMount(origin.mount.source, origin.mount.target, service.projectDirectory);
    if (failure.state === 'absent' && failure.ignoredBy !== undefined) {
      return { text: `it is ignored by ${failure.ignoredBy}, so a fresh clone of the repository does not have it (${mount})`, related };
    }
    return { text: `nothing in the repository puts it there (${mount} holds no such file on a fresh server)`, related };
  }
  if (origin.kind === 'volume') return { text: `the named volume \`${origin.volumeName ?? '(anonymous)'}\` starts empty`, related };
  if (origin.kind === 'tmpfs') return { text: 'the tmpfs mount starts empty', related };
  return { text: 'the image does not hold it and nothing mounts it', related };
}

const certificateAndKey = ['ssl_certificate', 'ssl_certificate_key'];

function holdsVariables(entries: readonly PlacedDirective[]): boolean {
  return entries.some((entry) => entry.directive.args.some((argument) => argument.value.includes('$')));
}

/**
 * The ssl_certificate / ssl_certificate_key lines nginx does not load when it starts: in a server
 * whose certificates (its own, or those it inherits) hold variables, nginx loads them all per
 * handshake; and the http-level ones no server inherits are never loaded.
 */
function certificatesNotLoadedAtStart(configuration: NginxConfiguration): Set<NginxDirective> {
  const skipped = new Set<NginxDirective>();
  const skip = (block: NginxBlock): void => {
    for (const name of certificateAndKey) for (const entry of directivesNamed(block, name)) skipped.add(entry.directive);
  };
  for (const top of expandedConfiguration(configuration).entries) {
    if (!top.block || !['http', 'mail', 'stream'].includes(top.directive.name)) continue;
    const inherited = directivesNamed(top.block, 'ssl_certificate');
    const servers = top.block.entries.flatMap((entry) => (entry.directive.name === 'server' && entry.block ? [entry.block] : []));
    let inheritedLoaded = false;
    for (const server of servers) {
      const own = directivesNamed(server, 'ssl_certificate');
      if (own.length === 0 && inherited.length > 0 && !holdsVariables(inherited)) inheritedLoaded = true;
      if (holdsVariables(own.length > 0 ? own : inherited)) skip(server);
    }
    if (!inheritedLoaded) skip(top.block);
  }
  return skipped;
}

/** Every file nginx needs at start that is missing on a fresh server, for one nginx service (Facts keeps it per analysis). */
export function firstBootFailures(deployment: Deployment, project: DeployedProject, service: DeployedService): FirstBootFailure[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const failures: FirstBootFailure[] = [];
  const notLoadedAtStart = certificatesNotLoadedAtStart(configuration);
  const visit = (file: ConfigurationFile, directives: readonly NginxDirective[]): void => {
    for (const directive of directives) {
      const message = fileDirectives.get(directive.name);
      if (message && notLoadedAtStart.has(directive)) continue;
      // arguments are read from the text when first asked for: only those of file directives
      const argument = message && directive.args.length === 1 ? directive.args[0] : undefined;
      // a glob that matches nothing is fine for nginx; a path with variables is read per request
      const checked = message && argument && !argument.value.includes('$') && !argument.value.startsWith('data:');
      if (checked && !(directive.name === 'include' && hasGlobMagic(argument.value))) {
        const path = argument.value.startsWith('/') ? argument.value : posix.join(configurationPrefixOf(service), argument.value);
        const state = service.view.firstBootState(path);
        const location = state.state === 'absent' || state.state === 'created-later' ? hostLocation(service.view, file, argument.span) : undefined;
        if ((state.state === 'absent' || state.state === 'created-later') && location) {
          const explanation = explain(service, state, project);
          failures.push({
            service,
            directive,
            path,
            location,
            state,
            nginxMessage: message(path),
            ...placeholderOf(
              placeholderScriptFor(
                deployment,
                state.state === 'created-later' ? state.writer.pathInWriter : undefined,
                path,
                state.origin.kind === 'bind' ? state.origin.hostPath : undefined,
              ),
            ),
            related: explanation.related,
          });
        }
      }
      if (directive.block) visit(file, directive.block);
    }
  };
  for (const file of configuration.files) visit(file, file.syntax.directives);
  return failures;
}

/** The sentence that says why the path is missing, for messages. */
export function whyMissing(failure: FirstBootFailure, project: DeployedProject): string {
  return explain(failure.service, failure.state, project).text;
}
