import { directiveTableFor, editDistance } from '../languages/nginx/directive-tables/directive-table';
import { type VariableTable, variableTableFor } from '../languages/nginx/directive-tables/variable-table';
import { namedCaptures, variableReferences } from '../languages/nginx/script-variables';
import { type NginxArgument, TextSpan } from '../languages/nginx/syntax-tree';
import { compiledArguments, dataBlocks, definedVariable, knownDefiners, type VariableBlock } from '../languages/nginx/variable-arguments';
import { type PlacedDirective, type WalkedDirective, walkDirectives } from '../model/nginx-blocks';
import type { RelatedLocation } from '../text/findings';
import { type LoadCheckInput, type LoadFailure, repositoryLocation } from './nginx-load-failure';
import { serviceNginxBuild } from './nginx-build-of-service';
import { unseenIncludes } from './unseen-includes';

/**
 * `unknown "domain" variable` (src/http/ngx_http_variables.c, ngx_http_variables_init_vars()):
 * once the http block is read, every variable a value names must be a built-in variable of the
 * build (the tables of its modules), be covered by a prefix variable (`$http_…`, `$arg_…`,
 * `$cookie_…`, `$sent_http_…`, `$upstream_http_…`…), or be added by the configuration (`set`,
 * `map`, `geo`, `split_clients`, `auth_request_set`, `perl_set`, `js_set`, `js_var`, the named
 * captures of any regular expression). Names are compared without case, and nginx prints them
 * in lower case. The stream block has its own variables, checked the same way.
 *
 * Silent where certboot cannot know every variable: a build it does not know, modules it has
 * no variable table for, a directive it does not know (a module's, which may add variables), an
 * include it cannot see, and files rendered from templates (the container's environment, which
 * envsubst substitutes, may hold more than compose says).
 */

interface Reference {
  readonly name: string;
  readonly entry: PlacedDirective;
  readonly argument: NginxArgument;
  readonly start: number;
  readonly end: number;
  readonly when: 'parse' | 'merge';
  readonly order: number;
}

/** The top block a walked directive stands in: http or stream (mail has no variables). */
function blockOf(walked: WalkedDirective): VariableBlock | 'main' | undefined {
  const top = walked.ancestors[1]?.opener?.directive.name;
  if (top === undefined) return 'main';
  return top === 'http' || top === 'stream' ? top : undefined;
}

/** The data block a directive's entry stands in (a map's keys), if any. */
function dataParent(walked: WalkedDirective): string | undefined {
  const parent = walked.ancestors[walked.ancestors.length - 1]?.opener?.directive.name;
  return parent !== undefined && dataBlocks.has(parent) ? parent : undefined;
}

/** Whether every directive of the configuration is one whose variables certboot knows. */
function directivesAreKnown(input: LoadCheckInput, table: VariableTable, walk: readonly WalkedDirective[], loadedModules: readonly string[]): boolean {
  const build = table.build;
  const directives = directiveTableFor(build, { loadedModules });
  for (const walked of walk) {
    if (dataParent(walked) !== undefined) continue;
    const name = walked.entry.directive.name;
    const entry = directives.lookup(name);
    // a directive of a module certboot has no table for may add variables
    if (entry === undefined) return false;
    if (entry.declarations.some((declaration) => declaration.source !== 'nginx' && declaration.source !== 'njs' && declaration.source !== 'patches'))
      return false;
    const block = blockOf(walked);
    if ((block === 'http' || block === 'stream') && table.definesVariables(block, name) && !knownDefiners.has(name)) return false;
  }
  return input.configuration.files.length > 0;
}

function referencesOf(walk: readonly WalkedDirective[], block: VariableBlock): Reference[] {
  const references: Reference[] = [];
  walk.forEach((walked, order) => {
    if (blockOf(walked) !== block) return;
    const { entry } = walked;
    const data = dataParent(walked);
    const values =
      data === 'map'
        ? ['include', 'hostnames', 'volatile'].includes(entry.directive.name)
          ? []
          : entry.directive.args.slice(0, 1).map((argument) => ({ argument, offset: 0, whole: false, when: 'parse' as const }))
        : data !== undefined
          ? []
          : compiledArguments(
              block,
              entry.directive.name,
              entry.directive.args.map((argument) => argument.value),
            ).map((compiled) => ({
              argument: entry.directive.args[compiled.index],
              offset: compiled.offset,
              whole: compiled.whole === true,
              when: compiled.when,
            }));
    for (const { argument, offset, whole, when } of values) {
      const value = argument.value.slice(offset);
      if (whole) {
        if (value !== '') references.push({ name: value, entry, argument, start: offset - 1, end: argument.value.length, when, order });
        continue;
      }
      for (const reference of variableReferences(value) ?? [])
        references.push({ name: reference.name, entry, argument, start: offset + reference.start, end: offset + reference.end, when, order });
    }
  });
  return references;
}

