import type { LoadedDirective } from '../facts/loaded-directives';
import type { ConfigurationFile } from '../languages/nginx/configuration';
import type { NginxArgument, NginxDirective, TextSpan } from '../languages/nginx/syntax-tree';
import type { DeployedService } from '../model/deployment';
import type { FileEdit, Fix } from '../text/findings';
import type { Position } from '../text/source-location';
import { deletion, indentationAt } from './text-edits';

/**
 * Edits of nginx statements for the rules on directives: rename a directive, add or remove a
 * `listen` parameter, move `ssl on` and `http2 on` to and from `listen`, load a module. Each edit
 * reaches a file of the repository (behind a bind mount); a statement in a file of the image
 * gets no fix.
 */

/** A file's text as the analysis read it. */
export type TextOf = (file: string) => string | undefined;

/** The repository file behind a file of the configuration, with its text. */
function repositoryFile(service: DeployedService, loaded: { readonly file: ConfigurationFile }, textOf: TextOf): { file: string; text: string } | undefined {
  const origin = service.view.origin(loaded.file.path);
  if (origin.kind !== 'bind') return undefined;
  const text = textOf(origin.hostPath);
  return text === undefined ? undefined : { file: origin.hostPath, text };
}

function insertion(file: string, at: Position, newText: string): FileEdit {
  return { kind: 'replace', file, range: { start: at, end: at }, newText };
}

function endOf(span: TextSpan): Position {
  return { line: span.endLine, character: span.endCharacter };
}

/** `proxy_pas` → `proxy_pass`: the directive's name replaced. */
export function renameDirective(service: DeployedService, loaded: LoadedDirective, name: string, textOf: TextOf): FileEdit[] | undefined {
  const target = repositoryFile(service, loaded, textOf);
  if (target === undefined || loaded.directive.nameQuoted) return undefined;
  return [{ kind: 'replace', file: target.file, range: loaded.directive.nameSpan.toRange(), newText: name }];
}

/** Removes the statement (its line, when it stands alone). */
export function removeDirective(service: DeployedService, loaded: LoadedDirective, textOf: TextOf): FileEdit[] | undefined {
  const target = repositoryFile(service, loaded, textOf);
  return target === undefined ? undefined : [deletion(target.file, target.text, loaded.directive.span.toRange())];
}

/** The `server` block a directive stands in directly, if any. */
export function enclosingServer(loaded: LoadedDirective): NginxDirective | undefined {
  const parent = loaded.enclosing[loaded.enclosing.length - 1];
  return parent?.name === 'server' && loaded.context === 'server' ? parent : undefined;
}

/** The `listen` directives of a server block, its included files' too, each once. */
export function listensOf(server: NginxDirective, directives: readonly LoadedDirective[]): LoadedDirective[] {
  const seen = new Set<NginxDirective>();
  return directives.filter((loaded) => {
    if (loaded.directive.name !== 'listen' || enclosingServer(loaded) !== server || seen.has(loaded.directive)) return false;
    seen.add(loaded.directive);
    return true;
  });
}

function hasParameter(listen: NginxDirective, parameter: string): boolean {
  return listen.args.slice(1).some((argument) => argument.value === parameter);
}

/** The port of a listen's address: `443` of `[::]:443`, 80 for an address alone (nginx's default). */
function portOf(listen: NginxDirective): string | undefined {
  const address = listen.args[0]?.value;
  if (address === undefined || address.startsWith('unix:')) return undefined;
  const port = /(?:^|:)(\d+)$/.exec(address)?.[1];
  return port ?? '80';
}

/** ` ssl` after a listen's address, ` http2` after its `ssl`. */
function addParameter(service: DeployedService, listen: LoadedDirective, parameter: string, textOf: TextOf): FileEdit | undefined {
  const target = repositoryFile(service, listen, textOf);
  const args = listen.directive.args;
  const after = (parameter === 'http2' ? args.slice(1).find((argument) => argument.value === 'ssl') : undefined) ?? args[0];
  if (target === undefined || after === undefined) return undefined;
  return insertion(target.file, endOf(after.span), ` ${parameter}`);
}

/** A listen's parameter removed with the blank before it. */
function removeParameter(service: DeployedService, listen: LoadedDirective, argument: NginxArgument, textOf: TextOf): FileEdit | undefined {
  const target = repositoryFile(service, listen, textOf);
  const args = listen.directive.args;
  const index = args.indexOf(argument);
  if (target === undefined || index < 1) return undefined;
  return { kind: 'replace', file: target.file, range: { start: endOf(args[index - 1].span), end: endOf(argument.span) }, newText: '' };
}

/** Every edit, or none when one cannot be made (a statement in a file of the image). */
function all(edits: readonly (FileEdit | undefined)[]): FileEdit[] | undefined {
  return edits.every((edit): edit is FileEdit => edit !== undefined) ? [...edits] : undefined;
}

/**
 * `ssl on;` in a server → `ssl` on each of its `listen`s, `ssl on;` removed (`ssl off;` is only
 * removed): what nginx 1.25.1 requires, and what nginx did with `ssl on` before. Safe unless a
 * listen it turns to TLS is on port 80, which `ssl on` made speak TLS too (the reader should see
 * that), or a `quic` listen is left as it is.
 */
