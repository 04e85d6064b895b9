import { httpServers } from '../facts/acme-challenge';
import type { DeployedProject, DeployedService, Deployment } from '../model/deployment';
import { hostLocation } from '../model/locations';

import type { FileEdit } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';
import { writeTargetProblem } from '../workspace/write-targets';
import { BootstrapError, planLayout, projectRelative, type BootstrapOptions } from './bootstrap-layout';
import { composeChanges } from './compose-services';
import { isCertificateDomain, isPlainEmail } from './domain-and-email';
import { deployHookScript, reloadStartScript } from './hook-scripts';
import { type RenamedScript, scriptNameChooser } from './generated-scripts';
import { initScript } from './init-script';
import { nginxStages } from './nginx-stages';
import { readTextFile } from '../workspace/text-files';

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
  if (invalid !== undefined)
    throw new BootstrapError(`"${invalid}" is not a domain Let's Encrypt can validate over HTTP-01 (no wildcards, IP addresses or single labels)`);
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

/** A generated file, created, or replaced whole when it differs from what the generator writes. */
function generatedFileEdit(fileSystem: FileSystem, file: string, content: string): FileEdit | undefined {
  const existing = readTextFile(fileSystem, file);
  if (existing === content) return undefined;
  if (existing === undefined) return { kind: 'create', file, content };
  const lines = existing.split('\n');
  return {
    kind: 'replace',
    file,
    range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: (lines.at(-1) ?? '').length } },
    newText: content,
  };
}

/**
 * The HTTP-first bootstrap of a deployment: stage 1 (port 80, the ACME challenge, no
 * certificate needed) always loaded; stage 2 (the user's HTTPS servers) loaded once the
 * certificate exists, enabled by certbot's deploy hook, after which a start script of the nginx
 * image reloads nginx; compose services that issue once and renew in a loop, both with that
 * hook; and the script that takes a fresh server from one stage to the other. Running it on its own output yields no edits.
 * Throws BootstrapError when the deployment is not one it can rewrite safely.
 */
export function generateBootstrap(deployment: Deployment, fileSystem: FileSystem, options: BootstrapOptions): BootstrapResult {
  validate(options);
  const renamed: RenamedScript[] = [];
  const layout = planLayout(
    deployment,
    options,
    firstServerFile(options.domains),
    scriptNameChooser((path) => readTextFile(fileSystem, path), renamed),
  );
  const nginx = nginxStages(deployment, fileSystem, layout);
  const compose = composeChanges(fileSystem, layout);
  const display = (file: string): string => projectRelative(layout.project.compose.directory, file).replace(/^\.\//, '');
  const scripts = [
    {
      file: layout.hookPath,
      content: deployHookScript(layout),
      summary: `${display(layout.hookPath)}: certbot's deploy hook (${layout.hookContainerPath} in the certbot services): once the certificate exists, links stage 2 into ${display(layout.enabledDirectory)}/ and asks nginx to reload.`,
    },
    {
      file: layout.reloadScriptPath,
      content: reloadStartScript(layout),
      summary: `${display(layout.reloadScriptPath)}: a start script of the nginx image (${layout.reloadScriptContainerPath}) that reloads nginx when the deploy hook asks, after the first certificate and after each renewal.`,
    },
    {
      file: layout.scriptPath,
      content: initScript(layout),
      summary: `${display(layout.scriptPath)}: checks DNS, does a dry run against staging, requests the certificate (the deploy hook enables HTTPS), starts the renewal loop; run it on the server.`,
    },
  ];
  const edits = [...nginx.edits, ...compose.edits];
  const summary = [
    ...renamed.map(
      ({ kept, written }) =>
        `${display(kept)} is not bootstrap's (it has no "# Generated by certboot bootstrap" line), so it is left as it is: bootstrap's script is ${display(written)}; merge what yours does into it, or delete yours.`,
    ),
    ...nginx.summary,
    ...compose.summary,
  ];
  for (const script of scripts) {
    const edit = generatedFileEdit(fileSystem, script.file, script.content);
    if (edit === undefined) continue;
    edits.push(edit);
    summary.push(script.summary);
  }
  if (layout.staging && edits.length > 0)
    summary.push('--staging: the certificate comes from the staging server, which browsers reject; generate again without it once the dry run passes.');
  return { edits, summary };
}

/**
 * Why the files of a bootstrap may not be written inside `directory`, one line each: each must
 * be a regular file inside it, or a new one, reached through no symbolic link
 * (workspace/write-targets.ts). All are checked before any is written.
 */
export function writeProblems(directory: string, files: readonly { readonly file: string }[], display: (path: string) => string): string[] {
  return [...new Set(files.map((file) => file.file))].flatMap((file) => writeTargetProblem(directory, file, display) ?? []);
}
