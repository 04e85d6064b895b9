import type { CertbotCertificate } from '../../facts/certbot-certificates';
import { hostLocation } from '../../model/locations';
import { deletions } from '../../fixes/text-edits';
import type { ConfigurationFile } from '../../languages/nginx/configuration';
import type { NginxDirective } from '../../languages/nginx/syntax-tree';
import { describeNginx } from '../../facts/nginx-names';
import type { Rule, RuleFinding } from '../rule';

const stoppedDirectives = new Set(['ssl_stapling', 'ssl_stapling_verify']);

interface Stapling {
  readonly directive: NginxDirective;
  readonly file: ConfigurationFile;
  readonly siblings: readonly NginxDirective[];
  readonly server?: NginxDirective;
}

function staplings(files: readonly ConfigurationFile[]): Stapling[] {
  const found: Stapling[] = [];
  const visit = (file: ConfigurationFile, directives: readonly NginxDirective[], server: NginxDirective | undefined): void => {
    for (const directive of directives) {
      if (directive.name === 'ssl_stapling' && directive.args.length === 1 && directive.args[0]?.value.toLowerCase() === 'on') {
        found.push({ directive, file, siblings: directives, ...(server ? { server } : {}) });
      }
      if (directive.block) visit(file, directive.block, directive.name === 'server' ? directive : server);
    }
  };
  for (const file of files) visit(file, file.syntax.directives, undefined);
  return found;
}

/** Every literal `ssl_certificate` of the configuration, to tell whether all of them are certbot's. */
function literalCertificateCount(files: readonly ConfigurationFile[], server: NginxDirective | undefined): number {
  let count = 0;
  const visit = (directives: readonly NginxDirective[]): void => {
    for (const directive of directives) {
      if (directive.name === 'ssl_certificate') count++;
      if (directive.block) visit(directive.block);
    }
  };
  if (server?.block) visit(server.block);
  else for (const file of files) visit(file.syntax.directives);
  return count;
}

export const ocspStaplingLetsencrypt: Rule = {
  id: 'ocsp-stapling-letsencrypt',
  category: 'renewal',
  scope: 'project',
  fixable: 'always',
  defaultSeverity: 'info',
  summary: "`ssl_stapling on` with a Let's Encrypt certificate does nothing: Let's Encrypt ended OCSP in 2025",
  check({ deployment, facts, inventory }) {
    // certbot pointed at another CA (`--server`) may get certificates that do carry an OCSP URL
    const otherCertificateAuthority = facts.certbotRuns.some(
      (run) => run.invocation.server !== undefined && !/letsencrypt\.org/.test(run.invocation.server.value),
    );
    if (otherCertificateAuthority) return [];
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      for (const service of project.services) {
        const configuration = service.nginx?.configuration;
        if (!configuration) continue;
        const certificates = facts.certbotCertificates(service);
        for (const stapling of staplings(configuration.files)) {
          const inScope: readonly CertbotCertificate[] = stapling.server
            ? certificates.filter((certificate) => certificate.server === stapling.server)
            : certificates;
          if (inScope.length === 0 || inScope.length !== literalCertificateCount(configuration.files, stapling.server)) continue;
          const location = hostLocation(service.view, stapling.file, stapling.directive.span);
          const text = location && inventory.text(location.file);
          if (!location || text === undefined) continue;
          const [certificate] = inScope as [CertbotCertificate];
          const verify = stapling.siblings.find((directive) => directive.name === 'ssl_stapling_verify' && directive.args[0]?.value.toLowerCase() === 'on');
          const edits = deletions(
            location.file,
            text,
            [stapling.directive, ...(verify ? [verify] : [])]
              .filter((directive) => stoppedDirectives.has(directive.name))
              .map((directive) => directive.span.toRange()),
          );
          const writer = certificate.writer ? ` (written by certbot in service \`${certificate.writer}\`)` : '';
          findings.push({
            message:
              `\`ssl_stapling on\` asks ${describeNginx(service, deployment.workspaceRoot)} to staple OCSP responses for the Let's Encrypt certificate "${certificate.path}"${writer}, ` +
              "but Let's Encrypt stopped putting OCSP URLs in its certificates on May 7, 2025 and turned its OCSP responders off on August 6, 2025. " +
              `nginx logs \`[warn] "ssl_stapling" ignored, no OCSP responder URL in the certificate "${certificate.path}"\` and staples nothing.`,
            location,
            related: certificate.location ? [{ ...certificate.location, message: "the Let's Encrypt certificate, which has no OCSP responder URL" }] : [],
            fixes: [{ title: `Remove \`ssl_stapling on;\`${verify ? ' and `ssl_stapling_verify on;`' : ''}`, edits, preferred: true, safe: true }],
          });
        }
      }
    }
    return findings;
  },
};
