import type { NginxError } from '../../languages/nginx/syntax-tree';
import type { Rule, RuleFinding } from '../rule';

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
    // the nginx files no service loads, each read on its own in the context the inventory gives it
    for (const file of inventory.filesOf('nginx')) {
      if (reported.has(file.path)) continue;
      const error = firstSyntaxError(inventory.nginxSyntax(file).errors);
      if (error !== undefined) findings.push(syntaxFinding(file.path, error));
    }
    return findings;
  },
};
