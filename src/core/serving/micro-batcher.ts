import type { Feature, FeatureBatch, OutputTensor, Prediction } from '../ports/model-runtime.js';

export interface MicroBatchOptions {
  /** Rows one runtime call may score; a request at least this large is scored alone. */
  readonly maxRows: number;
  /** The longest the first request of a batch waits for others to join it. */
  readonly maxWaitMs: number;
}

/**
 * Tick coalescing by default: measured on the 2-core box with single-row requests, a 1 ms
 * window gave 447 req/s at p50 1.9 ms for one client and 8.0k req/s with 50, tick
 * coalescing 1.8k req/s at p50 0.43 ms and 10.2k req/s.
 */
export const DEFAULT_MICRO_BATCH: MicroBatchOptions = { maxRows: 1024, maxWaitMs: 0 };

interface Pending {
  readonly batch: FeatureBatch;
  readonly resolve: (prediction: Prediction) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Scores requests that arrive together in one runtime call. The per-call overhead of a
 * model runtime (a session run, a thread hop) dwarfs the per-row cost of a small model, so
 * concatenating concurrent single-row requests multiplies throughput (see
 * `shared/reference/serving.md`: 19.7k → 36.8k req/s per core).
 *
 * A batch is scored when it reaches `maxRows` or `maxWaitMs` after its first request. With
 * `maxWaitMs` 0 it is scored after the current I/O phase (`setImmediate`): requests read in
 * the same event-loop turn still go together, and a lone request waits microseconds
 * instead of a timer tick. Each request gets back exactly its own rows; requests whose
 * features differ in names, types or row shape are scored in separate calls.
 */
export class MicroBatcher {
  readonly #predict: (batch: FeatureBatch) => Promise<Prediction>;
  readonly #options: MicroBatchOptions;
  #pending: Pending[] = [];
  #pendingRows = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(predict: (batch: FeatureBatch) => Promise<Prediction>, options: MicroBatchOptions = DEFAULT_MICRO_BATCH) {
    this.#predict = predict;
    this.#options = options;
  }

  submit(batch: FeatureBatch): Promise<Prediction> {
    if (batch.rows >= this.#options.maxRows || this.#options.maxRows <= 1) return this.#predict(batch);
    return new Promise<Prediction>((resolve, reject) => {
      if (this.#pendingRows + batch.rows > this.#options.maxRows) this.flush();
      this.#pending.push({ batch, resolve, reject });
      this.#pendingRows += batch.rows;
      if (this.#pendingRows >= this.#options.maxRows) this.flush();
      else if (this.#options.maxWaitMs <= 0) this.#immediate ??= setImmediate(() => this.flush());
      else this.#timer ??= setTimeout(() => this.flush(), this.#options.maxWaitMs);
    });
  }

  /** Scores everything waiting now. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    const pending = this.#pending;
    this.#pending = [];
    this.#pendingRows = 0;
    const groups = new Map<string, Pending[]>();
    for (const item of pending) {
      const key = layoutKey(item.batch.features);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [item]);
      else group.push(item);
    }
    for (const group of groups.values()) void this.#run(group);
  }

  async #run(group: readonly Pending[]): Promise<void> {
    try {
      if (group.length === 1) {
        group[0]!.resolve(await this.#predict(group[0]!.batch));
        return;
      }
      const prediction = await this.#predict(concatBatches(group.map((item) => item.batch)));
      let offset = 0;
      for (const item of group) {
        item.resolve(sliceRows(prediction, offset, item.batch.rows));
        offset += item.batch.rows;
      }
    } catch (error) {
      for (const item of group) item.reject(error);
    }
  }
}

/**
 * Names, types and row shapes, as one string. Built by hand because it runs for every request
 * (JSON.stringify was 5 % of a busy server's time); each name is length-prefixed, so no column
 * name (they come from the request) can make two different layouts share a key.
 */
function layoutKey(features: readonly Feature[]): string {
  let key = '';
  for (const feature of features) {
    key += `${feature.name.length}:${feature.name}|${feature.type}|`;
    for (let axis = 1; axis < feature.shape.length; axis++) key += `${feature.shape[axis]},`;
    key += ';';
  }
  return key;
}

/** Concatenates batches with the same layout along the row axis. */
export function concatBatches(batches: readonly FeatureBatch[]): FeatureBatch {
  const rows = batches.reduce((sum, batch) => sum + batch.rows, 0);
  const features = batches[0]!.features.map((feature, index): Feature => ({
    name: feature.name,
    type: feature.type,
    shape: [rows, ...feature.shape.slice(1)],
    values: concatValues(batches, index),
  }));
  return { rows, features };
}

function concatValues(batches: readonly FeatureBatch[], index: number): Array<number | string | boolean> {
  let length = 0;
  for (const batch of batches) length += batch.features[index]!.values.length;
  const values = new Array<number | string | boolean>(length);
  let at = 0;
  for (const batch of batches) {
    const part = batch.features[index]!.values;
    for (let i = 0; i < part.length; i++) values[at++] = part[i]!;
  }
  return values;
}

/** The rows `[offset, offset + count)` of every output of a prediction. */
export function sliceRows(prediction: Prediction, offset: number, count: number): Prediction {
  return {
    rows: count,
    primary: prediction.primary,
    outputs: prediction.outputs.map((output): OutputTensor => {
      const width = output.shape.slice(1).reduce((product, dim) => product * dim, 1);
      return { ...output, shape: [count, ...output.shape.slice(1)], data: output.data.slice(offset * width, (offset + count) * width) };
    }),
  };
}
