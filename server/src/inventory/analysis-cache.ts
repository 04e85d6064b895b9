import type { ComposeProject } from '../languages/compose/model';
import type { ParsedNginxFile } from '../languages/nginx/configuration';
import type { CertbotInvocation } from '../languages/shell/certbot-invocation';
import type { DummyCertificateScript } from '../languages/shell/dummy-certificate-script';
import type { ShellScript } from '../languages/shell/shell-script';
import type { RecordedReads } from '../workspace/recording-file-system';
import { RoundCache } from '../workspace/round-cache';

/** A repository script as the deployment model reads it, apart from its path. */
export interface ReadScript {
  readonly script: ShellScript;
  readonly certbotInvocations: readonly CertbotInvocation[];
  readonly dummyCertificates?: DummyCertificateScript;
}

/**
 * What the language server keeps between the analyses of one workspace root: parsed nginx
 * files, shell scripts and compose projects, reused while what they were read from stays the
 * same. The CLI analyses once and keeps none.
 */
export class AnalysisCache {
  /** By path and the block context the file was parsed in. */
  readonly nginxFiles = new RoundCache<ParsedNginxFile>();
  /** By path. */
  readonly scripts = new RoundCache<{ readonly text: string; readonly read: ReadScript }>();
  /** By project directory, with every question the loading asked of the file system. */
  readonly composeProjects = new RoundCache<{ readonly reads: RecordedReads | undefined; readonly project: ComposeProject }>();

  nextRound(): void {
    this.nginxFiles.nextRound();
    this.scripts.nextRound();
    this.composeProjects.nextRound();
  }
}
