import type { Document, LineCounter } from 'yaml';
import type { DeclaredNetwork, ServiceNetworking } from './networking';
import type { ComposeDiagnostic, Located, SourceLocation } from './source-location';

export interface ComposeProject {
  /** Absolute path; relative paths in the main files resolve against it. */
  readonly directory: string;
  readonly name: string;
  /** The files merged into the model, in merge order (includes and extended files after them). */
  readonly files: string[];
  /** The files of `files` that `include` brought in: compose runs their services as this project's. */
  readonly includedFiles: string[];
  readonly services: ComposeService[];
  /** Names declared under the top-level `volumes`. */
  readonly namedVolumes: string[];
  /** The top-level `networks`; undefined when the project was not read from compose files. */
  readonly networks?: readonly DeclaredNetwork[];
  /** The YAML documents of `files` (none for a binary, huge or unreadable file), in the same order. */
  readonly documents: ComposeDocument[];
  readonly diagnostics: ComposeDiagnostic[];
  /**
   * The profiles COMPOSE_PROFILES turns on (from the caller's environment or `.env`), whose
   * services a plain `docker compose up` starts too; `unknown` when its value is not known.
   */
  readonly activeProfiles?: readonly string[] | 'unknown';
}

export interface ComposeBuild {
  /** Absolute for a local directory; a URL or git reference stays as written. */
  readonly context: Located<string>;
  /** As written: relative to the context. */
  readonly dockerfile?: Located<string>;
}

export interface ComposeService {
  readonly name: string;
  readonly nameLocation: SourceLocation;
  readonly image?: Located<string>;
  readonly build?: ComposeBuild;
  readonly containerName?: Located<string>;
  /** The effective policy: `deploy.restart_policy` wins over `restart`. */
  readonly restart?: RestartPolicy;
  readonly ports: PortBinding[];
  readonly volumes: VolumeMount[];
  readonly command?: Located<string | string[]>;
  readonly entrypoint?: Located<string | string[]>;
  /** `working_dir`: where the command runs; a value of undefined depends on a variable the loader does not know. */
  readonly workingDirectory?: Located<string>;
  readonly profiles: string[];
  /** undefined: the value comes from a variable the loader does not know. */
  readonly environment: Record<string, string | undefined>;
  readonly dependsOn: string[];
  /** The networks it joins and the names it answers there; undefined when not read from compose files. */
  readonly networking?: ServiceNetworking;
  /** The services of `depends_on` with `condition: service_completed_successfully`: this one starts after they have exited 0. */
  readonly awaitsCompletionOf?: readonly string[];
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/**
 * One entry of `ports`. When `unknown` is true some part depends on an unset variable: read
 * the fields left undefined as unknown, not as absent.
 */
export interface PortBinding {
  readonly hostIp?: string;
  /** A port or a range such as "8000-8010"; absent when docker picks an ephemeral port. */
  readonly hostPort?: string;
  readonly containerPort?: string;
  /** "tcp" when the protocol itself is unknown (and `unknown` is then true). */
  readonly protocol: PortProtocol;
  readonly unknown: boolean;
  readonly location: SourceLocation;
}

export type VolumeType = 'bind' | 'volume' | 'tmpfs';

/**
 * One entry of `volumes`. When `unknown` is true some part depends on an unset variable (or on
 * the home directory of the machine that runs compose): fields left undefined are unknown.
 */
export interface VolumeMount {
  readonly type?: VolumeType;
  /** Absolute host path for a bind, volume name for a named volume, absent for an anonymous one. */
  readonly source?: string;
  readonly target?: string;
  readonly readOnly: boolean;
  readonly unknown: boolean;
  readonly location: SourceLocation;
  /**
   * A named volume made outside the project: declared `external`, or with `driver_opts` (a local
   * driver bound to a host directory, NFS): what it holds is unknown, not empty.
   */
  readonly madeOutside?: boolean;
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  /** undefined: unknown (an unset variable) or not a policy docker accepts. */
  readonly policy: RestartPolicyName | undefined;
  readonly maximumRetries?: number;
  readonly origin: 'restart' | 'deploy.restart_policy';
  /** The `restart` value, or `deploy.restart_policy.condition` (the `restart_policy` mapping when it has none). */
  readonly location: SourceLocation;
}

/** A parsed compose file, kept for edits that preserve comments and layout. */
export interface ComposeDocument {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}
