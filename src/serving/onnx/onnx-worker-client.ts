import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { WORKER_SOURCE, type WireTensor, type WorkerData, type WorkerReply, type WorkerRequest } from './onnx-worker.js';

const ORT_PATH = createRequire(import.meta.url).resolve('onnxruntime-node');

/**
 * Runs large batches on a worker thread with its own session of the same model, so the
 * event loop keeps answering other requests meanwhile. The worker starts on first use.
 */
export class OnnxWorkerClient {
  readonly #file: string;
  readonly #intraOpNumThreads: number | undefined;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (outputs: Record<string, ort.Tensor>) => void; reject: (error: Error) => void }>();

  constructor(file: string, intraOpNumThreads: number | undefined) {
    this.#file = file;
    this.#intraOpNumThreads = intraOpNumThreads;
  }

  run(feeds: Readonly<Record<string, ort.Tensor>>, fetches: readonly string[]): Promise<Record<string, ort.Tensor>> {
    const worker = this.#start();
    const id = this.#nextId++;
    const wire: Record<string, WireTensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(feeds)) {
      wire[name] = { type: tensor.type, data: tensor.data, dims: [...tensor.dims] };
      if (ArrayBuffer.isView(tensor.data)) transfer.push(tensor.data.buffer as ArrayBuffer);
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, feeds: wire, fetches } satisfies WorkerRequest, transfer);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const workerData: WorkerData = { ortPath: ORT_PATH, file: this.#file, intraOpNumThreads: this.#intraOpNumThreads };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) {
        pending.reject(new Error(reply.error));
        return;
      }
      const outputs: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(reply.outputs)) outputs[name] = new ort.Tensor(tensor.type, tensor.data, [...tensor.dims]);
      pending.resolve(outputs);
    });
    worker.on('error', (error) => this.#failAll(error));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(new Error('the ONNX worker thread exited'));
    });
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