export function sslDirectiveToListens(service: DeployedService, ssl: LoadedDirective, directives: readonly LoadedDirective[], textOf: TextOf): Fix | undefined {
  const removal = removeDirective(service, ssl, textOf);
  if (removal === undefined || ssl.directive.args.length !== 1) return undefined;
  if (ssl.directive.args[0].value.toLowerCase() === 'off') return { title: 'Remove `ssl off;`', edits: removal, preferred: true, safe: true };
  const server = enclosingServer(ssl);
  if (server === undefined) return undefined;
  const listens = listensOf(server, directives).filter((listen) => !hasParameter(listen.directive, 'ssl') && !hasParameter(listen.directive, 'quic'));
  if (listensOf(server, directives).length === 0) return undefined;
  const added = all(listens.map((listen) => addParameter(service, listen, 'ssl', textOf)));
  if (added === undefined) return undefined;
  const onPort80 = listens.some((listen) => portOf(listen.directive) === '80');
  const title =
    listens.length === 0
      ? 'Remove `ssl on;` (every `listen` of this server has `ssl`)'
      : onPort80
        ? 'Add `ssl` to the `listen`s of this server, port 80 too as `ssl on` did, and remove `ssl on;`'
        : 'Add `ssl` to the `listen`s of this server and remove `ssl on;`';
  return {
    title,
    edits: [...added, ...removal],
    preferred: true,
    safe: !onPort80,
  };
}

/**
 * `http2 on;` for nginx before 1.25.1 → the `http2` parameter on the server's `listen … ssl`s,
 * `http2 on;` removed (`http2 off;` is only removed). Without a TLS listen there is nothing to
 * move it to: plain-text HTTP/2 on an old nginx's `listen … http2` would refuse HTTP/1.1.
 */
export function http2DirectiveToListens(
  service: DeployedService,
  http2: LoadedDirective,
  directives: readonly LoadedDirective[],
  textOf: TextOf,
): Fix | undefined {
  const removal = removeDirective(service, http2, textOf);
  if (removal === undefined || http2.directive.args.length !== 1) return undefined;
  if (http2.directive.args[0].value.toLowerCase() === 'off') return { title: 'Remove `http2 off;`', edits: removal, preferred: true, safe: true };
  const server = enclosingServer(http2);
  if (server === undefined) return undefined;
  const tls = listensOf(server, directives).filter((listen) => hasParameter(listen.directive, 'ssl'));
  if (tls.length === 0) return undefined;
  const added = all(tls.filter((listen) => !hasParameter(listen.directive, 'http2')).map((listen) => addParameter(service, listen, 'http2', textOf)));
  if (added === undefined) return undefined;
  return { title: 'Use `listen … ssl http2` instead of `http2 on;`', edits: [...added, ...removal], preferred: true, safe: true };
}

/**
 * `listen … http2` for nginx 1.25.1 and later → `http2 on;` in the server (after the last such
 * listen in the file of the first), `http2` removed from each of its listens. Every finding of one server carries the same
 * fix, so applying them together writes it once. Safe when every such listen has `ssl`: on a
 * plain-text listen, `http2` accepted only HTTP/2, and `http2 on;` accepts both.
 */
export function listenHttp2ToDirective(
  service: DeployedService,
  listen: LoadedDirective,
  directives: readonly LoadedDirective[],
  textOf: TextOf,
): Fix | undefined {
  const server = enclosingServer(listen);
  if (server === undefined) return undefined;
  const withHttp2 = listensOf(server, directives).filter((candidate) => hasParameter(candidate.directive, 'http2'));
  const first = withHttp2[0];
  if (first === undefined) return undefined;
  const removals = all(
    withHttp2.map((candidate) => {
      const argument = candidate.directive.args.slice(1).find((parameter) => parameter.value === 'http2');
      return argument === undefined ? undefined : removeParameter(service, candidate, argument, textOf);
    }),
  );
  const already = directives.some((loaded) => loaded.directive.name === 'http2' && enclosingServer(loaded) === server);
  const anchor = withHttp2.filter((candidate) => candidate.file === first.file).at(-1) ?? first;
  const target = repositoryFile(service, anchor, textOf);
  if (removals === undefined || target === undefined) return undefined;
  const indentation = indentationAt(target.text, anchor.directive.span.toRange());
  const insert = insertion(target.file, endOf(anchor.directive.span), indentation === undefined ? ' http2 on;' : `\n${indentation}http2 on;`);
  return {
    title: already ? 'Remove `http2` from the `listen`s of this server (it has `http2 on;`)' : 'Use `http2 on;` instead of `listen … http2`',
    edits: already ? removals : [...removals, insert],
    preferred: true,
    safe: withHttp2.every((candidate) => hasParameter(candidate.directive, 'ssl')),
  };
}

/**
 * `load_module <file>;` at the top of the main configuration, where nginx wants it (before any
 * block: a later one is "specified too late").
 */
export function loadModule(service: DeployedService, main: ConfigurationFile | undefined, file: string, textOf: TextOf): FileEdit[] | undefined {
  if (main === undefined) return undefined;
  const target = repositoryFile(service, { file: main }, textOf);
  if (target === undefined) return undefined;
  return [insertion(target.file, { line: 0, character: 0 }, `load_module ${file};\n`)];
}
