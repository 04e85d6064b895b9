import { posix } from 'node:path';
import type { ArgumentRule, DirectiveContext } from '../languages/nginx/directives';
import { directiveSignatures } from '../languages/nginx/directives';
import { type DirectiveDeclaration, type DirectiveTable, directiveTableFor, type MissingDirective } from '../languages/nginx/directive-tables/directive-table';
import type { DeprecationData } from '../languages/nginx/directive-tables/format';
import { argumentValues } from '../languages/nginx/argument-values';
import { hasGlobMagic } from '../languages/nginx/glob';
import { isLuaBlockDirective } from '../languages/nginx/lexer';
import { type NginxArgument, type NginxDirective, TextSpan } from '../languages/nginx/syntax-tree';
import type { ConfigurationFile } from '../languages/nginx/configuration';
import type { DeployedService, Deployment } from '../model/deployment';
import { hostLocation } from '../model/locations';
import type { SourceLocation } from '../text/source-location';
import type { ServiceNginxBuild } from '../model/service-nginx-build';
import { type LoadedDirective, loadedDirectives, visitLoadedDirectives } from './loaded-directives';
import type { Fix, RelatedLocation } from '../text/findings';
import { describeNginx } from './nginx-names';

/**
 * What nginx's command table says of each directive a service loads, for the build its image
 * runs: the questions ngx_conf_handler() asks (is there such a directive, is it allowed in this
 * block, does it take these arguments) and the deprecation warnings nginx prints.
 *
 * nginx-syntax asks the same questions with its own table, the same for every version
 * (languages/nginx/directives.ts): where that table knows a directive, the verdicts on its
 * contexts and arguments are nginx-syntax's, and a statement nginx-syntax reports is left to it.
 */
export type DirectiveVerdict =
  /** No module of the build has the name (`why` undefined: no module certboot knows of, a typo). */
  | {
      readonly kind: 'unknown';
      readonly loaded: LoadedDirective;
      readonly why: Exclude<MissingDirective, { kind: 'removed' | 'added-later' }> | undefined;
      /** The known directive of the block nearest to the name. */
      readonly suggestion: string | undefined;
    }
  /** The build's version is newer than the last that had it: `ssl` after 1.25.0. */
  | { readonly kind: 'removed'; readonly loaded: LoadedDirective; readonly lastVersion: string }
  /** The build's version is older than the first that has it: `http2` before 1.25.1. */
  | { readonly kind: 'added-later'; readonly loaded: LoadedDirective; readonly firstVersion: string }
  /** nginx warns that the directive is deprecated (or obsolete, and ignored). */
  | { readonly kind: 'deprecated'; readonly loaded: LoadedDirective; readonly declaration: DirectiveDeclaration; readonly deprecation: DeprecationData }
  /** nginx warns about a parameter: `listen … http2` from 1.25.1 on. */
  | { readonly kind: 'deprecated-parameter'; readonly loaded: LoadedDirective; readonly argument: NginxArgument; readonly message: string }
  /** The build has the directive, in other blocks only. */
  | { readonly kind: 'not-allowed'; readonly loaded: LoadedDirective; readonly contexts: readonly DirectiveContext[] }
  /** Allowed here, with another number of arguments, or with(out) a block. */
  | { readonly kind: 'usage'; readonly loaded: LoadedDirective; readonly problem: string; readonly declaration: DirectiveDeclaration };

export interface ServiceDirectives {
  readonly build: ServiceNginxBuild;
  readonly table: DirectiveTable;
  /**
   * Names the tables do not know may still be directives of this nginx: a module certboot has no
   * table for (a Dockerfile that installs or compiles one, a `load_module` of an unknown file, an
   * `include` in the main context of files certboot cannot see), or a version the tables lack.
   */
  readonly open: boolean;
  /** The `load_module` arguments of the configuration. */
  readonly loadedModules: readonly string[];
  readonly directives: readonly LoadedDirective[];
  readonly verdicts: readonly DirectiveVerdict[];
}

