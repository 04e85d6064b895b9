import { posix } from 'node:path';
import type { VolumeMount } from '../../languages/compose/model';
import {
  type ChallengeAnswer,
  challengePrefix,
  type ChallengeRoute,
  containerPathOf,
  jobWordLocation,
  sameStorage,
  type StorageOrigin,
  storageOf,
  type WebrootJob,
  webrootStorage,
} from '../../facts/acme-challenge';
import { describeRunOrigin } from '../../facts/certbot-runs';
import type { DeployedService, Deployment } from '../../model/deployment';
import { describeMount, hostLocation } from '../../model/locations';

import type { FileEdit, Fix, RelatedLocation } from '../../text/findings';
import type { SourceLocation } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import { describeNginx, describeNginxRunner } from '../../facts/nginx-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';

const acmeDirectory = '.well-known/acme-challenge';

function relativeTo(directory: string, path: string): string {
  return path.startsWith(`${directory}/`) ? `./${path.slice(directory.length + 1)}` : path === directory ? '.' : path;
}

function lineOf(deployment: Deployment, location: SourceLocation): string {
  const file = location.file.startsWith(`${deployment.workspaceRoot}/`) ? location.file.slice(deployment.workspaceRoot.length + 1) : location.file;
  return `\`${file}:${location.range.start.line + 1}\``;
}

/** How a stored directory reaches a service: `./certbot/www` → `/var/www/certbot` in service `certbot`. */
function describeStorage(storage: StorageOrigin, service: DeployedService | undefined, projectDirectory: string): string {
  const owner = service ? ` in service \`${service.name}\`` : '';
  switch (storage.kind) {
    case 'host':
      return storage.mount
        ? `${describeMount(storage.mount.source, storage.mount.target, projectDirectory)}${owner}`
        : `the host directory \`${storage.path}\``;
    case 'volume':
      return `the named volume \`${storage.name}\` at \`${storage.mount.target ?? ''}\`${owner}`;
    case 'container-only':
      return storage.mount ? `a ${storage.mount.type ?? 'volume'} mount of its own at \`${storage.mount.target ?? ''}\`${owner}` : `no mount at all${owner}`;
    case 'unknown':
      return 'an unknown place';
  }
}

function mountRelated(mount: VolumeMount | undefined, message: string): RelatedLocation[] {
  return mount ? [{ ...mount.location, message }] : [];
}

