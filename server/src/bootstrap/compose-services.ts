import { posix } from 'node:path';
import type { ComposeDocument } from '../languages/compose/model';
import type { DeployedService } from '../model/deployment';

import type { FileEdit } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';
import { BootstrapError, issuingProfile, pathInService, projectRelative, type BootstrapLayout, type SharedDirectory } from './bootstrap-layout';
import { certonlyArguments } from './certbot-command';
import { certbotRenewLoopEntrypoint, interpolatedValue, nginxReloadLoopCommand } from '../fixes/compose-commands';

/** The comment earlier bootstraps wrote above their reload loop; it goes with the loop. */
const previousReloadLoopComment = "reloads nginx every 6 hours for renewed certificates; the image's entrypoint still runs";
import { ComposeFileEditor } from '../fixes/compose-file-editor';
import { readTextFile } from '../workspace/text-files';

export interface ComposeChanges {
  readonly edits: FileEdit[];
  readonly summary: string[];
}

function mountItem(directory: SharedDirectory, target: string, readOnly: boolean): string {
  return `${directory.composeSource}:${target}${readOnly ? ':ro' : ''}`;
}

/** A bind mount `HOST:TARGET` the service lacks (`./nginx/https-enabled:/etc/nginx/https-enabled`), or nothing. */
function missingBind(service: DeployedService | undefined, layout: BootstrapLayout, host: string, target: string, readOnly: boolean): string[] {
  const origin = service?.view.origin(target);
  if (origin?.kind === 'bind' && origin.hostPath === host) return [];
  return [`${projectRelative(layout.project.compose.directory, host)}:${target}${readOnly ? ':ro' : ''}`];
}

/**
 * The mounts a certbot container needs: the certificate directory and the webroot, both
 * writable; the stage-2 links, writable, where the deploy hook makes them; the hook, read-only.
 */
function certbotMounts(layout: BootstrapLayout, service: DeployedService | undefined): string[] {
  const mounts: string[] = [];
  if (!service || pathInService(service, layout.certificates.storage) !== layout.certificates.certbotPath)
    mounts.push(mountItem(layout.certificates, layout.certificates.certbotPath, false));
  if (!service || pathInService(service, layout.webroot.storage) !== layout.webroot.certbotPath)
    mounts.push(mountItem(layout.webroot, layout.webroot.certbotPath, false));
  mounts.push(...missingBind(service, layout, layout.enabledDirectory, layout.enabledContainerPath, false));
  mounts.push(...missingBind(service, layout, layout.hookDirectory, layout.hookContainerDirectory, true));
  return mounts;
}

/** What nginx lacks among its mounts: certificates and webroot, the two stage-2 directories and the reload script, all read-only. */
function nginxMounts(layout: BootstrapLayout): string[] {
  const { nginx } = layout;
  const mounts: string[] = [];
  if (pathInService(nginx, layout.certificates.storage) === undefined) mounts.push(mountItem(layout.certificates, layout.certificates.nginxPath, true));
  if (pathInService(nginx, layout.webroot.storage) === undefined) mounts.push(mountItem(layout.webroot, layout.webroot.nginxPath, true));
  mounts.push(...missingBind(nginx, layout, layout.availableDirectory, layout.availableContainerPath, true));
  mounts.push(...missingBind(nginx, layout, layout.enabledDirectory, layout.enabledContainerPath, true));
  mounts.push(...missingBind(nginx, layout, layout.reloadScriptPath, layout.reloadScriptContainerPath, true));
  return mounts;
}

function displayScript(layout: BootstrapLayout): string {
  return posix.relative(layout.project.compose.directory, layout.scriptPath);
}

/** Whether the service's `certbot renew` runs the deploy hook itself. */
function renewsWithHook(service: DeployedService, hook: string): boolean {
  return (service.certbot?.invocations ?? []).some(
    (invocation) => invocation.subcommand === 'renew' && invocation.deployHooks.some((word) => word.value === hook),
  );
}

/**
 * The compose side of the bootstrap: nginx mounts what stage 2 needs and the start script that
 * reloads it when certbot's deploy hook asks (no `command:` override, so the image's entrypoint
 * still runs its start scripts and renders templates); certbot splits into a one-off issuing
 * service, gated behind a profile, and a renewal loop, both with the deploy hook and the
 * directories it writes; only nginx publishes ports and no certbot container carries a fixed name.
 */
