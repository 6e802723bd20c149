/**
 * The port between the scoring protocols and a model runtime (ONNX Runtime today, a Python
 * worker later). The protocols turn every request format into a {@link FeatureBatch}
 * validated against the model's signature; a runtime turns a batch into named outputs.
 * @module
 */

import type { RuntimeName, RuntimePreference } from '../endpoints/endpoint.js';
import type { MlModel, ModelSignature } from '../serving/ml-model.js';

/** A value type of one feature, in MLflow's column-type names. */
export type FeatureType = 'double' | 'float' | 'long' | 'integer' | 'boolean' | 'string';

/**
 * One input feature of a batch: a signature column (`shape` `[rows]`) or a tensor
 * (`shape` `[rows, …]`), its values flat and row-major.
 */
export interface Feature {
  readonly name: string;
  readonly type: FeatureType;
  readonly shape: readonly number[];
  readonly values: ReadonlyArray<number | string | boolean>;
}

/** The rows of one request (or of several requests micro-batched together). */
export interface FeatureBatch {
  readonly rows: number;
  readonly features: readonly Feature[];
}

/** OIP v2 datatypes of an output. */
export type TensorDatatype = 'FP32' | 'FP64' | 'INT32' | 'INT64' | 'INT8' | 'INT16' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'BOOL' | 'BYTES' | 'FP16';

/** One output of a prediction: row-major values whose first dimension is the batch's rows. */
export interface OutputTensor {
  readonly name: string;
  readonly datatype: TensorDatatype;
  readonly shape: readonly number[];
  readonly data: ReadonlyArray<number | string | boolean>;
}

export interface Prediction {
  readonly rows: number;
  readonly outputs: readonly OutputTensor[];
  /** The output MLflow's `/invocations` answers as `predictions` (a regressor's value, a classifier's label). */
  readonly primary: string;
}

/** Shape and type of a runtime input or output, for OIP model metadata. */
export interface TensorMetadata {
  readonly name: string;
  readonly datatype: TensorDatatype;
  /** `-1` for a free dimension. */
  readonly shape: readonly number[];
}

/** A model loaded into a runtime and ready to score. */
export interface LoadedModel {
  readonly runtime: RuntimeName;
  /** Why this runtime serves the model (e.g. "ONNX flavor", "compiled from scikit-learn; predictions match within 1e-6"). */
  readonly runtimeReason?: string | undefined;
  readonly signature: ModelSignature | undefined;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  predict(batch: FeatureBatch): Promise<Prediction>;
  close(): Promise<void>;
}

export interface ModelRuntime {
  /** Loads the model in `modelDir` described by its parsed `MLmodel`; refuses a model it cannot run. */
  load(modelDir: string, mlmodel: MlModel, options?: LoadModelOptions): Promise<LoadedModel>;
}

export interface LoadModelOptions {
  /** Which runtime the caller wants; a runtime that cannot honour it refuses the model. @default 'auto' */
  readonly prefer?: RuntimePreference | undefined;
}
