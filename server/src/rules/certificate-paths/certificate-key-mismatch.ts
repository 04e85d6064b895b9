import { posix } from 'node:path';
import { certbotFileKind, lineagePath } from '../../facts/certbot-directories';
import type { CertificateReference } from '../../facts/certificate-references';
import type { Facts } from '../../facts/facts';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import { indentationAt } from '../../fixes/text-edits';
import type { FileEdit } from '../../text/findings';
import type { SourceTexts } from '../../inventory/inventory';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';

function argumentText(reference: CertificateReference, value: string): string {
  return reference.argument.quoted ? `"${value}"` : value;
}

function edit(reference: CertificateReference, value: string): FileEdit {
  return { kind: 'replace', file: reference.location.file, range: reference.location.range, newText: argumentText(reference, value) };
}

function sibling(reference: CertificateReference, file: string): string {
  return posix.join(posix.dirname(reference.argument.value), file);
}

function pairFinding(
  texts: SourceTexts,
  workspaceRoot: string,
  service: DeployedService,
  certificate: CertificateReference,
  key: CertificateReference,
  ownKey: boolean,
): RuleFinding | undefined {
  const nginx = describeNginx(service, workspaceRoot);
  const certificateFile = certificate.certbotPath && lineagePath(certificate.certbotPath.relative);
  const keyFile = key.certbotPath && lineagePath(key.certbotPath.relative);
  if (!certificateFile || !keyFile) return undefined;
  const certificateKind = certbotFileKind(certificateFile.file);
  const keyKind = certbotFileKind(keyFile.file);
  if (!certificateKind || !keyKind) return undefined;
  const keyNamesCertificate = keyKind !== 'privkey';
  const certificateNamesKey = certificateKind === 'privkey';
  if (certificateNamesKey && keyNamesCertificate) {
    return {
      message:
        `\`ssl_certificate\` "${certificate.path}" is the private key and \`ssl_certificate_key\` "${key.path}" the certificate: the two are swapped, and once the files exist ` +
        `${nginx} exits with \`[emerg] cannot load certificate "${certificate.path}": PEM_read_bio_X509_AUX() failed\`.`,
      location: certificate.location,
      related: [{ ...key.location, message: 'the certificate, given as the key' }],
      fixes: [
        {
          title: 'Swap the certificate and the key',
          edits: [edit(certificate, key.argument.value), edit(key, certificate.argument.value)],
          preferred: true,
          safe: true,
        },
      ],
    };
  }
  if (certificateNamesKey) {
    const newPath = sibling(certificate, 'fullchain.pem');
    return {
      message:
        `\`ssl_certificate\` "${certificate.path}" is a private key, not a certificate: once it exists ${nginx} exits with ` +
        `\`[emerg] cannot load certificate "${certificate.path}": PEM_read_bio_X509_AUX() failed\`.`,
      location: certificate.location,
      related: [{ ...key.location, message: 'the key of this server' }],
      fixes: certificateFile.kind === 'live' ? [{ title: `Use ${newPath}`, edits: [edit(certificate, newPath)], preferred: true, safe: true }] : [],
    };
  }
  if (keyNamesCertificate) {
    const newPath = sibling(key, 'privkey.pem');
    return {
      message:
        `\`ssl_certificate_key\` "${key.path}" is a certificate, not the private key: once it exists ${nginx} exits with ` +
        `\`[emerg] cannot load certificate key "${key.path}": PEM_read_bio_PrivateKey() failed\`.`,
      location: key.location,
      related: [{ ...certificate.location, message: 'the certificate of this server' }],
      fixes: keyFile.kind === 'live' ? [{ title: `Use ${newPath}`, edits: [edit(key, newPath)], preferred: true, safe: true }] : [],
    };
  }
  if (certificateFile.name === keyFile.name) return undefined;
  const newPath = sibling(certificate, 'privkey.pem');
  const nginxMessage = `${nginx} exits with \`[emerg] SSL_CTX_use_PrivateKey("${key.path}") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)\``;
  const liveBoth = certificateFile.kind === 'live' && keyFile.kind === 'live';
  if (!ownKey) {
    // the key comes from an enclosing block that other servers share: give this server its own
    const text = texts.text(certificate.location.file);
    const range = certificate.entry.directive.span.toRange();
    const indentation = text === undefined ? undefined : indentationAt(text, range);
    const insertion: FileEdit | undefined =
      indentation === undefined
        ? undefined
        : {
            kind: 'replace',
            file: certificate.location.file,
            range: { start: range.end, end: range.end },
            newText: `\n${indentation}ssl_certificate_key ${newPath};`,
          };
    return {
      message:
        `\`ssl_certificate\` "${certificate.path}" is the certificate of lineage \`${certificateFile.name}\`, but the key this server inherits, ` +
        `\`ssl_certificate_key\` "${key.path}", is the key of lineage \`${keyFile.name}\`: certbot gives each lineage its own key, so once both exist ${nginxMessage}.`,
      location: certificate.location,
      related: [{ ...key.location, message: `the inherited key of lineage \`${keyFile.name}\`` }],
      fixes:
        liveBoth && insertion
          ? [{ title: `Give this server the key of lineage ${certificateFile.name}: ${newPath}`, edits: [insertion], preferred: true }]
          : [],
    };
  }
  return {
    message:
      `\`ssl_certificate_key\` "${key.path}" is the key of lineage \`${keyFile.name}\`, but \`ssl_certificate\` "${certificate.path}" is the certificate of lineage ` +
      `\`${certificateFile.name}\`: certbot gives each lineage its own key, so once both exist ${nginxMessage}.`,
    location: key.location,
    related: [{ ...certificate.location, message: `the certificate of lineage \`${certificateFile.name}\`` }],
    fixes: liveBoth ? [{ title: `Use the key of lineage ${certificateFile.name}: ${newPath}`, edits: [edit(key, newPath)], preferred: true }] : [],
  };
}

function findingsFor(facts: Facts, texts: SourceTexts, workspaceRoot: string, project: DeployedProject, service: DeployedService): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const server of facts.tlsServers(project, service)) {
    // nginx pairs the n-th certificate with the n-th key (an RSA and an ECDSA pair may stand together)
    server.certificates.forEach((certificate, index) => {
      const key = server.keys[index];
      if (!key) return;
      const pair = `${certificate.location.file}:${certificate.location.range.start.line}:${certificate.location.range.start.character}|${key.location.file}:${key.location.range.start.line}:${key.location.range.start.character}`;
      if (seen.has(pair)) return;
      seen.add(pair);
      const ownKey = server.block.entries.some((entry) => entry.directive === key.entry.directive);
      const finding = pairFinding(texts, workspaceRoot, service, certificate, key, ownKey);
      if (finding) findings.push(finding);
    });
  }
  return findings;
}

export const certificateKeyMismatch: Rule = {
  id: 'certificate-key-mismatch',
  category: 'certificate-paths',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: 'ssl_certificate and ssl_certificate_key name files of different certbot lineages, or are swapped',
  check({ deployment, facts, inventory }) {
    return deployment.projects.flatMap((project) =>
      project.services.flatMap((service) => findingsFor(facts, inventory, deployment.workspaceRoot, project, service)),
    );
  },
};
