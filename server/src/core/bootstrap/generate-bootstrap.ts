import { httpServers } from '../deployment/acme-challenge';
import type { DeployedProject, DeployedService, Deployment } from '../deployment/deployment';
import { hostLocation } from '../deployment/locations';
import { readWorkspaceText } from '../deployment/text-edits';
import type { FileEdit } from '../findings';
import type { FileSystem } from '../workspace/file-system';
import { BootstrapError, planLayout, projectRelative, type BootstrapLayout, type BootstrapOptions } from './bootstrap-layout';
import { composeChanges } from './compose-services';
import { isCertificateDomain, isPlainEmail } from './domains';
import { initScript } from './init-script';
import { nginxStages } from './nginx-stages';

export { BootstrapError, type BootstrapOptions } from './bootstrap-layout';

export interface BootstrapResult {
  /** What a quick fix carries: file creations and text edits, none overlapping. */
  readonly edits: FileEdit[];
  /** One line per change, for the CLI and the refactor preview. */
  readonly summary: string[];
}

function validate(options: BootstrapOptions): void {
  if (options.domains.length === 0) throw new BootstrapError('no domain: name at least one');
  const invalid = options.domains.find((domain) => !isCertificateDomain(domain));
  if (invalid !== undefined) throw new BootstrapError(`"${invalid}" is not a domain Let's Encrypt can validate over HTTP-01 (no wildcards, IP addresses or single labels)`);
  if (new Set(options.domains).size !== options.domains.length) throw new BootstrapError('a domain is named twice');
  if (!isPlainEmail(options.email)) throw new BootstrapError(`"${options.email}" is not an email address`);
}

/** The host file of the first server block for the domains: stage 2's directory goes beside it. */
function firstServerFile(domains: readonly string[]): (project: DeployedProject, nginx: DeployedService) => string | undefined {
  return (_project, nginx) => {
    const configuration = nginx.nginx?.configuration;
    const servers = configuration ? httpServers(configuration).filter((server) => server.names.some((name) => domains.includes(name))) : [];
    const server = servers.find((candidate) => candidate.listens.some((socket) => socket.ssl)) ?? servers[0];
    return server && hostLocation(nginx.view, server.entry.file, server.entry.directive.span)?.file;
  };
}

function scriptEdit(fileSystem: FileSystem, layout: BootstrapLayout): FileEdit | undefined {
  const content = initScript(layout);
  const existing = readWorkspaceText(fileSystem, layout.scriptPath);
  if (existing === content) return undefined;
  if (existing === undefined) return { kind: 'create', file: layout.scriptPath, content };
  const lines = existing.split('\n');
  return { kind: 'replace', file: layout.scriptPath, range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: (lines.at(-1) ?? '').length } }, newText: content };
}

/**
 * The HTTP-first bootstrap of a deployment: stage 1 (port 80, the ACME challenge, no
 * certificate needed) always loaded; stage 2 (the user's HTTPS servers) loaded once the
 * certificate exists; compose services that issue once and renew in a loop; and the script that
 * goes from one to the other on a fresh server. Running it on its own output yields no edits.
 * Throws BootstrapError when the deployment is not one it can rewrite safely.
 */
export function generateBootstrap(deployment: Deployment, fileSystem: FileSystem, options: BootstrapOptions): BootstrapResult {
  validate(options);
  const layout = planLayout(deployment, options, firstServerFile(options.domains));
  const nginx = nginxStages(deployment, fileSystem, layout);
  const compose = composeChanges(fileSystem, layout);
  const script = scriptEdit(fileSystem, layout);
  const edits = [...nginx.edits, ...compose.edits, ...(script ? [script] : [])];
  const summary = [...nginx.summary, ...compose.summary];
  if (script) summary.push(`${projectRelative(layout.project.compose.directory, layout.scriptPath).replace(/^\.\//, '')}: checks DNS, does a dry run against staging, requests the certificate, enables HTTPS; run it on the server.`);
  if (layout.staging && edits.length > 0) summary.push('--staging: the certificate comes from the staging server, which browsers reject; generate again without it once the dry run passes.');
  return { edits, summary };
}
