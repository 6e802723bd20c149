import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import { PythonWorker, type WorkerPredictReply, type WorkerPredictRequest } from './python-worker.js';

export interface PythonWorkerPoolOptions {
  readonly interpreter: string;
  readonly modelDir: string;
  /** Worker processes, each with its own copy of the model. */
  readonly size: number;
  /** A request not answered within this time (queueing included) gets a 504; a worker stuck on it is killed and restarted. */
  readonly requestTimeoutMs: number;
  readonly startTimeoutMs: number;
}

interface Job {
  readonly request: WorkerPredictRequest;
  readonly resolve: (reply: WorkerPredictReply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  settled: boolean;
  worker: PythonWorker | undefined;
}

interface Slot {
  worker: PythonWorker | undefined;
  busy: boolean;
  /** The worker being started (loading the model), killed if the pool closes meanwhile. */
  starting: PythonWorker | undefined;
  /** Consecutive failed starts, for the restart back-off. */
  failures: number;
}

/** Longest wait between restarts of a worker whose model keeps failing to load. */
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * A fixed number of Python workers serving one model. Requests queue and go to the first idle
 * worker. A worker that dies (a crash, a kill, a timeout) fails only its own request, with an
 * error naming the exit, and is started again at once; the queue waits for it.
 */
export class PythonWorkerPool {
  readonly #options: PythonWorkerPoolOptions;
  readonly #slots: Slot[];
  readonly #queue: Job[] = [];
  #closed = false;

  private constructor(options: PythonWorkerPoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => ({ worker: undefined, busy: false, starting: undefined, failures: 0 }));
  }

  /** Starts every worker; resolves when all have loaded the model, else kills them and refuses with the first failure. */
  static async start(options: PythonWorkerPoolOptions): Promise<PythonWorkerPool> {
    const pool = new PythonWorkerPool(options);
    const started = await Promise.allSettled(pool.#slots.map((slot) => pool.#startWorker(slot)));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) {
      await pool.close();
      throw failed.reason as Error;
    }
    return pool;
  }

  /** The pids of the live workers (for tests and diagnostics). */
  get pids(): number[] {
    return this.#slots.flatMap((slot) => (slot.worker?.pid === undefined ? [] : [slot.worker.pid]));
  }

  predict(request: WorkerPredictRequest): Promise<WorkerPredictReply> {
    if (this.#closed) return Promise.reject(new SlipwayError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'The model is unloading.'));
    return new Promise((resolve, reject) => {
      const job: Job = {
        request,
        resolve,
        reject,
        settled: false,
        worker: undefined,
        timer: setTimeout(() => this.#timeOut(job), this.#options.requestTimeoutMs),
      };
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Kills every worker and refuses the requests still queued. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, new SlipwayError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'The model was unloaded before this request was scored.'));
    // A worker still loading its model reads no stdin yet: kill it rather than wait.
    await Promise.all(this.#slots.flatMap((slot) => [slot.worker?.close() ?? Promise.resolve(), slot.starting?.close(0) ?? Promise.resolve()]));
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.worker === undefined || slot.busy) continue;
      const job = this.#queue.shift()!;
      const worker = slot.worker;
      slot.busy = true;
      job.worker = worker;
      worker.predict(job.request).then(
        (reply) => this.#settle(job, undefined, reply),
        (error: Error) => this.#settle(job, error),
      ).finally(() => {
        if (slot.worker === worker) slot.busy = false;
        this.#pump();
      });
    }
  }

  #settle(job: Job, error: Error | undefined, reply?: WorkerPredictReply): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (error !== undefined) job.reject(error);
    else job.resolve(reply!);
  }

  #timeOut(job: Job): void {
    const queued = this.#queue.indexOf(job);
    if (queued !== -1) this.#queue.splice(queued, 1);
    this.#settle(job, new SlipwayError(ErrorCode.DEADLINE_EXCEEDED, `The Python model did not answer within ${this.#options.requestTimeoutMs} ms.`));
    // The worker is stuck on it: replace it.
    if (queued === -1) job.worker?.kill();
  }

  #startWorker(slot: Slot): Promise<PythonWorker> {
    const { worker: starting, ready } = PythonWorker.spawn({
      interpreter: this.#options.interpreter,
      modelDir: this.#options.modelDir,
      startTimeoutMs: this.#options.startTimeoutMs,
      onExit: (worker) => this.#onExit(slot, worker),
    });
    slot.starting = starting;
    return ready.then(
      (worker) => {
        slot.starting = undefined;
        slot.failures = 0;
        if (this.#closed) {
          void worker.close();
          return worker;
        }
        slot.worker = worker;
        slot.busy = false;
        this.#pump();
        return worker;
      },
      (error: Error) => {
        slot.starting = undefined;
        slot.failures += 1;
        if (!this.#closed && this.#slots.every((other) => other.worker === undefined && other.starting === undefined)) {
          // No worker left to take the queue: tell the waiting clients why instead of letting them time out.
          for (const job of this.#queue.splice(0)) this.#settle(job, new SlipwayError(ErrorCode.TEMPORARILY_UNAVAILABLE, `The Python worker could not be restarted: ${error.message}`));
        }
        throw error;
      },
    );
  }

  #onExit(slot: Slot, worker: PythonWorker): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.busy = false;
    this.#restart(slot);
  }

  #restart(slot: Slot): void {
    if (this.#closed || slot.starting !== undefined) return;
    const delay = slot.failures === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (slot.failures - 1));
    const timer = setTimeout(() => {
      if (this.#closed || slot.worker !== undefined || slot.starting !== undefined) return;
      this.#startWorker(slot).catch(() => this.#restart(slot));
    }, delay);
    timer.unref();
  }
}