/** ngx_conf_handler()'s argument check: NGX_CONF_FLAG is one argument (the handler checks its value). */
function argumentsFit(rule: ArgumentRule, count: number): boolean {
  switch (rule.kind) {
    case 'flag':
      return count === 1;
    case 'counts':
      return rule.counts.includes(count);
    case 'atLeast':
      return count >= rule.minimum;
  }
}

/** What ngx_conf_handler() says of a declaration that does not fit the statement, in nginx's words. */
function usageProblem(declaration: DirectiveDeclaration, directive: NginxDirective): string | undefined {
  const name = directive.name;
  // the lexer reads a Lua block's body as the directive's one argument, as crossplane does
  if (isLuaBlockDirective(name)) return undefined;
  if (declaration.block && directive.block === undefined) return `directive "${name}" has no opening "{"`;
  if (!declaration.block && directive.block !== undefined) return `directive "${name}" is not terminated by ";"`;
  return argumentsFit(declaration.arguments, directive.args.length) ? undefined : `invalid number of arguments in "${name}" directive`;
}

/** Whether an `include` of the main context may load files certboot cannot see (and `load_module` lines in them). */
function includesUnseenFiles(
  service: DeployedService,
  mainPath: string,
  loaded: LoadedDirective,
  includes: ReadonlyMap<NginxDirective, readonly number[]>,
): boolean {
  const directive = loaded.directive;
  if (directive.name !== 'include' || directive.args.length !== 1 || (includes.get(directive)?.length ?? 0) > 0) return false;
  // a host keeps files the repository does not hold (Debian's modules-enabled/)
  if (service.nginx?.imageKind === 'host') return true;
  const pattern = posix.resolve(posix.dirname(mainPath), directive.args[0].value);
  const segments = pattern.split('/');
  const firstMagic = segments.findIndex(hasGlobMagic);
  const known = firstMagic < 0 ? pattern : segments.slice(0, firstMagic).join('/') || '/';
  return service.view.firstBootState(known).state === 'unknown';
}

/** The statements nginx-syntax reports, per file, by where their names start (line:character): one finding per statement. */
function statementsWithSyntaxErrors(files: readonly ConfigurationFile[]): Map<ConfigurationFile, Set<string>> {
  const reported = new Map<ConfigurationFile, Set<string>>();
  for (const file of files) {
    if (file.errors.length === 0 || reported.has(file)) continue;
    // a statement over several lines is reported at its last line, with where it starts as related place
    const starts = file.errors.flatMap((error) => [error.span, ...(error.related === undefined ? [] : [error.related.span])]);
    reported.set(file, new Set(starts.map((span) => `${span.startLine}:${span.startCharacter}`)));
  }
  return reported;
}

/** What most statements get: no verdict (shared, so a big configuration allocates nothing for them). */
const noVerdicts: readonly DirectiveVerdict[] = [];

/**
 * What the table says of a name in one context, whatever the statement: a configuration of
 * thousands of statements has a few dozen names, so the look-ups (and did-you-mean) are made
 * once per name and context, and each statement only adds what depends on its arguments.
 */
type NameVerdict =
  /** The verdict depends on the name alone: `make` gives the statement its own (none for most). */
  | { readonly kind: 'fixed'; readonly make: ((loaded: LoadedDirective) => readonly DirectiveVerdict[]) | undefined }
  /** The build declares it here: the statement's arguments, block and parameters decide. */
  | { readonly kind: 'declared'; readonly declaration: DirectiveDeclaration; readonly ownedBySyntax: boolean };

const noVerdict: NameVerdict = { kind: 'fixed', make: undefined };

