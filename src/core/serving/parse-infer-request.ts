import { SlipwayError } from '../errors/slipway-error.js';
import { flattenNested } from './flatten-nested.js';
import type { RawTensor, ScoringRequest } from './scoring-input.js';

/** OIP v2 datatypes a request may declare. */
const DATATYPES = new Set(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES']);

export interface InferRequest extends ScoringRequest {
  /** The request's `id`, echoed in the response. */
  readonly id: string | undefined;
  /** Names of the outputs the client asked for (all when `undefined`). */
  readonly outputs: readonly string[] | undefined;
}

/**
 * Decodes an Open Inference Protocol v2 infer request:
 * `{"id"?, "parameters"?, "inputs": [{"name", "shape", "datatype", "data"}], "outputs"?: [{"name"}]}`.
 * `data` may be flat or nested (row-major); its size must match `shape`.
 */
export function parseInferRequest(body: unknown): InferRequest {
  if (!isPlainObject(body)) throw SlipwayError.badRequest("Invalid infer request: the body must be a JSON object with an 'inputs' list.");
  const { id, inputs, outputs, parameters } = body;
  if (id !== undefined && typeof id !== 'string') throw SlipwayError.badRequest("Invalid infer request: 'id' must be a string.");
  if (!Array.isArray(inputs) || inputs.length === 0) throw SlipwayError.badRequest("Invalid infer request: 'inputs' must be a non-empty list of tensors.");
  const tensors = inputs.map((input, index) => decodeInput(input, index));
  let outputNames: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs) || !outputs.every((output) => isPlainObject(output) && typeof output['name'] === 'string')) {
      throw SlipwayError.badRequest("Invalid infer request: 'outputs' must be a list of {\"name\": …} objects.");
    }
    outputNames = outputs.map((output) => (output as { name: string }).name);
  }
  return {
    id,
    outputs: outputNames,
    input: { kind: 'tensors', tensors },
    params: isPlainObject(parameters) ? parameters : undefined,
  };
}

function decodeInput(input: unknown, index: number): RawTensor {
  const field = `inputs[${index}]`;
  if (!isPlainObject(input)) throw SlipwayError.badRequest(`Invalid infer request: '${field}' must be a tensor object.`);
  const { name, shape, datatype, data } = input;
  if (typeof name !== 'string' || name === '') throw SlipwayError.badRequest(`Invalid infer request: '${field}.name' must be a non-empty string.`);
  const where = `input '${name}'`;
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isInteger(dim) && (dim as number) >= 0)) {
    throw SlipwayError.badRequest(`Invalid infer request: 'shape' of ${where} must be a list of non-negative integers.`);
  }
  if (typeof datatype !== 'string' || !DATATYPES.has(datatype)) {
    throw SlipwayError.badRequest(`Invalid infer request: 'datatype' of ${where} must be one of ${[...DATATYPES].join(', ')}.`);
  }
  if (!Array.isArray(data)) throw SlipwayError.badRequest(`Invalid infer request: 'data' of ${where} must be a list.`);
  const { values } = flattenNested(data, `data of ${where}`);
  const size = (shape as number[]).reduce((product, dim) => product * dim, 1);
  if (values.length !== size) {
    throw SlipwayError.badRequest(`Invalid infer request: ${where} has ${values.length} values but its shape [${shape.join(', ')}] needs ${size}.`);
  }
  return { name, shape: shape as number[], values, datatype };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
