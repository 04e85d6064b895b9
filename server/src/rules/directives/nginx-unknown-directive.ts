import { posix } from 'node:path';
import { describeBuild, type DirectiveVerdict, directiveFinding } from '../../facts/directive-verdicts';
import { loadModule, renameDirective } from '../../fixes/nginx-directive-fixes';
import type { Fix } from '../../text/findings';
import type { Rule } from '../rule';

type Unknown = Extract<DirectiveVerdict, { kind: 'unknown' }>;

/** Why the build lacks the directive, after nginx's message: one or two sentences. */
function explanation(verdict: Unknown, build: string): string {
  const name = verdict.loaded.directive.name;
  const why = verdict.why;
  switch (why?.kind) {
    case undefined:
      return `neither ${build} nor any module certboot knows has a directive \`${name}\`.${verdict.suggestion === undefined ? '' : ` Did you mean \`${verdict.suggestion}\`?`}`;
    case 'module-not-built':
      return `\`${name}\` belongs to ${why.module}, which ${build} is built without${why.option === undefined ? '' : ` (it takes \`${why.option}\`)`}.`;
    case 'module-not-loaded':
      return `\`${name}\` belongs to ${why.module}, which ${build} ships as \`${why.file}\`, but no \`load_module\` loads it.`;
    case 'other-module':
      return `\`${name}\` belongs to ${why.module} (${why.source}), which ${build} does not have.`;
  }
}

export const nginxUnknownDirective: Rule = {
  id: 'nginx-unknown-directive',
  category: 'directives',
  scope: 'project',
  fixable: 'sometimes',
  defaultSeverity: 'error',
  summary: "nginx of the service's image has no such directive (a typo, or a module the image lacks or does not load), so it refuses to start",
  // a generator: a generated file may hold thousands of unknown directives, of which the engine keeps the first
  *check({ deployment, facts, inventory }) {
    const textOf = (file: string) => inventory.text(file);
    for (const located of facts.locatedVerdicts('unknown')) {
      const { service, directives, verdict } = located;
      const fixes: Fix[] = [];
      if (verdict.suggestion !== undefined && verdict.why === undefined) {
        const edits = renameDirective(service, verdict.loaded, verdict.suggestion, textOf);
        if (edits !== undefined) fixes.push({ title: `Change to \`${verdict.suggestion}\``, edits, preferred: true });
      }
      if (verdict.why?.kind === 'module-not-loaded') {
        const main = service.nginx?.configuration?.files[0];
        const edits = loadModule(service, main, verdict.why.file, textOf);
        if (edits !== undefined && main !== undefined) {
          fixes.push({ title: `Add \`load_module ${verdict.why.file};\` at the top of ${posix.basename(main.path)}`, edits, preferred: true, safe: true });
        }
      }
      yield directiveFinding(
        located,
        deployment.workspaceRoot,
        // no release of nginx has the name, or the module is not in any release of the image
        { level: 'emerg', text: `unknown directive "${verdict.loaded.directive.name}"`, versionDependent: false },
        `: ${explanation(verdict, describeBuild(directives.build))}`,
        fixes,
      );
    }
  },
};
