import { posix } from 'node:path';
import type { StorageOrigin } from '../../facts/acme-challenge';
import { describeRunOrigin, replaceRunText, runWordLocation } from '../../facts/certbot-runs';
import type { CertificateReference } from '../../facts/certificate-references';
import type { Facts } from '../../facts/facts';
import { type IssuedFile, installedPathFor } from '../../facts/issued-files';
import type { DeployedProject, DeployedService, Deployment } from '../../model/deployment';
import { describeNginx } from '../../facts/nginx-names';
import type { SourceTexts } from '../../inventory/inventory';
import { describeMount } from '../../model/locations';
import type { Fix } from '../../text/findings';
import { pathBelow } from '../../text/paths';
import type { Rule, RuleFinding } from '../rule';

const failure =
  'sends an incomplete chain and clients that do not already hold the intermediate (curl, Android, Java, Python) fail with `unable to get local issuer certificate`.';

/** Points `ssl_certificate` at `name` in the same directory. */
function repointFix(reference: CertificateReference, name: string): Fix {
  const newPath = posix.join(posix.dirname(reference.argument.value), name);
  const newText = reference.argument.quoted ? `"${newPath}"` : newPath;
  return {
    title: `Use ${newPath}`,
    edits: [{ kind: 'replace', file: reference.location.file, range: reference.location.range, newText }],
    preferred: true,
    safe: true,
  };
}

/** How nginx reaches the file acme.sh writes: `./certs` → `/etc/nginx/certs`, a named volume, or its own container. */
function describeReach(storage: StorageOrigin, service: DeployedService, projectDirectory: string): string {
  if (storage.kind === 'host' && storage.mount) return ` through ${describeMount(storage.mount.source, storage.mount.target, projectDirectory)}`;
  if (storage.kind === 'volume') return ` through the named volume \`${storage.name}\` at \`${storage.mount.target ?? ''}\``;
  if (storage.kind === 'host') return ` at \`${storage.path}\` on the host`;
  return ` in its own container, where acme.sh runs too (service \`${service.name}\`)`;
}

function installFinding(
  file: Extract<IssuedFile, { kind: 'acme.sh-install' }>,
  reference: CertificateReference,
  project: DeployedProject,
  service: DeployedService,
  deployment: Deployment,
  texts: SourceTexts,
): RuleFinding {
  const { issuer, installed } = file;
  const optionLocation = runWordLocation(issuer.run, installed.option.word, texts, installed.path);
  const origin = describeRunOrigin(issuer.run, deployment.workspaceRoot);
  const line = optionLocation && `\`${pathBelow(deployment.workspaceRoot, optionLocation.file)}:${optionLocation.range.start.line + 1}\``;
  const where = !line ? origin : issuer.run.origin.kind === 'service' ? `${origin}, ${line}` : line;
  const nginx = describeNginx(service, deployment.workspaceRoot);
  const fixes: Fix[] = [];
  // with a --fullchain-file already there, a second would replace it (the last one counts): nginx reads that one instead
  const fullchain = [...issuer.installs].reverse().find((candidate) => candidate.role === 'fullchain');
  const visible = fullchain && installedPathFor(issuer, fullchain, service);
  if (visible) {
    fixes.push({
      title: `Use ${visible}, where acme.sh installs the whole chain (\`--fullchain-file\`)`,
      edits: [
        { kind: 'replace', file: reference.location.file, range: reference.location.range, newText: reference.argument.quoted ? `"${visible}"` : visible },
      ],
      preferred: true,
      safe: true,
    });
  }
  const edit =
    !fullchain && installed.option.word.literal
      ? replaceRunText(issuer.run, installed.option.word, installed.option.word, '--fullchain-file', texts)
      : undefined;
  if (edit)
    fixes.push({
      title: `Install the whole chain there: \`--fullchain-file\` instead of \`${installed.option.word.value}\` in ${origin}`,
      edits: [edit],
      preferred: true,
      safe: true,
    });
  return {
    message:
      `\`ssl_certificate\` "${reference.path}" is the file acme.sh writes with \`${installed.option.word.value} ${installed.path.value}\` (${where}), ` +
      `which ${nginx} reads${describeReach(file.storage, service, project.compose.directory)}: the site's certificate alone, without the intermediate certificate, so nginx ${failure} ` +
      (fullchain
        ? `The same command installs the whole chain to \`${fullchain.path.value}\` (\`--fullchain-file\`).`
        : 'acme.sh writes the certificate with its chain to `--fullchain-file`.'),
    location: reference.location,
    related: optionLocation ? [{ ...optionLocation, message: 'acme.sh copies the certificate alone here, and again after every renewal' }] : [],
    fixes,
  };
}

function findingsFor(facts: Facts, project: DeployedProject, service: DeployedService, deployment: Deployment, texts: SourceTexts): RuleFinding[] {
  return facts.certificateReferences(project, service).flatMap((reference): RuleFinding[] => {
    if (reference.entry.directive.name !== 'ssl_certificate') return [];
    const file = facts.issuedFile(service, reference);
    const nginx = describeNginx(service, deployment.workspaceRoot);
    if (file?.kind === 'certbot' && file.place === 'live' && file.file === 'cert.pem') {
      return [
        {
          message:
            `\`ssl_certificate\` "${reference.path}" is certbot's \`cert.pem\`: the site's certificate alone, without the intermediate certificate that \`fullchain.pem\` adds, ` +
            `so ${nginx} ${failure}`,
          location: reference.location,
          related: [],
          fixes: [repointFix(reference, 'fullchain.pem')],
        },
      ];
    }
    if (file?.kind === 'acme.sh-home' && file.file === 'cert') {
      return [
        {
          message:
            `\`ssl_certificate\` "${reference.path}" is acme.sh's \`${file.domain}.cer\`: the site's certificate alone, without the intermediate certificate that \`fullchain.cer\` beside it adds, ` +
            `so ${nginx} ${failure}`,
          location: reference.location,
          related: [],
          fixes: [repointFix(reference, 'fullchain.cer')],
        },
      ];
    }
    if (file?.kind === 'acme.sh-install' && file.installed.role === 'cert' && !file.withChain)
      return [installFinding(file, reference, project, service, deployment, texts)];
    return [];
  });
}

export const certificateWithoutChain: Rule = {
  id: 'certificate-without-chain',
  category: 'certificate-paths',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary:
    "nginx serves the certificate without its intermediate: certbot's cert.pem instead of fullchain.pem, acme.sh's <domain>.cer, or the file acme.sh installs with --cert-file",
  check({ deployment, facts, inventory }) {
    return deployment.projects.flatMap((project) => project.services.flatMap((service) => findingsFor(facts, project, service, deployment, inventory)));
  },
};
