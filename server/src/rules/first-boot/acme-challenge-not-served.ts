import { posix } from 'node:path';
import {
  type ChallengeAnswer,
  challengePrefix,
  challengeUri,
  type ChallengeRoute,
  containerPathOf,
  frontNginx,
  type HttpServer,
  jobWordLocation,
  routeFor,
  webrootStorage,
} from '../../facts/acme-challenge';
import { describeRunOrigin } from '../../facts/certbot-runs';
import { hostPort80Reach } from '../../facts/published-ports';
import type { DeployedProject, DeployedService, Deployment } from '../../model/deployment';
import type { FirstBootFailure } from '../../facts/first-boot-failures';
import { locationTree, selectLocation, type LocationNode } from '../../facts/location-matching';
import { hostLocation } from '../../model/locations';
import type { PlacedDirective } from '../../model/nginx-blocks';
import { indentationAt } from '../../fixes/text-edits';
import type { FileEdit, Fix, RelatedLocation } from '../../text/findings';
import type { NginxArgument } from '../../languages/nginx/syntax-tree';
import type { SourceLocation } from '../../text/source-location';
import type { SourceTexts } from '../../inventory/inventory';
import { describeNginxRunner } from '../../facts/nginx-names';
import type { Rule, RuleContext, RuleFinding } from '../rule';
import { pathBelow } from '../../text/paths';

const tokenUrl = (domain: string | undefined): string => `http://${domain ?? '<domain>'}${challengePrefix}<token>`;
const rateLimit = "5 failed validations per hostname per hour hit Let's Encrypt's rate limit";

interface Problem {
  readonly location: SourceLocation;
  /** The rule's own severity unless set: a warning where certboot cannot see all that decides. */
  readonly severity?: 'warning';
  /** The message, given the names it concerns. */
  readonly message: (domains: string) => string;
  readonly related: RelatedLocation[];
  readonly fixes: Fix[];
}

interface Collected {
  readonly problem: Problem;
  readonly domains: Set<string>;
  readonly related: RelatedLocation[];
}

/** `nginx/conf.d/site.conf:3`, or the container path for a file of the image. */
function place(deployment: Deployment, service: DeployedService, entry: PlacedDirective): string {
  const location = hostLocation(service.view, entry.file, entry.directive.nameSpan);
  return location
    ? `\`${pathBelow(deployment.workspaceRoot, location.file)}:${location.range.start.line + 1}\``
    : `\`${entry.file.path}:${entry.directive.line}\``;
}

function entryLocation(service: DeployedService, entry: PlacedDirective, argument?: NginxArgument): SourceLocation | undefined {
  return hostLocation(service.view, entry.file, (argument ?? entry.directive.args[0])?.span ?? entry.directive.nameSpan);
}

function directiveText(entry: PlacedDirective): string {
  return `${entry.directive.name} ${entry.directive.args.map((argument) => argument.value).join(' ')}`;
}

function jobRelated(route: ChallengeRoute, { deployment, inventory }: RuleContext): RelatedLocation[] {
  const job = route.job;
  if (job?.program !== 'certbot') return [];
  const word = route.domainWord ?? job.invocation.authenticator?.option.word;
  const location = word ? jobWordLocation(job, word, inventory) : undefined;
  return location
    ? [{ ...location, message: `certbot (${describeRunOrigin(job.run, deployment.workspaceRoot)}) asks Let's Encrypt to validate this name over HTTP-01` }]
    : [];
}

function describeJob(route: ChallengeRoute, deployment: Deployment): string {
  const job = route.job;
  return job?.program === 'certbot' ? ` (\`certbot ${job.invocation.subcommand} --webroot\` in ${describeRunOrigin(job.run, deployment.workspaceRoot)})` : '';
}

/** The webroot as the nginx service sees it, when both share its directory. */
function webrootForNginx(route: ChallengeRoute): string | undefined {
  const job = route.job;
  const word = route.webrootWord;
  if (!job || !word?.literal || !word.value.startsWith('/')) return undefined;
  const storage = webrootStorage(job, posix.normalize(word.value));
  return storage.kind === 'host' || storage.kind === 'volume' ? containerPathOf(route.nginx, storage) : undefined;
}

