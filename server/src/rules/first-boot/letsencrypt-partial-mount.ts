import { posix } from 'node:path';
import type { VolumeMount } from '../../languages/compose/model';
import { type CertbotPath, certbotPathOfOrigin } from '../../facts/certbot-directories';
import { isWithin } from '../../model/container-view';
import { certbotConfigDirectory, type DeployedProject, type DeployedService } from '../../model/deployment';
import { describeMount } from '../../model/locations';
import { argumentLocation, expandedConfiguration, walkDirectives } from '../../model/nginx-blocks';

import type { FileEdit, Fix, RelatedLocation } from '../../text/findings';
import type { Range } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import type { Rule, RuleFinding } from '../rule';

const certificateDirectives = new Set(['ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_stapling_file']);

/** Arguments of the configuration that name something under the mount, with their replacement. */
interface PathUse {
  readonly directive: string;
  readonly value: string;
  readonly edit?: FileEdit;
  readonly related?: RelatedLocation;
}

function pathUses(service: DeployedService, target: string, relative: string): PathUse[] {
  const configuration = service.nginx?.configuration;
  if (!configuration) return [];
  const uses: PathUse[] = [];
  const seen = new Set<string>();
  for (const { entry } of walkDirectives(expandedConfiguration(configuration))) {
    for (const argument of entry.directive.args) {
      if (!isWithin(argument.value, target)) continue;
      const location = argumentLocation(service.view, entry, argument);
      // a file included twice is one text to edit
      const key = `${entry.file.path}:${argument.span.startLine}:${argument.span.startCharacter}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const newValue = posix.join(certbotConfigDirectory, relative, posix.relative(target, argument.value));
      const span = argument.span;
      // only text written exactly as its value can be rewritten in place
      const exact = !argument.quoted && span.startLine === span.endLine && span.endCharacter - span.startCharacter === argument.value.length;
      uses.push({
        directive: entry.directive.name,
        value: argument.value,
        ...(location && exact ? { edit: { kind: 'replace', file: location.file, range: location.range, newText: newValue } as const } : {}),
        ...(location ? { related: { ...location, message: `nginx reads \`${argument.value}\` through this mount` } } : {}),
      });
    }
  }
  return uses;
}

function textOf(text: string, range: Range): string | undefined {
  const lines = text.split('\n');
  if (range.start.line !== range.end.line) return undefined;
  return lines[range.start.line]?.slice(range.start.character, range.end.character);
}

