import { posix } from 'node:path';
import { certbotPathOf, obtainsCertificate, type CertbotJobs } from '../../facts/certbot-directories';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import {
  argumentLocation,
  expandedConfiguration,
  fixedPathArgument,
  type NginxBlock,
  type PlacedDirective,
  walkDirectives,
  walkDirectivesNamed,
} from '../../model/nginx-blocks';
import { resolveNginxPath } from '../../model/nginx-paths';
import { deletion, indentationAt } from '../../fixes/text-edits';
import type { Fix, RelatedLocation } from '../../text/findings';
import { hasGlobMagic } from '../../languages/nginx/glob';
import type { CertbotInvocation } from '../../languages/shell/certbot-invocation';
import type { SourceLocation } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import { scriptProvidingInstallerFile } from '../../facts/first-boot-failures';
import { describeNginx, isHostNginx } from '../../facts/nginx-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';
import type { Facts } from '../../facts/facts';
import { formatTlsSettings, missingTlsSettings } from '../../fixes/tls-settings';

/** The two files certbot's nginx installer writes at the root of its directory, and the directive naming each. */
const installerFiles: ReadonlyMap<string, string> = new Map([
  ['include', 'options-ssl-nginx.conf'],
  ['ssl_dhparam', 'ssl-dhparams.pem'],
]);

function usesNginxPlugin(invocation: CertbotInvocation): boolean {
  if (invocation.subcommand === 'run' || invocation.subcommand === 'install') return true;
  if (invocation.authenticator?.name === 'nginx') return true;
  return invocation.options.some((option) => option.name === '--installer' && option.value?.value === 'nginx');
}

function describeRun(invocation: CertbotInvocation): string {
  const authenticator = invocation.authenticator ? ` --${invocation.authenticator.name}` : '';
  return `\`certbot ${invocation.subcommand}${authenticator}\``;
}

interface CertbotRunHere {
  readonly certbot: DeployedService;
  readonly invocation: CertbotInvocation;
  readonly location: SourceLocation;
}

/**
 * The run that fills the directory when no run there can use the nginx installer: a certonly run,
 * else a `renew` (which rewrites the certificates of existing lineages, never the installer's files).
 */
function fillingRun(facts: Facts, certbots: readonly DeployedService[]): CertbotRunHere | undefined {
  const jobs: { certbot: DeployedService; jobs: CertbotJobs }[] = certbots.map((certbot) => ({ certbot, jobs: facts.certbotJobs(certbot) }));
  if (jobs.some((entry) => !entry.jobs.complete)) return undefined;
  const runs = jobs.flatMap((entry) => entry.jobs.invocations.map((run) => ({ certbot: entry.certbot, ...run })));
  if (runs.some((run) => usesNginxPlugin(run.invocation))) return undefined;
  return (
    runs.find((run) => run.invocation.subcommand === 'certonly' && obtainsCertificate(run.invocation)) ??
    runs.find((run) => run.invocation.subcommand === 'renew')
  );
}

/** Settings of the inline set that the block (or, for the session cache, the configuration) does not already have. */
function missingSettings(block: NginxBlock, tree: NginxBlock): (readonly [string, string])[] {
  const present = new Set(block.entries.map((entry) => entry.directive.name));
  const cacheAnywhere = [...walkDirectives(tree)].some(({ entry }) => entry.directive.name === 'ssl_session_cache');
  return missingTlsSettings(present, cacheAnywhere);
}

function inlineFix(texts: SourceTexts, location: SourceLocation, entry: PlacedDirective, block: NginxBlock, tree: NginxBlock): Fix | undefined {
  const text = texts.text(location.file);
  const range = entry.directive.span.toRange();
  const indentation = text === undefined ? undefined : indentationAt(text, range);
  if (text === undefined || indentation === undefined) return undefined;
  const settings = missingSettings(block, tree);
  if (settings.length === 0)
    return { title: 'Remove the include (the block already sets these)', edits: [deletion(location.file, text, range)], preferred: true, safe: true };
  return {
    title: 'Replace the include with the TLS settings it would hold',
    edits: [{ kind: 'replace', file: location.file, range, newText: formatTlsSettings(settings, indentation) }],
    preferred: true,
    safe: true,
  };
}