export function composeChanges(fileSystem: FileSystem, layout: BootstrapLayout): ComposeChanges {
  const editors = new Map<string, ComposeFileEditor>();
  const summary: string[] = [];
  const editorFor = (document: ComposeDocument): ComposeFileEditor => {
    let editor = editors.get(document.file);
    if (!editor) {
      const text = readTextFile(fileSystem, document.file);
      if (text === undefined) throw new BootstrapError(`cannot read ${document.file}`);
      editor = new ComposeFileEditor(document, text, (message) => new BootstrapError(message));
      editors.set(document.file, editor);
    }
    return editor;
  };
  const serviceEditor = (service: DeployedService): ComposeFileEditor => {
    const document = layout.project.compose.documents.find(
      (candidate) => editorFor(candidate).defines(service.name) && candidate.file === service.compose.nameLocation.file,
    );
    if (!document) throw new BootstrapError(`service \`${service.name}\` is not a block mapping in a compose file certboot can edit`);
    return editorFor(document);
  };
  const name = (file: string): string => projectRelative(layout.project.compose.directory, file).replace(/^\.\//, '');

  const nginx = layout.nginx;
  const nginxEditor = serviceEditor(nginx);
  const where = `${name(nginxEditor.document.file)}: service \`${nginx.name}\``;
  const mounts = nginxMounts(layout);
  nginxEditor.appendItems(nginx.name, 'volumes', mounts, ['ports', 'restart', 'image']);
  if (mounts.length > 0) summary.push(`${where} mounts ${mounts.map((mount) => `\`${mount}\``).join(', ')}.`);
  const published = (port: string): boolean => nginx.compose.ports.some((binding) => binding.containerPort === port);
  const ports = ['80', '443'].filter((port) => !published(port)).map((port) => `"${port}:${port}"`);
  nginxEditor.appendItems(nginx.name, 'ports', ports, ['restart', 'image']);
  if (ports.length > 0) summary.push(`${where} publishes ${ports.join(', ')}.`);
  const reloadScript = name(layout.reloadScriptPath);
  if (nginx.compose.command?.value === interpolatedValue(nginxReloadLoopCommand) && !nginx.compose.entrypoint) {
    // the 6-hourly reload loop of earlier bootstraps: the start script reloads when certbot renews
    nginxEditor.removeKey(nginx.name, 'command', previousReloadLoopComment);
    summary.push(`${where} loses its 6-hourly reload loop (\`command:\`): ${reloadScript} reloads nginx when certbot renews.`);
  } else if (!nginx.nginx?.rendersTemplates) {
    summary.push(
      `${where} has its own \`${nginx.compose.entrypoint ? 'entrypoint' : 'command'}:\`, so the image's entrypoint does not run ${layout.reloadScriptContainerPath}: ` +
        `let the command start with \`nginx\` (as \`nginx -g "daemon off;"\`), or nginx never switches to HTTPS nor reloads after renewals.`,
    );
  }

  for (const service of layout.project.services.filter((candidate) => candidate.certbot)) {
    const editor = serviceEditor(service);
    const label = `${name(editor.document.file)}: service \`${service.name}\``;
    if (editor.has(service.name, 'container_name')) {
      editor.removeKey(service.name, 'container_name');
      summary.push(`${label} loses \`container_name\` (a one-off run under a fixed name collides with the last one).`);
    }
    if (editor.has(service.name, 'ports')) {
      editor.removeKey(service.name, 'ports');
      summary.push(`${label} publishes no ports: certbot answers through nginx's webroot, and only nginx binds 80/443.`);
    }
    const missing = certbotMounts(layout, service);
    editor.appendItems(service.name, 'volumes', missing, ['image']);
    if (missing.length > 0) summary.push(`${label} mounts ${missing.map((mount) => `\`${mount}\``).join(', ')}.`);
  }

  const command = certonlyArguments(layout).join(' ');
  const issuerComment = `one-off, run by ${displayScript(layout)}; \`docker compose up\` leaves it alone`;
  if (layout.issuer) {
    const editor = serviceEditor(layout.issuer);
    const label = `${name(editor.document.file)}: service \`${layout.issuer.name}\``;
    if (!layout.issuer.compose.profiles.includes(issuingProfile)) {
      if (editor.has(layout.issuer.name, 'profiles')) editor.appendItems(layout.issuer.name, 'profiles', [issuingProfile]);
      else editor.setValue(layout.issuer.name, 'profiles', `[${issuingProfile}]`, ['build', 'image'], issuerComment);
      summary.push(`${label} becomes the one-off issuing service (profile \`${issuingProfile}\`).`);
    }
    if (editor.has(layout.issuer.name, 'restart')) {
      editor.removeKey(layout.issuer.name, 'restart');
      summary.push(`${label} loses its restart policy: restarting a finished request would request again.`);
    }
    if (editor.has(layout.issuer.name, 'entrypoint')) editor.removeKey(layout.issuer.name, 'entrypoint');
    if (layout.issuer.compose.command?.value !== command || layout.issuer.compose.entrypoint) {
      editor.setValue(layout.issuer.name, 'command', command);
      summary.push(`${label} runs \`certbot ${command}\`.`);
    }
  } else {
    editorFor(layout.mainComposeFile).appendService(layout.issuerName, [
      `image: ${layout.certbotImage}`,
      `# ${issuerComment}`,
      `profiles: [${issuingProfile}]`,
      'volumes:',
      ...certbotMounts(layout, undefined).map((mount) => `  - ${mount}`),
      `command: ${command}`,
    ]);
    summary.push(
      `${name(layout.mainComposeFile.file)}: new one-off issuing service \`${layout.issuerName}\` (profile \`${issuingProfile}\`) running \`certbot ${command}\`.`,
    );
  }
  if (!layout.renewer) {
    editorFor(layout.mainComposeFile).appendService(layout.renewerName, [
      `image: ${layout.certbotImage}`,
      'restart: unless-stopped',
      'volumes:',
      ...certbotMounts(layout, undefined).map((mount) => `  - ${mount}`),
      `# renews what is due twice a day; the deploy hook makes nginx reload with the new certificate`,
      `entrypoint: ${certbotRenewLoopEntrypoint(layout.hookContainerPath)}`,
    ]);
    summary.push(
      `${name(layout.mainComposeFile.file)}: new service \`${layout.renewerName}\` runs \`certbot renew --deploy-hook ${layout.hookContainerPath}\` every 12 hours.`,
    );
  } else if (!renewsWithHook(layout.renewer, layout.hookContainerPath)) {
    summary.push(
      `${name(serviceEditor(layout.renewer).document.file)}: service \`${layout.renewer.name}\` keeps its renewal loop: certbot runs the deploy hook stored at issuance after each renewal, ` +
        `but a certificate issued before this bootstrap has none stored; add \`--deploy-hook ${layout.hookContainerPath}\` to its \`certbot renew\`.`,
    );
  }
  return { edits: [...editors.values()].flatMap((editor) => editor.edits()), summary };
}
