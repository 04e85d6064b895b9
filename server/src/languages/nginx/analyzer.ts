import { type DirectiveContext, directiveSignatures, type DirectiveSignature } from './directives';
import type { NginxArgument } from './syntax-tree';

/**
 * The chain of block directives around a statement, as crossplane tracks it: `[]` at the top
 * of nginx.conf, `['http', 'server']` inside a server block. Nested locations collapse into
 * `['http', 'location']` because nginx allows the same directives at every location depth.
 */
export type BlockContext = readonly string[];

export const mainContext: BlockContext = [];

const contextNames = new Map<string, DirectiveContext>([
  ['', 'main'],
  ['events', 'events'],
  ['http', 'http'],
  ['http server', 'server'],
  ['http location', 'location'],
  ['http upstream', 'upstream'],
  ['http server if', 'server-if'],
  ['http location if', 'location-if'],
  ['http location limit_except', 'limit_except'],
  ['mail', 'mail'],
  ['mail server', 'mail-server'],
  ['stream', 'stream'],
  ['stream server', 'stream-server'],
  ['stream upstream', 'stream-upstream'],
]);

// contexts are shared arrays (see block-contexts.ts), so their names are worth remembering
const contextNameCache = new WeakMap<BlockContext, DirectiveContext | null>();

export function directiveContextOf(context: BlockContext): DirectiveContext | undefined {
  let name = contextNameCache.get(context);
  if (name === undefined) {
    name = contextNames.get(context.join(' ')) ?? null;
    contextNameCache.set(context, name);
  }
  return name ?? undefined;
}

export function enterBlockContext(context: BlockContext, directive: string): BlockContext {
  if (context[0] === 'http' && directive === 'location') return ['http', 'location'];
  return [...context, directive];
}

function argumentsFit(signature: DirectiveSignature, args: readonly NginxArgument[]): boolean {
  const rule = signature.arguments;
  switch (rule.kind) {
    case 'counts':
      return rule.counts.includes(args.length);
    case 'atLeast':
      return args.length >= rule.minimum;
    case 'flag':
      return args.length === 1 && isFlagValue(args[0].value);
  }
}

function isFlagValue(value: string): boolean {
  const lower = value.toLowerCase();
  return lower === 'on' || lower === 'off';
}

/** What check() knows of one directive name in one context. */
interface NameChecks {
  /** Its signatures allowed here, last first as check() tries them. */
  readonly allowed: readonly DirectiveSignature[];
  /**
   * check()'s answers by argument count and terminator (2 * count, plus 1 for `{`), for the
   * counts under verdictCounts, when no signature asks for an on/off value: null for no
   * problem, undefined until asked.
   */
  readonly verdicts: (string | null | undefined)[] | undefined;
}

/** The argument counts whose verdicts are kept: more than any signature names. */
const verdictCounts = 16;

/**
 * nginx's own checks of the directives of one context, in nginx's words: is a directive allowed
 * in this block, does it open a block when it must, does it take this many arguments.
 * Directives the table does not know (third-party modules) and blocks whose bodies are not
 * directives (map, types…) pass. What it looked up and answered is kept: the parser takes one
 * per block, so a directive costs one lookup by name.
 */
export class DirectiveChecks {
  /** Per directive name; null for a directive the table does not know. */
  private readonly byName = new Map<string, NameChecks | null>();

  constructor(private readonly contextName: DirectiveContext | undefined) {}

  check(name: string, args: readonly NginxArgument[], terminator: '{' | ';'): string | undefined {
    if (this.contextName === undefined) return undefined;
    let checks = this.byName.get(name);
    if (checks === undefined) {
      const contextName = this.contextName;
      const allowed = directiveSignatures(name)
        ?.filter((signature) => signature.contexts.includes(contextName))
        .reverse();
      checks =
        allowed === undefined
          ? null
          : { allowed, verdicts: allowed.some((signature) => signature.arguments.kind === 'flag') ? undefined : new Array(2 * verdictCounts).fill(undefined) };
      this.byName.set(name, checks);
    }
    if (checks === null) return undefined;
    const verdicts = checks.verdicts;
    if (verdicts === undefined || args.length >= verdictCounts) return problemOf(name, checks.allowed, args, terminator);
    const slot = 2 * args.length + (terminator === '{' ? 1 : 0);
    let verdict = verdicts[slot];
    if (verdict === undefined) verdicts[slot] = verdict = problemOf(name, checks.allowed, args, terminator) ?? null;
    return verdict ?? undefined;
  }
}

/** What nginx says of a directive whose signatures allowed in its context are `allowed`; undefined when it passes. */
function problemOf(name: string, allowed: readonly DirectiveSignature[], args: readonly NginxArgument[], terminator: '{' | ';'): string | undefined {
  if (allowed.length === 0) return `"${name}" directive is not allowed here`;
  let problem = '';
  // the last signature that fails names the problem, as nginx reports the first one it tried
  for (const signature of allowed) {
    if (signature.block && terminator !== '{') {
      problem = `directive "${name}" has no opening "{"`;
      continue;
    }
    if (!signature.block && terminator !== ';') {
      problem = `directive "${name}" is not terminated by ";"`;
      continue;
    }
    if (argumentsFit(signature, args)) return undefined;
    problem =
      signature.arguments.kind === 'flag' && args.length === 1
        ? `invalid value "${args[0].value}" in "${name}" directive, it must be "on" or "off"`
        : `invalid number of arguments in "${name}" directive`;
  }
  return problem;
}

// contexts are shared arrays (see block-contexts.ts): one DirectiveChecks each
const checksCache = new WeakMap<BlockContext, DirectiveChecks>();

export function directiveChecksIn(context: BlockContext): DirectiveChecks {
  let checks = checksCache.get(context);
  if (checks === undefined) checksCache.set(context, (checks = new DirectiveChecks(directiveContextOf(context))));
  return checks;
}
