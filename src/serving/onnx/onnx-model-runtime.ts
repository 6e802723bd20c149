import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { Feature, FeatureBatch, LoadedModel, ModelRuntime, OutputTensor, Prediction, TensorDatatype, TensorMetadata } from '../../core/ports/model-runtime.js';
import type { MlModel, ModelSignature } from '../../core/serving/ml-model.js';
import { OnnxWorkerClient } from './onnx-worker-client.js';

export interface OnnxRuntimeOptions {
  /**
   * Threads one `session.run` of a small batch may use, on the event loop's thread.
   * @default 1 — micro-batches of a few rows gain nothing from more (measured: 1 row of a
   * 100-tree forest takes ~20 µs either way), and ORT's idle pool threads spin, taking a core
   * from the HTTP work under load (docs/serving.md, "Threads").
   */
  readonly inlineThreads?: number;
  /**
   * Threads of the worker thread's session, which scores the large batches.
   * @default ORT's: one per core; they sleep rather than spin between batches.
   */
  readonly offloadThreads?: number;
  /**
   * Batches of at least this many rows run on a worker thread (its own session) instead of
   * the event loop's thread. Default {@link DEFAULT_OFFLOAD_ROWS}; `Infinity` never offloads.
   */
  readonly offloadRows?: number;
}

/** About 10–50 ms of work for a mid-sized tree ensemble: longer than a request should stall others. */
export const DEFAULT_OFFLOAD_ROWS = 4096;

/**
 * Runs MLflow models with an `onnx` flavor in process with onnxruntime-node. `session.run`
 * computes on the calling thread, so small batches (the micro-batched common case) run
 * right there and large ones on a worker thread with a session of its own.
 */
export class OnnxModelRuntime implements ModelRuntime {
  readonly #options: OnnxRuntimeOptions;

  constructor(options: OnnxRuntimeOptions = {}) {
    this.#options = options;
  }

