import { DirectiveContext, directiveSignatures, DirectiveSignature } from './directives';
import { NginxArgument } from './syntax-tree';

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

/** The signatures of a directive allowed in a context, last first, as the check below tries them. */
// keyed by context, then name: a joined key string per directive cost more than the lookup itself
const allowedCache = new Map<DirectiveContext, Map<string, readonly DirectiveSignature[]>>();

function allowedSignatures(name: string, signatures: readonly DirectiveSignature[], contextName: DirectiveContext): readonly DirectiveSignature[] {
  let byName = allowedCache.get(contextName);
  if (byName === undefined) allowedCache.set(contextName, (byName = new Map()));
  let allowed = byName.get(name);
  if (allowed === undefined) {
    allowed = signatures.filter((signature) => signature.contexts.includes(contextName)).reverse();
    byName.set(name, allowed);
  }
  return allowed;
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

/**
 * nginx's own checks of one directive, in nginx's words: is it allowed in this block, does it
 * open a block when it must, does it take this many arguments. Directives the table does not
 * know (third-party modules) and blocks whose bodies are not directives (map, types…) pass.
 */
export function analyzeDirective(
  name: string,
  args: readonly NginxArgument[],
  terminator: '{' | ';',
  context: BlockContext,
): string | undefined {
  const contextName = directiveContextOf(context);
  const signatures = directiveSignatures(name);
  if (contextName === undefined || signatures === undefined) return undefined;
  const allowed = allowedSignatures(name, signatures, contextName);
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
