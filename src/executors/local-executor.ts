import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Executor, OutputSink, ProcessHandle, ProcessOutcome, ProcessSpec } from '../core/ports/executor.js';
import { killProcessGroup } from './process-groups.js';

export interface LocalExecutorOptions {
  /** Processes that may run at once. @default the number of CPUs */
  readonly maxConcurrent?: number | undefined;
  /** Between SIGTERM and SIGKILL when a group is ended. @default 5000 */
  readonly killGraceMs?: number | undefined;
  /** The shell. @default '/bin/sh' */
  readonly shell?: string | undefined;
}

/**
 * {@link Executor} on the server's machine: each command is `sh -c <command>` in a process
 * group of its own (`detached`), so ending it ends everything it started. Ending a group is
 * SIGTERM to the group, then SIGKILL after a grace period.
 *
 * Resource hints (`spec.resources`) are not enforced: the engine records them on the
 * attempt for future executors, and the local executor does not limit CPU, memory or GPUs
 * (nor count them against its concurrency limit, which is a number of processes).
 */
export class LocalExecutor implements Executor {
  readonly maxConcurrent: number;
  readonly #graceMs: number;
  readonly #shell: string;
  #running = 0;

  constructor(options: LocalExecutorOptions = {}) {
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? availableParallelism());
    this.#graceMs = options.killGraceMs ?? 5_000;
    this.#shell = options.shell ?? '/bin/sh';
  }

  hasCapacity(): boolean {
    return this.#running < this.maxConcurrent;
  }

  runningCount(): number {
    return this.#running;
  }

  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle {
    let child;
    try {
      child = spawn(this.#shell, ['-c', spec.command], {
        cwd: spec.cwd,
        env: { ...spec.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      return failedToStart(e);
    }
    this.#running++;
    const pid = child.pid;
    let cancelled = false;
    let timedOut = false;
    let ending: NodeJS.Timeout | undefined;
    const end = (): void => {
      if (pid === undefined || ending !== undefined) return;
      killProcessGroup(pid, 'SIGTERM');
      ending = setTimeout(() => killProcessGroup(pid, 'SIGKILL'), this.#graceMs);
      ending.unref();
    };
    const timer =
      spec.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            end();
          }, spec.timeoutMs);

    const lines = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      return {
        data(chunk: Buffer): void {
          pending += chunk.toString('utf8');
          let at;
          while ((at = pending.indexOf('\n')) >= 0) {
            sink(stream, pending.slice(0, at).replace(/\r$/, ''));
            pending = pending.slice(at + 1);
          }
        },
        flush(): void {
          if (pending !== '') sink(stream, pending);
          pending = '';
        },
      };
    };
    const out = lines('stdout');
    const err = lines('stderr');
    child.stdout.on('data', (chunk: Buffer) => out.data(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.data(chunk));

    const done = new Promise<ProcessOutcome>((resolve) => {
      let startError: string | undefined;
      child.once('error', (e) => {
        startError = e.message;
      });
      // 'close' comes after the streams are drained. A grandchild that keeps the pipes
      // open would delay it, so the group is also ended once the leader has exited.
      child.once('exit', () => {
        if (pid !== undefined) killProcessGroup(pid, 'SIGKILL');
      });
      child.once('close', (code, signal) => {
        if (timer !== undefined) clearTimeout(timer);
        if (ending !== undefined) clearTimeout(ending);
        out.flush();
        err.flush();
        this.#running--;
        resolve({
          exitCode: code,
          signal: signal ?? null,
          timedOut,
          cancelled,
          ...(startError === undefined ? {} : { startError }),
        });
      });
    });
    return {
      pid,
      cancel() {
        cancelled = true;
        end();
      },
      done,
    };
  }
}

function failedToStart(e: unknown): ProcessHandle {
  return {
    pid: undefined,
    cancel() {},
    done: Promise.resolve({
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      startError: e instanceof Error ? e.message : String(e),
    }),
  };
}
