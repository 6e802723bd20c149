/**
 * The worker threads of a batch job, each with its own onnxruntime session. A chunk goes to
 * the worker with the fewest chunks in hand; the caller keeps the returned promises in
 * submission order, which is the output's order.
 * @module
 */

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordChunk } from './record-chunker.js';
import type { ScoreWorkerData, WorkerReply } from './score-worker-protocol.js';

/** A scored chunk. */
export type ChunkResult = Extract<WorkerReply, { bytes: Uint8Array }>;

/** A chunk a worker refused (a bad record, a failed `session.run`). */
export class ChunkError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = 'ChunkError';
  }
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (result: ChunkResult) => void; reject: (error: Error) => void }>;
}

export class ScoreWorkerPool {
  readonly #slots: Slot[];
  #nextSeq = 0;

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  /** Starts `count` workers and waits until each has loaded the model. */
  static async start(data: ScoreWorkerData, count: number): Promise<ScoreWorkerPool> {
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = spawnWorker(data);
      const slot: Slot = { worker, pending: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (reply: WorkerReply) => {
            if ('ready' in reply) return resolve();
            if (reply.seq === -1 && 'error' in reply) return reject(new ChunkError(reply.error, undefined));
            const pending = slot.pending.get(reply.seq);
            if (pending === undefined) return;
            slot.pending.delete(reply.seq);
            if ('error' in reply) pending.reject(new ChunkError(reply.error, reply.line));
            else pending.resolve(reply);
          });
          const fail = (error: Error): void => {
            reject(error);
            for (const pending of slot.pending.values()) pending.reject(error);
            slot.pending.clear();
          };
          worker.on('error', fail);
          worker.on('exit', (code) => fail(new Error(`a batch worker thread exited (code ${code})`)));
        }),
      );
    }
    const pool = new ScoreWorkerPool(slots);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Scores a chunk on the least busy worker (its bytes are transferred, so unusable afterwards). */
  submit(chunk: RecordChunk): Promise<ChunkResult> {
    const slot = this.#slots.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
    const seq = this.#nextSeq++;
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      slot.worker.postMessage({ seq, bytes: chunk.bytes, firstLine: chunk.firstLine }, [chunk.bytes.buffer as ArrayBuffer]);
    });
  }

  /** Asks each worker to finish its chunks, release its session and end; terminates one that has not ended after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        slot.worker.removeAllListeners('exit');
        if (slot.worker.threadId === -1) return; // ended already
        const exited = once(slot.worker, 'exit').then(() => true);
        slot.worker.postMessage('close');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
        const ended = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (!ended) await slot.worker.terminate();
      }),
    );
  }
}

/**
 * From `dist/` the worker is `score-worker.js`; from the TypeScript sources (vitest, tsx) a
 * worker thread cannot load `.ts` files itself, so it registers tsx's loader first.
 */
function spawnWorker(data: ScoreWorkerData): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
    const file = here.replace(/score-worker-pool\.ts$/, 'score-worker.ts');
    return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData: data });
  }
  return new Worker(new URL('./score-worker.js', import.meta.url), { workerData: data });
}
