import { posix } from 'node:path';
import { type ComposeMapping, type ComposeNode, childOf, locatedText, mappingChild, scalarText } from './compose-node';
import { isUnknownText, type VariableLookup } from './interpolation';
import { serviceNetworking } from './networking';
import type { ComposeBuild, ComposeService, PortBinding, RestartPolicy, RestartPolicyName, VolumeMount } from './model';
import { parsePort } from './port-syntax';
import type { ComposeDiagnostic, Located, SourceLocation } from './source-location';
import { parseVolume } from './volume-syntax';

/** Turns the merged, resolved services of a model into the typed service model rules read. */
export function buildServices(root: ComposeMapping, variables: VariableLookup, diagnostics: ComposeDiagnostic[]): ComposeService[] {
  const services = mappingChild(root, 'services');
  if (!services) return [];
  const declaredVolumes = mappingChild(root, 'volumes');
  const namedVolumes = new Set(declaredVolumes?.entries.keys() ?? []);
  // compose creates a declared volume empty, unless it is external or its driver options say what it is
  const madeOutside = new Set(
    [...(declaredVolumes?.entries ?? [])].flatMap(([volume, entry]) => {
      const declaration = entry.value.kind === 'mapping' ? entry.value : undefined;
      const external = childOf(declaration, 'external');
      const outside =
        (external !== undefined && !(external.kind === 'scalar' && (external.value === false || external.value === 'false'))) ||
        childOf(declaration, 'driver_opts') !== undefined;
      return outside ? [volume] : [];
    }),
  );
  const report = (code: ComposeDiagnostic['code'], message: string, location: SourceLocation, subject?: string): void => {
    diagnostics.push({ code, severity: 'error', message, location, ...(subject === undefined ? {} : { subject }) });
  };
  const result: ComposeService[] = [];
  for (const [name, entry] of services.entries) {
    const service = entry.value.kind === 'mapping' ? entry.value : undefined;
    const build = buildOf(service);
    const restart = restartOf(service, (message, location) => report('invalid-restart', `service "${name}": ${message}`, location));
    const image = locatedText(childOf(service, 'image'));
    const containerName = locatedText(childOf(service, 'container_name'));
    const command = commandOf(childOf(service, 'command'));
    const entrypoint = commandOf(childOf(service, 'entrypoint'));
    const workingDirectory = locatedText(childOf(service, 'working_dir'));
    const awaitsCompletionOf = completedDependenciesOf(service);
    result.push({
      name,
      nameLocation: entry.keyLocation,
      ...(image ? { image } : {}),
      ...(build ? { build } : {}),
      ...(containerName ? { containerName } : {}),
      ...(restart ? { restart } : {}),
      ports: portsOf(service, (message, location) => report('invalid-port', `service "${name}": ${message}`, location)),
      volumes: volumesOf(service, namedVolumes, madeOutside, (code, message, location, subject) =>
        report(code, `service "${name}": ${message}`, location, subject),
      ),
      ...(command ? { command } : {}),
      ...(entrypoint ? { entrypoint } : {}),
      ...(workingDirectory ? { workingDirectory } : {}),
      profiles: knownTexts(childOf(service, 'profiles')),
      environment: environmentOf(service, variables),
      dependsOn: [...(mappingChild(service, 'depends_on')?.entries.keys() ?? [])],
      networking: serviceNetworking(service),
      ...(awaitsCompletionOf.length > 0 ? { awaitsCompletionOf } : {}),
    });
  }
  return result;
}

/** The services `depends_on` waits for with `condition: service_completed_successfully` (the compose spec's long syntax). */
function completedDependenciesOf(service: ComposeMapping | undefined): string[] {
  const dependencies = mappingChild(service, 'depends_on');
  if (!dependencies) return [];
  return [...dependencies.entries].flatMap(([name, entry]) =>
    entry.value.kind === 'mapping' && scalarText(childOf(entry.value, 'condition')) === 'service_completed_successfully' ? [name] : [],
  );
}

/** A build context that is a URL or a git reference is not a directory of the project. */
const remoteContextPattern = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

function buildOf(service: ComposeMapping | undefined): ComposeBuild | undefined {
  const build = mappingChild(service, 'build');
  if (!build) return undefined;
  const contextNode = childOf(build, 'context');
  const written = locatedText(contextNode) ?? { value: '.', location: build.location };
  const context: Located<string> =
    written.value === undefined || remoteContextPattern.test(written.value)
      ? written
      : { value: posix.resolve(contextNode?.baseDirectory ?? build.baseDirectory, written.value), location: written.location };
  const dockerfile = locatedText(childOf(build, 'dockerfile'));
  return dockerfile ? { context, dockerfile } : { context };
}

