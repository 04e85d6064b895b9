import { certificateKeyMismatch } from './certificate-paths/certificate-key-mismatch';
import { certificateNameMismatch } from './certificate-paths/certificate-name-mismatch';
import { certificatePathNotLive } from './certificate-paths/certificate-path-not-live';
import { certificateWithoutChain } from './certificate-paths/certificate-without-chain';
import { containerNameConflict } from './collisions/container-name-conflict';
import { hostPortConflict } from './collisions/host-port-conflict';
import { nginxDirectiveDeprecated } from './directives/nginx-directive-deprecated';
import { nginxDirectiveRemoved } from './directives/nginx-directive-removed';
import { nginxDirectiveTooNew } from './directives/nginx-directive-too-new';
import { nginxDirectiveUsage } from './directives/nginx-directive-usage';
import { nginxUnknownDirective } from './directives/nginx-unknown-directive';
import { acmeChallengeNotServed } from './first-boot/acme-challenge-not-served';
import { certbotNginxOptionsMissing } from './first-boot/certbot-nginx-options-missing';
import { conflictingSharedMemoryZone } from './first-boot/conflicting-shared-memory-zone';
import { duplicateLocation } from './first-boot/duplicate-location';
import { envsubstEmptiesNginxVariables } from './first-boot/envsubst-empties-nginx-variables';
import { letsencryptPartialMount } from './first-boot/letsencrypt-partial-mount';
import { listenConflict } from './first-boot/listen-conflict';
import { missingCertificateOnFirstBoot } from './first-boot/missing-certificate-on-first-boot';
import { missingIncludeOnFirstBoot } from './first-boot/missing-include-on-first-boot';
import { mountSourceMissing } from './first-boot/mount-source-missing';
import { restartLoopOnFirstBoot } from './first-boot/restart-loop-on-first-boot';
import { serverNamesHashTooSmall } from './first-boot/server-names-hash-too-small';
import { sslListenWithoutCertificate } from './first-boot/ssl-listen-without-certificate';
import { undefinedSharedMemoryZone } from './first-boot/undefined-shared-memory-zone';
import { unknownVariable } from './first-boot/unknown-variable';
import { upstreamHostNotFound } from './first-boot/upstream-host-not-found';
import { webrootMismatch } from './first-boot/webroot-mismatch';
import { acmEmailValidation } from './infrastructure/acm-email-validation';
import { acmReplaceWithoutCreateBeforeDestroy } from './infrastructure/acm-replace-without-create-before-destroy';
import { acmValidationMissing } from './infrastructure/acm-validation-missing';
import { acmeCompanionHostNotProxied } from './issuance/acme-companion-host-not-proxied';
import { acmeCompanionHttpDisabled } from './issuance/acme-companion-http-disabled';
import { acmeCompanionProxyNotFound } from './issuance/acme-companion-proxy-not-found';
import { acmeCompanionVolumeNotShared } from './issuance/acme-companion-volume-not-shared';
import { certbotPluginNotInImage } from './issuance/certbot-plugin-not-in-image';
import { certbotWildcardHttpChallenge } from './issuance/certbot-wildcard-http-challenge';
import { certificatesNotPersisted } from './issuance/certificates-not-persisted';
import { composeRunUnknownService } from './issuance/compose-run-unknown-service';
import { httpChallengePortNotPublished } from './issuance/http-challenge-port-not-published';
import { liveDirectoryWrittenBeforeCertonly } from './issuance/live-directory-written-before-certonly';
import { certificateNeverRenewed } from './renewal/certificate-never-renewed';
import { forceRenewalInLoop } from './renewal/force-renewal-in-loop';
import { ocspStaplingLetsencrypt } from './renewal/ocsp-stapling-letsencrypt';
import { renewalScheduleTooSparse } from './renewal/renewal-schedule-too-sparse';
import { renewalWithoutReload } from './renewal/renewal-without-reload';
import { stagingCertificate } from './renewal/staging-certificate';
import { standaloneRenewalPortInUse } from './renewal/standalone-renewal-port-in-use';
import { templateNotRendered } from './renewal/template-not-rendered';
import type { AnyRule, RuleCategory } from './rule';
import { unusedSuppression } from './suppressions/unused-suppression';
import { composeSyntax } from './syntax/compose-syntax';
import { nginxSyntax } from './syntax/nginx-syntax';

/**
 * Every rule certboot has, in the catalogue's order (../shared/RULES.md), which is the order they
 * run in and the order of SARIF's rule table. The README's table, docs/rules/README.md and the
 * `certboot.rules` setting's schema are generated from it (`npm run generate:docs`);
 * `npm run new-rule` adds a line here.
 */
export const rules: readonly AnyRule[] = [
  nginxSyntax,
  composeSyntax,
  missingCertificateOnFirstBoot,
  missingIncludeOnFirstBoot,
  restartLoopOnFirstBoot,
  acmeChallengeNotServed,
  webrootMismatch,
  certbotNginxOptionsMissing,
  letsencryptPartialMount,
  listenConflict,
  conflictingSharedMemoryZone,
  duplicateLocation,
  sslListenWithoutCertificate,
  unknownVariable,
  serverNamesHashTooSmall,
  undefinedSharedMemoryZone,
  upstreamHostNotFound,
  mountSourceMissing,
  envsubstEmptiesNginxVariables,
  certificatePathNotLive,
  certificateWithoutChain,
  certificateKeyMismatch,
  certificateNameMismatch,
  containerNameConflict,
  hostPortConflict,
  certificateNeverRenewed,
  renewalWithoutReload,
  templateNotRendered,
  forceRenewalInLoop,
  stagingCertificate,
  ocspStaplingLetsencrypt,
  standaloneRenewalPortInUse,
  renewalScheduleTooSparse,
  acmEmailValidation,
  acmValidationMissing,
  acmReplaceWithoutCreateBeforeDestroy,
  unusedSuppression,
  nginxUnknownDirective,
  nginxDirectiveRemoved,
  nginxDirectiveTooNew,
  nginxDirectiveDeprecated,
  nginxDirectiveUsage,
  certbotWildcardHttpChallenge,
  certbotPluginNotInImage,
  certificatesNotPersisted,
  composeRunUnknownService,
  acmeCompanionProxyNotFound,
  acmeCompanionVolumeNotShared,
  httpChallengePortNotPublished,
  liveDirectoryWrittenBeforeCertonly,
  acmeCompanionHostNotProxied,
  acmeCompanionHttpDisabled,
];

/** The categories in the order the docs list them, with their headings. */
export const ruleCategories: readonly { readonly id: RuleCategory; readonly title: string }[] = [
  { id: 'first-boot', title: 'first boot' },
  { id: 'issuance', title: 'issuance (certbot plugins and images, acme-companion, all-in-one images)' },
  { id: 'collisions', title: 'collisions' },
  { id: 'certificate-paths', title: 'certificate paths' },
  { id: 'renewal', title: 'renewal' },
  { id: 'infrastructure', title: 'AWS ACM (Terraform, CloudFormation)' },
  { id: 'directives', title: "nginx directives (the image's version and modules)" },
  { id: 'syntax', title: 'syntax' },
  { id: 'suppressions', title: 'suppression comments' },
];

export function findRule(ruleId: string): AnyRule | undefined {
  return rules.find((rule) => rule.id === ruleId);
}
