import { refusedCertificateModules, type TerraformCertificate } from '../../model/infrastructure/acm-certificates';
import { cloudFormationDnsValidationEdits, terraformDnsValidationEdits, zoneMissingInCalledModule } from '../../fixes/acm-fixes';
import type { Fix, RelatedLocation } from '../../text/findings';
import { findAttribute } from '../../languages/terraform/hcl-syntax';
import type { DuplicateDeclaration, TerraformModule, TerraformResource } from '../../languages/terraform/module';
import type { Rule, RuleFinding } from '../rule';

const noFixInCalledModule =
  ' No fix is offered: the module has no Route 53 hosted zone for the validation records and is called as a module elsewhere in the workspace, so the zone ID has to come in through a variable that every caller sets.';

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

/**
 * An `aws_acm_certificate_validation` with `validation_record_fqdns` that may list something
 * (anything but `[]` or `null`) waits for records someone manages: written by hand with literal
 * names, made in another module, or read from elsewhere.
 */
function listsValidationRecords(validation: TerraformResource): boolean {
  const value = findAttribute(validation.block.body, 'validation_record_fqdns')?.value;
  if (value === undefined) return false;
  return !((value.kind === 'tuple' && value.elements.length === 0) || (value.kind === 'literal' && value.value === null));
}

function terraformFinding(certificate: TerraformCertificate): RuleFinding | undefined {
  const attribute = certificate.validationMethodAttribute;
  if (!attribute || certificate.validationMethod !== 'DNS' || certificate.needsNoValidation) return undefined;
  const hasRecords = certificate.validationRecordUses.length > 0 || certificate.validations.some(listsValidationRecords);
  const validation = certificate.validations[0];
  const racing = certificate.consumers.filter((consumer) => !consumer.throughValidation);
  const related: RelatedLocation[] = [];
  let problem: string;
  if (!hasRecords && !validation) {
    problem = `, but nothing creates the validation CNAME records from its \`domain_validation_options\` and no \`aws_acm_certificate_validation\` waits for it: the certificate stays PENDING_VALIDATION, and ACM gives up after 72 hours (status "Validation timed out")`;
  } else if (!hasRecords && validation) {
    related.push({
      file: validation.file.path,
      range: validation.block.labels[1]?.range ?? validation.block.range,
      message: 'waits for the certificate to be issued',
    });
    problem = `, but nothing creates the validation CNAME records from its \`domain_validation_options\` that \`aws_acm_certificate_validation.${validation.name}\` waits for: \`terraform apply\` waits for the 75-minute create timeout and fails with the certificate still PENDING_VALIDATION`;
  } else if (!validation && racing.length > 0) {
    for (const consumer of racing) {
      related.push({ file: consumer.resource.file.path, range: consumer.attribute.range, message: `uses the certificate before it is issued` });
    }
    const first = racing[0];
    problem = ` and its validation records are created, but no \`aws_acm_certificate_validation\` waits for them, so Terraform creates ${first ? `\`${first.resource.type}.${first.resource.name}\`` : 'the listener'} while the certificate is still PENDING_VALIDATION and AWS refuses it: \`UnsupportedCertificate: The certificate '…' must have a fully-qualified domain name, a supported signature, and a supported key size\``;
  } else {
    return undefined;
  }
  for (const use of certificate.validationRecordUses) {
    related.push({ file: use.file.path, range: use.attribute.range, message: 'reads the validation records of the certificate' });
  }
  const fixes: Fix[] = [];
  const edits = terraformDnsValidationEdits(certificate, { switchMethod: false, addRecords: !hasRecords, addValidation: !validation });
  if (edits) {
    const parts = [...(hasRecords ? [] : ['the Route 53 validation records']), ...(validation ? [] : ['aws_acm_certificate_validation'])];
    fixes.push({ title: `Add ${parts.join(' and ')} for ${certificate.address}`, edits, preferred: true });
  }
  const noFix = !edits && !hasRecords && zoneMissingInCalledModule(certificate) ? noFixInCalledModule : '';
  return {
    message: `\`${certificate.address}\` is DNS-validated (${fileName(certificate.resource.file.path)}, line ${attribute.range.start.line + 1})${problem}.${noFix}`,
    location: { file: certificate.resource.file.path, range: attribute.value.range },
    related,
    fixes,
  };
}

/** One note per directory Terraform refuses for a name declared twice: its certificates are not checked, rather than linked across files that are no module. */
function refusedModuleNote(module: TerraformModule): RuleFinding {
  const [duplicate] = module.duplicates as [DuplicateDeclaration];
  const first = duplicate.first;
  return {
    severity: 'info',
    message:
      `Terraform refuses this directory: \`${duplicate.address}\` is declared again here, first in ${fileName(first.file.path)} line ${first.range.start.line + 1} (\`Error: ${duplicate.summary}\`). ` +
      'Nothing is planned from files that declare one name twice (documentation snippets side by side often do), so certboot does not check its ACM certificates.',
    location: { file: duplicate.second.file.path, range: duplicate.second.range },
    related: [{ file: first.file.path, range: first.range, message: `\`${duplicate.address}\` is first declared here` }],
    fixes: [],
  };
}

export const acmValidationMissing: Rule = {
  id: 'acm-validation-missing',
  category: 'infrastructure',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'warning',
  summary: 'a DNS-validated ACM certificate without its validation records or the resource that waits for issuance, so it stays pending validation',
  check({ deployment, facts }) {
    const findings: RuleFinding[] = [];
    for (const certificate of facts.terraformCertificates) {
      const finding = terraformFinding(certificate);
      if (finding) findings.push(finding);
    }
    for (const module of refusedCertificateModules(deployment.infrastructure)) findings.push(refusedModuleNote(module));
    for (const certificate of facts.cloudFormationCertificates) {
      const entry = certificate.validationMethodEntry;
      if (!entry || certificate.validationMethod !== 'DNS' || certificate.needsNoValidation || certificate.hasHostedZone) continue;
      const { template, resource } = certificate;
      const edits = cloudFormationDnsValidationEdits(certificate, false);
      const missing = certificate.domainValidationOptions
        ? 'none of its `DomainValidationOptions` names a `HostedZoneId`'
        : 'it has no `DomainValidationOptions` with a `HostedZoneId`';
      findings.push({
        message: `\`${resource.logicalId}\` (${resource.type}) is DNS-validated, but ${missing}: CloudFormation does not create the validation CNAME record, and the stack stays in CREATE_IN_PROGRESS (its events show "Content of DNS Record is: {Name: …, Type: CNAME, Value: ….acm-validations.aws.}") until someone adds the record by hand.`,
        location: { file: template.file, range: entry.value.range },
        related: certificate.domainValidationOptions
          ? [{ file: template.file, range: certificate.domainValidationOptions.keyRange, message: 'lists the domains without a HostedZoneId' }]
          : [],
        fixes: edits ? [{ title: `Add DomainValidationOptions with HostedZoneId to ${resource.logicalId}`, edits, preferred: true }] : [],
      });
    }
    return findings;
  },
};
