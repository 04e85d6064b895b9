import { builtInCertbotPlugins, type CertbotIssuer, optionLastWord } from '../../facts/certificate-issuers';
import { describeRunOrigin, runWordLocation } from '../../facts/certbot-runs';
import type { CertbotOption } from '../../languages/shell/certbot-invocation';
import type { Rule, RuleFinding } from '../rule';

/** The option that names a plugin (`--nginx`, `-a dns-route53`, `-i nginx`), with the plugin. */
function requestedPlugins(issuer: CertbotIssuer): { plugin: string; option: CertbotOption }[] {
  const requested: { plugin: string; option: CertbotOption }[] = [];
  for (const option of issuer.run.invocation.options) {
    if (option.name === '--nginx' || option.name === '--apache' || /^--dns-[a-z0-9]+$/.test(option.name))
      requested.push({ plugin: option.name.slice(2), option });
    else if ((option.name === '--authenticator' || option.name === '--installer') && option.value?.literal)
      requested.push({ plugin: option.value.value, option });
  }
  return requested;
}

/** What a service's command adds to its image before certbot runs: a `pip install` makes the plugins unknown. */
function installsPackages(issuer: CertbotIssuer): boolean {
  const command = issuer.run.invocation.command;
  const words = [command.name, ...command.arguments].map((word) => word?.value ?? '');
  if (words.some((word) => /\bpip3?\b|\bapk\b|\bapt(-get)?\b/.test(word))) return true;
  const service = issuer.image?.service;
  const written = [service?.compose.entrypoint?.value, service?.compose.command?.value].flat().join(' ');
  return /\bpip3?\b|\bapk\b|\bapt(-get)?\b/.test(written);
}

/**
 * certbot's own plugins are webroot, standalone, manual and null (certbot/pyproject.toml); the
 * `certbot/certbot` image installs nothing else and each `certbot/dns-<provider>` image adds its one
 * plugin (tools/docker/Dockerfile, tools/docker/lib/common). certbot then stops with plugins/selection.py's
 * "The requested <name> plugin does not appear to be installed".
 */
export const certbotPluginNotInImage: Rule = {
  id: 'certbot-plugin-not-in-image',
  category: 'issuance',
  scope: 'project',
  fixable: 'never',
  defaultSeverity: 'error',
  summary: 'certbot asks for a plugin its image does not have: `--nginx` or `--apache` in `certbot/certbot`, a DNS provider of another `certbot/dns-*` image',
  check({ deployment, facts, inventory }) {
    const findings: RuleFinding[] = [];
    for (const issuer of facts.certbotIssuers) {
      const image = issuer.image;
      if (!image?.official || installsPackages(issuer)) continue;
      for (const { plugin, option } of requestedPlugins(issuer)) {
        if (builtInCertbotPlugins.has(plugin) || image.extraPlugins.includes(plugin)) continue;
        const last = optionLastWord(option);
        const location = runWordLocation(issuer.run, option.word, inventory, last);
        if (!location) continue;
        const written = last === option.word ? `\`${option.word.value}\`` : `\`${option.word.value} ${last.value}\``;
        const advice =
          plugin === 'nginx' || plugin === 'apache'
            ? `The ${plugin} plugin edits a ${plugin} configuration and reloads ${plugin} in the same container, and there is none in certbot's image: use \`certonly --webroot -w <directory nginx serves /.well-known/acme-challenge/ from>\` and reload nginx from a deploy hook.`
            : plugin.startsWith('dns-')
              ? `Run it in the \`certbot/${plugin}\` image, which carries that plugin.`
              : "Build an image that installs the plugin, or use one of certbot's own (webroot, standalone, manual).";
        findings.push({
          message:
            `certbot asks for the ${plugin} plugin (${written} in ${describeRunOrigin(issuer.run, deployment.workspaceRoot)}), and the image \`${image.reference}\` it runs in does not have it: ` +
            `it holds certbot's own plugins (webroot, standalone, manual)${image.extraPlugins.length > 0 ? ` and ${image.extraPlugins.join(', ')}` : ''}. ` +
            `certbot stops with "The requested ${plugin} plugin does not appear to be installed" and no certificate is issued. ${advice}`,
          location,
          related: image.location ? [{ ...image.location, message: `the image certbot runs in` }] : [],
          fixes: [],
        });
      }
    }
    return findings;
  },
};
