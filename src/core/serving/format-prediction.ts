import { SlipwayError } from '../errors/slipway-error.js';
import type { OutputTensor, Prediction } from '../ports/model-runtime.js';

/**
 * MLflow's `/invocations` answer, `{"predictions": …}`: the primary output as a flat list when
 * it has one value per row (a regressor's value, a classifier's label), else one list per row.
 */
export function toPredictionsBody(prediction: Prediction): { predictions: unknown[] } {
  const output = prediction.outputs.find((candidate) => candidate.name === prediction.primary) ?? prediction.outputs[0];
  if (output === undefined) return { predictions: [] };
  return { predictions: rowsOf(output) };
}

function rowsOf(output: OutputTensor): unknown[] {
  const width = output.shape.slice(1).reduce((product, dim) => product * dim, 1);
  if (width === 1) return [...output.data];
  const rows: unknown[] = [];
  for (let offset = 0; offset < output.data.length; offset += width) rows.push(output.data.slice(offset, offset + width));
  return rows;
}

export interface InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id: string;
  readonly outputs: ReadonlyArray<{ name: string; datatype: string; shape: readonly number[]; data: ReadonlyArray<number | string | boolean> }>;
}

/** An OIP v2 infer response: every output (or those the request named) as a flat row-major tensor. */
export function toInferResponse(
  prediction: Prediction,
  model: { name: string; version: string | undefined },
  id: string,
  requested: readonly string[] | undefined,
): InferResponse {
  let outputs = prediction.outputs;
  if (requested !== undefined) {
    const unknown = requested.filter((name) => !outputs.some((output) => output.name === name));
    if (unknown.length > 0) {
      throw SlipwayError.badRequest(`Unknown output(s) ${unknown.map((name) => `'${name}'`).join(', ')}; the model's outputs are ${outputs.map((output) => `'${output.name}'`).join(', ')}.`);
    }
    outputs = outputs.filter((output) => requested.includes(output.name));
  }
  return {
    model_name: model.name,
    ...(model.version === undefined ? {} : { model_version: model.version }),
    id,
    outputs: outputs.map((output) => ({ name: output.name, datatype: output.datatype, shape: output.shape, data: output.data })),
  };
}