/** The variables the configuration adds in a block: by defining directives, and as named captures of any regular expression. */
function definitionsOf(walk: readonly WalkedDirective[], block: VariableBlock): Set<string> {
  const names = new Set<string>();
  for (const walked of walk) {
    if (blockOf(walked) !== block) continue;
    const directive = walked.entry.directive;
    const args = directive.args.map((argument) => argument.value);
    const defined = dataParent(walked) === undefined ? definedVariable(directive.name, args) : undefined;
    if (defined !== undefined) names.add(defined.toLowerCase());
    for (const value of [directive.name, ...args]) for (const capture of namedCaptures(value)) names.add(capture.toLowerCase());
  }
  return names;
}

/** The range of a reference inside its argument, when the argument is written on one line without escapes; else the argument's. */
function referenceSpan(reference: Reference): TextSpan {
  const span = reference.argument.span;
  const quote = reference.argument.quoted ? 1 : 0;
  if (span.startLine !== span.endLine || span.endCharacter - span.startCharacter !== reference.argument.value.length + 2 * quote) return span;
  const start = span.startCharacter + quote + reference.start;
  return new TextSpan(span.startLine, start, span.startLine, start + (reference.end - reference.start));
}

function suggestion(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(2, Math.floor((name.length - 1) / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate, limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** The unknown variables of one service, each once, in the order nginx finds them. */
export function variableCheckFailures(input: LoadCheckInput): LoadFailure[] {
  const service = input.service;
  const build = serviceNginxBuild(service);
  if (build === undefined || unseenIncludes(service).size > 0) return [];
  const walk = walkDirectives(input.tree);
  const loadedModules = walk
    .filter((walked) => walked.entry.directive.name === 'load_module' && blockOf(walked) === 'main')
    .flatMap((walked) => walked.entry.directive.args.map((argument) => argument.value));
  const table = variableTableFor(build, loadedModules);
  if (table.mayHaveUnknownVariables || !directivesAreKnown(input, table, walk, loadedModules)) return [];
  const failures: LoadFailure[] = [];
  for (const block of ['http', 'stream'] as const) {
    const defined = definitionsOf(walk, block);
    const unknown = new Map<string, Reference[]>();
    const references = referencesOf(walk, block).sort((left, right) => (left.when === right.when ? left.order - right.order : left.when === 'parse' ? -1 : 1));
    for (const reference of references) {
      const lower = reference.name.toLowerCase();
      if (defined.has(lower) || table.lookup(block, reference.name) !== undefined) continue;
      // log_format's own $pipe (ngx_http_log_vars[] of ngx_http_log_module.c)
      if (lower === 'pipe' && reference.entry.directive.name === 'log_format' && block === 'http') continue;
      const list = unknown.get(lower) ?? [];
      unknown.set(lower, list);
      list.push(reference);
    }
    for (const [name, list] of unknown) {
      // a rendered template's value may hold what the container's environment substitutes
      if (list.some((reference) => service.view.origin(reference.entry.file.path).kind === 'image')) continue;
      const [first, ...others] = list;
      if (first === undefined) continue;
      const location = repositoryLocation(service, first.entry, referenceSpan(first));
      if (location === undefined) continue;
      const related: RelatedLocation[] = others.flatMap((reference) => {
        const other = repositoryLocation(service, reference.entry, referenceSpan(reference));
        return other === undefined ? [] : [{ ...other, message: `\`$${reference.name}\` is used here too` }];
      });
      const near = suggestion(name, [...table.builtInNames(block), ...defined]);
      failures.push({
        check: 'unknown-variable',
        service,
        nginxMessage: `unknown "${name}" variable`,
        location,
        explanation: `${build.description} has no variable \`$${first.name}\`${block === 'stream' ? ' in the stream block' : ''}, and no \`set\`, \`map\`, \`geo\`, \`split_clients\` or named capture of the configuration defines it${near === undefined ? '' : ` (did you mean \`$${near}\`?)`}`,
        related,
        stage: 'variables',
        directive: first.entry.directive,
      });
    }
  }
  return failures;
}
