import path from 'node:path';
import { ErrorCode } from '../../core/errors/error-code.js';
import { SlipwayError } from '../../core/errors/slipway-error.js';
import type { FeatureBatch, LoadedModel, LoadModelOptions, ModelRuntime, Prediction, TensorDatatype, TensorMetadata } from '../../core/ports/model-runtime.js';
import type { MlModel, ModelSignature, SchemaSpec } from '../../core/serving/ml-model.js';
import { checkPythonEnvironment, pythonInterpreter, type PythonEnvironment } from './python-environment.js';
import { PythonWorkerPool } from './python-worker-pool.js';

export interface PythonRuntimeOptions {
  /** The interpreter (`--python`); default `$SLIPWAY_PYTHON`, else `python3` on the PATH. */
  readonly python?: string | undefined;
  /** Worker processes per model. @default 2 */
  readonly workers?: number | undefined;
  /** Per request, queueing included. @default 60000 */
  readonly requestTimeoutMs?: number | undefined;
  /** Loading a model in a worker (importing mlflow included). @default 120000 */
  readonly startTimeoutMs?: number | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

export const DEFAULT_PYTHON_WORKERS = 2;
export const DEFAULT_PYTHON_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Runs MLflow models with a `python_function` flavor (sklearn, custom `PythonModel`s, …) in a
 * pool of Python worker processes, each holding the model loaded with `mlflow.pyfunc`. The
 * interpreter is checked once (it must import mlflow) before the first model loads.
 */
export class PythonModelRuntime implements ModelRuntime {
  readonly interpreter: string;
  readonly #options: PythonRuntimeOptions;
  #environment: Promise<PythonEnvironment> | undefined;

  constructor(options: PythonRuntimeOptions = {}) {
    this.#options = options;
    this.interpreter = pythonInterpreter(options.python, options.env);
  }

  /** The interpreter's check, run once; refuses (every time) when it has no usable mlflow. */
  environment(): Promise<PythonEnvironment> {
    this.#environment ??= checkPythonEnvironment(this.interpreter);
    return this.#environment;
  }

  async load(modelDir: string, mlmodel: MlModel, options: LoadModelOptions & { runtimeReason?: string } = {}): Promise<LoadedModel> {
    if (options.prefer === 'onnx') throw SlipwayError.invalidParameter("The Python runtime cannot honour runtime 'onnx'.");
    if (mlmodel.flavors['python_function'] === undefined) {
      const flavors = Object.keys(mlmodel.flavors).join(', ') || 'none';
      throw SlipwayError.invalidParameter(`The model has no 'python_function' flavor (its flavors: ${flavors}), so mlflow.pyfunc cannot load it.`);
    }
    await this.environment();
    const pool = await PythonWorkerPool.start({
      interpreter: this.interpreter,
      modelDir: path.resolve(modelDir),
      size: this.#options.workers ?? DEFAULT_PYTHON_WORKERS,
      requestTimeoutMs: this.#options.requestTimeoutMs ?? DEFAULT_PYTHON_REQUEST_TIMEOUT_MS,
      startTimeoutMs: this.#options.startTimeoutMs ?? 120_000,
    });
    return new PythonLoadedModel(pool, mlmodel.signature, options.runtimeReason ?? describeFlavor(mlmodel));
  }
}

/** The default reason: which flavor mlflow.pyfunc loads. */
function describeFlavor(mlmodel: MlModel): string {
  const loader = mlmodel.flavors['python_function']?.['loader_module'];
  return `python_function flavor (${typeof loader === 'string' ? loader : 'custom PythonModel'}) in Python workers`;
}

class PythonLoadedModel implements LoadedModel {
  readonly runtime = 'python' as const;
  readonly runtimeReason: string;
  readonly signature: ModelSignature | undefined;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  readonly #pool: PythonWorkerPool;
  readonly #tensors: boolean;

  constructor(pool: PythonWorkerPool, signature: ModelSignature | undefined, runtimeReason: string) {
    this.#pool = pool;
    this.signature = signature;
    this.runtimeReason = runtimeReason;
    this.inputs = (signature?.inputs ?? []).map((spec, index) => describeSpec(spec, `input_${index}`));
    this.outputs = (signature?.outputs ?? []).map((spec, index) => describeSpec(spec, index === 0 ? 'predictions' : `output_${index}`));
    this.#tensors = (signature?.inputs ?? []).some((spec) => spec.kind === 'tensor');
  }

  /** The pids of the worker processes (for tests and diagnostics). */
  get pids(): number[] {
    return this.#pool.pids;
  }

  async predict(batch: FeatureBatch): Promise<Prediction> {
    const reply = await this.#pool.predict({ rows: batch.rows, tensors: this.#tensors, features: batch.features });
    if (!reply.ok) {
      if (reply.kind === 'input') throw SlipwayError.badRequest(`The model refused the input: ${reply.error}`);
      throw new SlipwayError(ErrorCode.INTERNAL_ERROR, `The model failed to score the request: ${reply.error}`);
    }
    const wrong = reply.outputs.find((output) => output.shape[0] !== batch.rows);
    if (wrong !== undefined) {
      throw new SlipwayError(ErrorCode.INTERNAL_ERROR, `The model answered ${wrong.shape[0] ?? 0} row(s) in output '${wrong.name}' for ${batch.rows} input row(s).`);
    }
    return { rows: batch.rows, outputs: reply.outputs, primary: reply.primary };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function describeSpec(spec: SchemaSpec, fallback: string): TensorMetadata {
  if (spec.kind === 'tensor') return { name: spec.name ?? fallback, datatype: datatypeOfDtype(spec.dtype), shape: spec.shape };
  return { name: spec.name ?? fallback, datatype: datatypeOfColumn(spec.type), shape: [-1] };
}

function datatypeOfColumn(type: string): TensorDatatype {
  const types: Record<string, TensorDatatype> = { double: 'FP64', float: 'FP32', long: 'INT64', integer: 'INT32', boolean: 'BOOL' };
  return types[type] ?? 'BYTES';
}

function datatypeOfDtype(dtype: string): TensorDatatype {
  const types: Record<string, TensorDatatype> = {
    float64: 'FP64',
    float32: 'FP32',
    float16: 'FP16',
    int64: 'INT64',
    int32: 'INT32',
    int16: 'INT16',
    int8: 'INT8',
    uint8: 'UINT8',
    uint16: 'UINT16',
    uint32: 'UINT32',
    uint64: 'UINT64',
    bool: 'BOOL',
  };
  return types[dtype] ?? 'BYTES';
}
