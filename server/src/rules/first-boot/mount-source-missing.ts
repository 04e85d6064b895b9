import type { MissingMountSource } from '../../facts/missing-mount-sources';
import type { Deployment } from '../../model/deployment';
import { describeMount, hostLocation } from '../../model/locations';
import type { RelatedLocation } from '../../text/findings';
import { pathBelow } from '../../text/paths';
import type { Rule, RuleFinding } from '../rule';

const dockerMountError =
  'not a directory: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type';

function findingFor(deployment: Deployment, missing: MissingMountSource): RuleFinding {
  const { service, mount } = missing;
  const file = pathBelow(deployment.workspaceRoot, mount.source);
  const why = missing.ignoredBy === undefined ? 'is not in the repository' : `is ignored by ${missing.ignoredBy}, so a fresh clone does not have it`;
  const start = `\`${file}\` ${why}: on \`docker compose up\` docker creates it as an empty directory and mounts that (${describeMount(mount.source, mount.target, service.projectDirectory)}, service \`${service.name}\`)`;
  if (missing.outcome.kind === 'image-file') {
    return {
      message: `${start} over the image's file \`${mount.target}\`, which it refuses: the container of service \`${service.name}\` does not start (\`${dockerMountError}\`). Commit the file, or create it before \`docker compose up\`.`,
      location: mount.location,
      related: [],
      fixes: [],
    };
  }
  const include = missing.outcome.include;
  const includeLocation = service.nginx && hostLocation(service.view, include.file, include.directive.nameSpan);
  const related: RelatedLocation[] = includeLocation ? [{ ...includeLocation, message: `nginx reads \`${mount.target}\` as a configuration file here` }] : [];
  const includeText = `include ${include.directive.args.map((argument) => argument.value).join(' ')}`;
  return {
    message: `${start}; nginx reads \`${mount.target}\` as a file (\`${includeText}\`) and stops with \`[crit] pread() "${mount.target}" failed (21: Is a directory)\`. Commit the file, or create it before \`docker compose up\`.`,
    location: mount.location,
    related,
    fixes: [],
  };
}

export const mountSourceMissing: Rule = {
  id: 'mount-source-missing',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'a bind-mounted nginx file is missing from a fresh clone: docker creates an empty directory in its place, and the container or nginx fails',
  check({ deployment, facts }) {
    return deployment.projects.flatMap((project) =>
      project.services.flatMap((service) => facts.missingMountSources(service).map((missing) => findingFor(deployment, missing))),
    );
  },
};
