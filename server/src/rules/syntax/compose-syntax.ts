import { fileStartLocation } from '../../languages/compose/source-location';
import type { ComposeDiagnostic } from '../../languages/compose/index';
import type { DeployedProject } from '../../model/deployment';
import type { Rule, RuleFinding } from '../rule';

/**
 * A volume a project included by an overlay does not declare: declared by the overlay's base,
 * the documented use (`-f base -f overlay`) is fine; otherwise it fails on its own, said at the
 * overlay, which is what its user passes to compose. undefined for any other diagnostic.
 */
function overlayVolume(project: DeployedProject, diagnostic: ComposeDiagnostic, root: string): RuleFinding | null | undefined {
  const overlay = project.overlay;
  if (!overlay || diagnostic.code !== 'undefined-volume' || diagnostic.subject === undefined) return undefined;
  if (overlay.baseVolumes.includes(diagnostic.subject)) return null;
  const name = (path: string): string => path.slice(root.length + 1);
  return {
    severity: 'warning',
    message: `${diagnostic.message} when \`${name(overlay.file)}\` is used on its own, nor does \`${name(overlay.base)}\` beside it declare it`,
    location: fileStartLocation(overlay.file),
    related: [{ ...diagnostic.location, message: 'the volume is used here' }],
    fixes: [],
  };
}

/**
 * A project none of whose services has an `image` or a `build` cannot run on its own: it is a
 * fragment merged over another file (`-f base -f this`, a dev container's `dockerComposeFile`
 * list), which may declare the volumes it uses.
 */
function isFragment(project: DeployedProject): boolean {
  return project.compose.services.length > 0 && project.compose.services.every((service) => service.image === undefined && service.build === undefined);
}

/** What the compose loader could not read, or reads differently from how it looks, in the compose loader's words. */
export const composeSyntax: Rule = {
  id: 'compose-syntax',
  category: 'syntax',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'docker compose cannot read the file, or reads a value differently from how it looks',
  check({ deployment }) {
    return deployment.projects.flatMap((project) =>
      project.compose.diagnostics.flatMap((diagnostic): RuleFinding[] => {
        const overlay = overlayVolume(project, diagnostic, deployment.workspaceRoot);
        if (overlay !== undefined) return overlay ? [overlay] : [];
        if (diagnostic.code === 'undefined-volume' && isFragment(project)) return [];
        return [
          {
            severity: diagnostic.severity === 'information' ? 'info' : diagnostic.severity,
            message: diagnostic.message,
            location: diagnostic.location,
            related: [],
            fixes: [],
          },
        ];
      }),
    );
  },
};