const restartNames: readonly string[] = ['no', 'always', 'unless-stopped', 'on-failure'];
const conditionPolicies: Readonly<Record<string, RestartPolicyName>> = { none: 'no', 'on-failure': 'on-failure', any: 'always' };

/** The spec: when `deploy.restart_policy` is set it decides, otherwise `restart` does. */
function restartOf(service: ComposeMapping | undefined, report: (message: string, location: SourceLocation) => void): RestartPolicy | undefined {
  const restartPolicy = mappingChild(mappingChild(service, 'deploy'), 'restart_policy');
  if (restartPolicy) {
    const conditionNode = childOf(restartPolicy, 'condition');
    const condition = scalarText(conditionNode) ?? 'any';
    const location = conditionNode?.location ?? restartPolicy.location;
    const attempts = scalarText(childOf(restartPolicy, 'max_attempts'));
    const maximumRetries = attempts !== undefined && /^\d+$/.test(attempts) ? Number(attempts) : undefined;
    const policy = conditionPolicies[condition];
    if (policy === undefined && !isUnknownText(condition)) report(`"${condition}" is not a restart_policy condition (none, on-failure, any)`, location);
    return { policy, ...(maximumRetries === undefined ? {} : { maximumRetries }), origin: 'deploy.restart_policy', location };
  }
  const restartNode = childOf(service, 'restart');
  const text = scalarText(restartNode);
  if (text === undefined || restartNode === undefined) return undefined;
  const [name, retries] = text.split(':', 2);
  const known = !isUnknownText(text);
  const valid = restartNames.includes(name) && (retries === undefined || (name === 'on-failure' && /^\d+$/.test(retries)));
  if (known && !valid) report(`"${text}" is not a restart policy (no, always, unless-stopped, on-failure[:N])`, restartNode.location);
  return {
    policy: known && valid ? (name as RestartPolicyName) : undefined,
    ...(known && valid && retries !== undefined ? { maximumRetries: Number(retries) } : {}),
    origin: 'restart',
    location: restartNode.location,
  };
}

function portsOf(service: ComposeMapping | undefined, report: (message: string, location: SourceLocation) => void): PortBinding[] {
  const ports = childOf(service, 'ports');
  if (ports?.kind !== 'sequence') return [];
  const bindings: PortBinding[] = [];
  for (const item of ports.items) {
    const parsed = parsePort(item);
    if ('binding' in parsed) bindings.push(parsed.binding);
    else report(parsed.error, item.location);
  }
  return bindings;
}

function volumesOf(
  service: ComposeMapping | undefined,
  namedVolumes: ReadonlySet<string>,
  madeOutside: ReadonlySet<string>,
  report: (code: 'invalid-volume' | 'undefined-volume', message: string, location: SourceLocation, subject?: string) => void,
): VolumeMount[] {
  const volumes = childOf(service, 'volumes');
  if (volumes?.kind !== 'sequence') return [];
  const mounts: VolumeMount[] = [];
  for (const item of volumes.items) {
    const parsed = parseVolume(item);
    if ('error' in parsed) report('invalid-volume', parsed.error, item.location);
    if (!('mount' in parsed)) continue;
    const { mount } = parsed;
    if (mount.type === 'volume' && mount.source !== undefined && !namedVolumes.has(mount.source)) {
      report('undefined-volume', `volume "${mount.source}" is not declared under the top-level volumes`, mount.location, mount.source);
    }
    mounts.push(mount.type === 'volume' && mount.source !== undefined && madeOutside.has(mount.source) ? { ...mount, madeOutside: true } : mount);
  }
  return mounts;
}

function commandOf(node: ComposeNode | undefined): Located<string | string[]> | undefined {
  if (node?.kind === 'sequence') {
    const parts = node.items.map((item) => scalarText(item) ?? '');
    return { value: parts.some(isUnknownText) ? undefined : parts, location: node.location };
  }
  return locatedText(node);
}

function knownTexts(node: ComposeNode | undefined): string[] {
  if (node?.kind !== 'sequence') return [];
  return node.items.map(scalarText).filter((text): text is string => text !== undefined && !isUnknownText(text));
}

/** A variable listed without a value takes its value from the environment compose runs in. */
function environmentOf(service: ComposeMapping | undefined, variables: VariableLookup): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = {};
  for (const [name, entry] of mappingChild(service, 'environment')?.entries ?? []) {
    const text = scalarText(entry.value) ?? variables(name);
    environment[name] = text === undefined || isUnknownText(text) ? undefined : text;
  }
  return environment;
}
