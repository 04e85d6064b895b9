/**
 * The absolute paths a start script (a container's CMD or ENTRYPOINT script, or a compose
 * `sh -c` body) may write before it starts nginx: redirection targets (`> /etc/nginx/conf.d/x`,
 * `envsubst < t > f`, heredocs), and the paths of the commands that create, copy, move, edit or
 * remove files (`mkdir -p`, `cp`, `mv`, `install`, `tee`, `touch`, `ln`, `rm`, `sed -i`,
 * `openssl … -out`). A path written with a variable stands for the directory before it
 * (`/etc/nginx/ssl/dummy/$domain/fullchain.pem` → `/etc/nginx/ssl/dummy`): what lies there is
 * unknown until the container runs. Read from the text, so a write in a branch or a function
 * counts too: it may happen.
 */
const writingCommands = new Set(['mkdir', 'cp', 'mv', 'install', 'tee', 'touch', 'ln', 'rm', 'openssl', 'rsync']);

const pathPattern = /(?:^|[\s=:'"(<>])(\/[^\s'";|&()<>`]*)/g;
const redirection = /(?:^|[^<>&0-9])[0-9]?>>?\|?\s*["']?(\/[^\s'";|&()<>`]*)/g;

/** The directory a written path certainly lies in: the path up to its first expansion or glob. */
function knownPrefix(path: string): string | undefined {
  const cut = path.search(/[$*?[{~]/);
  const written = cut < 0 ? path : path.slice(0, path.lastIndexOf('/', cut));
  const trimmed = written.replace(/\/+$/, '');
  return trimmed === '' ? undefined : trimmed;
}

export function pathsWrittenByScript(text: string): string[] {
  const written = new Set<string>();
  const add = (path: string): void => {
    const prefix = knownPrefix(path);
    if (prefix !== undefined) written.add(prefix);
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trimStart().startsWith('#')) continue;
    for (const match of line.matchAll(redirection)) add(match[1]);
    for (const segment of line.split(/&&|\|\||;|\s\|\s/)) {
      const words = segment.trim().split(/\s+/);
      const command = (words[0] === 'exec' || words[0] === 'sudo' ? words[1] : words[0])?.split('/').pop() ?? '';
      const edits = command === 'sed' && words.some((word) => /^-[a-zA-Z]*i/.test(word) || word.startsWith('--in-place'));
      if (!writingCommands.has(command) && !edits) continue;
      for (const match of segment.matchAll(pathPattern)) add(match[1]);
    }
  }
  // /dev/null and the like are no files of the configuration
  return [...written].filter((path) => !/^\/(dev|proc|sys|tmp)(\/|$)/.test(path));
}

/** The scripts a text runs by absolute path, as a command (`/init.sh && nginx`) or through a shell (`sh /init.sh`). */
export function scriptsRunBy(text: string): string[] {
  const scripts = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    for (const segment of line.split(/&&|\|\||;|\s\|\s/)) {
      const words = segment.trim().split(/\s+/);
      const first =
        words[0] === 'exec' || words[0] === 'source' || words[0] === '.' || /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash)$/.test(words[0] ?? '')
          ? words[1]
          : words[0];
      if (first?.startsWith('/') && !/[$*?]/.test(first)) scripts.add(first.replace(/^["']|["']$/g, ''));
    }
  }
  return [...scripts];
}
