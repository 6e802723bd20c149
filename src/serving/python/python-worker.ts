import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { Feature, OutputTensor } from '../../core/ports/model-runtime.js';
import { encodeFrame, FrameReader } from './frame-reader.js';
import { WORKER_SCRIPT } from './python-environment.js';

/** A predict request as the worker reads it. */
export interface WorkerPredictRequest {
  readonly rows: number;
  /** True for a tensor signature: the features go to the model as arrays, not as a DataFrame. */
  readonly tensors: boolean;
  readonly features: readonly Feature[];
}

export type WorkerPredictReply =
  | { readonly id: number; readonly ok: true; readonly outputs: readonly OutputTensor[]; readonly primary: string }
  | { readonly id: number; readonly ok: false; readonly kind: 'input' | 'model'; readonly error: string };

export interface PythonWorkerOptions {
  readonly interpreter: string;
  readonly modelDir: string;
  /** How long loading the model may take before the worker is killed. */
  readonly startTimeoutMs: number;
  /** Called once when the process is gone (after a crash, a kill or a clean exit). */
  readonly onExit: (worker: PythonWorker) => void;
}

/** Lines of the worker's stderr kept to explain a failed start. */
const STDERR_TAIL = 8_192;

/**
 * One `slipway_model_worker.py serve <dir>` process, which holds the model loaded with
 * `mlflow.pyfunc`. It scores one request at a time (the pool sends the next only after the
 * answer); when the process dies, the request in flight is rejected with an error naming the
 * exit code or signal.
 */
export class PythonWorker {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #reader = new FrameReader();
  #stderr = '';
  #nextId = 1;
  #pending: { id: number; resolve: (reply: WorkerPredictReply) => void; reject: (error: Error) => void } | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #ready: ((message: Record<string, unknown>) => void) | undefined;
  #killedForTimeout = false;

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Starts a worker; `ready` resolves once the model is loaded, or refuses with the worker's
   * own reason. The worker can be killed before it is ready.
   */
  static spawn(options: PythonWorkerOptions): { worker: PythonWorker; ready: Promise<PythonWorker> } {
    const child = spawn(options.interpreter, [WORKER_SCRIPT, 'serve', options.modelDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const worker = new PythonWorker(child);
    const ready = new Promise<PythonWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.#killedForTimeout = true;
        child.kill('SIGKILL');
      }, options.startTimeoutMs);
      worker.#ready = (message) => {
        clearTimeout(timer);
        worker.#ready = undefined;
        if (message['ok'] === true) {
          resolve(worker);
          return;
        }
        child.kill('SIGKILL');
        reject(SlipwayError.invalidParameter(`The Python worker could not load the model: ${String(message['error'])}`));
      };
      child.stdout.on('data', (chunk: Buffer) => worker.#onData(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        worker.#stderr = (worker.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      // EPIPE when the process died mid-write: the exit handler reports it.
      child.stdin.on('error', () => undefined);
      child.once('error', (error) => {
        clearTimeout(timer);
        if (worker.#ready !== undefined) {
          worker.#ready = undefined;
          reject(new SlipwayError(ErrorCode.INVALID_STATE, `Cannot start the Python worker with '${options.interpreter}': ${error.message}`));
        }
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        worker.#exit = { code, signal };
        if (worker.#ready !== undefined) {
          worker.#ready = undefined;
          const why = worker.#killedForTimeout ? `did not load the model within ${options.startTimeoutMs} ms` : `exited (${describeExit(code, signal)}) while loading the model`;
          reject(SlipwayError.invalidParameter(`The Python worker ${why}: ${lastLine(worker.#stderr) ?? 'no output'}`));
        }
        const pending = worker.#pending;
        worker.#pending = undefined;
        pending?.reject(
          new SlipwayError(ErrorCode.INTERNAL_ERROR, `The Python worker (pid ${child.pid ?? '?'}) crashed while scoring this request (${describeExit(code, signal)}); it is being restarted.`),
        );
        options.onExit(worker);
      });
    });
    return { worker, ready };
  }

  /** Scores one request; the caller sends the next only after this settles. */
  predict(request: WorkerPredictRequest): Promise<WorkerPredictReply> {
    if (this.#exit !== undefined) return Promise.reject(new SlipwayError(ErrorCode.INTERNAL_ERROR, 'The Python worker has exited.'));
    if (this.#pending !== undefined) return Promise.reject(new Error('PythonWorker.predict called while a request is in flight'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject };
      this.#child.stdin.write(encodeFrame({ id, ...request }));
    });
  }

  /** Kills the process (a stuck or unwanted worker); its request in flight is rejected as crashed. */
  kill(): void {
    if (this.#exit === undefined) this.#child.kill('SIGKILL');
  }

  /** Ends the process and waits for it: stdin closed (the worker exits), then SIGKILL after `graceMs`. */
  async close(graceMs = 2_000): Promise<void> {
    if (this.#exit !== undefined) return;
    const closed = new Promise<void>((resolve) => this.#child.once('close', () => resolve()));
    this.#child.stdin.end();
    if (graceMs <= 0) this.#child.kill('SIGKILL');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await closed;
    clearTimeout(timer);
  }

  #onData(chunk: Buffer): void {
    let messages: unknown[];
    try {
      messages = this.#reader.push(chunk);
    } catch {
      // A corrupt frame: the protocol is lost, so the worker is replaced.
      this.#child.kill('SIGKILL');
      return;
    }
    for (const message of messages as Array<Record<string, unknown>>) {
      if (this.#ready !== undefined) {
        this.#ready(message);
        continue;
      }
      const pending = this.#pending;
      if (pending === undefined || message['id'] !== pending.id) continue;
      this.#pending = undefined;
      pending.resolve(message as unknown as WorkerPredictReply);
    }
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `killed by ${signal}` : `exit code ${code ?? '?'}`;
}

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
}