function judgeName(name: string, context: DirectiveContext, table: DirectiveTable, build: ServiceNginxBuild, open: boolean): NameVerdict {
  const entry = table.lookup(name);
  if (entry === undefined) {
    const why = table.whyMissing(name);
    if (why?.kind === 'removed') return { kind: 'fixed', make: (loaded) => [{ kind: 'removed', loaded, lastVersion: why.lastVersion }] };
    if (why?.kind === 'added-later') return { kind: 'fixed', make: (loaded) => [{ kind: 'added-later', loaded, firstVersion: why.firstVersion }] };
    if (open || (why !== undefined && build.modulesAreGuess)) return noVerdict;
    const suggestion = table.closestDirective(name, context);
    return { kind: 'fixed', make: (loaded) => [{ kind: 'unknown', loaded, why, suggestion }] };
  }
  const declaration = table.declarationIn(name, context);
  // nginx-syntax judges where the directives its own table knows may stand, and their arguments
  const ownedBySyntax = directiveSignatures(name) !== undefined;
  if (declaration === undefined) {
    if (open || ownedBySyntax) return noVerdict;
    const contexts = [...new Set(entry.declarations.flatMap((candidate) => candidate.contexts))];
    return { kind: 'fixed', make: (loaded) => [{ kind: 'not-allowed', loaded, contexts }] };
  }
  if (ownedBySyntax && declaration.deprecated === undefined && declaration.deprecatedParameters.length === 0) return noVerdict;
  return { kind: 'declared', declaration, ownedBySyntax };
}

function judge(loaded: LoadedDirective, verdict: NameVerdict): readonly DirectiveVerdict[] {
  if (verdict.kind === 'fixed') return verdict.make === undefined ? noVerdicts : verdict.make(loaded);
  const { declaration, ownedBySyntax } = verdict;
  const directive = loaded.directive;
  const problem = ownedBySyntax ? undefined : usageProblem(declaration, directive);
  if (problem !== undefined) return [{ kind: 'usage', loaded, problem, declaration }];
  if (declaration.deprecated === undefined && declaration.deprecatedParameters.length === 0) return noVerdicts;
  let verdicts: DirectiveVerdict[] | undefined;
  if (declaration.deprecated !== undefined) (verdicts ??= []).push({ kind: 'deprecated', loaded, declaration, deprecation: declaration.deprecated });
  // the values first: the arguments (with their spans) of a statement that uses no such parameter are never needed
  const values = declaration.deprecatedParameters.length === 0 ? [] : argumentValues(directive);
  for (const parameter of declaration.deprecatedParameters) {
    // only the warnings: `invalid parameter "spdy"` is an error, and nginx-syntax's business
    if (!parameter.message.includes('deprecated')) continue;
    const index = values.indexOf(parameter.parameter);
    const argument = index < 0 ? undefined : directive.args[index];
    if (argument !== undefined) (verdicts ??= []).push({ kind: 'deprecated-parameter', loaded, argument, message: parameter.message });
  }
  return verdicts ?? noVerdicts;
}

