import { acmEmailValidation } from '../infrastructure/acm-email-validation';
import { acmReplaceWithoutCreateBeforeDestroy } from '../infrastructure/acm-replace-without-create-before-destroy';
import { acmValidationMissing } from '../infrastructure/acm-validation-missing';
import type { Rule } from '../rule';

/** The rules of the catalogue's "AWS ACM" section: certificates in Terraform and CloudFormation. */
export const acmRules: readonly Rule[] = [acmEmailValidation, acmValidationMissing, acmReplaceWithoutCreateBeforeDestroy];
