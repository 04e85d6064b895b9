import { posix } from 'node:path';
import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import { hasGlobMagic } from '../languages/nginx/glob';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { RelatedLocation } from '../text/findings';
import type { SourceLocation } from '../text/source-location';
import type { FirstBootState, PathOrigin } from '../model/container-view';
import type { VolumeMount } from '../languages/compose/model';
import type { ScriptWorkingDirectory } from '../languages/shell/dummy-certificate-script';
import { challengeWithoutWebServer } from '../languages/shell/certbot-invocation';
import { type ComposeStart, composeStart } from '../languages/shell/container-launch';
import type { DeployedProject, DeployedService, Deployment, RepositoryScript } from '../model/deployment';
import { describeMount, hostLocation } from '../model/locations';
import { describeHostConfigurationDirectory, isHostNginx } from './nginx-names';
import { positionAt } from '../text/line-index';
import { type AcmeShWriter, acmeShExplanation } from './acme-sh-writer';
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
  /** The script writes its placeholder under a directory a variable names that the repository does not set: it may be this file. */
  readonly placeholderRootUnknown?: boolean;
  /**
   * A repository script that starts nginx from another compose file first (an HTTP-only
   * configuration) and runs the service that creates the file after it (httpFirstScriptFor).
   */
  readonly httpFirstScript?: { readonly script: RepositoryScript; readonly composeFile: string };
  /** An acme.sh run of the repository writes the file (absent on first boot) once it has run. */
  readonly acmeSh?: AcmeShWriter;
  readonly related: readonly RelatedLocation[];
}

/** The acme.sh run that writes a path an nginx service misses on first boot (acme-sh-written-files.ts). */
export type AcmeShWriterLookup = (service: DeployedService, path: string) => AcmeShWriter | undefined;

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
export function hostPathsWritten(script: RepositoryScript, directory: ScriptWorkingDirectory, written: string): string[] {
  if (written.startsWith('/')) return [written];
  if (directory.kind === 'script') return [posix.join(posix.dirname(script.path), directory.relative, written)];
  if (directory.kind === 'invocation') return [...new Set([posix.join(posix.dirname(script.path), written), posix.join(script.repositoryRoot, written)])];
  return [];
}

function placeholderScriptFor(
  deployment: Deployment,
  pathInWriter: string | undefined,
  path: string,
  hostPath: string | undefined,
): { readonly script: RepositoryScript; readonly lineageUnknown: boolean; readonly rootUnknown?: boolean } | undefined {
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
        return hostPath !== undefined && written.some((file) => hostPathsWritten(script, certificate.workingDirectory, file).includes(hostPath));
      return paths.some((candidate) => written.includes(candidate));
    }) ?? false;
  for (const lineageUnknown of [false, true]) {
    const script = deployment.scripts.find((candidate) => writes(candidate, lineageUnknown));
    if (script) return { script, lineageUnknown };
  }
  // a host script writing under a directory a variable names that the repository does not set
  // (`$REPO_ROOT/nginx/certs/…`, set in a sourced file) may write this very file
  const under = deployment.scripts.find((script) =>
    script.dummyCertificates?.certificates.some(
      (certificate) =>
        certificate.launcher === 'direct' && hostPath !== undefined && certificate.unknownRootSuffixes.some((suffix) => hostPath.endsWith(suffix)),
    ),
  );
  return under && { script: under, lineageUnknown: false, rootUnknown: true };
}

/** The compose files a start names with `-f` / `--file`, as host paths read from the script's directory. */
function composeFilesOf(start: ComposeStart, script: RepositoryScript): string[] {
  const files: string[] = [];
  const options = start.globalOptions;
  for (let index = 0; index < options.length; index++) {
    const option = options[index]?.value ?? '';
    const value = option === '-f' || option === '--file' ? options[index + 1] : undefined;
    const attached = /^(?:-f|--file=)(.+)$/.exec(option)?.[1];
    const text = value?.literal ? value.value : attached;
    if (text !== undefined) files.push(posix.resolve(posix.dirname(script.path), text));
  }
  return files;
}

/**
 * The HTTP-first split done with a second compose file: a script of the project that first starts
 * nginx from another compose file of the project's directory (`docker compose -f
 * docker-compose.http-only.yml up -d`, a configuration without TLS), then starts the service that
 * creates the file (`docker compose up certbot`), and only then the project itself.
 */
