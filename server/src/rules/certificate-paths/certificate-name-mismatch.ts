import { containerPathFor, type Lineage, lineagePath, lineagesOf, sameLineage } from '../../facts/certbot-directories';
import type { CertificateReference } from '../../facts/certificate-references';
import type { Facts } from '../../facts/facts';
import type { DeployedProject, DeployedService } from '../../model/deployment';
import type { Fix, RelatedLocation } from '../../text/findings';
import { describeNginx } from '../../facts/nginx-names';
import { isPlaceholderName } from '../../facts/placeholder-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';

/** The lineages certbot creates in the directory a reference lies in; undefined when not all are known. */
function lineagesFor(facts: Facts, reference: CertificateReference): Lineage[] | undefined {
  const certbot = reference.certbotPath?.certbot;
  if (!certbot) return undefined;
  const lineages = lineagesOf(facts.certbotJobs(certbot));
  return lineages && lineages.length > 0 ? lineages : undefined;
}

function lineageRelated(certbot: string, lineages: readonly Lineage[]): RelatedLocation[] {
  const seen = new Set<string>();
  return lineages.flatMap((lineage) => {
    const key = `${lineage.location.file}:${lineage.location.range.start.line}:${lineage.location.range.start.character}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ ...lineage.location, message: `service \`${certbot}\` creates lineage \`${lineage.name}\` (${lineage.domains.join(', ')}) here` }];
  });
}

function describeLineages(lineages: readonly Lineage[]): string {
  const names = [...new Set(lineages.map((lineage) => `\`live/${lineage.name}/\``))];
  return names.length === 1 ? (names[0] as string) : `only ${names.join(', ')}`;
}

function unknownLineageFindings({ deployment, facts }: RuleContext, project: DeployedProject, service: DeployedService): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const reference of facts.certificateReferences(project, service)) {
    const certbotPath = reference.certbotPath;
    const lineageFile = certbotPath && lineagePath(certbotPath.relative);
    const lineages = lineageFile?.kind === 'live' ? lineagesFor(facts, reference) : undefined;
    if (!certbotPath || !lineageFile || !lineages || !certbotPath.certbot) continue;
    if (lineages.some((lineage) => sameLineage(lineageFile.name, lineage))) continue;
    const certbot = certbotPath.certbot.name;
    // the lineage that holds this name among its domains, else the only one
    const holding = lineages.find((lineage) => lineage.domains.includes(lineageFile.name)) ?? (lineages.length === 1 ? lineages[0] : undefined);
    const newPath = holding && containerPathFor(project, service, certbotPath, `live/${holding.name}/${lineageFile.file}`);
    const fixes: Fix[] =
      holding && newPath
        ? [
            {
              title: `Use lineage ${holding.name}: ${newPath}`,
              edits: [
                {
                  kind: 'replace',
                  file: reference.location.file,
                  range: reference.location.range,
                  newText: reference.argument.quoted ? `"${newPath}"` : newPath,
                },
              ],
              preferred: true,
            },
          ]
        : [];
    const naming =
      holding?.domains.includes(lineageFile.name) && holding.invocation.certName === undefined
        ? ` (certbot names a lineage after \`--cert-name\`, else the first \`-d\`: \`${holding.domains[0] ?? ''}\`)`
        : '';
    // certbot asks only for placeholder names (`-d example.org`) the README asks the user to replace
    const placeholders =
      !isPlaceholderName(lineageFile.name) && lineages.every((lineage) => lineage.domains.length > 0 && lineage.domains.every(isPlaceholderName));
    if (placeholders) {
      findings.push({
        severity: 'info',
        message:
          `\`${reference.entry.directive.name}\` "${reference.path}" is in lineage \`${lineageFile.name}\`, and service \`${certbot}\` asks only for placeholder names (${[...new Set(lineages.flatMap((lineage) => lineage.domains))].map((domain) => `\`${domain}\``).join(', ')}): ` +
          `replace them with \`${lineageFile.name}\` before certbot runs, or \`live/${lineageFile.name}/\` never appears and ${describeNginx(service, deployment.workspaceRoot)} fails with \`[emerg] cannot load certificate "${reference.path}": BIO_new_file() failed\`.`,
        location: reference.location,
        related: lineageRelated(certbot, lineages),
        fixes: [],
      });
      continue;
    }
    findings.push({
      message:
        `\`${reference.entry.directive.name}\` "${reference.path}" is in lineage \`${lineageFile.name}\`, but service \`${certbot}\` creates ${describeLineages(lineages)}${naming}: ` +
        `\`live/${lineageFile.name}/\` never appears, and ${describeNginx(service, deployment.workspaceRoot)} fails with \`[emerg] cannot load certificate "${reference.path}": BIO_new_file() failed\`.`,
      location: reference.location,
      related: lineageRelated(certbot, lineages),
      fixes,
    });
  }
  return findings;
}

