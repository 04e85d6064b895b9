import { posix } from 'node:path';
import type { NginxConfiguration } from '../languages/nginx/configuration';
import { expandGlob, GlobLimitError, hasGlobMagic } from '../languages/nginx/glob';
import type { NginxDirective } from '../languages/nginx/syntax-tree';
import type { DeployedService } from '../model/deployment';
import { type NginxBlock, placedDirectivesNamed } from '../model/nginx-blocks';
import { type FileSystem, FileSystemError } from '../workspace/file-system';
import { ContainerView } from '../model/container-view';

const certbotOptionsFile = 'options-ssl-nginx.conf';

/** Asks the container view, and remembers whether it ever answered "unknown". */
class UnknownWatcher implements FileSystem {
  sawUnknown = false;

  constructor(private readonly view: FileSystem) {}

  private watch<Result>(read: () => Result): Result {
    try {
      return read();
    } catch (error) {
      if (error instanceof FileSystemError && error.code === 'UNKNOWN') this.sawUnknown = true;
      throw error;
    }
  }

  stat(path: string) {
    // a file the view cannot tell about (a start script may write it) is not simply missing
    if (this.view instanceof ContainerView && this.view.firstBootState(path).state === 'unknown') this.sawUnknown = true;
    return this.view.stat(path);
  }

  readFile(path: string): Uint8Array {
    return this.watch(() => this.view.readFile(path));
  }

  readDirectory(path: string): string[] {
    return this.watch(() => this.view.readDirectory(path));
  }
}

/**
 * The `include` directives of a service's configuration whose files certboot cannot see: a path,
 * or a directory a glob lists, that neither the repository nor the image certboot knows holds
 * (a host's /etc/nginx/sites-enabled/, a directory a Dockerfile fills), and a file that appears
 * only later (certbot's options-ssl-nginx.conf). What they hold may define servers, variables and
 * zones, so the checks that need the whole configuration stay silent.
 */
export function unseenIncludes(service: DeployedService, configuration: NginxConfiguration): Set<NginxDirective> {
  const unseen = new Set<NginxDirective>();
  const main = service.nginx?.mainConfigurationPath ?? configuration.files[0]?.path ?? '/';
  const base = { path: posix.dirname(main), display: posix.dirname(main) };
  for (const directive of configuration.includes.keys()) {
    const pattern = directive.args[0]?.value ?? '';
    // a file missing on the first boot has content certboot cannot see either, but for certbot's own
    // options-ssl-nginx.conf: TLS settings and one session cache (certbot-nginx's tls_configs/)
    if (!hasGlobMagic(pattern)) {
      const path = posix.resolve(base.path, pattern);
      if (service.view.firstBootState(path).state !== 'present' && posix.basename(path) !== certbotOptionsFile) unseen.add(directive);
      continue;
    }
    const watcher = new UnknownWatcher(service.view);
    try {
      expandGlob(watcher, pattern, base, 20_000);
    } catch (error) {
      if (!(error instanceof FileSystemError || error instanceof GlobLimitError)) throw error;
      unseen.add(directive);
    }
    if (watcher.sawUnknown) unseen.add(directive);
  }
  return unseen;
}

/** Whether certboot sees everything the block holds: no include inside it (at any depth) is among the `unseen`. */
export function blockIsSeenWhole(unseen: ReadonlySet<NginxDirective>, block: NginxBlock): boolean {
  if (unseen.size === 0) return true;
  return !placedDirectivesNamed(block, new Set(['include'])).some((entry) => unseen.has(entry.directive));
}
