import { parse as parseYaml } from 'yaml';
import { SlipwayError } from '../errors/slipway-error.js';

/**
 * The parts of an `MLmodel` file serving needs. MLflow writes the signature's `inputs` and
 * `outputs` as JSON *strings* inside the YAML (a list of column specs
 * `{"type": "double", "name": "x", "required": true}` or tensor specs
 * `{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 8]}, "name"?}`).
 * @module
 */

export interface ColumnSpec {
  readonly kind: 'column';
  readonly name: string | undefined;
  /** MLflow's column type: double, float, long, integer, boolean, string, binary, datetime. */
  readonly type: string;
  readonly required: boolean;
}

export interface TensorSpec {
  readonly kind: 'tensor';
  readonly name: string | undefined;
  /** numpy dtype name: float32, float64, int64, int32, bool, … */
  readonly dtype: string;
  /** `-1` for a free dimension. */
  readonly shape: readonly number[];
}

export type SchemaSpec = ColumnSpec | TensorSpec;

export interface ModelSignature {
  readonly inputs: readonly SchemaSpec[] | undefined;
  readonly outputs: readonly SchemaSpec[] | undefined;
}

export interface MlModel {
  readonly flavors: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly signature: ModelSignature | undefined;
  /** `saved_input_example_info` as written (`artifact_path`, `serving_input_path`, `type`, …). */
  readonly inputExampleInfo: Readonly<Record<string, unknown>> | undefined;
  readonly mlflowVersion: string | undefined;
}

/** Parses the text of an `MLmodel` file; a file serving cannot read is an `INVALID_PARAMETER_VALUE`. */
export function parseMlModel(text: string): MlModel {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw SlipwayError.invalidParameter(`MLmodel is not valid YAML: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw SlipwayError.invalidParameter('MLmodel must be a YAML mapping.');
  const flavors = document['flavors'];
  if (!isRecord(flavors)) throw SlipwayError.invalidParameter("MLmodel has no 'flavors' mapping.");
  const signature = document['signature'];
  return {
    flavors: Object.fromEntries(Object.entries(flavors).filter(([, value]) => isRecord(value))) as MlModel['flavors'],
    signature: isRecord(signature)
      ? { inputs: parseSchema(signature['inputs'], 'signature.inputs'), outputs: parseSchema(signature['outputs'], 'signature.outputs') }
      : undefined,
    inputExampleInfo: isRecord(document['saved_input_example_info']) ? document['saved_input_example_info'] : undefined,
    mlflowVersion: typeof document['mlflow_version'] === 'string' ? document['mlflow_version'] : undefined,
  };
}

function parseSchema(value: unknown, field: string): readonly SchemaSpec[] | undefined {
  if (value === null || value === undefined) return undefined;
  let specs: unknown = value;
  if (typeof value === 'string') {
    try {
      specs = JSON.parse(value);
    } catch {
      throw SlipwayError.invalidParameter(`MLmodel ${field} is not a JSON list of specs.`);
    }
  }
  if (!Array.isArray(specs)) throw SlipwayError.invalidParameter(`MLmodel ${field} is not a list of specs.`);
  return specs.map((spec, index) => parseSpec(spec, `${field}[${index}]`));
}

function parseSpec(spec: unknown, field: string): SchemaSpec {
  if (!isRecord(spec) || typeof spec['type'] !== 'string') throw SlipwayError.invalidParameter(`MLmodel ${field} has no 'type'.`);
  const name = typeof spec['name'] === 'string' ? spec['name'] : undefined;
  if (spec['type'] === 'tensor') {
    const tensor = spec['tensor-spec'];
    if (!isRecord(tensor) || typeof tensor['dtype'] !== 'string' || !Array.isArray(tensor['shape'])) {
      throw SlipwayError.invalidParameter(`MLmodel ${field} is a tensor spec without 'tensor-spec.dtype' and 'tensor-spec.shape'.`);
    }
    return { kind: 'tensor', name, dtype: tensor['dtype'], shape: tensor['shape'].map((dim) => (typeof dim === 'number' ? dim : -1)) };
  }
  return { kind: 'column', name, type: spec['type'], required: spec['required'] !== false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