/** A certificate name covers a host name: the same name, or a wildcard for exactly one more label. */
function covers(domain: string, name: string): boolean {
  const lowerDomain = domain.toLowerCase();
  const lowerName = name.toLowerCase();
  if (lowerDomain === lowerName) return true;
  if (!lowerDomain.startsWith('*.')) return false;
  const dot = lowerName.indexOf('.');
  return dot > 0 && !lowerName.slice(0, dot).includes('*') && lowerName.slice(dot + 1) === lowerDomain.slice(2);
}

/** Names a client can ask for: no regexes, variables, catch-alls, `.example.com` forms, IP addresses or bare host names. */
function isHostName(name: string): boolean {
  return /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(name) && !/^[0-9.]+$/.test(name);
}

function uncoveredNameFindings({ deployment, facts }: RuleContext, project: DeployedProject, service: DeployedService): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const server of facts.tlsServers(project, service)) {
    if (!server.listensTls || server.certificates.length === 0) continue;
    const served: { reference: CertificateReference; lineage: Lineage }[] = [];
    let known = true;
    for (const reference of server.certificates) {
      const lineageFile = reference.certbotPath && lineagePath(reference.certbotPath.relative);
      const lineages = lineageFile?.kind === 'live' ? lineagesFor(facts, reference) : undefined;
      const lineage = lineages?.find((candidate) => candidate.name === lineageFile?.name);
      if (!lineage) known = false;
      else served.push({ reference, lineage });
    }
    // every certificate of the server must be known: another one may cover the name
    if (!known || served.length === 0) continue;
    for (const { argument, location } of server.serverNames) {
      const name = argument.value;
      if (!isHostName(name) || served.some(({ lineage }) => lineage.domains.some((domain) => covers(domain, name)))) continue;
      const key = `${location.file}:${location.range.start.line}:${location.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [first] = served as [{ reference: CertificateReference; lineage: Lineage }];
      const certbot = first.reference.certbotPath?.certbot?.name ?? 'certbot';
      const names = [...new Set(served.flatMap(({ lineage }) => lineage.domains))];
      findings.push({
        message:
          `\`server_name\` \`${name}\` is not among the names of the certificate this TLS server sends (lineage \`${first.lineage.name}\`: ${names.map((domain) => `\`${domain}\``).join(', ')}): ` +
          `browsers reject it with \`NET::ERR_CERT_COMMON_NAME_INVALID\` and curl with \`no alternative certificate subject name matches target host name '${name}'\`.`,
        location,
        related: [
          { ...first.reference.location, message: `the certificate ${describeNginx(service, deployment.workspaceRoot)} sends for \`${name}\`` },
          ...lineageRelated(
            certbot,
            served.map(({ lineage }) => lineage),
          ),
        ],
        fixes: [],
      });
    }
  }
  return findings;
}

export const certificateNameMismatch: Rule = {
  id: 'certificate-name-mismatch',
  category: 'certificate-paths',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: 'nginx names a live/<name> lineage certbot never creates, or serves a name the certificate does not cover',
  check(context) {
    return context.deployment.projects.flatMap((project) =>
      project.services.flatMap((service) => [...unknownLineageFindings(context, project, service), ...uncoveredNameFindings(context, project, service)]),
    );
  },
};
