import { createBeforeDestroyFix } from '../../fixes/acm-fixes';
import type { RelatedLocation } from '../../text/findings';
import type { Rule, RuleFinding } from '../rule';

export const acmReplaceWithoutCreateBeforeDestroy: Rule = {
  id: 'acm-replace-without-create-before-destroy',
  category: 'infrastructure',
  scope: 'project',
  fixable: 'always',
  defaultSeverity: 'warning',
  summary: 'a Terraform ACM certificate in use by a listener without lifecycle { create_before_destroy = true }, so replacing it fails or takes the site down',
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const certificate of facts.terraformCertificates) {
      const consumer = certificate.consumers[0];
      // an imported certificate takes new PEMs in place, under its ARN: nothing replaces it
      if (!consumer || certificate.imported) continue;
      const flag = certificate.createBeforeDestroy;
      if (flag && !(flag.value.kind === 'literal' && flag.value.value === false)) continue;
      const { resource } = certificate;
      const related: RelatedLocation[] = certificate.consumers.map((candidate) => ({
        file: candidate.resource.file.path,
        range: candidate.attribute.range,
        message: `${candidate.description} \`${candidate.resource.type}.${candidate.resource.name}\` uses the certificate`,
      }));
      const label = resource.block.labels[1];
      findings.push({
        message: `\`${certificate.address}\` is used by \`${consumer.resource.type}.${consumer.resource.name}\` and has no \`lifecycle { create_before_destroy = true }\`${flag ? ' (it is set to false)' : ''}: when a change replaces it (a new domain_name, subject_alternative_names or validation_method), Terraform deletes the old certificate first, and ACM refuses while the ${consumer.description} still uses it ("ResourceInUseException: Certificate … is in use."), so the apply hangs and fails; with create_before_destroy the new certificate is attached before the old one is deleted.`,
        location: { file: resource.file.path, range: flag ? flag.value.range : (label?.range ?? resource.block.range) },
        related,
        fixes: [createBeforeDestroyFix(certificate)],
      });
    }
    return findings;
  },
};
