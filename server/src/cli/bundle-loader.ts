import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Where certboot keeps what it reuses between runs: $XDG_CACHE_HOME/certboot, else
 * ~/.cache/certboot (%LOCALAPPDATA%\certboot\cache on Windows); undefined without a home.
 */
export function cacheDirectory(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (environment.XDG_CACHE_HOME) return join(environment.XDG_CACHE_HOME, 'certboot');
  if (process.platform === 'win32' && environment.LOCALAPPDATA) return join(environment.LOCALAPPDATA, 'certboot', 'cache');
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return home ? join(home, '.cache', 'certboot') : undefined;
}

/** The directory of V8's code caches, one file per bundle and content; none when CERTBOOT_NO_CODE_CACHE is set to anything but the empty string. */
export function codeCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (environment.CERTBOOT_NO_CODE_CACHE) return undefined;
  const directory = cacheDirectory(environment);
  return directory === undefined ? undefined : join(directory, 'code');
}

type ModuleFunction = (exports: object, require: NodeJS.Require, module: { exports: unknown }, filename: string, directory: string) => void;

/**
 * Runs a CommonJS bundle of dist/ as `require` would, with V8's code cache: compiling the
 * megabyte of the command bundle, and then each function it runs, is most of what a `certboot
 * lint` of a small project costs. The first run stores the compiled code V8 has when the
 * process exits; later runs start from it.
 *
 * A cache entry is named by the bundle's name and the SHA-256 of its bytes, Node's version and
 * the architecture, so a changed bundle (another build, another release) never meets a stale
 * entry; V8 also refuses data made by another V8 or with other flags, and then the bundle is
 * compiled from its text and the entry replaced. The cache holds compiled code only, never a
 * result: what certboot reports does not depend on it. Nothing is cached when the directory
 * cannot be written.
 */
export function loadBundle(file: string, directory: string | undefined = codeCacheDirectory()): unknown {
  const bytes = readFileSync(file);
  const name = basename(file);
  const key = createHash('sha256').update(bytes).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 32);
  const entry = directory === undefined ? undefined : join(directory, `${name}-${key}.v8`);
  let cachedData: Buffer | undefined;
  if (entry !== undefined) {
    try {
      cachedData = readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
  }
  // the wrapper Node puts around a CommonJS file, on the bundle's first line as Node does
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${bytes.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  if (entry !== undefined && directory !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => storeCodeCache(script, directory, entry, name));
  }
  const module = { exports: {} };
  (script.runInThisContext() as ModuleFunction).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/** Writes the entry in one step (another certboot may be reading it) and removes the bundle's older entries. */
function storeCodeCache(script: Script, directory: string, entry: string, name: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const temporary = `${entry}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, entry);
    for (const other of readdirSync(directory)) {
      if (other.startsWith(`${name}-`) && other.endsWith('.v8') && join(directory, other) !== entry) unlinkSync(join(directory, other));
    }
  } catch {
    // a cache that cannot be written is only a slower next run
  }
}
