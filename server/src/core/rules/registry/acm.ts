import { acmEmailValidation } from '../acm-email-validation';
import { acmReplaceWithoutCreateBeforeDestroy } from '../acm-replace-without-create-before-destroy';
import { acmValidationMissing } from '../acm-validation-missing';
import type { Rule } from '../rule';

/** The rules of the catalogue's "AWS ACM" section: certificates in Terraform and CloudFormation. */
export const acmRules: readonly Rule[] = [acmEmailValidation, acmValidationMissing, acmReplaceWithoutCreateBeforeDestroy];
