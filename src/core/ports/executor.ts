/**
 * The executor port: runs one step attempt's command somewhere (here: a child process on
 * the server's machine; later a container or a cluster job) and reports how it ended.
 *
 * Implementer's notes — every adapter must keep these invariants (checked by
 * `test/contract/executor.contract.ts`):
 * - The command runs through a shell (`sh -c`), in `cwd`, with exactly `env` (nothing of
 *   the server's own environment is added).
 * - Output reaches the sink line by line as it is produced (stdout and stderr; a last line
 *   without a newline is delivered at exit), in order per stream.
 * - The command and everything it starts form one group: `cancel()` and a timeout end the
 *   whole group (grandchildren included), first politely, then by force after a grace period.
 * - `done` always resolves (it never rejects): a command that cannot be started resolves
 *   with `startError`. It resolves after the group leader has exited and its output has
 *   been delivered.
 * - `hasCapacity()` says whether another process may start now (the global limit).
 */
export interface Executor {
  /** The global limit: how many processes may run at once. */
  readonly maxConcurrent: number;
  /** Starts `spec`; `sink` receives each output line. */
  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle;
  /** Whether the global concurrency limit leaves room for one more process. */
  hasCapacity(): boolean;
  /** Processes running now. */
  runningCount(): number;
}

/**
 * What the step says it needs (its `resources:`), for executors that schedule or limit by
 * it (a container's CPU and memory limits, a cluster job's requests). The engine records
 * the hints on each attempt whether or not the executor uses them; the local executor does
 * not limit anything.
 */
export interface ResourceHints {
  /** CPU cores (> 0; fractions allowed). */
  readonly cpu?: number | undefined;
  /** Memory in bytes. */
  readonly memoryBytes?: number | undefined;
  /** GPUs (an integer ≥ 0). */
  readonly gpu?: number | undefined;
}

export interface ProcessSpec {
  /** A shell command line. */
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Ends the group after this many milliseconds (`timedOut` in the outcome). */
  readonly timeoutMs?: number | undefined;
  /** The step's resource hints, when it gives any. */
  readonly resources?: ResourceHints | undefined;
}

export type OutputSink = (stream: 'stdout' | 'stderr', line: string) => void;

export interface ProcessHandle {
  /** The process id, which is also the process-group id (undefined if it could not start). */
  readonly pid: number | undefined;
  /** Ends the whole group; `cancelled` is set in the outcome. Idempotent. */
  cancel(): void;
  readonly done: Promise<ProcessOutcome>;
}

export interface ProcessOutcome {
  /** The exit code, or null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Why the command could not be started at all. */
  readonly startError?: string | undefined;
}
