import { posix } from 'node:path';
import type { DeployedProject, DeployedService, Deployment, SharedHosts } from '../model/deployment';

/**
 * Whether two compose services' containers exist at the same time on one Docker host — what a
 * container name or host port collision needs:
 *
 * - `together`: they do — one project starts both, or certboot.json puts their projects on one
 *   host;
 * - `if-one-host`: two projects under the linted path, and nothing says whether they are
 *   deployed to one host;
 * - `apart`: they never do — alternatives of one project (profiles, a menu of included files),
 *   one project written twice (same project name: the second `up` recreates the same
 *   containers), projects that hold alternatives (examples, samples, tests), or projects
 *   certboot.json puts on different hosts.
 */
export type Coexistence = 'together' | 'if-one-host' | 'apart';

export interface PlacedService {
  readonly project: DeployedProject;
  readonly service: DeployedService;
}

/**
 * Directories that hold alternatives — one example, sample, fixture or test setup at a time —
 * rather than what one host runs.
 */
const alternativesDirectories: ReadonlySet<string> = new Set(['examples', 'samples', '.examples', 'docs', 'test', 'tests', 'fixtures']);

function holdsAlternatives(deployment: Deployment, project: DeployedProject): boolean {
  const relative = posix.relative(deployment.workspaceRoot, project.compose.directory);
  return relative.split('/').some((directory) => alternativesDirectories.has(directory));
}

/** Services that declare profiles and share none: one `--profile` never starts both. */
function alternativeProfiles(first: DeployedService, second: DeployedService): boolean {
  const firstProfiles = first.compose.profiles;
  const secondProfiles = second.compose.profiles;
  return firstProfiles.length > 0 && secondProfiles.length > 0 && !firstProfiles.some((profile) => secondProfiles.includes(profile));
}

/** The services `docker compose up NAME` starts with NAME: itself and what it depends on, transitively. */
export function startedWith(project: DeployedProject, name: string): Set<string> {
  const started = new Set<string>([name]);
  const pending = [name];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const service = project.services.find((candidate) => candidate.name === next);
    for (const dependency of service?.compose.dependsOn ?? []) {
      if (started.has(dependency)) continue;
      started.add(dependency);
      pending.push(dependency);
    }
  }
  return started;
}

/**
 * Two services of one project that `include` brought in from two different files, neither of
 * which starts the other: a project made of many included service files (laradock's ~100) is a
 * menu from which `docker compose up nginx mysql` picks, so they are not assumed to run together.
 */
function separatelyIncluded(project: DeployedProject, first: DeployedService, second: DeployedService): boolean {
  const firstFile = first.compose.nameLocation.file;
  const secondFile = second.compose.nameLocation.file;
  const included = project.compose.includedFiles;
  if (firstFile === secondFile || !included.includes(firstFile) || !included.includes(secondFile)) return false;
  return !startedWith(project, first.name).has(second.name) && !startedWith(project, second.name).has(first.name);
}

function names(sharedHosts: SharedHosts, entry: string, project: DeployedProject): boolean {
  return entry === project.compose.name || posix.resolve(sharedHosts.baseDirectory, entry) === project.compose.directory;
}

function sameConfiguredHost(sharedHosts: SharedHosts, first: DeployedProject, second: DeployedProject): boolean {
  if (sharedHosts.all) return true;
  return sharedHosts.groups.some(
    (group) => group.some((entry) => names(sharedHosts, entry, first)) && group.some((entry) => names(sharedHosts, entry, second)),
  );
}

export function coexistence(deployment: Deployment, first: PlacedService, second: PlacedService): Coexistence {
  if (first.project === second.project) {
    if (first.service === second.service) return 'together';
    if (alternativeProfiles(first.service, second.service) || separatelyIncluded(first.project, first.service, second.service)) return 'apart';
    return 'together';
  }
  // compose finds a project's containers by its name: two directories of one name are one project, deployed once
  if (first.project.compose.name === second.project.compose.name) return 'apart';
  const sharedHosts = deployment.sharedHosts;
  if (sharedHosts) return sameConfiguredHost(sharedHosts, first.project, second.project) ? 'together' : 'apart';
  if (holdsAlternatives(deployment, first.project) || holdsAlternatives(deployment, second.project)) return 'apart';
  return 'if-one-host';
}