/** The short-syntax volume rewritten to mount the whole directory; undefined where the written form cannot be edited exactly. */
function wholeDirectoryVolume(texts: SourceTexts, mount: VolumeMount, relative: string): FileEdit | undefined {
  const text = texts.text(mount.location.file);
  const written = text === undefined ? undefined : textOf(text, mount.location.range);
  if (written === undefined) return undefined;
  const quote = /^(["'])(.*)\1$/.exec(written);
  const inner = quote ? (quote[2] as string) : written;
  if (quote?.[1] === '"' && inner.includes('\\')) return undefined;
  const parts = inner.split(':');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [source, , mode] = parts as [string, string, string | undefined];
  const trimmed = source.replace(/\/+$/, '');
  if (!trimmed.endsWith(`/${relative}`)) return undefined;
  const directory = trimmed.slice(0, -relative.length - 1);
  if (directory === '' || directory === '.') return undefined;
  const modes = mode === undefined ? [] : mode.split(',').filter((option) => option !== 'rw');
  const readOnly = modes.includes('ro') ? modes : [...modes, 'ro'];
  const newText = `${quote?.[1] ?? ''}${directory}:${certbotConfigDirectory}:${readOnly.join(',')}${quote?.[1] ?? ''}`;
  return { kind: 'replace', file: mount.location.file, range: mount.location.range, newText };
}

function fixFor(texts: SourceTexts, service: DeployedService, mount: VolumeMount, relative: string, uses: readonly PathUse[]): Fix | undefined {
  // something else already sits at /etc/letsencrypt: moving the mount there would hide it
  if (
    service.compose.volumes.some(
      (other) =>
        other !== mount &&
        other.target !== undefined &&
        (isWithin(other.target, certbotConfigDirectory) || isWithin(certbotConfigDirectory, other.target)) &&
        other.target !== '/',
    )
  )
    return undefined;
  const volume = wholeDirectoryVolume(texts, mount, relative);
  if (!volume) return undefined;
  const pathEdits = uses.flatMap((use) => (use.edit ? [use.edit] : []));
  if (pathEdits.length === uses.length && service.nginx?.configuration) {
    return {
      title: `Mount the whole certbot directory read-only at ${certbotConfigDirectory} and read the certificate from ${posix.join(certbotConfigDirectory, relative)}/`,
      edits: [volume, ...pathEdits],
      preferred: true,
      safe: true,
    };
  }
  return {
    title: `Mount the whole certbot directory read-only at ${certbotConfigDirectory} (then point nginx at ${posix.join(certbotConfigDirectory, relative)}/)`,
    edits: [volume],
    preferred: true,
  };
}

/**
 * Whether the service also sees `archive/` (or `archive/<name>/`) of the same certbot directory
 * where the relative links of the mounted `live/` directory lead: `../../archive/<name>/…` from
 * `live/<name>/` resolves, inside the container, against the mount point's parents.
 */
function archiveMountedBeside(
  project: DeployedProject,
  service: DeployedService,
  target: string,
  shared: Omit<CertbotPath, 'mount'>,
  name: string | undefined,
): boolean {
  const parent = posix.dirname(posix.resolve('/', target));
  const archive = name === undefined ? posix.join(parent, 'archive') : posix.join(posix.dirname(parent), 'archive', name);
  const origin = service.view.origin(archive);
  if (origin.kind !== 'bind' && origin.kind !== 'volume') return false;
  const found = certbotPathOfOrigin(project, origin);
  return found !== undefined && found.certbot === shared.certbot && found.relative === (name === undefined ? 'archive' : posix.join('archive', name));
}

function findingsFor(project: DeployedProject, service: DeployedService, texts: SourceTexts): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const mount of service.compose.volumes) {
    if (mount.type !== 'bind' || mount.source === undefined || mount.target === undefined) continue;
    const shared = certbotPathOfOrigin(project, { kind: 'bind', mount, hostPath: mount.source });
    const match = shared && /^live(?:\/([^/]+))?$/.exec(shared.relative);
    if (!shared || !match) continue;
    const name = match[1];
    if (archiveMountedBeside(project, service, mount.target, shared, name)) continue;
    const uses = pathUses(service, mount.target, shared.relative);
    const certificate = uses.find((use) => use.directive === 'ssl_certificate');
    const example = certificate?.value ?? posix.join(mount.target, name === undefined ? '<name>' : '', 'fullchain.pem');
    const lineage = name ?? '<name>';
    const owner = shared.certbot ? `service \`${shared.certbot.name}\`'s \`${certbotConfigDirectory}\`` : `the host's \`${certbotConfigDirectory}\``;
    const related: RelatedLocation[] = [];
    if (shared.certbot && shared.certbotMount)
      related.push({ ...shared.certbotMount.location, message: `service \`${shared.certbot.name}\` mounts the whole directory here` });
    related.push(...uses.flatMap((use) => (use.related && certificateDirectives.has(use.directive) ? [use.related] : [])));
    const fix = fixFor(texts, service, mount, shared.relative, uses);
    findings.push({
      message:
        `Service \`${service.name}\` mounts only \`${shared.relative}/\` of ${owner} (${describeMount(mount.source, mount.target, service.projectDirectory)}): ` +
        `the files certbot puts in \`live/${lineage}/\` are relative symlinks to \`../../archive/${lineage}/fullchain1.pem\`, and \`archive/\` is not mounted, ` +
        `so they dangle inside the container and nginx fails with \`[emerg] cannot load certificate "${example}": BIO_new_file() failed\`.`,
      location: mount.location,
      related,
      fixes: fix ? [fix] : [],
    });
  }
  return findings;
}

export const letsencryptPartialMount: Rule = {
  id: 'letsencrypt-partial-mount',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "nginx mounts only live/ (or live/<name>/) of certbot's directory, whose relative symlinks into archive/ then dangle",
  check({ deployment, inventory }) {
    return deployment.projects.flatMap((project) =>
      project.services.flatMap((service) => (service.nginx && !service.certbot ? findingsFor(project, service, inventory) : [])),
    );
  },
};
