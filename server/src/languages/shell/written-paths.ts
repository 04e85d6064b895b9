import { posix } from 'node:path';

/**
 * The absolute paths a start script (a container's CMD or ENTRYPOINT script, or a compose
 * `sh -c` body) may write before it starts nginx: redirection targets (`> /etc/nginx/conf.d/x`,
 * `envsubst < t > f`, heredocs), and the paths of the commands that create, copy, move, edit or
 * remove files (`mkdir -p`, `cp`, `mv`, `install`, `tee`, `touch`, `ln`, `rm`, `sed -i`,
 * `openssl … -out`, `acme.sh … --fullchain-file`). Lines continued with a backslash are read as one. A variable the script
 * assigns a literal path (`KEY=/etc/ssl/key.pem`, then `openssl … -keyout "$KEY"`) stands for
 * each path it assigns; any other variable stands for the directory before it
 * (`/etc/nginx/ssl/dummy/$domain/fullchain.pem` → `/etc/nginx/ssl/dummy`): what lies there is
 * unknown until the container runs. Read from the text, so a write in a branch or a function
 * counts too: it may happen.
 */
const writingCommands = new Set(['mkdir', 'cp', 'mv', 'install', 'tee', 'touch', 'ln', 'rm', 'openssl', 'rsync', 'acme.sh']);

