/**
 * The languages certboot reads. `nginx` is the id this extension and the popular nginx
 * extensions contribute (so they coexist); `NGINX` is what some other extensions use.
 */
export const nginxLanguageIds: readonly string[] = ['nginx', 'NGINX'];

/** VS Code's Docker extension gives compose files this language id. */
export const composeLanguageId = 'dockercompose';

/**
 * Without the Docker extension a compose file is plain YAML; only its name says it is one.
 * docker compose discovers compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml
 * and their override files, and projects name their variants compose.prod.yaml,
 * docker-compose-staging.yml and so on.
 */
export const composeFileNamePattern = '**/{compose,docker-compose}*.{yml,yaml}';

/** HashiCorp's Terraform extension gives `.tf` files this language id. */
export const terraformLanguageId = 'terraform';

/** Without a Terraform extension a `.tf` file has no language of its own; its name says what it is. */
export const terraformFilePattern = '**/*.tf';

/**
 * CloudFormation templates are plain YAML or JSON; only their names and folders tell them from
 * other files (the analysis itself checks for AWSTemplateFormatVersion or AWS:: resources).
 */
export const cloudFormationFilePatterns: readonly string[] = [
  '**/*.template.{yaml,yml,json}',
  '**/cloudformation/**/*.{yaml,yml,json}',
  '**/*cfn*.{yaml,yml,json}',
];

/** One entry of the selector; its shape fits both VS Code's and the protocol's document filters. */
export interface DocumentFilter {
  readonly scheme: 'file';
  /** Absent: any language, the pattern alone decides. */
  readonly language?: string;
  /** A glob on the file's path. */
  readonly pattern?: string;
}

/** The files certboot lints, as the language client's document selector. */
export function certbootDocumentSelector(): DocumentFilter[] {
  // Only files: a finding is about paths on disk and mounts relative to the compose file.
  return [
    ...nginxLanguageIds.map((language): DocumentFilter => ({ scheme: 'file', language })),
    { scheme: 'file', language: composeLanguageId },
    { scheme: 'file', language: 'yaml', pattern: composeFileNamePattern },
    { scheme: 'file', language: terraformLanguageId },
    { scheme: 'file', pattern: terraformFilePattern },
    ...['yaml', 'json'].flatMap((language) => cloudFormationFilePatterns.map((pattern): DocumentFilter => ({ scheme: 'file', language, pattern }))),
  ];
}
