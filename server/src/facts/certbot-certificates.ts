import type { ConfigurationFile, NginxConfiguration } from '../languages/nginx/configuration';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { SourceLocation } from '../text/source-location';
import type { DeployedService } from '../model/deployment';
import { hostLocation } from '../model/locations';

/** An `ssl_certificate` of an nginx service that certbot manages. */
export interface CertbotCertificate {
  readonly directive: NginxDirective;
  readonly file: ConfigurationFile;
  /** The path as nginx resolves it. */
  readonly path: string;
  /** Its argument in the repository, when the file is bind-mounted from it. */
  readonly location?: SourceLocation;
  /** The compose service that writes it, when certbot runs in this project. */
  readonly writer?: string;
  /** The enclosing `server` block; undefined at `http` level. */
  readonly server?: NginxDirective;
}

/** certbot's layout (`…/letsencrypt/live/<name>/…`) even where the certbot writing it runs elsewhere (on the host). */
const certbotLivePath = /\/letsencrypt\/live\/[^/]+\/[^/]+$/;

/**
 * The certificates an nginx service loads from certbot, in `configuration` (by default the one
 * it loads at start): paths another service's certbot writes through a shared mount, or paths in
 * certbot's own layout. Paths with variables are loaded per handshake and are left out.
 */
export function certbotCertificates(
  service: DeployedService,
  configuration: NginxConfiguration | undefined = service.nginx?.configuration,
): CertbotCertificate[] {
  if (!configuration) return [];
  const certificates: CertbotCertificate[] = [];
  const visit = (file: ConfigurationFile, directives: readonly NginxDirective[], server: NginxDirective | undefined): void => {
    for (const directive of directives) {
      // arguments are read from the text when first asked for: only those of the directive sought
      const argument = directive.name === 'ssl_certificate' && directive.args.length === 1 ? directive.args[0] : undefined;
      if (argument && !argument.value.includes('$') && argument.value.startsWith('/')) {
        const state = service.view.firstBootState(argument.value);
        const writer = state.state === 'created-later' ? state.writer.service : undefined;
        if (writer !== undefined || certbotLivePath.test(argument.value)) {
          const location = hostLocation(service.view, file, argument.span);
          certificates.push({
            directive,
            file,
            path: argument.value,
            ...(location ? { location } : {}),
            ...(writer !== undefined ? { writer } : {}),
            ...(server ? { server } : {}),
          });
        }
      }
      if (directive.block) visit(file, directive.block, directive.name === 'server' ? directive : server);
    }
  };
  for (const file of configuration.files) visit(file, file.syntax.directives, undefined);
  return certificates;
}
