import { parameterDefault, type TerraformCertificate } from '../../model/infrastructure/acm-certificates';
import { cloudFormationDnsValidationEdits, terraformDnsValidationEdits, zoneMissingInCalledModule } from '../../fixes/acm-fixes';
import type { Fix, RelatedLocation } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';

const whatHappens =
  "ACM cannot renew it by itself: 45 days before it expires ACM emails the domain's WHOIS contacts and admin@, administrator@, hostmaster@, postmaster@ and webmaster@, and unless someone follows the approval link in time the certificate expires";

const noFixInCalledModule =
  ' No fix is offered: the module has no Route 53 hosted zone for the validation records and is called as a module elsewhere in the workspace, so the zone ID has to come in through a variable that every caller sets.';

function consumersRelated(certificate: TerraformCertificate): RelatedLocation[] {
  return certificate.consumers.map((consumer) => ({
    file: consumer.resource.file.path,
    range: consumer.attribute.range,
    message: `${consumer.description} \`${consumer.resource.type}.${consumer.resource.name}\` serves this certificate`,
  }));
}

function terraformFinding(certificate: TerraformCertificate): RuleFinding | undefined {
  const attribute = certificate.validationMethodAttribute;
  const definition = certificate.validationMethodDefinition;
  if (!attribute || !definition || certificate.validationMethod !== 'EMAIL' || certificate.needsNoValidation) return undefined;
  const file = certificate.resource.file.path;
  const related: RelatedLocation[] = [];
  if (definition.expression !== attribute.value) {
    related.push({ file: definition.file.path, range: definition.expression.range, message: 'the value "EMAIL" comes from here' });
  }
  related.push(...consumersRelated(certificate));
  const fixes: Fix[] = [];
  const alreadyValidated = certificate.validations.length > 0;
  const hasRecords = certificate.validationRecordUses.length > 0;
  const edits = terraformDnsValidationEdits(certificate, { switchMethod: true, addRecords: !hasRecords, addValidation: !alreadyValidated });
  if (edits) {
    fixes.push({
      title: `Validate ${certificate.address} by DNS: add the Route 53 validation records and aws_acm_certificate_validation`,
      edits,
      preferred: true,
    });
  }
  const served = certificate.consumers[0];
  const noFix = !edits && !hasRecords && zoneMissingInCalledModule(certificate) ? noFixInCalledModule : '';
  const consequence = served ? `, and HTTPS on \`${served.resource.type}.${served.resource.name}\` fails with an expired certificate` : '';
  return {
    message: `\`${certificate.address}\` is validated by EMAIL (\`validation_method\` in ${file.split('/').pop() ?? file}, line ${attribute.range.start.line + 1}): ${whatHappens}${consequence}. Use DNS validation: ACM then renews it on its own as long as the CNAME record stays in DNS.${noFix}`,
    location: { file, range: attribute.value.range },
    related,
    fixes,
  };
}

export const acmEmailValidation: Rule = {
  id: 'acm-email-validation',
  category: 'infrastructure',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: 'an ACM certificate validated by EMAIL, which ACM cannot renew without someone approving an email every year',
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const certificate of facts.terraformCertificates) {
      const finding = terraformFinding(certificate);
      if (finding) findings.push(finding);
    }
    for (const certificate of facts.cloudFormationCertificates) {
      const entry = certificate.validationMethodEntry;
      if (!entry || certificate.validationMethod !== 'EMAIL' || certificate.needsNoValidation) continue;
      const { template, resource } = certificate;
      const related: RelatedLocation[] = [];
      const fromParameter = parameterDefault(template, entry.value);
      if (fromParameter) related.push({ file: template.file, range: fromParameter.range, message: 'the value "EMAIL" is the default of this parameter' });
      const edits = cloudFormationDnsValidationEdits(certificate, true);
      findings.push({
        message: `\`${resource.logicalId}\` (${resource.type}) is validated by EMAIL: ${whatHappens}. On creation the stack also stays in CREATE_IN_PROGRESS until someone approves the email. Use \`ValidationMethod: DNS\` with a \`HostedZoneId\` in \`DomainValidationOptions\`: CloudFormation then creates the validation record and ACM renews on its own.`,
        location: { file: template.file, range: entry.value.range },
        related,
        fixes: edits ? [{ title: `Validate ${resource.logicalId} by DNS with DomainValidationOptions and HostedZoneId`, edits, preferred: true }] : [],
      });
    }
    return findings;
  },
};