function indentUnit(text: string, inner: SourceLocation, outer: SourceLocation): string {
  const innerIndent = indentationAt(text, inner.range) ?? '';
  const outerIndent = indentationAt(text, outer.range) ?? '';
  return innerIndent.startsWith(outerIndent) && innerIndent.length > outerIndent.length ? innerIndent.slice(outerIndent.length) : '    ';
}

/** A location nginx would count as the same as one with `pattern`: `/x` and `^~ /x` collide (`duplicate location`), `= /x` does not. */
function samePrefix(server: HttpServer, pattern: string): LocationNode<PlacedDirective> | undefined {
  return locationTree(server.block).find(
    (node) => (node.matcher.kind === 'prefix' || node.matcher.kind === 'prefix-no-regex') && node.matcher.pattern === pattern,
  );
}

/**
 * Wraps a server-level redirect into `location /`, so that the server's own challenge location
 * answers: the longest prefix wins over `/`; a plain prefix that a regex would still beat becomes `^~`.
 */
function moveRedirectFix(
  route: ChallengeRoute,
  server: HttpServer,
  text: string,
  redirect: PlacedDirective,
  existing: LocationNode<PlacedDirective>,
  before: string,
): Fix | undefined {
  const serverLocation = hostLocation(route.nginx.view, server.entry.file, server.entry.directive.nameSpan);
  const location = hostLocation(route.nginx.view, redirect.file, redirect.directive.span);
  const indentation = location && indentationAt(text, location.range);
  if (
    !serverLocation ||
    !location ||
    indentation === undefined ||
    location.range.start.line !== location.range.end.line ||
    location.file !== serverLocation.file
  )
    return undefined;
  const unit = indentUnit(text, location, serverLocation);
  const original = (text.split('\n')[location.range.start.line] ?? '').slice(location.range.start.character, location.range.end.character);
  const edits: FileEdit[] = [
    { kind: 'replace', file: location.file, range: location.range, newText: `location / {\n${indentation}${unit}${original}\n${indentation}}` },
  ];
  const selection = selectLocation(locationTree(server.block), challengeUri);
  const wins = selection.known && selection.location?.value === existing.value;
  if (existing.matcher.kind === 'prefix' && !wins) {
    const noRegex = noRegexFix(route, existing.value);
    if (!noRegex) return undefined;
    edits.push(...noRegex.edits);
  }
  return {
    title: `Move ${before} into \`location /\`, so that ${describeLocation(existing.value)}${wins ? '' : ' (made `^~`)'} answers the challenge`,
    edits,
    preferred: true,
    safe: true,
  };
}

/** Puts the challenge location first in the port-80 server, or wraps a server-level redirect into `location /` behind it. */
function challengeLocationFix(route: ChallengeRoute, server: HttpServer, texts: SourceTexts, before: string, redirect?: PlacedDirective): Fix | undefined {
  const serverLocation = hostLocation(route.nginx.view, server.entry.file, server.entry.directive.nameSpan);
  const text = serverLocation && texts.text(serverLocation.file);
  if (!serverLocation || text === undefined) return undefined;
  // nginx refuses a second location with the same prefix: `duplicate location`
  const existing = samePrefix(server, challengePrefix);
  if (redirect && samePrefix(server, '/')) return undefined;
  if (redirect && existing) return moveRedirectFix(route, server, text, redirect, existing, before);
  if (existing) return undefined;
  const webroot = webrootForNginx(route);
  if (!webroot) return undefined;
  const title = `Serve ${challengePrefix} from ${webroot} before ${before}`;
  if (redirect) {
    const location = hostLocation(route.nginx.view, redirect.file, redirect.directive.span);
    const indentation = location && indentationAt(text, location.range);
    if (!location || indentation === undefined || location.range.start.line !== location.range.end.line || location.file !== serverLocation.file)
      return undefined;
    const unit = indentUnit(text, location, serverLocation);
    const original = (text.split('\n')[location.range.start.line] ?? '').slice(location.range.start.character, location.range.end.character);
    const newText =
      `location ^~ ${challengePrefix} {\n${indentation}${unit}root ${webroot};\n${indentation}}\n\n` +
      `${indentation}location / {\n${indentation}${unit}${original}\n${indentation}}`;
    return { title, edits: [{ kind: 'replace', file: location.file, range: location.range, newText }], preferred: true, safe: true };
  }
  const own = server.entry.directive.block ?? [];
  const anchor = own.find(
    (directive) => directive.name === 'location' || directive.name === 'include' || directive.name === 'return' || directive.name === 'rewrite',
  );
  if (!anchor) return undefined;
  const anchorRange = anchor.nameSpan.toRange();
  const indentation = indentationAt(text, anchorRange);
  if (indentation === undefined) return undefined;
  const unit = indentUnit(text, { file: serverLocation.file, range: anchorRange }, serverLocation);
  const start = { line: anchorRange.start.line, character: 0 };
  const newText = `${indentation}location ^~ ${challengePrefix} {\n${indentation}${unit}root ${webroot};\n${indentation}}\n\n`;
  return { title, edits: [{ kind: 'replace', file: serverLocation.file, range: { start, end: start }, newText }], preferred: true, safe: true };
}