/** The directive verdicts of an nginx service whose build certboot knows; undefined for any other service (Facts keeps them per analysis). */
export function serviceDirectives(service: DeployedService): ServiceDirectives | undefined {
  const nginx = service.nginx;
  const build = nginx?.build;
  const configuration = nginx?.configuration;
  if (nginx === undefined || build === undefined || configuration === undefined) return undefined;
  // the main context's directives first: their load_module lines and includes decide the table
  const mainDirectives: LoadedDirective[] = [];
  visitLoadedDirectives(configuration, (directive, file, context, enclosing) => {
    if (context === 'main') mainDirectives.push({ directive, file, context, enclosing });
  });
  const loadedModules = mainDirectives.flatMap(({ directive }) =>
    directive.name === 'load_module' && directive.args.length === 1 ? [directive.args[0].value] : [],
  );
  const table = directiveTableFor(build.build, { loadedModules });
  const open =
    table.mayHaveUnknownDirectives ||
    mainDirectives.some((loaded) => includesUnseenFiles(service, nginx.mainConfigurationPath, loaded, configuration.includes));
  // the files with errors among those of the configuration (only those the walk meets are asked for)
  const reportedBySyntax = statementsWithSyntaxErrors(configuration.files);
  const verdicts: DirectiveVerdict[] = [];
  const byName = new Map<string, Map<DirectiveContext, NameVerdict>>();
  // a file included in many places (up to the walk's bound) is judged once per context: the
  // statements with verdicts are kept (most have none, and judging those again is a look-up)
  const judged = new Map<NginxDirective, Map<DirectiveContext, readonly DirectiveVerdict[]>>();
  // a LoadedDirective is made only for a statement whose name may get a verdict
  visitLoadedDirectives(configuration, (directive, file, context, enclosing) => {
    const name = directive.name;
    if (name.includes('$')) return;
    const reported = reportedBySyntax.get(file);
    if (reported !== undefined) {
      // a file nginx-syntax finds broken may be read otherwise by nginx from its error on
      if (file.errors.some((error) => error.kind === 'syntax')) return;
      if (reported.has(`${directive.nameSpan.startLine}:${directive.nameSpan.startCharacter}`)) return;
    }
    let ofName = byName.get(name);
    if (ofName === undefined) byName.set(name, (ofName = new Map()));
    let nameVerdict = ofName.get(context);
    if (nameVerdict === undefined) ofName.set(context, (nameVerdict = judgeName(name, context, table, build, open)));
    if (nameVerdict === noVerdict) return;
    const loaded: LoadedDirective = { directive, file, context, enclosing };
    const earlier = judged.get(directive)?.get(context);
    if (earlier !== undefined) {
      for (const verdict of earlier) verdicts.push({ ...verdict, loaded });
      return;
    }
    const found = judge(loaded, nameVerdict);
    if (found.length === 0) return;
    let byContext = judged.get(directive);
    if (byContext === undefined) judged.set(directive, (byContext = new Map()));
    byContext.set(context, found);
    for (const verdict of found) verdicts.push(verdict);
  });
  // the fixes that move `ssl` or `http2` between directives and listens read every directive: listed when first asked for
  let directives: readonly LoadedDirective[] | undefined;
  return {
    build,
    table,
    open,
    loadedModules,
    get directives() {
      directives ??= loadedDirectives(configuration);
      return directives;
    },
    verdicts,
  };
}

/**
 * The build in a message: "`nginx:1.27-alpine` (nginx 1.27.5)", "the Dockerfile's base image
 * `nginx:1.25` (nginx 1.25.5)", "nginx on a host (certboot assumes Debian 12's nginx 1.22.1)".
 */
export function describeBuild(build: ServiceNginxBuild): string {
  const description = build.build.description;
  if (build.origin.kind === 'host') return description;
  const image = build.origin.image;
  const named = description.startsWith(image) ? `\`${image}\`${description.slice(image.length)}` : description;
  return build.origin.kind === 'dockerfile' ? `the Dockerfile's base image ${named}` : named;
}

/** Where the build is named: compose's `image:` or the Dockerfile's FROM, for a finding's related locations. */
export function buildRelated(build: ServiceNginxBuild): RelatedLocation[] {
  const origin = build.origin;
  if (origin.kind === 'host' || origin.location === undefined) return [];
  const message = origin.kind === 'image' ? `the image, nginx ${build.build.version}` : `the image the Dockerfile is built FROM, nginx ${build.build.version}`;
  return [{ ...origin.location, message: build.build.versionIsGuess ? `${message} (a guess)` : message }];
}

/** A verdict of one kind, where the repository holds the statement. */
export interface LocatedVerdict<Kind extends DirectiveVerdict['kind']> {
  readonly service: DeployedService;
  readonly directives: ServiceDirectives;
  readonly verdict: Extract<DirectiveVerdict, { kind: Kind }>;
  /**
   * Where nginx reports it: the directive's name, or, for a statement over several lines, its last
   * line up to the `;` (nginx counts the line it has read to); the parameter of a
   * `deprecated-parameter` verdict.
   */
  readonly location: SourceLocation;
  /** Where a statement over several lines starts, for the finding's related locations. */
  readonly related: readonly RelatedLocation[];
}

/**
 * For a statement over several lines, the span nginx's line points at, as nginx-syntax reports
 * it: the first token of the line of its `;`, through the `;`. undefined when that is the name's
 * line (a block's `{` is not kept by the parser: a block directive is reported at its name).
 */
