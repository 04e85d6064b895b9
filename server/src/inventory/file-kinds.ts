import { posix } from 'node:path';
import { composeFileNames, overrideFileNames } from '../languages/compose/index';
import { type BlockContext, mainContext } from '../languages/nginx/analyzer';

/**
 * The block an nginx file's directives stand in when nginx reads it: `main` for a whole
 * configuration (nginx.conf), `http` for a file of `server` blocks, `server` for a fragment
 * included in one; `unknown` when nothing tells.
 */
export type NginxContext = 'main' | 'http' | 'server' | 'events' | 'stream' | 'unknown';

/**
 * What a file of the workspace is to certboot. A file may be several things at once (a shell
 * script in `cron.d/` is a cron file too); a file that is none of them is not ours.
 */
export type FileKind =
  /** A file compose reads in its directory, which is then the compose project's directory. */
  | { readonly kind: 'compose'; readonly projectDirectory: string; readonly role: 'main' | 'override' }
  | { readonly kind: 'nginx'; readonly context: NginxContext }
  | { readonly kind: 'shell' }
  | { readonly kind: 'dockerfile' }
  /** A `.tf` file, or the variable values beside it (`terraform.tfvars`, `*.auto.tfvars`, `*.tfvars.json`). */
  | { readonly kind: 'terraform' }
  /** A file that may be a CloudFormation template: its text decides (every template names an `AWS::` type). */
  | { readonly kind: 'cloudformation'; readonly format: 'yaml' | 'json' }
  /** What compose reads as variables: `.env`, `*.env`. */
  | { readonly kind: 'env' }
  /** A cron file or a systemd unit: what runs commands on a schedule on the host. */
  | { readonly kind: 'schedule'; readonly scheduler: 'cron' | 'systemd' };

export type FileKindName = FileKind['kind'];

const nginxDirectoryNames: ReadonlySet<string> = new Set(['conf.d', 'sites-available', 'sites-enabled', 'snippets', 'templates', 'nginx']);

/**
 * Whether a file is nginx configuration, and in which context nginx reads it — the one place
 * certboot decides it for a file no service is known to load (a file a service loads is read in
 * the context its `include` gives it, by the model), from its name: every `nginx.conf`
 * (a main configuration), every `*.nginx`, and `.conf` / `.conf.template` files below a
 * directory named like nginx's own (`conf.d/`, `sites-enabled/`, `nginx/`…), whose context
 * depends on the include that loads them. Its content then has the last word
 * (Inventory.nginxContext, nginx-content.ts).
 */
export function nginxContextOf(path: string, root: string): NginxContext | undefined {
  const name = posix.basename(path);
  if (name === 'nginx.conf') return 'main';
  if (name.endsWith('.nginx')) return 'unknown';
  if (!name.endsWith('.conf') && !name.endsWith('.conf.template')) return undefined;
  const directories = posix.relative(root, posix.dirname(path)).split('/');
  return directories.some((directory) => nginxDirectoryNames.has(directory)) ? 'unknown' : undefined;
}

const blockContexts: Readonly<Record<NginxContext, BlockContext | undefined>> = {
  main: mainContext,
  http: ['http'],
  server: ['http', 'server'],
  events: ['events'],
  stream: ['stream'],
  unknown: undefined,
};

/** The parser's block context for a file read in `context`; undefined when unknown, and then nginx's context checks are skipped. */
export function blockContextOf(context: NginxContext): BlockContext | undefined {
  return blockContexts[context];
}

/** Downloaded modules (`.terraform/`) and generated templates (`cdk.out/`, `.aws-sam/`) are nobody's source. */
function isGenerated(path: string): boolean {
  return /\/(\.terraform|cdk\.out|\.aws-sam)\//.test(path);
}

function isTerraformFile(path: string): boolean {
  return path.endsWith('.tf') || posix.basename(path) === 'terraform.tfvars' || path.endsWith('.auto.tfvars') || path.endsWith('.tfvars.json');
}

function templateFormat(path: string): 'yaml' | 'json' | undefined {
  if (/\.(ya?ml)$/.test(path)) return 'yaml';
  if (/\.json$/.test(path)) return 'json';
  // CloudFormation's own samples name templates `*.template`, in JSON or YAML
  if (path.endsWith('.template') && !path.endsWith('.conf.template')) return 'yaml';
  return undefined;
}

function schedulerOf(path: string): 'cron' | 'systemd' | undefined {
  const name = posix.basename(path);
  const directory = posix.basename(posix.dirname(path));
  if (name === 'crontab' || name.endsWith('.cron') || name.endsWith('.crontab') || directory === 'cron.d' || directory === 'crontabs') return 'cron';
  return name.endsWith('.service') || name.endsWith('.timer') ? 'systemd' : undefined;
}

/** What a file below `root` is, from its path; an empty list: not ours. */
export function classifyFile(path: string, root: string): FileKind[] {
  const kinds: FileKind[] = [];
  const name = posix.basename(path);
  if (composeFileNames.includes(name)) kinds.push({ kind: 'compose', projectDirectory: posix.dirname(path), role: 'main' });
  else if (overrideFileNames.includes(name)) kinds.push({ kind: 'compose', projectDirectory: posix.dirname(path), role: 'override' });
  const context = nginxContextOf(path, root);
  if (context !== undefined) kinds.push({ kind: 'nginx', context });
  if (name.endsWith('.sh')) kinds.push({ kind: 'shell' });
  if (/^Dockerfile|\.Dockerfile$|^Containerfile/.test(name)) kinds.push({ kind: 'dockerfile' });
  if (!isGenerated(path)) {
    if (isTerraformFile(path)) kinds.push({ kind: 'terraform' });
    const format = templateFormat(path);
    if (format !== undefined) kinds.push({ kind: 'cloudformation', format });
  }
  if (name.endsWith('.env')) kinds.push({ kind: 'env' });
  const scheduler = schedulerOf(path);
  if (scheduler !== undefined) kinds.push({ kind: 'schedule', scheduler });
  return kinds;
}