/** Turns the challenge's own prefix location into `^~`, so that no regex location is tried after it. */
function noRegexFix(route: ChallengeRoute, prefix: PlacedDirective): Fix | undefined {
  const argument = prefix.directive.args[0];
  const location = argument && prefix.directive.args.length === 1 ? hostLocation(route.nginx.view, prefix.file, argument.span) : undefined;
  if (!location || !argument) return undefined;
  return {
    title: `Make \`location ${argument.value}\` a \`^~\` location, which stops the regex search`,
    edits: [{ kind: 'replace', file: location.file, range: { start: location.range.start, end: location.range.start }, newText: '^~ ' }],
    preferred: true,
    safe: true,
  };
}

/** A plain prefix location for the challenge that a regex beats: worth naming in the message. */
function losingPrefix(server: HttpServer): PlacedDirective | undefined {
  return locationTree(server.block).find(
    (node) => node.matcher.kind === 'prefix' && `${challengePrefix}x`.startsWith(node.matcher.pattern) && node.matcher.pattern.startsWith('/.well-known'),
  )?.value;
}

function describeLocation(entry: PlacedDirective | undefined): string {
  return entry ? `\`location ${entry.directive.args.map((argument) => argument.value).join(' ')}\`` : 'the server itself';
}

function exitSentence(failures: readonly FirstBootFailure[]): string {
  const [first] = failures;
  return first ? `nginx exits on first boot with \`[emerg] ${first.nginxMessage}\`` : '';
}

function failureRelated(failures: readonly FirstBootFailure[]): RelatedLocation[] {
  return failures.slice(0, 3).map((failure) => ({ ...failure.location, message: `nginx stops here on first boot: [emerg] ${failure.nginxMessage}` }));
}

function noServerProblem(route: ChallengeRoute, context: RuleContext): Problem | undefined {
  // an nginx with no server block at all serves nothing: its sites are written where certboot
  // cannot read them (a script rendering a template with `sed … > conf.d/site.conf`, a generator),
  // so what answers on port 80 is unknown, not absent
  if (route.servers.length === 0) return undefined;
  const { deployment, inventory } = context;
  // every socket but plain HTTP on port 80, `listen 80 ssl` included: that is what there is instead
  const secure = route.servers.flatMap((server) =>
    server.listens.filter((socket) => socket.entry && socket.argument && (socket.port !== 80 || socket.ssl)).map((socket) => ({ server, socket })),
  );
  // listens certboot cannot read: what they are is unknown
  if (secure.length === 0) return undefined;
  // nginx answers plain HTTP on a TLS port itself (src/http/ngx_http_request.c, "client sent plain
  // HTTP request to HTTPS port", finalized with NGX_HTTP_TO_HTTPS; ngx_http_special_response.c's page)
  const tlsOnPort80 = secure.some(({ socket }) => socket.port === 80);
  const related: RelatedLocation[] = secure.flatMap(({ socket }) => {
    const location = socket.entry && entryLocation(route.nginx, socket.entry, socket.argument);
    const message =
      socket.port === 80
        ? 'listens on port 80 with TLS (`ssl`): nginx answers a plain HTTP request there with `400 The plain HTTP request was sent to HTTPS port`'
        : `listens on port ${socket.port}${socket.ssl ? ' (TLS)' : ''}, not plain HTTP on port 80`;
    return location ? [{ ...location, message }] : [];
  });
  const firstDomain = route.job?.invocation.domains[0]?.name;
  const jobLocation = route.job && firstDomain ? jobWordLocation(route.job, firstDomain, inventory) : jobRelated(route, context)[0];
  const location = jobLocation ?? related[0];
  if (!location) return undefined;
  const listeners = `its servers listen only on ${[...new Set(secure.map(({ socket }) => `\`${socket.argument?.value ?? socket.port}${socket.ssl ? ' ssl' : ''}\``))].join(', ')}`;
  return {
    location,
    message: (domains) =>
      `No server block of ${describeNginxRunner(route.nginx, deployment.workspaceRoot)} listens for plain HTTP on port 80 (${listeners}), so Let's Encrypt's HTTP-01 request for ${domains}${describeJob(route, deployment)} ` +
      `${tlsOnPort80 ? 'gets `400 The plain HTTP request was sent to HTTPS port`' : 'gets `Connection refused`'} at \`${tokenUrl(route.domain)}\`: certbot fails with \`Certbot failed to authenticate some domains (authenticator: webroot)\`, and ${rateLimit}.`,
    related: jobLocation ? related : related.slice(1),
    fixes: [],
  };
}