function nginxSpan(directive: NginxDirective): TextSpan | undefined {
  const span = directive.span;
  if (directive.block !== undefined || span.endLine === directive.nameSpan.startLine) return undefined;
  const first = directive.args.find((argument) => argument.span.startLine === span.endLine);
  return first === undefined
    ? new TextSpan(span.endLine, Math.max(0, span.endCharacter - 1), span.endLine, span.endCharacter)
    : new TextSpan(first.span.startLine, first.span.startCharacter, span.endLine, span.endCharacter);
}

/**
 * The verdicts of one kind over every nginx service of the deployment, each place once per
 * service (a file included twice is judged twice), in files of the repository only: a statement
 * of the image's own files is nothing its user can change.
 */
export function locatedVerdicts<Kind extends DirectiveVerdict['kind']>(
  deployment: Deployment,
  kind: Kind,
  directivesOf: (service: DeployedService) => ServiceDirectives | undefined,
): LocatedVerdict<Kind>[] {
  const located: LocatedVerdict<Kind>[] = [];
  for (const service of deployment.projects.flatMap((project) => project.services)) {
    const directives = directivesOf(service);
    if (directives === undefined) continue;
    const reported = new Set<string>();
    for (const verdict of directives.verdicts) {
      if (verdict.kind !== kind) continue;
      const { directive, file } = verdict.loaded;
      const lastLine = verdict.kind === 'deprecated-parameter' ? undefined : nginxSpan(directive);
      const span = verdict.kind === 'deprecated-parameter' ? verdict.argument.span : (lastLine ?? directive.nameSpan);
      const location = hostLocation(service.view, file, span);
      if (location === undefined) continue;
      const key = `${location.file}:${location.range.start.line}:${location.range.start.character}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const start = lastLine === undefined ? undefined : hostLocation(service.view, file, directive.nameSpan);
      const related = start === undefined ? [] : [{ ...start, message: `the "${directive.name}" directive starts here` }];
      located.push({ service, directives, verdict: verdict as Extract<DirectiveVerdict, { kind: Kind }>, location, related });
    }
  }
  return located;
}

function withoutSafe({ title, edits, preferred }: Fix): Fix {
  return preferred === undefined ? { title, edits } : { title, edits, preferred };
}

/** Where a verdict stands and whose it is, whatever its kind. */
export type LocatedStatement = Omit<LocatedVerdict<DirectiveVerdict['kind']>, 'verdict'>;

/** What nginx prints about a statement: `[emerg] …` (it exits) or `[warn] …`. */
export interface NginxSays {
  readonly level: 'emerg' | 'warn';
  readonly text: string;
  /** Whether the release decides it: with a guessed release, nginx "may" say it, and an error is a warning. */
  readonly versionDependent: boolean;
}

/** A finding of a rule on directives, without its rule id: nginx's words, then what certboot knows, at the statement. */
export interface DirectiveFinding {
  readonly severity?: 'warning';
  readonly message: string;
  readonly location: SourceLocation;
  readonly related: readonly RelatedLocation[];
  readonly fixes: readonly Fix[];
}

/**
 * "nginx (service `web`) exits with `[emerg] unknown directive "ssl"`: <explanation>", or "may
 * exit" (a warning, its fixes not safe) when the build's release is a guess and the release
 * decides it; the statement's start and the image as related places.
 */
export function directiveFinding(
  located: LocatedStatement,
  workspaceRoot: string,
  says: NginxSays,
  explanation: string,
  fixes: readonly (Fix | undefined)[] = [],
): DirectiveFinding {
  const build = located.directives.build;
  const may = says.versionDependent && build.build.versionIsGuess;
  const verb = says.level === 'emerg' ? (may ? 'may exit with' : 'exits with') : may ? 'may warn' : 'warns';
  return {
    ...(may && says.level === 'emerg' ? { severity: 'warning' as const } : {}),
    message: `${describeNginx(located.service, workspaceRoot)} ${verb} \`[${says.level}] ${says.text}\`${explanation}`,
    location: located.location,
    related: [...located.related, ...buildRelated(build)],
    // a fix for a guessed release could break the release really pulled: read it first
    fixes: fixes.filter((fix): fix is Fix => fix !== undefined).map((fix) => (may && fix.safe ? withoutSafe(fix) : fix)),
  };
}
