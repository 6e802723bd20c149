/**
 * How a batch job turns the columns of its input file into the ONNX graph's inputs: checked
 * once, against the model's signature and the graph, before any row is read, and then
 * carried out for every chunk by the worker threads. The mapping is the scoring server's
 * (`to-feature-batch.ts` and the ONNX runtime's feeds): the signature's columns in order,
 * as one `[N, F]` tensor when the graph has a single input that is not named after them
 * (sklearn-onnx's usual export), else one `[N]`/`[N, 1]` tensor per graph input.
 *
 * One difference on purpose: columns the signature does not name (an id, a timestamp) are
 * allowed, not scored, and copied to the output with the rest of the row.
 * @module
 */

import { SlipwayError } from '../core/errors/slipway-error.js';
import type { FeatureType } from '../core/ports/model-runtime.js';
import type { ModelSignature } from '../core/serving/ml-model.js';
import type { BatchFormat } from './batch-format.js';

/** The element types the worker can fill (onnxruntime's tensor type names). */
export type InputDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'string';

/** An ONNX graph input, as onnxruntime describes it. */
export interface GraphInput {
  readonly name: string;
  readonly type: string;
  readonly shape: ReadonlyArray<number | string>;
}

/** One feature (column) fed to a graph input. */
export interface PlannedColumn {
  /** The name the input file uses (a JSON Lines key, a CSV header). */
  readonly name: string;
  /** Its position in a CSV header (or in a JSON Lines array row); -1 when an optional column is absent. */
  readonly position: number;
  readonly type: FeatureType;
}

export interface PlannedInput {
  readonly name: string;
  readonly dtype: InputDtype;
  /** The tensor's dimensions with `rows` for the batch dimension: `[rows, F]` or `[rows]`. */
  readonly rank: 1 | 2;
  readonly columns: readonly PlannedColumn[];
}

export interface ScorePlan {
  readonly format: BatchFormat;
  readonly inputs: readonly PlannedInput[];
  /** The graph's tensor outputs (what is fetched). */
  readonly fetches: readonly string[];
  /** The output written (the scoring server's `predictions`). */
  readonly primary: string;
  /** Input columns copied to the output but not scored. */
  readonly ignoredColumns: readonly string[];
  /** CSV: the fields every record has (the header's). */
  readonly csvWidth?: number | undefined;
}

/**
 * Plans scoring for a file with the given columns (a CSV header; undefined for JSON Lines,
 * whose rows are matched by key, or by position when they are arrays).
 */
export function buildScorePlan(options: {
  readonly format: BatchFormat;
  readonly header: readonly string[] | undefined;
  readonly signature: ModelSignature | undefined;
  readonly graphInputs: readonly GraphInput[];
  readonly graphOutputs: readonly string[];
}): ScorePlan {
  const { header, graphInputs } = options;
  const features = signatureColumns(options.signature, header);
  if (header !== undefined) {
    const missing = features.filter((feature) => feature.required && feature.position === -1).map((feature) => feature.name);
    if (missing.length > 0) throw badInput(`The input has no column(s) ${list(missing)}; the model expects ${list(features.map((f) => f.name))} (the header has ${list(header)}).`);
  }
  const planned = features.map((feature): PlannedColumn => ({ name: feature.name, position: feature.position, type: feature.type }));
  const only = graphInputs.length === 1 ? graphInputs[0] : undefined;
  const byName = graphInputs.every((input) => planned.some((column) => column.name === input.name));
  let inputs: PlannedInput[];
  if (only !== undefined && !byName) {
    const expected = only.shape[1];
    if (typeof expected === 'number' && expected > 0 && expected !== planned.length) {
      throw badInput(`The model's input '${only.name}' takes ${expected} features per row but the signature gives ${planned.length} columns.`);
    }
    inputs = [{ name: only.name, dtype: dtypeOf(only), rank: 2, columns: planned }];
  } else {
    inputs = graphInputs.map((input, index): PlannedInput => {
      const column = byName ? planned.find((candidate) => candidate.name === input.name) : planned.length === graphInputs.length ? planned[index] : undefined;
      if (column === undefined) {
        throw badInput(`The model's inputs are ${list(graphInputs.map((i) => i.name))}; the signature's columns are ${list(planned.map((c) => c.name))}.`);
      }
      if (input.shape.length !== 1 && input.shape.length !== 2) throw badInput(`The model's input '${input.name}' has rank ${input.shape.length}; a column feeds rank 1 or 2.`);
      return { name: input.name, dtype: dtypeOf(input), rank: input.shape.length === 1 ? 1 : 2, columns: [column] };
    });
  }
  if (options.graphOutputs.length === 0) throw SlipwayError.invalidParameter('The ONNX model has no tensor output to write.');
  const used = new Set(planned.map((column) => column.name));
  return {
    format: options.format,
    inputs,
    fetches: options.graphOutputs,
    primary: primaryOutput(options.graphOutputs),
    ignoredColumns: (header ?? []).filter((column) => !used.has(column)),
    csvWidth: header?.length,
  };
}