function redirectProblem(
  route: ChallengeRoute,
  answer: Extract<ChallengeAnswer, { kind: 'redirected' }>,
  { deployment, facts, inventory }: RuleContext,
): Problem | undefined {
  const failures = facts.blockingFirstBootFailures(route.project, route.nginx);
  const followed = route.followed;
  let beyond: string;
  if (followed && failures.length > 0) beyond = `HTTPS, which cannot answer before the first certificate exists (${exitSentence(failures)})`;
  else if (followed && !followed.server)
    beyond = `HTTPS, where no server of ${describeNginxRunner(route.nginx, deployment.workspaceRoot)} listens with \`ssl\` on port 443`;
  else if (followed?.answer?.kind === 'refused') beyond = `HTTPS, where ${describeLocation(followed.answer.location)} answers ${followed.answer.status}`;
  else return undefined;
  const location = entryLocation(route.nginx, answer.directive);
  if (!location) return undefined;
  const where = answer.serverLevel
    ? `redirects every request with \`${directiveText(answer.directive)}\` at server level, which runs before any location is chosen`
    : `redirects it in ${describeLocation(answer.location)} (\`${directiveText(answer.directive)}\`) and has no \`location ^~ ${challengePrefix}\` before it`;
  const fix = challengeLocationFix(route, answer.server, inventory, 'the redirect', answer.serverLevel ? answer.directive : undefined);
  return {
    location,
    message: (domains) =>
      `The port-80 server for ${domains} (${place(deployment, route.nginx, answer.server.entry)}) ${where}: Let's Encrypt's HTTP-01 request${describeJob(route, deployment)} follows it to ${beyond}, ` +
      `so certbot's webroot is never read and validation fails; ${rateLimit}.`,
    related: failureRelated(failures),
    fixes: fix ? [fix] : [],
  };
}

/** Which port-80 server gets the request, and why when no `server_name` names the domain. */
function reached(route: ChallengeRoute, server: HttpServer, deployment: Deployment): string {
  const where = place(deployment, route.nginx, server.entry);
  if (route.domain === undefined || server.names.includes(route.domain.toLowerCase())) return `the port-80 server (${where})`;
  const matchedByPattern = server.names.some((name) => name.includes('*') || name.startsWith('.') || name.startsWith('~'));
  return matchedByPattern
    ? `the port-80 server (${where}) through its \`server_name ${server.names.join(' ')}\``
    : `the default server of port 80 (${where}), since no \`server_name\` names \`${route.domain}\``;
}