/** The short-syntax `SOURCE:TARGET[:MODE]` text of a mount, when it is written on one line. */
function shortSyntax(texts: SourceTexts, mount: VolumeMount): { text: string; quote: string; parts: string[] } | undefined {
  const text = texts.text(mount.location.file);
  const range = mount.location.range;
  if (text === undefined || range.start.line !== range.end.line) return undefined;
  const written = (text.split('\n')[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const quoted = /^(["'])(.*)\1$/.exec(written);
  const inner = quoted ? (quoted[2] as string) : written;
  if (inner.includes('\\') || inner.includes('$')) return undefined;
  const parts = inner.split(':');
  if (parts.length < 2 || parts.length > 3) return undefined;
  return { text: written, quote: quoted?.[1] ?? '', parts };
}

/** A mount source as written in compose: relative to the project directory when it lies inside. */
function writtenSource(storage: StorageOrigin, projectDirectory: string): string | undefined {
  if (storage.kind === 'volume') return storage.relativePath === '' ? storage.name : undefined;
  if (storage.kind !== 'host') return undefined;
  const relative = relativeTo(projectDirectory, posix.normalize(storage.path));
  return relative;
}

/** Points nginx's mount at the issuer's directory, so that the path nginx reads is the one certbot (or acme.sh) writes. */
function remountFix(
  texts: SourceTexts,
  nginx: DeployedService,
  nginxStorage: StorageOrigin,
  nginxDirectory: string,
  certbotTokens: StorageOrigin,
  program: WebrootJob['program'],
): Fix | undefined {
  const mount = nginxStorage.kind === 'host' || nginxStorage.kind === 'volume' ? nginxStorage.mount : undefined;
  if (!mount?.target) return undefined;
  const below = posix.relative(mount.target, nginxDirectory);
  let source: StorageOrigin | undefined;
  if (certbotTokens.kind === 'host') {
    const path = posix.normalize(certbotTokens.path);
    if (below !== '' && !path.endsWith(`/${below}`)) return undefined;
    source = { kind: 'host', path: below === '' ? path : path.slice(0, -below.length - 1) };
  } else if (certbotTokens.kind === 'volume' && posix.normalize(certbotTokens.relativePath || '.') === posix.normalize(below || '.')) {
    source = { kind: 'volume', name: certbotTokens.name, relativePath: '', mount: certbotTokens.mount };
  }
  const written = source && writtenSource(source, nginx.projectDirectory);
  const syntax = shortSyntax(texts, mount);
  if (!written || !syntax) return undefined;
  const newText = `${syntax.quote}${[written, ...syntax.parts.slice(1)].join(':')}${syntax.quote}`;
  const edit: FileEdit = { kind: 'replace', file: mount.location.file, range: mount.location.range, newText };
  return {
    title: `Mount ${written} at ${mount.target} in service \`${nginx.name}\`, the directory ${program} writes the tokens to`,
    edits: [edit],
    preferred: true,
  };
}

/** Adds the mount nginx lacks, after its last volume, with certbot's source and read-only. */
function addMountFix(texts: SourceTexts, nginx: DeployedService, nginxDirectory: string, certbotTokens: StorageOrigin, root: boolean): Fix | undefined {
  const last = nginx.compose.volumes.at(-1);
  if (!last || certbotTokens.kind === 'unknown' || certbotTokens.kind === 'container-only') return undefined;
  // with `root`, certbot's webroot (two levels above the tokens) is what nginx needs at the root
  const target = root ? posix.dirname(posix.dirname(nginxDirectory)) : nginxDirectory;
  let source: StorageOrigin = certbotTokens;
  if (root) {
    if (certbotTokens.kind === 'host' && certbotTokens.path.endsWith(`/${acmeDirectory}`))
      source = { kind: 'host', path: certbotTokens.path.slice(0, -acmeDirectory.length - 1) };
    else if (certbotTokens.kind === 'volume' && posix.normalize(certbotTokens.relativePath) === acmeDirectory) source = { ...certbotTokens, relativePath: '' };
    else return undefined;
  }
  const written = writtenSource(source, nginx.projectDirectory);
  const text = texts.text(last.location.file);
  if (!written || text === undefined) return undefined;
  const line = text.split('\n')[last.location.range.start.line] ?? '';
  const item = /^(\s*)-\s+/.exec(line);
  if (!item || item[0].length !== last.location.range.start.character || last.location.range.start.line !== last.location.range.end.line) return undefined;
  const position = { line: last.location.range.start.line + 1, character: 0 };
  return {
    title: `Mount ${written} read-only at ${target} in service \`${nginx.name}\``,
    edits: [{ kind: 'replace', file: last.location.file, range: { start: position, end: position }, newText: `${item[0]}${written}:${target}:ro\n` }],
    preferred: true,
  };
}

/** Points `root`/`alias` of the challenge location at where nginx already mounts certbot's directory. */
function repointFix(
  route: ChallengeRoute,
  answer: Extract<ChallengeAnswer, { kind: 'served' }>,
  certbotTokens: StorageOrigin,
  program: WebrootJob['program'],
): Fix | undefined {
  const source = answer.source;
  if (!source || !answer.location?.block?.entries.includes(source)) return undefined;
  const visible = containerPathOf(route.nginx, certbotTokens);
  const argument = source.directive.args[0];
  const location = argument && hostLocation(route.nginx.view, source.file, argument.span);
  if (!visible || !argument || !location || argument.quoted || location.range.start.line !== location.range.end.line) return undefined;
  let newValue: string;
  if (source.directive.name === 'alias') newValue = `${visible}/`;
  else if (visible.endsWith(`/${acmeDirectory}`)) newValue = visible.slice(0, -acmeDirectory.length - 1);
  else return undefined;
  return {
    title: `Serve the challenge from ${newValue}, where service \`${route.nginx.name}\` mounts ${program}'s webroot`,
    edits: [{ kind: 'replace', file: location.file, range: location.range, newText: newValue }],
    preferred: true,
    safe: true,
  };
}

function findingFor(route: ChallengeRoute, job: WebrootJob, { deployment, facts, inventory }: RuleContext): RuleFinding | undefined {
  // past a redirect, the HTTPS server's root counts only when nginx can start to answer there;
  // otherwise no file root serves the first challenge, and acme-challenge-not-served reports the redirect
  const followed = facts.followedOnFirstBoot(route);
  const answer = followed?.kind === 'served' ? followed : route.answer;
  const word = route.webrootWord;
  if (answer?.kind !== 'served' || !word?.literal || !word.value.startsWith('/')) return undefined;
  const webroot = posix.normalize(word.value);
  const certbotDirectory = posix.join(webroot, acmeDirectory);
  const certbotTokens = webrootStorage(job, certbotDirectory);
  const nginxImageKnown = route.nginx.nginx?.imageKind === 'official';
  const nginxTokens = storageOf(route.nginx, answer.directory, nginxImageKnown);
  if (certbotTokens.kind === 'unknown' || nginxTokens.kind === 'unknown') return undefined;
  if (sameStorage(certbotTokens, nginxTokens)) return undefined;
  if (certbotTokens.kind === 'container-only' && nginxTokens.kind === 'container-only') return undefined;

  const certbotService = job.runsIn.kind === 'service' ? job.runsIn.service : undefined;
  const webrootLocation = jobWordLocation(job, word, inventory);
  const sourceArgument = answer.source?.directive.args[0];
  const nginxLocation = answer.source && sourceArgument ? hostLocation(route.nginx.view, answer.source.file, sourceArgument.span) : undefined;
  const location = nginxLocation ?? webrootLocation;
  if (!location) return undefined;

  const projectDirectory = route.project.compose.directory;
  const who = describeRunOrigin(job.run, deployment.workspaceRoot);
  const certbotMount = 'mount' in certbotTokens ? certbotTokens.mount : undefined;
  const nginxMount = 'mount' in nginxTokens ? nginxTokens.mount : undefined;
  const how = answer.source
    ? `\`${answer.source.directive.name} ${sourceArgument?.value ?? ''}\` (${nginxLocation ? lineOf(deployment, nginxLocation) : `\`${answer.source.file.path}:${answer.source.directive.line}\` of the image`})`
    : "nginx's default `root html`";
  const stored = (storage: StorageOrigin, service: DeployedService | undefined, name: string): string =>
    storage.kind === 'container-only'
      ? `, where service \`${name}\` has ${describeStorage(storage, undefined, projectDirectory)}, so the file stays inside that container`
      : `, stored through ${describeStorage(storage, service, projectDirectory)}`;
  const { program } = job;
  const certbotSide =
    `${program} (${who}) writes the token for ${route.domain ? `\`${route.domain}\`` : 'the domain'} to \`${certbotDirectory}/<token>\`` +
    `${webrootLocation ? ` (\`-w ${word.value}\`, ${lineOf(deployment, webrootLocation)})` : ''}${stored(certbotTokens, certbotService, certbotService?.name ?? program)}`;
  const nginxSide =
    `${describeNginx(route.nginx, deployment.workspaceRoot)} looks for it in \`${answer.directory}/<token>\` through ${how}` +
    (nginxTokens.kind === 'container-only'
      ? `, where ${describeNginxRunner(route.nginx, deployment.workspaceRoot)} has ${describeStorage(nginxTokens, undefined, projectDirectory)}`
      : stored(nginxTokens, route.nginx, route.nginx.name));
  const sameMountAlias =
    answer.source?.directive.name === 'alias' &&
    certbotMount !== undefined &&
    nginxMount !== undefined &&
    certbotMount.source === nginxMount.source &&
    certbotMount.type === nginxMount.type;
  const aliasExplanation = sameMountAlias
    ? ` — \`alias\` replaces the location's prefix \`${challengePrefix}\`, so nginx reads \`${answer.directory}/<token>\` while ${program} writes \`<webroot>/${acmeDirectory}/<token>\``
    : '';
  const bothStored = certbotTokens.kind !== 'container-only' && nginxTokens.kind !== 'container-only';
  const consequence = `${bothStored ? `: a different directory${aliasExplanation}, so` : '. So'} Let's Encrypt gets \`Invalid response from http://${route.domain ?? '<domain>'}${challengePrefix}<token>: 404\` and ${program} fails.`;

  const related: RelatedLocation[] = [];
  if (nginxLocation && webrootLocation) related.push({ ...webrootLocation, message: `${program}'s webroot for ${route.domain ?? 'the domain'}` });
  related.push(...mountRelated(certbotMount, `service \`${certbotService?.name ?? program}\` stores the webroot here`));
  related.push(...mountRelated(nginxMount, `service \`${route.nginx.name}\` mounts this where it looks for the token`));

  const fixes: Fix[] = [];
  const repoint = repointFix(route, answer, certbotTokens, program);
  if (repoint) fixes.push(repoint);
  else if (nginxTokens.kind === 'container-only' && !nginxTokens.mount) {
    const add = addMountFix(inventory, route.nginx, answer.directory, certbotTokens, answer.source?.directive.name !== 'alias');
    if (add) fixes.push(add);
  } else if (!sameMountAlias) {
    const remount = remountFix(inventory, route.nginx, nginxTokens, answer.directory, certbotTokens, program);
    if (remount) fixes.push(remount);
  }
  return { message: `${certbotSide}, but ${nginxSide}${consequence}`, location, related, fixes };
}

export const webrootMismatch: Rule = {
  id: 'webroot-mismatch',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "certbot's (or acme.sh's) webroot and the directory nginx serves /.well-known/acme-challenge/ from are not the same host directory",
  check(context) {
    const findings: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const route of context.facts.challengeRoutes) {
      if (!route.job) continue;
      const finding = findingFor(route, route.job, context);
      if (!finding) continue;
      const key = `${finding.location.file}:${JSON.stringify(finding.location.range)}:${route.webrootWord?.value ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
    return findings;
  },
};
