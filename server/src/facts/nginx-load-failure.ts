import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import type { NginxDirective, TextSpan } from '../languages/nginx/syntax-tree';
import type { DeployedService } from '../model/deployment';
import { hostLocation } from '../model/locations';
import { expandedConfiguration, type NginxBlock, type PlacedDirective } from '../model/nginx-blocks';
import type { RelatedLocation } from '../text/findings';
import type { SourceLocation } from '../text/source-location';
import { unseenIncludes } from './unseen-includes';

/** The checks nginx makes while it loads its configuration, one rule each. */
export type LoadCheck =
  | 'listen-conflict'
  | 'duplicate-location'
  | 'server-names-hash'
  | 'ssl-listen-without-certificate'
  | 'undefined-shared-memory-zone'
  | 'conflicting-shared-memory-zone'
  | 'unknown-variable';

/**
 * When nginx meets an error while it starts (src/http/ngx_http.c, ngx_http_block(), then
 * ngx_init_cycle() of src/core/ngx_cycle.c): while it parses, while it merges the servers'
 * settings, while it builds the location trees, in the modules' postconfiguration, when it
 * resolves the variables, when it optimizes the servers of each address, and last when it
 * creates the shared memory zones. It stops at the first.
 */
export const loadStages = ['parse', 'merge', 'locations', 'postconfiguration', 'variables', 'servers', 'shared-memory'] as const;
export type LoadStage = (typeof loadStages)[number];

export interface LoadFailure {
  readonly check: LoadCheck;
  readonly service: DeployedService;
  /** What nginx prints after `[emerg] `, with ` in FILE:LINE` where nginx adds it. */
  readonly nginxMessage: string;
  /** The token certboot points at, in the repository. */
  readonly location: SourceLocation;
  /** certboot's words after nginx's: what the other side of the conflict is, what is missing. */
  readonly explanation: string;
  readonly related: readonly RelatedLocation[];
  /** What would certainly fix it, for the fix a rule writes. */
  readonly remedy?: LoadRemedy;
  readonly stage: LoadStage;
  /** The directive nginx was reading or merging when it failed, for the order within a stage. */
  readonly directive: NginxDirective;
}

/** The edits certboot is sure of, as data: the fixes layer writes them. */
export type LoadRemedy =
  /** Remove a directive that repeats another word for word. */
  | { readonly kind: 'remove-directive'; readonly location: SourceLocation; readonly written: string }
  /** Give server_names_hash_bucket_size this size: replace the value there, or insert the directive before that server. */
  | { readonly kind: 'bucket-size'; readonly size: number; readonly value?: SourceLocation; readonly beforeServer?: SourceLocation };

/** What every check reads of one service. */
export interface LoadCheckInput {
  readonly service: DeployedService;
  readonly configuration: NginxConfiguration;
  /** The configuration as one tree, includes expanded. */
  readonly tree: NginxBlock;
  /** The includes whose files certboot cannot see (unseen-includes.ts). */
  readonly unseenIncludes: ReadonlySet<NginxDirective>;
}

/** What the load checks read of a service; undefined without a configuration or with a syntax error in it. */
export function loadCheckInput(service: DeployedService): LoadCheckInput | undefined {
  const configuration = service.nginx?.configuration;
  if (configuration === undefined) return undefined;
  // nginx stops at a syntax error before any of these, and certboot's tree past one is a guess;
  // a missing include is only seen as unknown content (unseen-includes.ts)
  if (configuration.files.some((file) => file.errors.some((error) => error.kind !== 'include'))) return undefined;
  return { service, configuration, tree: expandedConfiguration(configuration), unseenIncludes: unseenIncludes(service, configuration) };
}

/**
 * Calls `visit` for every directive of the tree in the order nginx reads them, with the name of
 * the top-level block it stands in (`http`, `stream`; undefined at the top) and of the block
 * directly around it, and its index in that order; `visit` returning false stops the walk. The
 * checks run on every edit of configurations of thousands of directives: nothing is made per
 * directive.
 */
export function visitDirectives(
  tree: NginxBlock,
  visit: (entry: PlacedDirective, top: string | undefined, parent: string | undefined, order: number) => boolean,
): void {
  let order = 0;
  const walk = (block: NginxBlock, top: string | undefined, parent: string | undefined): boolean => {
    for (const entry of block.entries) {
      if (!visit(entry, top, parent, order++)) return false;
      if (entry.block !== undefined) {
        const name = entry.directive.name;
        if (!walk(entry.block, top ?? name, name)) return false;
      }
    }
    return true;
  };
  walk(tree, undefined, undefined);
}

/** The top-level blocks of one name (`http`, `stream`): nginx refuses a second, so the first counts. */
export function topBlock(tree: NginxBlock, name: string): (PlacedDirective & { readonly block: NginxBlock }) | undefined {
  const entry = tree.entries.find((candidate) => candidate.directive.name === name && candidate.block !== undefined);
  return entry as (PlacedDirective & { readonly block: NginxBlock }) | undefined;
}

/**
 * The line nginx names for a directive (cf->conf_file->line when its handler runs): the line of
 * the `;` that ends it; for a block, the line of its last word, where the `{` usually stands.
 */
export function nginxLine(directive: NginxDirective): number {
  if (directive.block === undefined) return directive.span.endLine + 1;
  const last = directive.args[directive.args.length - 1];
  return (last ? last.span.endLine : directive.nameSpan.endLine) + 1;
}

/** ` in /etc/nginx/conf.d/default.conf:3`, as ngx_conf_log_error() ends a message. */
export function nginxPosition(file: ConfigurationFile, directive: NginxDirective): string {
  return ` in ${file.displayPath}:${nginxLine(directive)}`;
}

/** Where a span of a placed directive stands in the repository; undefined for files of the image. */
export function repositoryLocation(service: DeployedService, entry: PlacedDirective, span: TextSpan): SourceLocation | undefined {
  return hostLocation(service.view, entry.file, span);
}

/** `conf.d/default.conf:3`: a place of the configuration as the container sees it, for explanations. */
export function containerPlace(entry: PlacedDirective): string {
  return `${entry.file.displayPath}:${entry.directive.line}`;
}
