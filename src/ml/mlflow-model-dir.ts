/**
 * Writes an MLflow model directory for an ONNX model, laid out as `mlflow.onnx.save_model`
 * lays it out: `MLmodel` with the `onnx` flavor and the `python_function` flavor that loads
 * it with `mlflow.onnx`, a column signature, `input_example.json` (pandas `split` orient),
 * `serving_input_example.json` (`{"dataframe_split": …}`), `requirements.txt` and the model
 * file. `mlflow.pyfunc.load_model`, `slipway models serve` and Slipway endpoints load it.
 * @module
 */

import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

/** A signature column in MLflow's terms. */
export interface SignatureColumn {
  readonly name: string;
  /** `double`, `float`, `long`, `integer`, `boolean`, `string`. */
  readonly type: string;
  readonly required?: boolean;
}

export interface OnnxModelDirSpec {
  readonly onnx: Uint8Array;
  readonly inputs: readonly SignatureColumn[];
  readonly outputs: readonly SignatureColumn[];
  /** A few rows of raw input, one value per input column (null for a blank). */
  readonly example: ReadonlyArray<ReadonlyArray<number | string | null>>;
  /** The logged model's id (`m-…`), when it is logged to a tracking server. */
  readonly modelId?: string | undefined;
  /** Extra top-level `MLmodel` keys (e.g. `metadata`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The file names the directory holds. */
export const MODEL_FILES = ['MLmodel', 'model.onnx', 'input_example.json', 'serving_input_example.json', 'requirements.txt'] as const;

export async function writeOnnxModelDir(dir: string, spec: OnnxModelDirSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  const columns = spec.inputs.map((column) => column.name);
  const example = { columns, data: spec.example };
  const columnSpecs = (list: readonly SignatureColumn[]) =>
    JSON.stringify(list.map((column) => ({ type: column.type, name: column.name, required: column.required ?? true })));
  const mlmodel = {
    flavors: {
      onnx: { code: null, data: 'model.onnx', onnx_session_options: null, providers: ['CPUExecutionProvider'] },
      python_function: { data: 'model.onnx', loader_module: 'mlflow.onnx' },
    },
    is_signature_from_type_hint: false,
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
    model_id: spec.modelId ?? null,
    model_size_bytes: spec.onnx.byteLength,
    model_uuid: randomUUID().replaceAll('-', ''),
    saved_input_example_info: {
      artifact_path: 'input_example.json',
      pandas_orient: 'split',
      serving_input_path: 'serving_input_example.json',
      type: 'dataframe',
    },
    signature: { inputs: columnSpecs(spec.inputs), outputs: columnSpecs(spec.outputs), params: null },
    type_hint_from_example: false,
    utc_time_created: new Date().toISOString().replace('T', ' ').replace('Z', '000'),
  };
  await writeFile(path.join(dir, 'model.onnx'), spec.onnx);
  await writeFile(path.join(dir, 'MLmodel'), stringify(mlmodel, { lineWidth: 0 }));
  await writeFile(path.join(dir, 'input_example.json'), exampleJson(example));
  await writeFile(path.join(dir, 'serving_input_example.json'), `{"dataframe_split": ${exampleJson(example)}}`);
  // What `mlflow.pyfunc.load_model` needs to run it in Python.
  await writeFile(path.join(dir, 'requirements.txt'), 'mlflow\nonnx\nonnxruntime\npandas\n');
}

/**
 * The example in pandas' `split` orient, whole numbers written as `41.0` as pandas writes a
 * float column: MLflow reads `41` as an integer, which its schema check refuses for a
 * `double` column.
 */
function exampleJson(example: { readonly columns: readonly string[]; readonly data: ReadonlyArray<ReadonlyArray<number | string | null>> }): string {
  const value = (v: number | string | null): string => (typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : JSON.stringify(v));
  return `{"columns": ${JSON.stringify(example.columns)}, "data": [${example.data.map((row) => `[${row.map(value).join(', ')}]`).join(', ')}]}`;
}
