import { type DirectiveTable, directiveTableFor, editDistance } from '../languages/nginx/directive-tables/directive-table';
import { variableTableFor } from '../languages/nginx/directive-tables/variable-table';
import { namedCaptures, type VariableReference, variableReferences } from '../languages/nginx/script-variables';
import { argumentValues } from '../languages/nginx/argument-values';
import { TextSpan } from '../languages/nginx/syntax-tree';
import {
  captureDefiners,
  compiledArguments,
  compilesVariables,
  dataBlocks,
  definedVariable,
  knownDefiners,
  mapKeywords,
  type VariableBlock,
} from '../languages/nginx/variable-arguments';
import type { NginxBlock, PlacedDirective } from '../model/nginx-blocks';
import type { RelatedLocation } from '../text/findings';
import { type LoadCheckInput, type LoadFailure, repositoryLocation, visitDirectives } from './nginx-load-failure';
import { serviceNginxBuild } from './nginx-build-of-service';

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
  /** Which argument names it: its span is read only for a finding. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly when: 'parse' | 'merge';
  readonly order: number;
}

/** What the configuration says of the variables of one block. */
interface BlockVariables {
  /** Added by `set`, `map`…, and the named captures, in lower case. */
  readonly defined: Set<string>;
  readonly references: Reference[];
}

function addCaptures(values: readonly string[], defined: Set<string>): void {
  for (const value of values) {
    if (!value.includes('(?')) continue;
    for (const capture of namedCaptures(value)) defined.add(capture.toLowerCase());
  }
}

/** Where a value compiled for variables stands, and what its references are checked against. */
interface CompiledValue {
  readonly entry: PlacedDirective;
  readonly index: number;
  readonly text: string;
  readonly offset: number;
  readonly whole: boolean;
  readonly when: 'parse' | 'merge';
  readonly order: number;
}

/**
 * The variables a compiled value names that are no built-in variable, each value read once: a
 * big configuration compiles the same values (`$host`, `https://$host$request_uri`) in every
 * server.
 */
type UnknownReferences = (compiled: string) => readonly VariableReference[];

const noReferences: readonly VariableReference[] = [];

function unknownReferencesOf(builtIn: (name: string) => boolean): UnknownReferences {
  const answers = new Map<string, readonly VariableReference[]>();
  return (compiled) => {
    let answer = answers.get(compiled);
    if (answer === undefined) {
      const unknown = (variableReferences(compiled) ?? []).filter((reference) => !builtIn(reference.name));
      answer = unknown.length === 0 ? noReferences : unknown;
      answers.set(compiled, answer);
    }
    return answer;
  };
}

/** The references of a compiled value that are no built-in variable (those the configuration may still define). */
function addReferences(value: CompiledValue, builtIn: (name: string) => boolean, unknownReferences: UnknownReferences, references: Reference[]): void {
  const { entry, index, text, offset, whole, when, order } = value;
  const compiled = text.slice(offset);
  if (whole) {
    if (compiled !== '' && !builtIn(compiled)) references.push({ name: compiled, entry, index, start: offset - 1, end: text.length, when, order });
    return;
  }
  if (!compiled.includes('$')) return;
  for (const reference of unknownReferences(compiled)) {
    references.push({ name: reference.name, entry, index, start: offset + reference.start, end: offset + reference.end, when, order });
  }
}

/** Whether certboot knows what a directive does with variables: one of nginx's (or njs's) in this build. */
function knownDirective(directives: DirectiveTable, name: string): boolean {
  const entry = directives.lookup(name);
  // a directive of a module certboot has no variable table for may add variables; the directives
  // nginx's and njs's tables say add one are all known to definedVariable() (a test holds them to it)
  if (entry === undefined) return false;
  return entry.declarations.every((declaration) => declaration.source === 'nginx' || declaration.source === 'njs' || declaration.source === 'patches');
}

/** What a directive's name tells this check. */
interface DirectiveKind {
  /** A directive certboot knows what it does with variables (knownDirective). */
  readonly known: boolean;
  readonly defines: boolean;
  readonly captures: boolean;
  readonly compiles: Readonly<Record<VariableBlock, boolean>>;
}

function kindOf(directives: DirectiveTable, name: string): DirectiveKind {
  return {
    known: knownDirective(directives, name),
    defines: knownDefiners.has(name),
    captures: captureDefiners.has(name),
    compiles: { http: compilesVariables('http', name), stream: compilesVariables('stream', name) },
  };
}

/**
 * One pass over the loaded configuration: the definitions of each block, and the references that
 * name no built-in variable. Only the directives that define or compile variables have their
 * arguments read, and a reference to a built-in variable is dropped at once: a big configuration
 * has thousands of directives and references, nearly all of which this check never reports.
 * undefined as soon as a directive certboot does not know turns up.
 */