function dhparamFix(texts: SourceTexts, location: SourceLocation, entry: PlacedDirective): Fix | undefined {
  const text = texts.text(location.file);
  if (text === undefined) return undefined;
  return {
    title: 'Remove `ssl_dhparam` (ECDHE suites need no DH parameters)',
    edits: [deletion(location.file, text, entry.directive.span.toRange())],
    preferred: true,
    safe: true,
  };
}

function mainDirectory(service: DeployedService): string {
  return posix.dirname(service.nginx?.mainConfigurationPath ?? '/etc/nginx/nginx.conf');
}

function findingsFor({ deployment, facts, inventory }: RuleContext, project: DeployedProject, service: DeployedService): RuleFinding[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const tree = expandedConfiguration(configuration);
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  const certbots = project.services.filter((candidate) => candidate.certbot);
  for (const { entry, ancestors } of walkDirectivesNamed(tree, installerFiles)) {
    const fileName = installerFiles.get(entry.directive.name);
    const argument = fixedPathArgument(entry);
    if (!fileName || !argument || (entry.directive.name === 'include' && hasGlobMagic(argument.value))) continue;
    const path = entry.directive.name === 'include' ? posix.resolve(mainDirectory(service), argument.value) : resolveNginxPath(argument.value);
    if (posix.basename(path) !== fileName) continue;
    const certbotPath = certbotPathOf(project, service, path);
    if (!certbotPath) continue;
    const state = service.view.firstBootState(path).state;
    if (state !== 'absent' && state !== 'created-later') continue;
    if (scriptProvidingInstallerFile(deployment, fileName)) continue;
    const run = fillingRun(facts, certbotPath.certbot ? [certbotPath.certbot] : certbots);
    const location = argumentLocation(service.view, entry, argument);
    if (!run || !location) continue;
    const key = `${location.file}:${location.range.start.line}:${location.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const related: RelatedLocation[] = [];
    if (certbotPath.mount && !isHostNginx(service)) related.push({ ...certbotPath.mount.location, message: `mounted into service \`${service.name}\` here` });
    related.push({ ...run.location, message: `service \`${run.certbot.name}\` runs ${describeRun(run.invocation)} here, which never writes \`${fileName}\`` });
    const nginxMessage = entry.directive.name === 'include' ? `open() "${path}" failed (2: No such file or directory)` : `BIO_new_file("${path}") failed`;
    const block = ancestors[ancestors.length - 1] as NginxBlock;
    const fix = entry.directive.name === 'include' ? inlineFix(inventory, location, entry, block, tree) : dhparamFix(inventory, location, entry);
    findings.push({
      message:
        `\`${entry.directive.name}\` "${path}" names a file that only certbot's nginx installer (\`--nginx\`) writes, but service \`${run.certbot.name}\` ` +
        `${run.invocation.subcommand === 'renew' ? `runs ${describeRun(run.invocation)}, which only renews the certificates it finds and` : `obtains certificates with ${describeRun(run.invocation)}, which`} never creates it: ` +
        `${describeNginx(service, deployment.workspaceRoot)} exits with \`[emerg] ${nginxMessage}\`.`,
      location,
      related,
      fixes: fix ? [fix] : [],
    });
  }
  return findings;
}

export const certbotNginxOptionsMissing: Rule = {
  id: 'certbot-nginx-options-missing',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "nginx includes options-ssl-nginx.conf or ssl-dhparams.pem, which only certbot's nginx installer writes, while certbot runs certonly or only renew",
  check(context) {
    return context.deployment.projects.flatMap((project) => project.services.flatMap((service) => findingsFor(context, project, service)));
  },
};
