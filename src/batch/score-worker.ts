/**
 * A batch-prediction worker thread: holds its own onnxruntime session of the model and, for
 * each chunk it is sent, parses and checks the records, scores them and formats the output
 * text. Started by {@link ScoreWorkerPool}; speaks {@link WorkerRequest}/{@link WorkerReply}.
 * @module
 */

import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { formatChunk } from './format-chunk.js';
import { parseChunk } from './parse-chunk.js';
import type { ScoreWorkerData, WorkerReply, WorkerRequest } from './score-worker-protocol.js';

const data = workerData as ScoreWorkerData;
const encoder = new TextEncoder();
const port = parentPort!;

const sessionOptions: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: data.intraOpNumThreads, interOpNumThreads: 1 };

void ort.InferenceSession.create(data.modelFile, sessionOptions).then(
  (session) => {
    const active = new Set<Promise<unknown>>();
    port.on('message', (request: WorkerRequest | 'close') => {
      if (request === 'close') {
        // Ending the thread while onnxruntime runs (or holds a session) can abort the whole
        // process from native code: finish what runs, release the session, then let the thread end.
        void Promise.allSettled([...active])
          .then(() => session.release())
          .finally(() => port.close());
        return;
      }
      const work = score(session, request).then(
        (reply) => port.postMessage(reply, 'bytes' in reply ? [reply.bytes.buffer as ArrayBuffer] : []),
        (error: unknown) => port.postMessage({ seq: request.seq, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
      );
      active.add(work);
      void work.finally(() => active.delete(work));
    });
    port.postMessage({ ready: true } satisfies WorkerReply);
  },
  (error: unknown) => {
    port.postMessage({ seq: -1, error: `cannot load the ONNX model: ${error instanceof Error ? error.message : String(error)}` } satisfies WorkerReply);
    port.close();
  },
);

async function score(session: ort.InferenceSession, request: WorkerRequest): Promise<WorkerReply> {
  const text = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength).toString('utf8');
  const parsed = parseChunk(text, data.plan, request.firstLine);
  if (parsed.bad.length > 0 && !data.skipBad) return { seq: request.seq, error: parsed.bad[0]!.message, line: parsed.bad[0]!.line };
  if (parsed.rows === 0) return { seq: request.seq, bytes: new Uint8Array(0), rows: 0, width: 0, bad: parsed.bad };
  const feeds: Record<string, ort.Tensor> = {};
  for (const tensor of parsed.tensors) feeds[tensor.name] = new ort.Tensor(tensor.dtype, tensor.data, [...tensor.dims]);
  const results = await session.run(feeds, [data.plan.primary]);
  const output = results[data.plan.primary]!;
  const values = output.data as ArrayLike<number | bigint | string | boolean>;
  const width = Math.max(1, Math.round(values.length / parsed.rows));
  // Encoded here and transferred: the main thread only writes bytes.
  const bytes = encoder.encode(formatChunk(parsed.records, values, width, data.output));
  return { seq: request.seq, bytes, rows: parsed.rows, width, bad: parsed.bad };
}
