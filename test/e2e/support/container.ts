// Emulates docker compose containers with plain Linux namespaces, because no Docker
// engine runs on the machines where this tier runs (developers' and CI's alike).
//
// A container here is: a private PID namespace (the command is PID 1, as under
// Docker), a private mount namespace whose root is a copy-on-write overlay of the host's
// root (the "image" is the host's own Debian with its nginx, certbot and pebble), bind
// mounts of host directories over container paths (compose `volumes:`), and a network
// namespace that several containers can share (compose's default network, where nginx
// and certbot reach each other). Nothing a container writes reaches the host except
// through the bind mounts a test asked for, and every bind mount exists only inside
// the container's own mount namespace, so the host's /etc never changes.
//
// Needs root (CAP_SYS_ADMIN) and util-linux's unshare and nsenter, iproute2's ip.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface Mount {
  /** Absolute path on the host: a directory or a file. */
  hostPath: string;
  /** Absolute path inside the container; created in the overlay when the image lacks it. */
  containerPath: string;
  readOnly?: boolean;
}

export type NetworkOption =
  /** A network of its own, removed when the container stops. */
  | 'new'
  /** The network namespace of another container, as services on one compose network. */
  | { join: RunningContainer }
  /** A network made with createNetwork() and shared by several containers. */
  | Network;

export interface ContainerOptions {
  command: string[];
  mounts?: Mount[];
  network?: NetworkOption;
  /** The container starts from a clean environment, as a container starts from its image's. */
  env?: Record<string, string>;
  workingDirectory?: string;
  /** Names that resolve to the shared loopback address, as compose service names resolve. */
  hostnames?: string[];
}

export interface CommandResult {
  /** The exit status; 128 + signal number when a signal ended the process, as shells report it. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

const containerPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const defaultExecTimeoutMs = 30_000;
const defaultStopGraceMs = 3_000;

// The setup runs inside the new namespaces before the command. It reads its own host PID
// from the host's /proc (still mounted at this point) because inside the new PID
// namespace it is PID 1, and the harness needs the host PID to nsenter and to signal it.
// Readiness and the PID go out on fd 3 so that stdout and stderr stay the command's own.
const setupScript = String.raw`
set -eu
read -r host_pid _ < /proc/self/stat
state=$1 working_directory=$2 hostnames=$3
shift 3
mount -t tmpfs -o mode=700 certboot-state "$state"
mkdir "$state/upper" "$state/work" "$state/root"
mount -t overlay -o "lowerdir=/,upperdir=$state/upper,workdir=$state/work" certboot-root "$state/root"
root=$state/root
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs -o mode=755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
for name in $hostnames; do
  printf '127.0.0.1 %s\n::1 %s\n' "$name" "$name" >> "$root/etc/hosts"
done
while [ "$1" != "--" ]; do
  source=$1 target=$root$2 mode=$3
  shift 3
  if [ -d "$source" ]; then
    mkdir -p "$target"
  else
    mkdir -p "$(dirname "$target")"
    [ -e "$target" ] || : > "$target"
  fi
  mount --bind "$source" "$target"
  if [ "$mode" = ro ]; then
    mount -o remount,bind,ro "$target"
  fi
done
shift
mkdir -p "$root$working_directory"
echo "$host_pid" >&3
exec 3>&-
exec chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$working_directory" "$@"
`;

let networkCounter = 0;

/**
 * A named network namespace (`ip netns`), so that it outlives any one container the way
 * a compose network outlives its services. It goes away with its last user.
 */
export class Network {
  readonly name: string;
  private references = 1;
  private removed = false;

  private constructor(name: string) {
    this.name = name;
  }

  /** The creator holds the first reference and gives it back with remove(). */
  static async create(): Promise<Network> {
    networkCounter += 1;
    const name = `certboot-e2e-${process.pid}-${networkCounter}-${randomBytes(3).toString('hex')}`;
    await run('ip', ['netns', 'add', name]);
    const network = new Network(name);
    liveNetworks.add(network);
    try {
      await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      await network.remove();
      throw error;
    }
    return network;
  }

  get path(): string {
    return `/run/netns/${this.name}`;
  }