  async load(modelDir: string, mlmodel: MlModel): Promise<LoadedModel> {
    const flavor = mlmodel.flavors['onnx'];
    const data = flavor?.['data'];
    if (typeof data !== 'string') {
      const flavors = Object.keys(mlmodel.flavors).join(', ') || 'none';
      throw SlipwayError.invalidParameter(`The model has no 'onnx' flavor (its flavors: ${flavors}); this server runs ONNX models only. Log the model with mlflow.onnx.`);
    }
    const root = path.resolve(modelDir);
    const file = path.resolve(root, data);
    if (!file.startsWith(root + path.sep)) throw SlipwayError.invalidParameter(`MLmodel flavors.onnx.data '${data}' points outside the model directory.`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', intraOpNumThreads: this.#options.inlineThreads ?? 1, ...NO_SPINNING });
    } catch (error) {
      throw SlipwayError.invalidParameter(`Cannot load the ONNX model '${data}': ${(error as Error).message}`);
    }
    const worker = new OnnxWorkerClient(file, this.#options.offloadThreads);
    return new OnnxLoadedModel(session, mlmodel.signature, worker, this.#options.offloadRows ?? DEFAULT_OFFLOAD_ROWS);
  }
}

/** ORT's session config entry `session.intra_op.allow_spinning=0`: idle pool threads block instead of spinning. */
const NO_SPINNING = { extra: { session: { intra_op: { allow_spinning: '0' } } } } as const;

type TensorMeta = ort.InferenceSession.TensorValueMetadata;

class OnnxLoadedModel implements LoadedModel {
  readonly runtime = 'onnx' as const;
  readonly signature: ModelSignature | undefined;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  readonly #session: ort.InferenceSession;
  readonly #inputMeta: readonly TensorMeta[];
  /** Tensor outputs only: a skl2onnx ZipMap (sequence of maps) cannot cross into JavaScript, so it is not fetched. */
  readonly #fetches: readonly string[];
  readonly #primary: string;
  readonly #worker: OnnxWorkerClient;
  readonly #offloadRows: number;

  constructor(session: ort.InferenceSession, signature: ModelSignature | undefined, worker: OnnxWorkerClient, offloadRows: number) {
    this.#session = session;
    this.#worker = worker;
    this.#offloadRows = offloadRows;
    this.signature = signature;
    this.#inputMeta = session.inputMetadata.filter((meta): meta is TensorMeta => meta.isTensor);
    const outputMeta = session.outputMetadata.filter((meta): meta is TensorMeta => meta.isTensor);
    if (outputMeta.length === 0) throw SlipwayError.invalidParameter('The ONNX model has no tensor output to serve.');
    this.#fetches = outputMeta.map((meta) => meta.name);
    this.inputs = this.#inputMeta.map(describeMeta);
    this.outputs = outputMeta.map(describeMeta);
    this.#primary = pickPrimary(this.#fetches);
  }

  async predict(batch: FeatureBatch): Promise<Prediction> {
    const feeds = this.#feeds(batch);
    const results = batch.rows >= this.#offloadRows ? await this.#worker.run(feeds, this.#fetches) : await this.#session.run(feeds, this.#fetches as string[]);
    const outputs = this.#fetches.map((name) => toOutput(name, results[name]!, batch.rows));
    return { rows: batch.rows, outputs, primary: this.#primary };
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#session.release();
  }

  /** Maps the batch's features onto the graph's inputs. */
  #feeds(batch: FeatureBatch): Record<string, ort.Tensor> {
    const inputs = this.#inputMeta;
    const columns = batch.features.every((feature) => feature.shape.length === 1);
    const only = inputs.length === 1 ? inputs[0] : undefined;
    const byName = inputs.every((meta) => batch.features.some((feature) => feature.name === meta.name));
    if (only !== undefined && !byName && columns && batch.features.length > 0) {
      // sklearn-onnx's usual export: one [N, F] float input fed by the signature's columns in order.
      const width = batch.features.length;
      const expected = only.shape[1];
      if (typeof expected === 'number' && expected > 0 && expected !== width) {
        throw SlipwayError.badRequest(`The model's input '${only.name}' takes ${expected} features per row but the request has ${width} columns.`);
      }
      const values = new Array<number | string | boolean>(batch.rows * width);
      batch.features.forEach((feature, column) => {
        for (let row = 0; row < batch.rows; row++) values[row * width + column] = feature.values[row]!;
      });
      return { [only.name]: toTensor(only, values, [batch.rows, width]) };
    }
    const feeds: Record<string, ort.Tensor> = {};
    inputs.forEach((meta, index) => {
      const feature: Feature | undefined = byName ? batch.features.find((candidate) => candidate.name === meta.name) : batch.features.length === inputs.length ? batch.features[index] : undefined;
      if (feature === undefined) {
        throw SlipwayError.badRequest(`The model's inputs are ${inputs.map((input) => `'${input.name}'`).join(', ')}; the request's are ${batch.features.map((input) => `'${input.name}'`).join(', ')}.`);
      }
      // A column feeds a rank-2 input as [N, 1].
      const shape = feature.shape.length === 1 && meta.shape.length === 2 ? [feature.shape[0]!, 1] : [...feature.shape];
      if (shape.length !== meta.shape.length || meta.shape.some((dim, axis) => typeof dim === 'number' && dim > 0 && dim !== shape[axis])) {
        throw SlipwayError.badRequest(`Input '${meta.name}' has shape [${shape.join(', ')}] but the model takes [${meta.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : -1)).join(', ')}].`);
      }
      feeds[meta.name] = toTensor(meta, feature.values, shape);
    });
    return feeds;
  }
}

function toTensor(meta: TensorMeta, values: ReadonlyArray<number | string | boolean>, shape: readonly number[]): ort.Tensor {
  const dims = shape as number[];
  switch (meta.type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values, Number), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values, Number), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(values, (value) => BigInt(Math.trunc(Number(value)))), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values, Number), dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(values, (value) => (value === true || value === 1 ? 1 : 0)), dims);
    case 'string':
      return new ort.Tensor('string', values.map(String), dims);
    default:
      throw SlipwayError.invalidParameter(`The model's input '${meta.name}' has type ${meta.type}, which this server cannot feed.`);
  }
}

function toOutput(name: string, tensor: ort.Tensor, rows: number): OutputTensor {
  const dims = tensor.dims.length === 0 ? [rows] : [...tensor.dims];
  const raw = tensor.data as ArrayLike<number | bigint | string | boolean>;
  const data = Array.from<number | bigint | string | boolean, number | string | boolean>(raw, (value) => (typeof value === 'bigint' ? Number(value) : value));
  if (tensor.type === 'bool') return { name, datatype: 'BOOL', shape: dims, data: data.map((value) => value === 1 || value === true) };
  return { name, datatype: datatypeOf(tensor.type), shape: dims, data };
}

/** The output `predictions` reports: a classifier's label or a regressor's value, else the first. */
function pickPrimary(names: readonly string[]): string {
  return names.find((name) => /label/i.test(name)) ?? names.find((name) => name === 'variable') ?? names[0]!;
}

function describeMeta(meta: TensorMeta): TensorMetadata {
  return { name: meta.name, datatype: datatypeOf(meta.type), shape: meta.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : -1)) };
}

function datatypeOf(type: string): TensorDatatype {
  switch (type) {
    case 'float32':
      return 'FP32';
    case 'float64':
      return 'FP64';
    case 'float16':
      return 'FP16';
    case 'int64':
      return 'INT64';
    case 'int32':
      return 'INT32';
    case 'int16':
      return 'INT16';
    case 'int8':
      return 'INT8';
    case 'uint8':
      return 'UINT8';
    case 'uint16':
      return 'UINT16';
    case 'uint32':
      return 'UINT32';
    case 'uint64':
      return 'UINT64';
    case 'bool':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}
