import { chmodSync, lstatSync } from 'node:fs';
import { posix } from 'node:path';
import { BootstrapError } from '../bootstrap/bootstrap-layout';
import { suggestDomains } from '../bootstrap/domains';
import { generateBootstrap, writeProblems } from '../bootstrap/generate-bootstrap';
import type { WorkspaceAnalysis } from '../engine/analyze-workspace';
import type { BootstrapRequest, BootstrapSuggestion } from '../protocol/messages';
import type { FileEdit } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';

/** certbot's own `--email`, so the quick fix needs no question. */
export function knownEmail(analysis: WorkspaceAnalysis): string | undefined {
  const invocations = [
    ...analysis.deployment.projects.flatMap((project) => project.services.flatMap((service) => service.certbot?.invocations ?? [])),
    ...analysis.deployment.scripts.flatMap((script) => script.certbotInvocations),
  ];
  return invocations.map((invocation) => invocation.email).find((word) => word?.literal)?.value;
}

/** What the bootstrap prompts prefill: the domains the project names, and certbot's email. */
export function bootstrapSuggestion(analysis: WorkspaceAnalysis): BootstrapSuggestion {
  const suggestion = suggestDomains(analysis.deployment);
  return { domains: suggestion.domains, sources: suggestion.sources, email: knownEmail(analysis) ?? '' };
}

/** Editors ask for code actions on every cursor move: whether the split can be made is decided once per analysis. */
const splitRequests = new WeakMap<WorkspaceAnalysis, BootstrapRequest | null>();

/**
 * The bootstrap the HTTP-first quick fix asks for, when the domains and certbot's email are
 * known and the generator accepts the project; undefined otherwise.
 */
export function splitRequest(analysis: WorkspaceAnalysis, fileSystem: FileSystem): BootstrapRequest | undefined {
  if (!splitRequests.has(analysis)) {
    const email = knownEmail(analysis);
    const { domains } = suggestDomains(analysis.deployment);
    let request: BootstrapRequest | null = null;
    if (email && domains.length > 0) {
      try {
        generateBootstrap(analysis.deployment, fileSystem, { domains, email, staging: false });
        request = { domains, email, staging: false, announce: true };
      } catch (error) {
        if (!(error instanceof BootstrapError)) throw error;
      }
    }
    splitRequests.set(analysis, request);
  }
  return splitRequests.get(analysis) ?? undefined;
}

export interface BootstrapPlan {
  readonly edits: readonly FileEdit[];
  readonly summary: string[];
  /** The shell scripts the edits create or rewrite: they need the executable bit once they are written. */
  readonly scripts: string[];
}

/**
 * The bootstrap's edits and what it says of them; throws BootstrapError when the project does not
 * allow it, or when a file it would write is no regular file inside the workspace folder (a
 * symbolic link, a file below one, a mount from outside): then nothing is written.
 */
export function bootstrapPlan(analysis: WorkspaceAnalysis, fileSystem: FileSystem, request: BootstrapRequest): BootstrapPlan {
  const { domains, email, staging } = request;
  const root = analysis.deployment.workspaceRoot;
  const result = generateBootstrap(analysis.deployment, fileSystem, { domains: [...domains], email, staging });
  const problems = writeProblems(root, result.edits, (path) => posix.relative(root, path) || '.');
  if (problems.length > 0) throw new BootstrapError(`it writes only regular files inside the workspace folder, so nothing was changed: ${problems.join('; ')}`);
  // an editor creates files without the executable bit that certbot's hook and the image's start scripts need
  const created = result.edits.filter((edit) => edit.kind === 'create' && edit.file.endsWith('.sh')).map((edit) => edit.file);
  const scripts = [...new Set(result.edits.filter((edit) => edit.file.endsWith('.sh')).map((edit) => edit.file))];
  const relative = created.map((script) => posix.relative(root, script));
  const summary =
    created.length > 0
      ? [
          ...result.summary,
          `certboot makes the new scripts executable once they exist (chmod +x ${relative.join(' ')}): certbot runs a deploy hook, and the nginx image a /docker-entrypoint.d script, only when it is.`,
        ]
      : result.summary;
  return { edits: result.edits, summary, scripts };
}

export interface ExecutableMarking {
  /** The scripts made executable, relative to their workspace folder. */
  readonly marked: string[];
  readonly failures: string[];
}

/**
 * Gives the scripts the bootstrap created the executable bit, where reading has it (as `chmod
 * +x` does under the usual umask): certbot runs its deploy hook and the nginx image runs
 * /docker-entrypoint.d/*.sh only when they are executable. Only regular `.sh` files inside the
 * workspace folders are touched; a saved buffer keeps the mode of the file it is written to.
 */
export function markScriptsExecutable(scripts: readonly string[], workspaceFolders: readonly string[]): ExecutableMarking {
  const marked: string[] = [];
  const failures: string[] = [];
  for (const path of scripts) {
    const folder = workspaceFolders.filter((root) => path.startsWith(`${root}/`)).sort((left, right) => right.length - left.length)[0];
    if (!path.endsWith('.sh') || folder === undefined) continue;
    try {
      const stat = lstatSync(path);
      if (!stat.isFile()) continue;
      const mode = stat.mode & 0o7777;
      chmodSync(path, mode | ((mode & 0o444) >> 2));
      marked.push(posix.relative(folder, path));
    } catch (error) {
      failures.push(`could not make ${path} executable: ${(error as Error).message}`);
    }
  }
  return { marked, failures };
}
