import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { log } from './log.js';
import { killGroup, trackGroup, untrackGroup } from './process-groups.js';
import { sleep } from './sleep.js';

export interface ServerProcessSpec {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** `exited with <code or signal>` once the process has exited. */
  exited(): string | undefined;
}

/**
 * Spawns a server in its own process group (the whole tree can be signalled at once, and
 * is SIGKILLed when the benchmark exits); throws `spawnError` when it cannot be spawned.
 */
export function startServerProcess(spec: ServerProcessSpec, spawnError: string): ServerProcess {
  const fd = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(spawnError);
  trackGroup(pid);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  return { child, pid, logFile: spec.logFile, exited: () => exited };
}

/**
 * Polls `probe` every `pollMs` until it gives a value. Throws, with the log's tail, when the
 * server exits first (`<name> exited with … during start-up`) or after `timeoutMs`
 * (`<name> <timeoutText>`).
 */
export async function waitForServer<T>(
  server: ServerProcess,
  name: string,
  wait: { timeoutMs: number; pollMs: number; timeoutText: string },
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const exited = server.exited();
    if (exited !== undefined) throw new Error(`${name} ${exited} during start-up; log:\n${tail(server.logFile)}`);
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${name} ${wait.timeoutText}; log:\n${tail(server.logFile)}`);
    await sleep(wait.pollMs);
  }
}

/** SIGTERM to the group, up to 15 s for the leader to exit, then SIGKILL (workers may outlive the leader). */
export async function stopServerProcess(child: ChildProcess, name: string): Promise<void> {
  const pid = child.pid!;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(pid, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
    if (timedOut) log(`${name} did not stop within 15 s of SIGTERM; killing`);
  }
  killGroup(pid, 'SIGKILL');
  untrackGroup(pid);
}

/** The last lines of a log file. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
