import { posix } from 'node:path';
import { mainContext } from '../../languages/nginx/analyzer';
import { readConfigurationFile } from '../../languages/nginx/configuration';
import type { NginxError } from '../../languages/nginx/syntax-tree';
import { findFiles } from '../../workspace/text-files';
import type { Rule, RuleFinding } from '../rule';

const nginxDirectoryNames = new Set(['conf.d', 'sites-available', 'sites-enabled', 'snippets', 'templates', 'nginx']);
/** nginx files of the repository that no service loads: checked for syntax on their own. */
function isNginxFile(path: string, root: string): boolean {
  const name = posix.basename(path);
  if (name === 'nginx.conf' || name.endsWith('.nginx')) return true;
  const directories = posix.relative(root, posix.dirname(path)).split('/');
  return directories.some((directory) => nginxDirectoryNames.has(directory)) && (name.endsWith('.conf') || name.endsWith('.conf.template'));
}

function syntaxFinding(file: string, error: NginxError): RuleFinding {
  return {
    message: `nginx rejects this configuration: ${error.message}.${error.note === undefined ? '' : ` ${error.note}`}`,
    location: { file, range: error.span.toRange() },
    related: error.related === undefined ? [] : [{ file, range: error.related.span.toRange(), message: error.related.message }],
    fixes: [],
  };
}

/**
 * nginx stops at a file's first error: what certboot finds after it was read past that point,
 * where nginx never got, so only the first (in file order: the errors are sorted) is reported.
 * A missing include is a first-boot question, answered by the rules, and nginx's error there
 * says nothing of the file's syntax.
 */
function firstSyntaxError(errors: readonly NginxError[]): NginxError | undefined {
  return errors.find((error) => error.kind !== 'include');
}

/** Syntax errors of every nginx file: those services load (at their host paths) and the rest. */
export const nginxSyntax: Rule = {
  id: 'nginx-syntax',
  category: 'syntax',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'nginx rejects the configuration before it starts (nginx -t)',
  check({ deployment, fileSystem, cache }) {
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const project of deployment.projects) {
      for (const service of project.services) {
        for (const file of service.nginx?.configuration?.files ?? []) {
          const origin = service.view.origin(file.path);
          if (origin.kind !== 'bind' || reported.has(origin.hostPath)) continue;
          reported.add(origin.hostPath);
          const error = firstSyntaxError(file.errors);
          if (error !== undefined) findings.push(syntaxFinding(origin.hostPath, error));
        }
      }
    }
    const root = deployment.workspaceRoot;
    for (const path of findFiles(fileSystem, root, (candidate) => isNginxFile(candidate, root), {
      maximumFiles: 2000,
      maximumFileBytes: Number.MAX_SAFE_INTEGER,
      maximumDepth: deployment.searchDepth,
    })) {
      if (reported.has(path)) continue;
      // only nginx.conf is known to be read at the top level; a snippet's context depends on its include
      const context = posix.basename(path) === 'nginx.conf' ? mainContext : undefined;
      const syntax = readConfigurationFile(fileSystem, path, { context, parsed: cache?.nginxFiles });
      const error = firstSyntaxError(syntax.errors);
      if (error !== undefined) findings.push(syntaxFinding(path, error));
    }
    return findings;
  },
};
