/**
 * What a scoring request carries once its wire format is decoded and before it is checked
 * against the model's signature: a table (named or positional columns, rows of values) or
 * tensors (a shape and flat row-major values each). Both protocols produce one.
 * @module
 */

export interface RawTable {
  readonly kind: 'table';
  /** Column names, or `undefined` when the rows are positional (`dataframe_split` without `columns`). */
  readonly columns: readonly string[] | undefined;
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>;
}

export interface RawTensor {
  readonly name: string | undefined;
  readonly shape: readonly number[];
  readonly values: readonly unknown[];
  /** The declared OIP datatype, when the request named one. */
  readonly datatype?: string;
}

export interface RawTensors {
  readonly kind: 'tensors';
  readonly tensors: readonly RawTensor[];
}

export type ScoringInput = RawTable | RawTensors;

export interface ScoringRequest {
  readonly input: ScoringInput;
  /** MLflow's inference `params`, passed through (the ONNX runtime takes none). */
  readonly params: Readonly<Record<string, unknown>> | undefined;
}
