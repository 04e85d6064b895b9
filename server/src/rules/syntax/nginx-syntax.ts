import type { NginxError } from '../../languages/nginx/syntax-tree';
import type { Rule, RuleFinding } from '../rule';

/**
 * A syntax error in nginx's words; a file certboot could not read (a directory, a pipe, a link
 * out of the workspace or in a loop, over a size limit) is a warning that says why, as nginx on
 * the server may well read it.
 */
function syntaxFinding(file: string, error: NginxError): RuleFinding {
  if (error.kind === 'file') {
    return {
      severity: 'warning',
      message: `certboot does not check this file: ${error.message}.`,
      location: { file, range: error.span.toRange() },
      related: [],
      fixes: [],
    };
  }
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
 * An include that cannot be read is a first-boot question, answered by the rules, and nginx's
 * error there says nothing of the file's syntax; an include cycle is reported.
 */
function firstSyntaxError(errors: readonly NginxError[]): NginxError | undefined {
  return errors.find((error) => error.unreadable === undefined);
}

/** Syntax errors of every nginx file: those services load (at their host paths) and the rest. */
export const nginxSyntax: Rule = {
  id: 'nginx-syntax',
  category: 'syntax',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'nginx rejects the configuration before it starts (nginx -t)',
  check({ deployment, inventory }) {
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
    // the nginx files no service loads, each read on its own in the context the inventory judges it in
    for (const file of inventory.filesOf('nginx')) {
      if (reported.has(file.path)) continue;
      const error = firstSyntaxError(inventory.nginxSyntax(file)?.errors ?? []);
      if (error !== undefined) findings.push(syntaxFinding(file.path, error));
    }
    return findings;
  },
};