const pathPattern = /(?:^|[\s=:'"(<>])(\/[^\s'";|&()<>`]*)/g;
const redirection = /(?:^|[^<>&0-9])[0-9]?>>?\|?\s*["']?(\/[^\s'";|&()<>`]*)/g;

/** The directory a written path certainly lies in: the path up to its first expansion or glob. */
function knownPrefix(path: string): string | undefined {
  const cut = path.search(/[$*?[{~]/);
  const written = cut < 0 ? path : path.slice(0, path.lastIndexOf('/', cut));
  const trimmed = written.replace(/\/+$/, '');
  return trimmed === '' ? undefined : trimmed;
}

/** The script's lines as the shell reads them: a line ending in a backslash goes on with the next. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const line of text.split(/\r?\n/)) {
    if (!line.trimStart().startsWith('#') && /(?:^|[^\\])(?:\\\\)*\\$/.test(line)) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(current + line);
    current = '';
  }
  if (current !== '') lines.push(current);
  return lines;
}

const assignment =
  /^\s*(?:(?:then|do|else|\{)\s+)?(?:(?:export|local|readonly|declare)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)=(?:"([^"`$\\]*)"|'([^']*)'|([^\s'"`$\\;|&()<>#]*))\s*(?:#.*)?$/;

/** The literal values the script assigns each variable, anywhere (a branch or a function may assign it). */
function assignedPaths(lines: readonly string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const segment of lines.flatMap((line) => line.split(/;|&&|\|\|/))) {
    const match = assignment.exec(segment);
    const value = match?.[2] ?? match?.[3] ?? match?.[4];
    if (!match || value === undefined || !value.startsWith('/')) continue;
    const name = match[1] as string;
    values.set(name, [...new Set([...(values.get(name) ?? []), value])]);
  }
  return values;
}

/** A line with each `$NAME` / `${NAME}` the script assigns a path replaced by each of those paths (a few variants at most). */
function withAssignedPaths(line: string, values: ReadonlyMap<string, readonly string[]>): string[] {
  let variants = [line];
  for (const match of line.matchAll(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g)) {
    const paths = values.get((match[1] ?? match[2]) as string);
    if (!paths) continue;
    variants = variants.flatMap((variant) => paths.map((path) => variant.replace(match[0], path))).slice(0, 16);
  }
  return variants;
}

/** A path relative to where the script runs (`./conf.d/site.conf`, `conf.d/$name.conf`): a word with a slash that starts with none. */
const relativePathPattern = /(?:^|[\s=:'"(<>])((?:\.\.?\/|[A-Za-z0-9_.-]+\/)[^\s'";|&()<>`]*)/g;
const relativeRedirection = /(?:^|[^<>&0-9])[0-9]?>>?\|?\s*["']?((?:\.\.?\/|[A-Za-z0-9_.-]+\/)[^\s'";|&()<>`]*)/g;

/**
 * With `relative`, also the paths written relative to where the script runs (a script run on
 * the host writes into the repository's directories): `./conf.d`, `certbot/conf`, as written.
 */
export function pathsWrittenByScript(text: string, options: { readonly relative?: boolean } = {}): string[] {
  const written = new Set<string>();
  const add = (path: string): void => {
    const prefix = knownPrefix(path);
    if (prefix !== undefined) written.add(prefix);
  };
  const lines = logicalLines(text);
  const values = assignedPaths(lines);
  for (const line of lines.flatMap((line) => withAssignedPaths(line, values))) {
    if (line.trimStart().startsWith('#')) continue;
    for (const match of line.matchAll(redirection)) add(match[1]);
    if (options.relative) for (const match of line.matchAll(relativeRedirection)) add(match[1]);
    for (const segment of line.split(/&&|\|\||;|\s\|\s/)) {
      const words = segment.trim().split(/\s+/);
      const commandIndex = words[0] === 'exec' || words[0] === 'sudo' ? 1 : 0;
      const command = words[commandIndex]?.split('/').pop() ?? '';
      const edits = command === 'sed' && words.some((word) => /^-[a-zA-Z]*i/.test(word) || word.startsWith('--in-place'));
      if (!writingCommands.has(command) && !edits) continue;
      // the program's own path is no file it writes, nor is openssl's subject (`-subj /CN=example.org`)
      const rest = ` ${words.slice(commandIndex + 1).join(' ')}`;
      // … nor is sed's script (`sed -i "s/a/b/g" file`)
      const operands =
        command === 'openssl'
          ? rest.replace(/\s-subj\s+(?:'[^']*'|"[^"]*"|\S+)/g, ' ')
          : edits
            ? rest.replace(/\s(?:-e\s+)?(?:'[sy][/|#,:][^']*'|"[sy][/|#,:][^"]*"|[sy][/|#,:]\S*)/g, ' ')
            : rest;
      for (const match of operands.matchAll(pathPattern)) add(match[1]);
      if (options.relative) for (const match of operands.matchAll(relativePathPattern)) add(match[1]);
    }
  }
  // /dev/null and the like are no files of the configuration
  return [...written].filter((path) => !/^\/(dev|proc|sys|tmp)(\/|$)/.test(path));
}

/**
 * The file a command word runs: an absolute path, or a relative one read from the directory the
 * command runs in, when that is known (through a shell, `sh start.sh`, any relative path; as a
 * command, `./start.sh`, one with a slash: a bare name is looked up in PATH). undefined for words
 * the shell expands.
 */
export function scriptPath(word: string, workingDirectory: string | undefined, throughShell: boolean): string | undefined {
  const path = word.replace(/^["']|["']$/g, '');
  if (path === '' || path.startsWith('-') || /[$*?`=]/.test(path)) return undefined;
  if (path.startsWith('/')) return path;
  return workingDirectory !== undefined && (throughShell || path.includes('/')) ? posix.join(workingDirectory, path) : undefined;
}

const shellProgram = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash)$/;

/** Whether a program word is a shell that runs the script its next word names (`sh`, `/bin/bash`). */
export function isShellProgram(word: string): boolean {
  return shellProgram.test(word);
}

/**
 * The scripts a text runs, as a command (`/init.sh && nginx`, `./start.sh`) or through a shell
 * (`sh /init.sh`, `sh start.sh`, `. /env.sh`): see scriptPath.
 */
export function scriptsRunBy(text: string, workingDirectory?: string): string[] {
  const scripts = new Set<string>();
  for (const line of logicalLines(text)) {
    for (const segment of line.split(/&&|\|\||;|\s\|\s/)) {
      const words = segment.trim().split(/\s+/);
      const throughShell = words[0] === 'source' || words[0] === '.' || isShellProgram(words[0] ?? '');
      const first = words[0] === 'exec' || throughShell ? words[1] : words[0];
      const path = first === undefined ? undefined : scriptPath(first, workingDirectory, throughShell);
      if (path !== undefined) scripts.add(path);
    }
  }
  return [...scripts];
}