function refusedProblem(
  route: ChallengeRoute,
  answer: Extract<ChallengeAnswer, { kind: 'refused' }>,
  { deployment, inventory }: RuleContext,
): Problem | undefined {
  const regexLocation = answer.location && /^~/.test(answer.location.directive.args[0]?.value ?? '') ? answer.location : undefined;
  const location = regexLocation
    ? entryLocation(route.nginx, regexLocation, regexLocation.directive.args.at(-1))
    : entryLocation(route.nginx, answer.directive);
  if (!location) return undefined;
  const prefix = regexLocation ? losingPrefix(answer.server) : undefined;
  const why = regexLocation
    ? `the regex ${describeLocation(regexLocation)} catches it (regex locations win over prefix locations${prefix ? ` such as ${describeLocation(prefix)}` : ''}; only \`^~\` stops the regex search), and its \`${directiveText(answer.directive)}\` answers ${answer.status}`
    : answer.location
      ? `${describeLocation(answer.location)} handles it, and \`${directiveText(answer.directive)}\` answers ${answer.status}`
      : `its server-level \`${directiveText(answer.directive)}\`, which runs before any location is chosen, answers ${answer.status}`;
  const related: RelatedLocation[] = [];
  if (regexLocation) {
    const handler = entryLocation(route.nginx, answer.directive);
    if (handler) related.push({ ...handler, message: `answers ${answer.status}` });
  }
  if (prefix) {
    const prefixLocation = entryLocation(route.nginx, prefix, prefix.directive.args.at(-1));
    if (prefixLocation) related.push({ ...prefixLocation, message: 'this prefix location loses to the regex' });
  }
  const serverLevel = !answer.location && (answer.directive.directive.name === 'return' || answer.directive.directive.name === 'rewrite');
  const fix = prefix
    ? noRegexFix(route, prefix)
    : challengeLocationFix(route, answer.server, inventory, `\`${directiveText(answer.directive)}\``, serverLevel ? answer.directive : undefined);
  return {
    location,
    message: (domains) =>
      `Let's Encrypt's HTTP-01 request for ${domains}${describeJob(route, deployment)} reaches ${reached(route, answer.server, deployment)}, but ${why}: ` +
      `${answer.status.includes('444') ? `Let's Encrypt gets no response from \`${tokenUrl(route.domain)}\` and certbot fails` : `certbot fails with \`Invalid response from ${tokenUrl(route.domain)}\``}; ${rateLimit}.`,
    related,
    fixes: fix ? [fix] : [],
  };
}

/**
 * The port-80 server answers, but Let's Encrypt knocks on port 80 of the host: the service must
 * publish it there. A warning: a firewall rule or a proxy outside the project may forward port 80.
 */
function publicationProblem(route: ChallengeRoute, deployment: Deployment): Problem | undefined {
  const reach = hostPort80Reach(route.project, route.nginx, 80);
  if (reach.kind === 'published' || reach.kind === 'unknown') return undefined;
  const service = `Service \`${route.nginx.name}\``;
  const consequence = (domains: string): string =>
    `Let's Encrypt's HTTP-01 request for ${domains}${describeJob(route, deployment)} always comes to port 80 of the host (\`${tokenUrl(route.domain)}\`): unless something outside the project forwards host port 80 to the container, it gets \`Connection refused\` or \`Timeout during connect (likely firewall problem)\` and certbot fails; ${rateLimit}.`;
  const server = route.port80 ? place(deployment, route.nginx, route.port80.entry) : 'its port-80 server';
  if (reach.kind === 'elsewhere' || reach.kind === 'loopback') {
    const binding = reach.binding;
    const how =
      reach.kind === 'elsewhere'
        ? `publishes container port 80, where its port-80 server listens (${server}), on host port ${reach.hostPort} only`
        : `publishes container port 80, where its port-80 server listens (${server}), on the loopback address \`${binding.hostIp}\` only`;
    return { location: binding.location, severity: 'warning', message: (domains) => `${service} ${how}: ${consequence(domains)}`, related: [], fixes: [] };
  }
  return {
    location: route.nginx.compose.nameLocation,
    severity: 'warning',
    message: (domains) =>
      `${service} does not publish container port 80, where its port-80 server listens (${server}), on host port 80 (no \`ports:\` entry \`80:80\`): ${consequence(domains)}`,
    related: [],
    fixes: [],
  };
}

function problemOf(route: ChallengeRoute, context: RuleContext): Problem | undefined {
  if (!route.port80) return noServerProblem(route, context);
  return configurationProblem(route, context) ?? publicationProblem(route, context.deployment);
}

