export { composeFileNames, discoverComposeFiles, overrideFileNames } from './discovery';
export type { DiscoveredComposeFiles } from './discovery';
export { loadComposeProject } from './load-project';
export { overlayIncluding } from './overlay';
export type { ComposeOverlay } from './overlay';
export { findForeignTemplate } from './foreign-template';
export type { ForeignTemplate, TemplateLanguage } from './foreign-template';
export type { LoadComposeProjectOptions } from './load-project';
export type {
  ComposeBuild,
  ComposeDocument,
  ComposeProject,
  ComposeService,
  PortBinding,
  PortProtocol,
  RestartPolicy,
  RestartPolicyName,
  VolumeMount,
  VolumeType,
} from './model';
export type { ComposeDiagnostic, ComposeDiagnosticCode, ComposeDiagnosticSeverity, Located, Position, Range, SourceLocation } from './source-location';