  retain(): void {
    if (this.removed) throw new Error(`network ${this.name} was already removed`);
    this.references += 1;
  }

  async remove(): Promise<void> {
    this.references -= 1;
    if (this.references > 0 || this.removed) return;
    this.removed = true;
    liveNetworks.delete(this);
    await run('ip', ['netns', 'delete', this.name]);
  }

  /** Deletes the namespace whoever still holds it; processes inside keep it alive until they end. */
  removeNow(): void {
    if (this.removed) return;
    this.removed = true;
    liveNetworks.delete(this);
    execFileSync('ip', ['netns', 'delete', this.name], { stdio: 'ignore' });
  }
}

/** A network for several containers, as compose's default network; remove() it when done. */
export function createNetwork(): Promise<Network> {
  return Network.create();
}

export class RunningContainer {
  /** The command's PID as the host sees it; PID 1 inside the container. */
  readonly pid: number;
  readonly network: Network;
  private readonly child: ChildProcess;
  private readonly stateDirectory: string;
  private readonly output: { stdout: string[]; stderr: string[] };
  private readonly exited: Promise<number>;
  private exitCode: number | undefined;
  private cleanedUp: Promise<void> | undefined;

  constructor(
    child: ChildProcess,
    pid: number,
    network: Network,
    stateDirectory: string,
    output: { stdout: string[]; stderr: string[] },
    exited: Promise<number>,
  ) {
    this.child = child;
    this.pid = pid;
    this.network = network;
    this.stateDirectory = stateDirectory;
    this.output = output;
    this.exited = exited.then((code) => {
      this.exitCode = code;
      return code;
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  logs(): { stdout: string; stderr: string } {
    return { stdout: this.output.stdout.join(''), stderr: this.output.stderr.join('') };
  }

  /** Runs a command inside the running container, as `docker compose exec` does. */
  async exec(command: string[], options: ExecOptions = {}): Promise<CommandResult> {
    if (!this.running) throw new Error(`container ${this.pid} has exited; cannot exec ${command.join(' ')}`);
    const nsenterArguments = [`--target=${this.pid}`, '--mount', '--net', '--pid', '--root', '--wd', '--', ...command];
    return collect(
      spawn('nsenter', nsenterArguments, { env: containerEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe'] }),
      options.timeoutMs ?? defaultExecTimeoutMs,
      command,
    );
  }

  /** Resolves with the exit code; rejects, leaving the container running, when it outlives the timeout. */
  async waitForExit(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const { stdout, stderr } = this.logs();
        reject(new Error(`container ${this.pid} still running after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGTERM, then SIGKILL after the grace period, as `docker stop` does. A PID-namespace
   * init only receives signals it handles, and killing it kills everything in the
   * namespace, so no process of the container survives. Safe to call more than once.
   */
  async stop(graceMs: number = defaultStopGraceMs): Promise<number> {
    if (this.running) {
      signal(this.pid, 'SIGTERM');
      const stopped = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
      if (!stopped) {
        signal(this.pid, 'SIGKILL');
        // unshare itself waits for its child; kill it too in case the setup never ran.
        if (this.child.pid !== undefined) signal(this.child.pid, 'SIGKILL');
      }
    }
    const code = await this.exited;
    await this.cleanUp();
    return code;
  }

  /** Releases the network and the state directory once the namespaces are gone. */
  private cleanUp(): Promise<void> {
    this.cleanedUp ??= (async () => {
      liveContainers.delete(this);
      rmSync(this.stateDirectory, { recursive: true, force: true });
      await this.network.remove();
    })();
    return this.cleanedUp;
  }

  killNow(): void {
    if (this.running) {
      signal(this.pid, 'SIGKILL');
      if (this.child.pid !== undefined) signal(this.child.pid, 'SIGKILL');
    }
    rmSync(this.stateDirectory, { recursive: true, force: true });
  }
}

export async function startContainer(options: ContainerOptions): Promise<RunningContainer> {
  if (options.command.length === 0) throw new Error('a container needs a command');
  const network = await resolveNetwork(options.network ?? 'new');
  const stateDirectory = mkdtempSync(join(tmpdir(), 'certboot-container-'));
  const mountArguments: string[] = [];
  for (const mount of options.mounts ?? []) {
    if (!mount.hostPath.startsWith('/') || !mount.containerPath.startsWith('/')) {
      throw new Error(`mount paths must be absolute: ${mount.hostPath} -> ${mount.containerPath}`);
    }
    mountArguments.push(mount.hostPath, mount.containerPath, mount.readOnly === true ? 'ro' : 'rw');
  }
  const workingDirectory = options.workingDirectory ?? '/';
  const hostnames = (options.hostnames ?? []).join(' ');
  const child = spawn(
    'nsenter',
    [
      `--net=${network.path}`,
      'unshare',
      '--mount',
      '--pid',
      '--fork',
      '--propagation',
      'private',
      '--kill-child',
      '/bin/sh',
      '-c',
      setupScript,
      'certboot-container',
      stateDirectory,
      workingDirectory,
      hostnames,
      ...mountArguments,
      '--',
      ...options.command,
    ],
    { env: containerEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const output = { stdout: [] as string[], stderr: [] as string[] };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.stdout.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.stderr.push(chunk));
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signalName) => resolve(exitStatus(code, signalName)));
    child.once('error', () => resolve(127));
  });

  const control = child.stdio[3] as Readable;
  const reported = await readFirstLine(control);
  const pid = Number.parseInt(reported.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    const code = await exited;
    rmSync(stateDirectory, { recursive: true, force: true });
    await network.remove();
    throw new Error(`container setup failed (exit ${code}) for ${options.command.join(' ')}:\n${output.stderr.join('')}`);
  }
  const container = new RunningContainer(child, pid, network, stateDirectory, output, exited);
  liveContainers.add(container);
  return container;
}

/** Runs a one-shot container to completion, as `docker compose run --rm` does. */
export async function runContainer(options: ContainerOptions, timeoutMs: number = defaultExecTimeoutMs): Promise<CommandResult> {
  const container = await startContainer(options);
  try {
    const exitCode = await container.waitForExit(timeoutMs);
    return { exitCode, ...container.logs() };
  } finally {
    await container.stop();
  }
}

/** Stops whatever a test left running; meant for afterEach hooks. */
export async function stopAllContainers(): Promise<void> {
  await Promise.all([...liveContainers].map((container) => container.stop(0)));
  for (const network of [...liveNetworks]) network.removeNow();
}

const liveContainers = new Set<RunningContainer>();
const liveNetworks = new Set<Network>();

// A test runner that exits with containers still up (a crash, a bail, ^C) must not
// leave nginx processes listening or named network namespaces behind.
process.once('exit', () => {
  for (const container of liveContainers) container.killNow();
  for (const network of liveNetworks) {
    try {
      network.removeNow();
    } catch {
      // Exiting anyway; a namespace that is already gone is what we wanted.
    }
  }
});

async function resolveNetwork(option: NetworkOption): Promise<Network> {
  if (option === 'new') return Network.create();
  const network = option instanceof Network ? option : option.join.network;
  network.retain();
  return network;
}

function containerEnvironment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return { PATH: containerPath, HOME: '/root', LANG: 'C.UTF-8', ...extra };
}

function exitStatus(code: number | null, signalName: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signalName !== null) return 128 + (osConstants.signals[signalName] ?? 0);
  return 1;
}

function signal(pid: number, signalName: NodeJS.Signals): void {
  try {
    process.kill(pid, signalName);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

// The first line, not the whole stream: unshare and nsenter, which wait around the
// command, hold their own copies of fd 3 open until the container exits.
function readFirstLine(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const finish = (): void => {
      stream.destroy();
      resolve(received.split('\n')[0] ?? '');
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) finish();
    });
    stream.once('end', finish);
    stream.once('error', finish);
  });
}

function collect(child: ChildProcess, timeoutMs: number, command: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.join(' ')} did not finish within ${timeoutMs} ms\n${stderr.join('')}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signalName) => {
      clearTimeout(timer);
      resolve({ exitCode: exitStatus(code, signalName), stdout: stdout.join(''), stderr: stderr.join('') });
    });
  });
}

function run(command: string, commandArguments: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, commandArguments, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${commandArguments.join(' ')} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
