import { configurationFullyKnown } from '../../facts/acme-challenge';
import { describeNginx } from '../../facts/nginx-names';
import { resolveUpstreamHost, startWithout, type UpstreamHost, upstreamHosts } from '../../facts/upstream-hosts';
import type { ComposeService } from '../../languages/compose/model';
import { positionAt } from '../../text/line-index';
import { pathBelow } from '../../text/paths';
import type { DeployedProject, DeployedService, Deployment } from '../../model/deployment';
import { hostLocation } from '../../model/locations';
import type { RelatedLocation } from '../../text/findings';
import type { SourceLocation } from '../../text/source-location';
import { isPlaceholderName } from '../../facts/placeholder-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';

function backticked(names: Iterable<string>): string {
  return [...names].map((name) => `\`${name}\``).join(', ');
}

/** The host as the repository writes it there: a rendered template's `${VARIABLE}` is not the value certboot read. */
function writtenAsRead(inventory: RuleContext['inventory'], location: SourceLocation, value: string): boolean {
  return inventory.textAt(location) === value;
}

function subjectOf(deployment: Deployment, nginx: DeployedService, upstream: UpstreamHost): string {
  return `${describeNginx(nginx, deployment.workspaceRoot)} resolves \`${upstream.host}\` when it starts (\`${upstream.entry.directive.name} ${upstream.argument.value}\`)`;
}

/** A warning when a repository script starts nginx without the service that gives the name (see startWithout). */
function startedAloneFinding(
  deployment: Deployment,
  project: DeployedProject,
  nginx: DeployedService,
  upstream: UpstreamHost,
  location: SourceLocation,
  provider: ComposeService | undefined,
): RuleFinding | undefined {
  if (provider === undefined || provider.name === nginx.name) return undefined;
  const alone = startWithout(deployment, project, nginx, provider.name);
  if (alone === undefined) return undefined;
  const script = alone.script;
  const span = alone.command.span;
  const commandText = script.text.slice(span.start, span.end).replace(/\\\n/g, ' ').replace(/\s+/g, ' ');
  const scriptName = pathBelow(deployment.workspaceRoot, script.path);
  return {
    severity: 'warning',
    message:
      `${subjectOf(deployment, nginx, upstream)}, and \`${scriptName}\` starts nginx without service \`${provider.name}\` (\`${commandText}\`): ` +
      `compose starts only the services named and their \`depends_on\`, and \`${provider.name}\` is not among them, so unless it already runs docker's DNS does not answer for it and nginx may exit at start with \`[emerg] ${upstream.nginxMessage}\`. ` +
      `Add \`${provider.name}\` to the \`depends_on\` of service \`${nginx.name}\`.`,
    location,
    related: [
      {
        file: script.path,
        range: { start: positionAt(script.text, span.start), end: positionAt(script.text, span.end) },
        message: `starts nginx without \`${provider.name}\``,
      },
      { ...provider.nameLocation, message: `service \`${provider.name}\` is called \`${upstream.host}\`` },
    ],
    fixes: [],
  };
}

function findingFor(
  deployment: Deployment,
  project: DeployedProject,
  nginx: DeployedService,
  upstream: UpstreamHost,
  location: SourceLocation,
): RuleFinding | undefined {
  const resolution = resolveUpstreamHost(project, nginx, upstream.host);
  if (resolution.kind === 'resolves') return startedAloneFinding(deployment, project, nginx, upstream, location, resolution.provider);
  if (resolution.kind === 'unknown') return undefined;
  const networks = [...(nginx.compose.networking?.networks?.keys() ?? [])];
  const joined = `the network${networks.length === 1 ? '' : 's'} nginx joins (${backticked(networks)})`;
  const exits = `nginx exits at start with \`[emerg] ${upstream.nginxMessage}\``;
  const subject = subjectOf(deployment, nginx, upstream);
  const related: RelatedLocation[] = [];
  if (resolution.kind === 'profile-stopped') {
    const names = resolution.providers.map((provider) => `\`${provider.name}\``).join(', ');
    const profiles = [...new Set(resolution.providers.flatMap((provider) => provider.profiles))];
    return {
      severity: 'warning',
      message: `${subject}, but only service ${names} is called so, and it runs only with the profile ${backticked(profiles)}: a \`docker compose up\` without \`--profile\` leaves it stopped, docker's DNS does not answer for it, and nginx may exit at start with \`[emerg] ${upstream.nginxMessage}\`.`,
      location,
      related: resolution.providers.map((provider) => ({ ...provider.nameLocation, message: `service \`${provider.name}\` has \`profiles\`` })),
      fixes: [],
    };
  }
  if (resolution.kind === 'other-network') {
    for (const provider of resolution.providers) {
      const theirs = [...(provider.networking?.networks?.keys() ?? [])];
      related.push({ ...provider.nameLocation, message: `service \`${provider.name}\` answers \`${upstream.host}\` on ${backticked(theirs)} only` });
    }
    const names = resolution.providers.map((provider) => `\`${provider.name}\``).join(', ');
    return {
      message: `${subject}, but service ${names} is called so only on networks nginx does not join, and docker's DNS answers nginx only for containers on ${joined}: ${exits}. Put both services on one network.`,
      location,
      related,
      fixes: [],
    };
  }
  related.push({ ...nginx.compose.nameLocation, message: `service \`${nginx.name}\` joins ${backticked(networks)}` });
  if (isPlaceholderName(upstream.host)) {
    // the README asks the user to put the real host there: a reminder, not a failure of the repository
    return {
      severity: 'info',
      message: `${subject}, a placeholder to replace with a real host before the first start: as written, no service, network alias or \`extra_hosts\` entry gives that name and ${exits}.`,
      location,
      related,
      fixes: [],
    };
  }
  return {
    message: `${subject}, but no service, \`container_name\`, \`hostname\`, network alias, link or \`extra_hosts\` entry of the compose project gives that name on ${joined}: ${exits}.`,
    location,
    related,
    fixes: [],
  };
}

export const upstreamHostNotFound: Rule = {
  id: 'upstream-host-not-found',
  category: 'first-boot',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary:
    'nginx proxies to a host name that no compose service, alias or container name on its networks provides, so it exits with `host not found in upstream`',
  check({ deployment, inventory, facts }) {
    const findings: RuleFinding[] = [];
    for (const project of deployment.projects) {
      for (const nginx of project.services) {
        if (nginx.nginx?.configuration === undefined || nginx.nginx.imageKind === 'host' || !configurationFullyKnown(nginx, facts.hostScriptWrites)) continue;
        for (const upstream of upstreamHosts(nginx)) {
          const location = hostLocation(nginx.view, upstream.entry.file, upstream.argument.span);
          if (location === undefined || !writtenAsRead(inventory, location, upstream.argument.value)) continue;
          const finding = findingFor(deployment, project, nginx, upstream, location);
          if (finding !== undefined) findings.push(finding);
        }
      }
    }
    return findings;
  },
};
