import type { DockerfileSummary } from '../languages/dockerfile/dockerfile';
import type { NginxBuild } from '../languages/nginx/directive-tables/nginx-build';
import { debianNginxBuild, nginxBuildOfImage } from '../languages/nginx/nginx-builds';
import type { SourceLocation } from '../text/source-location';

/**
 * The nginx a service runs, as far as certboot can tell: the release and modules of its image (or
 * of the image its Dockerfile is built FROM), or of the package a host installs. The rules on
 * directives read it; a service whose image certboot does not know has none, and they stay silent.
 */
export interface ServiceNginxBuild {
  readonly build: NginxBuild;
  readonly origin: /** compose's `image:` */
    | { readonly kind: 'image'; readonly image: string; readonly location: SourceLocation }
    /** the FROM line of the service's Dockerfile */
    | { readonly kind: 'dockerfile'; readonly image: string; readonly location: SourceLocation | undefined }
    /** nginx installed on a server: certboot assumes Debian 12's package */
    | { readonly kind: 'host' };
  /**
   * Which modules the build has is assumed, not known (a host may have installed any module
   * package, and another distribution links them otherwise): a directive of a module the assumed
   * build lacks is not reported.
   */
  readonly modulesAreGuess: boolean;
}

/** A build whose version a variable or a build argument may change: version-dependent findings say "may". */
function guessed(build: NginxBuild, why: string): NginxBuild {
  return build.versionIsGuess ? build : { ...build, versionIsGuess: true, description: `${build.description}, ${why}` };
}

/** The build of a service that runs `image` as compose names it; `fromVariable`: the value comes from a variable. */
export function imageNginxBuild(image: string, location: SourceLocation, fromVariable: boolean): ServiceNginxBuild | undefined {
  const build = nginxBuildOfImage(image);
  if (build === undefined) return undefined;
  return {
    build: fromVariable ? guessed(build, 'from a variable the deployment may set otherwise') : build,
    origin: { kind: 'image', image, location },
    modulesAreGuess: false,
  };
}

/** The build of a service built by a Dockerfile FROM an nginx image; RUN steps that add modules open it to directives certboot has no table for. */
export function dockerfileNginxBuild(dockerfile: string, summary: DockerfileSummary): ServiceNginxBuild | undefined {
  if (summary.baseImage === undefined) return undefined;
  let build = nginxBuildOfImage(summary.baseImage);
  if (build === undefined) return undefined;
  if (summary.baseImageFromArgument) build = guessed(build, 'from a build argument the deployment may set otherwise');
  if (summary.moduleSteps.length > 0) build = { ...build, mayHaveUnknownModules: true };
  return {
    build,
    origin: {
      kind: 'dockerfile',
      image: summary.baseImage,
      location: summary.baseImageRange === undefined ? undefined : { file: dockerfile, range: summary.baseImageRange },
    },
    modulesAreGuess: false,
  };
}

/**
 * nginx on a host: the repository does not say which distribution or package the server runs.
 * certboot assumes Debian 12's `nginx` (1.22.1), and says "may" where the version matters.
 */
export function hostNginxBuild(): ServiceNginxBuild | undefined {
  const build = debianNginxBuild('bookworm', 'nginx');
  if (build === undefined) return undefined;
  return {
    build: { ...build, versionIsGuess: true, description: "nginx on a host (certboot assumes Debian 12's nginx 1.22.1)" },
    origin: { kind: 'host' },
    modulesAreGuess: true,
  };
}