function httpFirstScriptFor(deployment: Deployment, project: DeployedProject, writer: string): FirstBootFailure['httpFirstScript'] {
  const directory = project.compose.directory;
  const ownFiles = new Set(project.compose.files);
  for (const script of deployment.scripts) {
    if (posix.dirname(script.path) !== directory && !posix.dirname(script.path).startsWith(`${directory}/`)) continue;
    let composeFile: string | undefined;
    for (const command of script.script.commands) {
      if (!command.name) continue;
      const start = composeStart([command.name, ...command.arguments]);
      if (!start) continue;
      const files = composeFilesOf(start, script);
      if (composeFile === undefined) {
        const other = files.find((file) => !ownFiles.has(file) && posix.dirname(file) === directory);
        if (other !== undefined && start.subcommand === 'up') composeFile = other;
        continue;
      }
      if (files.every((file) => ownFiles.has(file)) && start.services.some((service) => service.value === writer)) return { script, composeFile };
    }
  }
  return undefined;
}

/** The HTTP-first script of each writer, looked for once per service's failures. */
function httpFirstOf(
  deployment: Deployment,
  project: DeployedProject,
  state: FirstBootFailure['state'],
  byWriter: Map<string, FirstBootFailure['httpFirstScript']>,
): Pick<FirstBootFailure, 'httpFirstScript'> {
  if (state.state !== 'created-later') return {};
  const writer = state.writer.service;
  if (!byWriter.has(writer)) byWriter.set(writer, httpFirstScriptFor(deployment, project, writer));
  const found = byWriter.get(writer);
  return found ? { httpFirstScript: found } : {};
}

function placeholderOf(
  found: ReturnType<typeof placeholderScriptFor>,
): Pick<FirstBootFailure, 'placeholderScript' | 'placeholderLineageUnknown' | 'placeholderRootUnknown'> {
  if (found === undefined) return {};
  if (found.rootUnknown) return { placeholderScript: found.script, placeholderRootUnknown: true };
  return found.lineageUnknown ? { placeholderScript: found.script, placeholderLineageUnknown: true } : { placeholderScript: found.script };
}

/** The mount a path of a container comes through, when one does. */
export function mountOfOrigin(origin: PathOrigin): VolumeMount | undefined {
  return origin.kind === 'bind' || origin.kind === 'volume' || origin.kind === 'tmpfs' ? origin.mount : undefined;
}

