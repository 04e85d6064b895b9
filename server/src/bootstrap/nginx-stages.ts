import { posix } from 'node:path';
import { httpServers, type HttpServer } from '../facts/acme-challenge';
import { firstBootFailures } from '../facts/first-boot-failures';
import type { Deployment } from '../model/deployment';
import { hostLocation } from '../model/locations';
import { positionAt } from '../text/line-index';
import { expandedConfiguration, fixedPathArgument, walkDirectives, type PlacedDirective } from '../model/nginx-blocks';

import type { FileEdit } from '../text/findings';
import type { NginxDirective, TextSpan } from '../languages/nginx/syntax-tree';
import type { FileSystem } from '../workspace/file-system';
import { offsetAt } from '../text/line-index';
import { BootstrapError, projectRelative, type BootstrapLayout } from './bootstrap-layout';
import { formatTlsSettings, missingTlsSettings } from '../fixes/tls-settings';
import { readTextFile } from '../workspace/text-files';

/** A span of a file's text, in UTF-16 offsets. */
interface TextChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A server block of a repository file, with the whole lines it stands on and the comment lines just above it. */
interface ServerText {
  readonly server: HttpServer;
  readonly file: string;
  readonly fileText: string;
  readonly start: number;
  readonly end: number;
  /** The blanks the block's lines start with. */
  readonly indentation: string;
}