/** The output `/invocations` answers as `predictions`: a classifier's label or a regressor's value, else the first. */
export function primaryOutput(names: readonly string[]): string {
  return names.find((name) => /label/i.test(name)) ?? names.find((name) => name === 'variable') ?? names[0]!;
}

interface Feature {
  readonly name: string;
  readonly position: number;
  readonly type: FeatureType;
  readonly required: boolean;
}

function signatureColumns(signature: ModelSignature | undefined, header: readonly string[] | undefined): Feature[] {
  const specs = signature?.inputs;
  const at = (name: string, index: number): number => (header === undefined ? index : header.indexOf(name));
  if (specs === undefined || specs.length === 0) {
    if (header === undefined) throw badInput('The model has no input signature, so JSON Lines rows cannot be matched to its inputs; use a CSV file with a header.');
    return header.map((name, index) => ({ name, position: index, type: 'double', required: true }));
  }
  const features: Feature[] = [];
  for (const [index, spec] of specs.entries()) {
    if (spec.kind === 'column' && spec.name !== undefined) {
      features.push({ name: spec.name, position: at(spec.name, index), type: columnType(spec.name, spec.type), required: spec.required });
      continue;
    }
    // One [-1, F] tensor: the file's columns in order.
    if (spec.kind === 'tensor' && specs.length === 1 && spec.shape.length === 2 && header !== undefined) {
      const width = spec.shape[1]!;
      if (width !== -1 && width !== header.length) throw badInput(`The input has ${header.length} columns but the model's tensor takes [-1, ${width}].`);
      return header.map((name, position) => ({ name, position, type: tensorType(spec.dtype), required: true }));
    }
    throw badInput('Batch prediction takes models with a column signature, or one [-1, F] tensor fed from a CSV file.');
  }
  return features;
}

function columnType(name: string, type: string): FeatureType {
  if (type === 'double' || type === 'float' || type === 'long' || type === 'integer' || type === 'boolean' || type === 'string') return type;
  throw badInput(`Column '${name}' has type '${type}', which batch prediction cannot score.`);
}

function tensorType(dtype: string): FeatureType {
  if (dtype === 'float32' || dtype === 'float16') return 'float';
  if (dtype.startsWith('float')) return 'double';
  if (dtype === 'int64' || dtype === 'uint64' || dtype === 'uint32') return 'long';
  if (dtype.startsWith('int') || dtype.startsWith('uint')) return 'integer';
  if (dtype === 'bool') return 'boolean';
  return 'string';
}

function dtypeOf(input: GraphInput): InputDtype {
  if (input.type === 'float32' || input.type === 'float64' || input.type === 'int64' || input.type === 'int32' || input.type === 'bool' || input.type === 'string') return input.type;
  throw SlipwayError.invalidParameter(`The model's input '${input.name}' has type ${input.type}, which batch prediction cannot feed.`);
}

function list(names: readonly string[]): string {
  return `[${names.map((name) => `'${name}'`).join(', ')}]`;
}

function badInput(message: string): SlipwayError {
  return SlipwayError.badRequest(`Failed to enforce the model signature: ${message}`);
}
