import type { BootstrapLayout } from './bootstrap-layout';

/**
 * The one request for the certificate: webroot (nginx keeps port 80), a fixed lineage name so
 * that a changed domain list updates `live/<name>/` instead of creating `<name>-0001`, and
 * `--keep-until-expiring` so that running it again spends nothing of Let's Encrypt's rate limits;
 * the deploy hook enables stage 2 and asks nginx to reload once the certificate exists (certbot
 * stores it for the renewals of the certificate too).
 */
export function certonlyArguments(layout: BootstrapLayout): string[] {
  return [
    'certonly',
    '--webroot',
    '-w',
    layout.webroot.certbotPath,
    '--cert-name',
    layout.lineage,
    ...layout.domains.flatMap((domain) => ['-d', domain]),
    '--email',
    layout.email,
    '--agree-tos',
    '--no-eff-email',
    '--non-interactive',
    '--keep-until-expiring',
    '--deploy-hook',
    layout.hookContainerPath,
    ...(layout.staging ? ['--staging'] : []),
  ];
}