/** `placeholder`: a repository script puts a placeholder there, once run; the repository itself holds no such file. */
function explain(
  service: DeployedService,
  failure: FirstBootFailure['state'],
  project: DeployedProject,
  acmeSh: AcmeShWriter | undefined,
  placeholder = false,
): { text: string; related: RelatedLocation[] } {
  const origin = failure.origin;
  const related: RelatedLocation[] = [];
  const mount = mountOfOrigin(origin);
  if (mount) related.push({ ...mount.location, message: `mounted into service \`${service.name}\` here` });
  if (acmeSh) {
    const explanation = acmeShExplanation(acmeSh, service, mount);
    return { text: explanation.text, related: [...related, ...explanation.related] };
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
    return {
      text: `${placeholder ? 'the repository holds no such file' : 'nothing in the repository puts it there'} (${mount} holds no such file on a fresh server)`,
      related,
    };
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

/**
 * Every file nginx needs at start that is missing on a fresh server, for one nginx service, in
 * the order nginx reads the directives (Facts keeps it per analysis).
 */
export function firstBootFailures(
  deployment: Deployment,
  project: DeployedProject,
  service: DeployedService,
  acmeShWriterOf: AcmeShWriterLookup = () => undefined,
): FirstBootFailure[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const failures: FirstBootFailure[] = [];
  const notLoadedAtStart = certificatesNotLoadedAtStart(configuration);
  const httpFirstByWriter = new Map<string, FirstBootFailure['httpFirstScript']>();
  const check = (file: ConfigurationFile, directive: NginxDirective): void => {
    const message = fileDirectives.get(directive.name);
    if (message && notLoadedAtStart.has(directive)) return;
    // arguments are read from the text when first asked for: only those of file directives
    const argument = message && directive.args.length === 1 ? directive.args[0] : undefined;
    // a glob that matches nothing is fine for nginx; a path with variables is read per request
    const checked = message && argument && !argument.value.includes('$') && !argument.value.startsWith('data:');
    if (checked && !(directive.name === 'include' && hasGlobMagic(argument.value))) {
      const path = argument.value.startsWith('/') ? argument.value : posix.join(configurationPrefixOf(service), argument.value);
      const state = service.view.firstBootState(path);
      const location = state.state === 'absent' || state.state === 'created-later' ? hostLocation(service.view, file, argument.span) : undefined;
      if ((state.state === 'absent' || state.state === 'created-later') && location) {
        const acmeSh = state.state === 'absent' ? acmeShWriterOf(service, path) : undefined;
        const explanation = explain(service, state, project, acmeSh);
        failures.push({
          service,
          directive,
          path,
          location,
          state,
          nginxMessage: message(path),
          ...(acmeSh ? { acmeSh } : {}),
          ...httpFirstOf(deployment, project, state, httpFirstByWriter),
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
  };
  // nginx reads an included file where the include stands, depth first; a stack of frames, not
  // recursion, so a chain of thousands of includes does not overflow the call stack
  const visited = new Set<number>();
  const stack: { file: ConfigurationFile; directives: readonly NginxDirective[]; next: number }[] = [];
  const enterFile = (index: number): void => {
    const file = configuration.files[index];
    if (visited.has(index) || !file) return;
    visited.add(index);
    stack.push({ file, directives: file.syntax.directives, next: 0 });
  };
  for (let index = 0; index < configuration.files.length; index++) {
    enterFile(index);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      const directive = frame.directives[frame.next++];
      if (directive === undefined) {
        stack.pop();
        continue;
      }
      check(frame.file, directive);
      // the block's directives come after the files its include names (an include has no block)
      if (directive.block) stack.push({ file: frame.file, directives: directive.block, next: 0 });
      const included = configuration.includes.get(directive);
      if (included === undefined) continue;
      for (let position = included.length - 1; position >= 0; position--) enterFile(included[position] as number);
    }
  }
  return failures;
}

/** The sentence that says why the path is missing, for messages. */
export function whyMissing(failure: FirstBootFailure, project: DeployedProject): string {
  return explain(failure.service, failure.state, project, failure.acmeSh, failure.placeholderScript !== undefined).text;
}

/**
 * Why the file is missing, with the places that say so, for a finding. A host nginx has no
 * mounts: its /etc/nginx is the directory of the nginx.conf, so the mount wording (and the mount
 * as a related location) would be made up.
 */
export function missingFileExplanation(
  failure: FirstBootFailure,
  project: DeployedProject,
  workspaceRoot: string,
): { text: string; related: readonly RelatedLocation[] } {
  if (!isHostNginx(failure.service)) return { text: whyMissing(failure, project), related: failure.related };
  if (failure.acmeSh) return acmeShExplanation(failure.acmeSh, failure.service, undefined);
  const directory = describeHostConfigurationDirectory(failure.service, workspaceRoot);
  const text =
    failure.state.state === 'absent' && failure.state.ignoredBy !== undefined
      ? `it is ignored by ${failure.state.ignoredBy}, so a fresh clone of the repository does not have it in ${directory}, which stands for the host's \`/etc/nginx\``
      : `nothing in the repository puts it there (${directory}, which stands for the host's \`/etc/nginx\`, holds no such file on a fresh server)`;
  return { text, related: [] };
}

/**
 * Whether nginx stops on a missing include rather than a missing certificate: it opens an
 * include while it parses the configuration, and loads certificates after, when it merges the
 * servers' settings (src/core/ngx_conf_file.c, src/http/modules/ngx_http_ssl_module.c).
 */
export function isMissingInclude(failure: FirstBootFailure): boolean {
  return failure.directive.name === 'include';
}

/**
 * The failures in the order nginx meets them: every missing include (in reading order) before
 * every missing certificate, so the first is the one nginx's `[emerg]` names.
 */
export function inNginxOrder(failures: readonly FirstBootFailure[]): FirstBootFailure[] {
  return [...failures.filter(isMissingInclude), ...failures.filter((failure) => !isMissingInclude(failure))];
}

/**
 * The failures of one project's nginx services that missing-certificate-on-first-boot and
 * missing-include-on-first-boot report: certbot's installer files are left to
 * certbot-nginx-options-missing where certbot runs or a script fetches them.
 */
export function reportedFirstBootFailures(project: DeployedProject, failuresOf: (service: DeployedService) => readonly FirstBootFailure[]): FirstBootFailure[] {
  const hasCertbot = project.services.some((service) => service.certbot);
  return project.services.flatMap((service) =>
    failuresOf(service).filter((failure) => !(certbotInstallerFiles.has(posix.basename(failure.path)) && (hasCertbot || failure.placeholderScript))),
  );
}
