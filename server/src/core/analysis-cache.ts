import type { ComposeProject } from './compose/model';
import type { NginxFile } from './nginx/syntax-tree';
import type { CertbotInvocation } from './shell/certbot-invocation';
import type { DummyCertificateScript } from './shell/dummy-certificate-script';
import type { ShellScript } from './shell/shell-script';
import type { RecordedReads } from './workspace/recording-file-system';

/**
 * Values carried from one analysis to the next: the language server analyses on every edit,
 * and most files did not change since the last one. A value is reused only when `reusable`
 * says its inputs are the same. Each round keeps only what it used, so the cache holds the
 * workspace's working set and no more.
 */
export class RoundCache<Value> {
  private kept = new Map<string, Value[]>();
  private used = new Map<string, Value[]>();

  /** Starts a round: what the previous round did not use is forgotten. */
  nextRound(): void {
    this.kept = this.used;
    this.used = new Map();
  }

  /**
   * The value for `key` that `reusable` accepts, else a new one. A kept value is handed out
   * once per round: a second request in the same round computes its own, so one analysis never
   * shares a value between two places that used to get one each.
   */
  get(key: string, reusable: (value: Value) => boolean, compute: () => Value): Value {
    const candidates = this.kept.get(key);
    const index = candidates?.findIndex(reusable) ?? -1;
    const value = candidates && index >= 0 ? (candidates.splice(index, 1)[0] as Value) : compute();
    const used = this.used.get(key);
    if (used) used.push(value);
    else this.used.set(key, [value]);
    return value;
  }
}

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
  readonly nginxFiles = new RoundCache<{ readonly bytes: Uint8Array; readonly file: NginxFile }>();
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