export interface NginxStages {
  readonly edits: FileEdit[];
  readonly summary: string[];
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

function spanOffsets(text: string, span: TextSpan): { start: number; end: number } {
  const range = span.toRange();
  return { start: offsetAt(text, range.start), end: offsetAt(text, range.end) };
}

/** Whole lines when the span stands alone on them (a trailing comment goes with it), else the span itself. */
function wholeLines(text: string, start: number, end: number): { start: number; end: number; indentation?: string } {
  const lineStart = lineStartOf(text, start);
  const lineEnd = lineEndOf(text, end);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd).replace(/\r?\n$/, '');
  if (/^[ \t]*$/.test(before) && /^[ \t]*(#.*)?$/.test(after)) return { start: lineStart, end: lineEnd, indentation: before };
  return { start, end };
}

function serverText(fileSystem: FileSystem, layout: BootstrapLayout, server: HttpServer): ServerText | undefined {
  const location = hostLocation(layout.nginx.view, server.entry.file, server.entry.directive.span);
  const fileText = location && readTextFile(fileSystem, location.file);
  if (!location || fileText === undefined) return undefined;
  const span = spanOffsets(fileText, server.entry.directive.span);
  const lines = wholeLines(fileText, span.start, span.end);
  let start = lines.start;
  // the comment lines right above a block describe it: they move with it
  while (lines.indentation !== undefined && start > 0) {
    const previous = lineStartOf(fileText, start - 1);
    if (!/^[ \t]*#/.test(fileText.slice(previous, start))) break;
    start = previous;
  }
  return { server, file: location.file, fileText, start, end: lines.end, indentation: lines.indentation ?? '' };
}

function indent(text: string, indentation: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : indentation + line))
    .join('\n');
}

function dedent(text: string, indentation: string): string {
  return text
    .split('\n')
    .map((line) => (line.startsWith(indentation) ? line.slice(indentation.length) : line))
    .join('\n');
}

function displayPath(layout: BootstrapLayout, path: string): string {
  return projectRelative(layout.project.compose.directory, path).replace(/^\.\//, '');
}

export function redirectFileName(layout: BootstrapLayout): string {
  return `${layout.lineage}.redirect`;
}

export function stageTwoFileName(layout: BootstrapLayout): string {
  return `${layout.lineage}.conf`;
}

function redirectIncludePattern(layout: BootstrapLayout): string {
  return `${layout.enabledContainerPath}/${redirectFileName(layout)}*`;
}

function stageTwoIncludePattern(layout: BootstrapLayout): string {
  return `${layout.enabledContainerPath}/*.conf`;
}

/** Stage 1: the port-80 server that needs no certificate, with the comment that explains it. */
export function stageOneServer(layout: BootstrapLayout): string {
  return [
    '# Stage 1 of the HTTP-first bootstrap (certboot): always loaded and needs no certificate, so',
    "# nginx starts on a fresh server and Let's Encrypt can reach the HTTP-01 challenge.",
    'server {',
    '    listen 80;',
    '    listen [::]:80;',
    `    server_name ${layout.domains.join(' ')};`,
    '',
    '    location ^~ /.well-known/acme-challenge/ {',
    `        root ${layout.webroot.nginxPath};`,
    '    }',
    '',
    '    location / {',
    "        # Matches nothing until certbot's deploy hook enables HTTPS; from then on it",
    '        # redirects everything but the challenge to HTTPS.',
    `        include ${redirectIncludePattern(layout)};`,
    '        return 503;',
    '    }',
    '}',
    '',
  ].join('\n');
}

function stageTwoInclude(layout: BootstrapLayout): string {
  return [
    `# Stage 2: the HTTPS servers of ${displayPath(layout, layout.availableDirectory)}/, linked into ${displayPath(layout, layout.enabledDirectory)}/ by`,
    `# ${displayPath(layout, layout.hookPath)} once the certificate exists; until then the glob matches nothing.`,
    `include ${stageTwoIncludePattern(layout)};`,
    '',
  ].join('\n');
}

export function stageTwoHeader(layout: BootstrapLayout): string {
  return [
    '# Stage 2 of the HTTP-first bootstrap (certboot): the HTTPS servers for',
    `# ${layout.domains.join(', ')}, as they were written, with certbot's paths.`,
    `# nginx loads this file only through the link ${displayPath(layout, layout.hookPath)}`,
    `# (certbot's deploy hook) makes in ${displayPath(layout, layout.enabledDirectory)}/ once the certificate exists.`,
    '',
  ].join('\n');
}

export function redirectSnippet(layout: BootstrapLayout): string {
  return [
    `# Included in stage 1's \`location /\` once ${displayPath(layout, layout.hookPath)} has enabled HTTPS`,
    `# for ${layout.lineage}: everything but the ACME challenge goes to HTTPS from then on.`,
    'return 301 https://$host$request_uri;',
    '',
  ].join('\n');
}

function intersects(names: readonly string[], domains: readonly string[]): boolean {
  return names.some((name) => domains.includes(name));
}

function listensTls(server: HttpServer): boolean {
  return server.listens.some((socket) => socket.ssl);
}

function directivesOf(server: HttpServer): PlacedDirective[] {
  return [...walkDirectives(server.block)].map(({ entry }) => entry).filter((entry) => entry.file === server.entry.file);
}

function isOurs(server: HttpServer, layout: BootstrapLayout): boolean {
  return directivesOf(server).some(
    (entry) => entry.directive.name === 'include' && (entry.directive.args[0]?.value ?? '').startsWith(`${layout.enabledContainerPath}/`),
  );
}

interface Corrections {
  readonly changes: TextChange[];
  readonly notes: string[];
}

/**
 * What changes in an HTTPS server on its way to stage 2: the certificate paths certbot writes,
 * the installer's files replaced by what they would hold, and no plain-HTTP `listen` (stage 1
 * owns port 80 for these names).
 */
function corrections(text: ServerText, layout: BootstrapLayout, sessionCacheElsewhere: boolean): Corrections {
  const changes: TextChange[] = [];
  const notes: string[] = [];
  const ownSite = intersects(text.server.names, layout.domains);
  const live = `${layout.certificates.nginxPath}/live/${layout.lineage}`;
  const wanted: Record<string, string> = { ssl_certificate: `${live}/fullchain.pem`, ssl_certificate_key: `${live}/privkey.pem` };
  const present = new Set(text.server.block.entries.map((entry) => entry.directive.name));
  const remove = (directive: NginxDirective): void => {
    const span = spanOffsets(text.fileText, directive.span);
    const lines = wholeLines(text.fileText, span.start, span.end);
    changes.push({ start: lines.start, end: lines.end, text: '' });
  };
  for (const entry of directivesOf(text.server)) {
    const { directive } = entry;
    const argument = fixedPathArgument(entry);
    if (ownSite && argument && wanted[directive.name] !== undefined && argument.value !== wanted[directive.name]) {
      const span = spanOffsets(text.fileText, argument.span);
      changes.push({ ...span, text: wanted[directive.name] as string });
      notes.push(`\`${directive.name}\` ${argument.value} → ${wanted[directive.name]}`);
    } else if (directive.name === 'include' && argument && posix.basename(argument.value) === 'options-ssl-nginx.conf') {
      const span = spanOffsets(text.fileText, directive.span);
      const settings = missingTlsSettings(present, sessionCacheElsewhere);
      const indentation = wholeLines(text.fileText, span.start, span.end).indentation;
      if (settings.length === 0 || indentation === undefined) remove(directive);
      else changes.push({ ...span, text: formatTlsSettings(settings, indentation) });
      notes.push(`\`include ${argument.value}\` (written only by certbot's nginx installer) → the TLS settings inline`);
    } else if (directive.name === 'ssl_dhparam' && argument && posix.basename(argument.value) === 'ssl-dhparams.pem') {
      remove(directive);
      notes.push(`\`ssl_dhparam ${argument.value}\` removed (ECDHE suites need no DH parameters)`);
    } else if (directive.name === 'listen' && entry.block === undefined && text.server.block.entries.includes(entry)) {
      const parameters = directive.args.slice(1).map((parameter) => parameter.value);
      if (!parameters.includes('ssl') && !parameters.includes('quic')) {
        remove(directive);
        notes.push(`\`listen ${directive.args.map((parameter) => parameter.value).join(' ')}\` removed (stage 1 answers plain HTTP)`);
      }
    }
  }
  return { changes, notes };
}

/** The text from `start` to `end` with the changes (all inside it) applied. */
function applyChanges(text: string, start: number, end: number, changes: readonly TextChange[]): string {
  let result = '';
  let cursor = start;
  for (const change of [...changes].sort((left, right) => left.start - right.start)) {
    result += text.slice(cursor, change.start) + change.text;
    cursor = change.end;
  }
  return result + text.slice(cursor, end);
}

function replaceEdit(file: string, text: string, start: number, end: number, newText: string): FileEdit {
  return { kind: 'replace', file, range: { start: positionAt(text, start), end: positionAt(text, end) }, newText };
}

/** Removes a block's lines, and the blank line that separated it from what came before when nothing follows in its block. */
function removal(text: ServerText): FileEdit {
  let start = text.start;
  const previousLine = start > 0 ? text.fileText.slice(lineStartOf(text.fileText, start - 1), start) : undefined;
  const nextLine = text.fileText.slice(text.end, lineEndOf(text.fileText, text.end));
  if (previousLine !== undefined && /^[ \t]*\r?\n$/.test(previousLine) && (text.end === text.fileText.length || /^[ \t]*(\}[ \t]*)?\r?\n?$/.test(nextLine))) {
    start = lineStartOf(text.fileText, start - 1);
  }
  return replaceEdit(text.file, text.fileText, start, text.end, '');
}

/**
 * The nginx side of the bootstrap: the HTTPS servers of the domains move to stage 2, and stage 1 — a port-80 server for the domains and the include that
 * loads stage 2 — takes the place of the first of them.
 */
export function nginxStages(deployment: Deployment, fileSystem: FileSystem, layout: BootstrapLayout): NginxStages {
  const configuration = layout.nginx.nginx?.configuration;
  if (!configuration) throw new BootstrapError(`the configuration of service \`${layout.nginx.name}\` cannot be read`);
  const failing = new Set(firstBootFailures(deployment, layout.project, layout.nginx).map((failure) => failure.directive));
  const servers = httpServers(configuration);
  const serverDirectives = new Set(servers.flatMap((server) => [...walkDirectives(server.block)].map(({ entry }) => entry.directive)));
  const outside = [...failing].filter((directive) => !serverDirectives.has(directive));
  if (outside.length > 0) {
    throw new BootstrapError(
      `\`${outside[0]?.name}\` outside any server block fails on first boot and every server would inherit it; move it into the HTTPS server blocks first`,
    );
  }
  const texts = (selected: HttpServer[]): ServerText[] =>
    selected.map((server) => {
      const text = serverText(fileSystem, layout, server);
      if (!text)
        throw new BootstrapError(
          `the server block at line ${server.entry.directive.line} of ${server.entry.file.path} is not a file of the repository, so it cannot be moved`,
        );
      return text;
    });
  const moved = texts(servers.filter((server) => listensTls(server) && intersects(server.names, layout.domains)));
  const portEighty = texts(servers.filter((server) => !listensTls(server) && (intersects(server.names, layout.domains) || isOurs(server, layout))));
  const edits: FileEdit[] = [];
  const summary: string[] = [];
  const stageOne = stageOneServer(layout);
  const kept = portEighty.find((text) => text.fileText.slice(text.start, text.end) === indent(stageOne, text.indentation));
  const replaced = portEighty.filter((text) => text !== kept);
  const hasStageTwoInclude = [...walkDirectives(expandedConfiguration(configuration))].some(
    ({ entry }) => entry.directive.name === 'include' && entry.directive.args[0]?.value === stageTwoIncludePattern(layout),
  );
  const stageTwoPath = posix.join(layout.availableDirectory, stageTwoFileName(layout));
  const stageTwoExisting = readTextFile(fileSystem, stageTwoPath);
  if (moved.length === 0 && stageTwoExisting === undefined) {
    throw new BootstrapError(
      `no HTTPS server block of service \`${layout.nginx.name}\` serves ${layout.domains.join(', ')}: write one (listen 443 ssl; server_name …) first`,
    );
  }
  const anchor = [...moved, ...replaced].sort((left, right) => servers.indexOf(left.server) - servers.indexOf(right.server))[0];
  if (!kept && !anchor) throw new BootstrapError(`no place for stage 1 in the configuration of service \`${layout.nginx.name}\``);
  const sessionCacheElsewhere = [...walkDirectives(expandedConfiguration(configuration))].some(
    ({ entry }) => entry.directive.name === 'ssl_session_cache' && !moved.some((text) => text.server.block.entries.includes(entry)),
  );
  const movedTexts: string[] = [];
  for (const text of moved) {
    const { changes, notes } = corrections(text, layout, sessionCacheElsewhere);
    movedTexts.push(dedent(applyChanges(text.fileText, text.start, text.end, changes), text.indentation));
    const where = `${displayPath(layout, text.file)}:${text.server.entry.directive.line}`;
    summary.push(
      `${where}: the HTTPS server for ${text.server.names.join(', ') || '(no server_name)'} moves to ${displayPath(layout, stageTwoPath)} (stage 2)${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`,
    );
  }
  for (const server of servers.filter(
    (candidate) => !intersects(candidate.names, layout.domains) && directivesOf(candidate).some((entry) => failing.has(entry.directive)),
  )) {
    const file = hostLocation(layout.nginx.view, server.entry.file, server.entry.directive.span)?.file;
    summary.push(
      `${file === undefined ? server.entry.file.path : displayPath(layout, file)}:${server.entry.directive.line}: the server for ${server.names.join(', ') || '(no server_name)'} still fails on first boot; it serves none of ${layout.domains.join(', ')}.`,
    );
  }
  for (const text of replaced) {
    summary.push(
      `${displayPath(layout, text.file)}:${text.server.entry.directive.line}: the port-80 server for ${text.server.names.join(', ')} is replaced by stage 1.`,
    );
  }
  const stageOneText = (indentation: string): string => indent(hasStageTwoInclude ? stageOne : `${stageOne}\n${stageTwoInclude(layout)}`, indentation);
  for (const text of [...moved, ...replaced]) {
    if (text === anchor && !kept) {
      edits.push(replaceEdit(text.file, text.fileText, text.start, text.end, stageOneText(text.indentation)));
      summary.push(
        `${displayPath(layout, text.file)}: stage 1 — a port-80 server (IPv4 and IPv6) for ${layout.domains.join(', ')} serving the ACME challenge from ${layout.webroot.nginxPath}, 503 until HTTPS is enabled, then a redirect.`,
      );
    } else edits.push(removal(text));
  }
  if (kept && !hasStageTwoInclude)
    edits.push(replaceEdit(kept.file, kept.fileText, kept.end, kept.end, `\n${indent(stageTwoInclude(layout), kept.indentation)}`));
  if (movedTexts.length > 0) {
    const content = movedTexts.join('\n');
    if (stageTwoExisting === undefined) edits.push({ kind: 'create', file: stageTwoPath, content: `${stageTwoHeader(layout)}${content}` });
    else {
      const end = stageTwoExisting.length;
      edits.push(replaceEdit(stageTwoPath, stageTwoExisting, end, end, `${stageTwoExisting.endsWith('\n') ? '' : '\n'}\n${content}`));
    }
  }
  const redirectPath = posix.join(layout.availableDirectory, redirectFileName(layout));
  if (readTextFile(fileSystem, redirectPath) === undefined) edits.push({ kind: 'create', file: redirectPath, content: redirectSnippet(layout) });
  const ignorePath = posix.join(layout.enabledDirectory, '.gitignore');
  if (fileSystem.stat(ignorePath) === undefined) {
    // the links are the server's state, not the repository's: a fresh clone starts in stage 1
    edits.push({
      kind: 'create',
      file: ignorePath,
      content: `# Links and the reload token made by ${displayPath(layout, layout.hookPath)} on the server; never committed.\n*\n!.gitignore\n`,
    });
  }
  return { edits, summary };
}