function configurationProblem(route: ChallengeRoute, context: RuleContext): Problem | undefined {
  const answer = route.answer;
  if (!answer) return undefined;
  // a challenge that is served once nginx runs is right here; when nginx cannot start at all,
  // missing-certificate-on-first-boot (or missing-include-on-first-boot) and restart-loop-on-first-boot say so, once. A redirect is
  // not served that way: it leads to an HTTPS server that cannot answer before the first
  // certificate exists, and an HTTP-first split leaves nothing on port 443 either
  if (answer.kind === 'redirected') {
    if (context.facts.followedOnFirstBoot(route)?.kind === 'served') return undefined;
    return redirectProblem(route, answer, context);
  }
  if (answer.kind === 'refused') return refusedProblem(route, answer, context);
  return undefined;
}

/**
 * Without a webroot job in sight, nginx naming a certificate that a certbot service creates later
 * still means the challenge must come through it — unless something else validates (DNS plugins,
 * standalone, certbot's own nginx installer).
 */
function impliedRoutes({ deployment, facts }: RuleContext, project: DeployedProject, covered: boolean): ChallengeRoute[] {
  const nginx = frontNginx(project);
  const configuration = nginx?.nginx?.configuration;
  if (covered || !nginx || !configuration) return [];
  const otherValidation = [
    ...project.services.flatMap((service) => service.certbot?.invocations ?? []),
    ...deployment.scripts.flatMap((script) => script.certbotInvocations),
  ].some((invocation) => invocation.authenticator !== undefined && invocation.authenticator.name !== 'webroot');
  const dnsImage = project.services.some((service) => /certbot\/dns-/.test(service.compose.image?.value ?? ''));
  if (otherValidation || dnsImage) return [];
  const names = new Set<string>();
  for (const failure of facts.firstBootFailures(project, nginx)) {
    if (failure.state.state !== 'created-later' || !/\/live\/[^/]+\//.test(failure.path)) continue;
    const lineage = /\/live\/([^/]+)\//.exec(failure.state.writer.pathInWriter)?.[1];
    if (lineage && /^[a-z0-9.-]+\.[a-z]+$/i.test(lineage)) names.add(lineage);
  }
  return [...names].flatMap((name) => {
    const route = routeFor(project, nginx, name, {}, facts.hostScriptWrites);
    return route ? [route] : [];
  });
}

export const acmeChallengeNotServed: Rule = {
  id: 'acme-challenge-not-served',
  category: 'first-boot',
  scope: 'project',
  fixable: 'sometimes',
  offersHttpFirstSplit: true,
  defaultSeverity: 'error',
  summary: 'no plain-HTTP port-80 server answers /.well-known/acme-challenge/ for the domain certbot validates, so HTTP-01 fails',
  check(context) {
    const { deployment, facts } = context;
    // acme.sh's webroot jobs are webroot-mismatch's only: the messages here speak of certbot
    const routes = facts.challengeRoutes.filter((route) => route.job?.program !== 'acme.sh');
    for (const project of deployment.projects)
      routes.push(
        ...impliedRoutes(
          context,
          project,
          routes.some((route) => route.project === project),
        ),
      );
    const collected = new Map<string, Collected>();
    for (const route of routes) {
      const problem = problemOf(route, context);
      if (!problem) continue;
      const key = `${problem.location.file}:${JSON.stringify(problem.location.range)}`;
      const entry = collected.get(key) ?? { problem, domains: new Set<string>(), related: [...problem.related] };
      collected.set(key, entry);
      entry.domains.add(route.domain ?? '');
      for (const related of jobRelated(route, context)) {
        const same = (other: SourceLocation): boolean => other.file === related.file && JSON.stringify(other.range) === JSON.stringify(related.range);
        if (!same(problem.location) && !entry.related.some(same)) entry.related.push(related);
      }
    }
    return [...collected.values()].map(({ problem, domains, related }): RuleFinding => {
      const names = [...domains].filter((name) => name !== '');
      const described = names.length > 0 ? names.map((name) => `\`${name}\``).join(', ') : 'the domain';
      return {
        message: problem.message(described),
        location: problem.location,
        related,
        fixes: problem.fixes,
        ...(problem.severity === undefined ? {} : { severity: problem.severity }),
      };
    });
  },
};