function scanVariables(
  tree: NginxBlock,
  directives: DirectiveTable,
  builtIn: Readonly<Record<VariableBlock, (name: string) => boolean>>,
): Readonly<Record<VariableBlock, BlockVariables>> | undefined {
  const blocks: Record<VariableBlock, BlockVariables> = { http: { defined: new Set(), references: [] }, stream: { defined: new Set(), references: [] } };
  // what each name is to this check, worked out once per name: a configuration has thousands of directives and a few dozen names
  const kinds = new Map<string, DirectiveKind>();
  const unknownReferences = { http: unknownReferencesOf(builtIn.http), stream: unknownReferencesOf(builtIn.stream) };
  let complete = true;
  visitDirectives(tree, (entry, top, parent, order) => {
    const directive = entry.directive;
    const name = directive.name;
    const data = parent !== undefined && dataBlocks.has(parent) ? parent : undefined;
    let kind: DirectiveKind | undefined;
    if (data === undefined) {
      kind = kinds.get(name);
      if (kind === undefined) kinds.set(name, (kind = kindOf(directives, name)));
      if (!kind.known) return (complete = false);
    }
    if (top !== 'http' && top !== 'stream') return true;
    const variables = blocks[top];
    if (data === 'map') {
      // a map entry: its key may be a regex with captures, its value is compiled (ngx_http_map())
      addCaptures([name], variables.defined);
      const value = argumentValues(directive)[0];
      if (!mapKeywords.has(name) && value !== undefined)
        addReferences(
          { entry, index: 0, text: value, offset: 0, whole: false, when: 'parse', order },
          builtIn[top],
          unknownReferences[top],
          variables.references,
        );
      return true;
    }
    if (data !== undefined || kind === undefined) return true;
    const { defines, captures } = kind;
    const compiles = kind.compiles[top];
    if (!defines && !captures && !compiles) return true;
    const values = argumentValues(directive);
    if (defines) {
      const defined = definedVariable(name, values);
      if (defined !== undefined) variables.defined.add(defined.toLowerCase());
    }
    if (captures) addCaptures(values, variables.defined);
    if (compiles)
      for (const compiled of compiledArguments(top, name, values)) {
        const value = {
          entry,
          index: compiled.index,
          text: values[compiled.index],
          offset: compiled.offset,
          whole: compiled.whole === true,
          when: compiled.when,
          order,
        };
        addReferences(value, builtIn[top], unknownReferences[top], variables.references);
      }
    return true;
  });
  return complete && kinds.size > 0 ? blocks : undefined;
}

/** The range of a reference inside its argument, when the argument is written on one line without escapes; else the argument's. */
function referenceSpan(reference: Reference): TextSpan {
  const argument = reference.entry.directive.args[reference.index];
  const span = argument.span;
  const quote = argument.quoted ? 1 : 0;
  if (span.startLine !== span.endLine || span.endCharacter - span.startCharacter !== argument.value.length + 2 * quote) return span;
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
  if (build === undefined || input.unseenIncludes.size > 0) return [];
  // load_module stands at the top of the main file
  const loadedModules = input.tree.entries.flatMap((entry) => (entry.directive.name === 'load_module' ? argumentValues(entry.directive) : []));
  const table = variableTableFor(build, loadedModules);
  if (table.mayHaveUnknownVariables) return [];
  // a configuration names the same few variables again and again: each is looked up once
  const builtInOf = (block: VariableBlock): ((name: string) => boolean) => {
    const answers = new Map<string, boolean>();
    return (name) => {
      let answer = answers.get(name);
      if (answer === undefined) {
        // a tag that names no release stands for the newest: another release may have the variable
        answer = table.lookup(block, name) !== undefined || (build.versionIsGuess && table.declaredAnywhere(block, name));
        answers.set(name, answer);
      }
      return answer;
    };
  };
  const scan = scanVariables(input.tree, directiveTableFor(build, { loadedModules }), { http: builtInOf('http'), stream: builtInOf('stream') });
  if (scan === undefined) return [];
  const failures: LoadFailure[] = [];
  for (const block of ['http', 'stream'] as const) {
    const { defined } = scan[block];
    const unknown = new Map<string, Reference[]>();
    const references = [...scan[block].references].sort((left, right) =>
      left.when === right.when ? left.order - right.order : left.when === 'parse' ? -1 : 1,
    );
    for (const reference of references) {
      const lower = reference.name.toLowerCase();
      if (defined.has(lower)) continue;
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
