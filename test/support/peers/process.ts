// Start and stop real peer programs (SIPp, Kamailio) by the PID we hold.
//
// - Each peer is spawned as our own child, in its own process group
//   (`detached`), so its PID is also the group id: stopping signals that group
//   only, which also takes down the worker processes Kamailio forks. Nothing is
//   ever killed by name.
// - Stop = SIGTERM, then SIGKILL after a grace period.
// - A stuck peer never outlives the test run: every live peer is SIGKILLed in
//   a process 'exit' hook, `stopAllPeers()` is meant for an afterAll (see
//   `usePeerCleanup()`), and where util-linux's `setpriv` is available the peer
//   is started through it with a parent-death signal (`setpriv` execs the peer,
//   so the PID stays the peer's), which covers a test worker that is killed
//   hard and runs no hooks at all.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly pid: number;
  readonly label: string;
  /** Resolves when the process has exited (and been reaped). */
  readonly exited: Promise<ExitStatus>;
  /** True until the process has exited. */
  running(): boolean;
  /** Everything it wrote to stdout/stderr so far (the tail, if very long). */
  output(): string;
  /** SIGTERM the process group, SIGKILL after `graceMs`; resolves once gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** Name used in messages. */
  label: string;
  /** Signal the peer gets when this process dies (Linux, via setpriv). */
  parentDeathSignal?: 'KILL' | 'TERM';
  /** Capture stdout too (default: only stderr). */
  captureStdout?: boolean;
  cwd?: string;
}

const MAX_OUTPUT = 2 * 1024 * 1024;
const live = new Map<number, ManagedProcess>();
const tempDirs = new Set<string>();

/** Remove `dir` in the exit hook unless `forgetTempDir` was called first. */
export function registerTempDir(dir: string): void {
  tempDirs.add(dir);
}

/** The caller removed `dir` itself. */
export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}
let setprivChecked = false;
let setprivPath: string | undefined;

function findSetpriv(): string | undefined {
  if (!setprivChecked) {
    setprivChecked = true;
    if (process.platform === 'linux') {
      const r = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
      if (r.status === 0 && r.stdout.includes('--pdeathsig')) setprivPath = 'setpriv';
    }
  }
  return setprivPath;
}

/** Send `signal` to the process group of `pid` (falls back to the pid alone). */
export function signalPeer(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** True while a process with this PID exists (a reaped child is gone). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

export function spawnManaged(command: string, args: readonly string[], opts: SpawnOptions): ManagedProcess {
  const setpriv = opts.parentDeathSignal ? findSetpriv() : undefined;
  const file = setpriv ?? command;
  const argv = setpriv ? ['--pdeathsig', opts.parentDeathSignal as string, command, ...args] : [...args];
  const child: ChildProcess = spawn(file, argv, {
    cwd: opts.cwd,
    detached: true,
    stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let out = '';
  const collect = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > MAX_OUTPUT) out = out.slice(out.length - MAX_OUTPUT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let status: ExitStatus | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
    child.once('error', (err) => {
      // spawn failure (ENOENT...): there is no process to wait for
      spawnError = err;
      if (!status) {
        status = { code: null, signal: null };
        resolve(status);
      }
    });
  });
  // Do not let a forgotten peer keep the test process alive: the exit hook
  // kills it instead.
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${opts.label}: could not start ${command}: ${spawnError?.message ?? 'no PID'}`);
  }

  const managed: ManagedProcess = {
    pid,
    label: opts.label,
    exited,
    running: () => status === undefined,
    output: () => out + (spawnError ? `\n[spawn error] ${spawnError.message}` : ''),
    async stop(graceMs = 3000) {
      if (status === undefined) {
        signalPeer(pid, 'SIGTERM');
        if ((await withTimeout(exited, graceMs)) === undefined) {
          signalPeer(pid, 'SIGKILL');
          await exited;
        }
      }
      // The leader is gone; its own children (Kamailio's workers) may still be
      // on their way out. Wait briefly for the group to empty, then insist.
      const deadline = Date.now() + graceMs;
      while (signalPeer(pid, 0) && Date.now() < deadline) await sleep(25);
      if (signalPeer(pid, 0)) signalPeer(pid, 'SIGKILL');
      live.delete(pid);
    },
  };
  live.set(pid, managed);
  void exited.then(() => {
    // keep the entry until the group is empty (stop() removes it), unless
    // nothing of it remains
    if (!signalPeer(pid, 0)) live.delete(pid);
  });
  return managed;
}

/** PIDs of the peers started by this process that have not been stopped. */
export function livePeerPids(): number[] {
  return [...live.keys()];
}

/** Stop every peer this process started and has not stopped yet. */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...live.values()].map((p) => p.stop(2000)));
}

/** Register `stopAllPeers` in an afterAll of the calling test file/suite. */
export function usePeerCleanup(): void {
  afterAll(stopAllPeers);
}

process.once('exit', () => {
  for (const pid of live.keys()) signalPeer(pid, 'SIGKILL');
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
});
