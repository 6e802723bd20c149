/**
 * The worker thread that holds its own ONNX Runtime session for large batches.
 * onnxruntime-node's `session.run` computes on the calling thread, so a 100k-row request run
 * in the main thread would stall every other request (health checks included) for its
 * whole duration.
 *
 * The worker's code is a CommonJS string run with `eval: true` and given the resolved path of
 * onnxruntime-node: the same code then runs from `dist/` and under vitest (where the sources
 * are TypeScript, which a worker thread cannot load on its own).
 * @module
 */
import type * as ort from 'onnxruntime-node';

export interface WireTensor {
  readonly type: ort.Tensor.Type;
  readonly data: ort.Tensor.DataType;
  readonly dims: readonly number[];
}

export interface WorkerRequest {
  readonly id: number;
  readonly feeds: Readonly<Record<string, WireTensor>>;
  readonly fetches: readonly string[];
}

export type WorkerReply =
  | { readonly id: number; readonly outputs: Readonly<Record<string, WireTensor>> }
  | { readonly id: number; readonly error: string };

export interface WorkerData {
  /** `require.resolve('onnxruntime-node')` in the parent. */
  readonly ortPath: string;
  readonly file: string;
  readonly intraOpNumThreads: number | undefined;
}

export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
// Pool threads sleep between batches (session.intra_op.allow_spinning=0): a spinning pool would take the cores the event loop needs.
const options = { graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } };
if (workerData.intraOpNumThreads !== undefined) options.intraOpNumThreads = workerData.intraOpNumThreads;
const session = ort.InferenceSession.create(workerData.file, options);
parentPort.on('message', (request) => {
  run(request).then(
    (reply) => parentPort.postMessage(reply, Object.values(reply.outputs).filter((t) => ArrayBuffer.isView(t.data)).map((t) => t.data.buffer)),
    (error) => parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
async function run(request) {
  const feeds = {};
  for (const [name, t] of Object.entries(request.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const results = await (await session).run(feeds, request.fetches);
  const outputs = {};
  for (const name of request.fetches) {
    const tensor = results[name];
    // A copy: the result's buffer may belong to ORT and cannot be transferred.
    const data = ArrayBuffer.isView(tensor.data) ? tensor.data.slice() : tensor.data;
    outputs[name] = { type: tensor.type, data, dims: tensor.dims };
  }
  return { id: request.id, outputs };
}
`;
