import { SlipwayError } from '../errors/slipway-error.js';
import { flattenNested } from './flatten-nested.js';
import type { RawTensor, ScoringInput, ScoringRequest } from './scoring-input.js';

/** The four input fields of MLflow's scoring protocol (exactly one per request). */
export const SCORING_INPUT_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** MLflow's `SCORING_PROTOCOL_CHANGE_INFO`, appended to the error for pre-2.0 payloads. */
const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

/**
 * Decodes an MLflow `/invocations` JSON body: exactly one of `dataframe_split`,
 * `dataframe_records`, `instances` or `inputs`, plus optional `params`. The messages follow
 * MLflow's scoring server (`mlflow/pyfunc/scoring_server`), so a client sees the same text.
 */
export function parseScoringJson(body: unknown): ScoringRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw SlipwayError.badRequest(
      `Invalid input. The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}. Received ${Array.isArray(body) ? 'a list' : typeof body}. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  const record = body as Record<string, unknown>;
  const present = SCORING_INPUT_FIELDS.filter((field) => field in record);
  const unknown = Object.keys(record).filter((key) => key !== 'params' && !(SCORING_INPUT_FIELDS as readonly string[]).includes(key));
  if (present.length !== 1 || unknown.length > 0) {
    throw SlipwayError.badRequest(
      `Invalid input. The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}. Received dictionary with input fields: [${Object.keys(record)
        .map((key) => `'${key}'`)
        .join(', ')}]. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  const params = record['params'];
  if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params))) {
    throw SlipwayError.badRequest("Invalid input. 'params' must be a JSON dictionary of parameter names to values.");
  }
  const field = present[0]!;
  const value = record[field];
  return { input: decodeField(field, value), params: (params ?? undefined) as Record<string, unknown> | undefined };
}

function decodeField(field: (typeof SCORING_INPUT_FIELDS)[number], value: unknown): ScoringInput {
  switch (field) {
    case 'dataframe_split':
      return decodeSplit(value);
    case 'dataframe_records':
      if (!Array.isArray(value) || !value.every(isPlainObject)) {
        throw SlipwayError.badRequest("Invalid input. 'dataframe_records' must be a list of JSON objects, one per row.");
      }
      return recordsTable(value);
    case 'instances':
    case 'inputs':
      return decodeTensorField(field, value);
  }
}

function decodeSplit(value: unknown): ScoringInput {
  if (!isPlainObject(value)) throw SlipwayError.badRequest("Invalid input. 'dataframe_split' must be a JSON object with 'columns' and 'data'.");
  const { columns, data } = value;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((column) => typeof column === 'string'))) {
    throw SlipwayError.badRequest("Invalid input. 'dataframe_split.columns' must be a list of column names.");
  }
  if (!Array.isArray(data)) throw SlipwayError.badRequest("Invalid input. 'dataframe_split.data' must be a list of rows.");
  const rows = (data as unknown[]).map((row, index): unknown[] => {
    // A one-column frame may be written as a flat list of values.
    const cells: unknown[] = Array.isArray(row) ? (row as unknown[]) : [row];
    if (columns !== undefined && cells.length !== columns.length) {
      throw SlipwayError.badRequest(`Invalid input. 'dataframe_split.data[${index}]' has ${cells.length} values but there are ${columns.length} columns.`);
    }
    return cells;
  });
  return { kind: 'table', columns, rows };
}

function decodeTensorField(field: 'instances' | 'inputs', value: unknown): ScoringInput {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isPlainObject)) return recordsTable(value);
    return { kind: 'tensors', tensors: [tensorOf(undefined, value, field)] };
  }
  if (isPlainObject(value)) {
    return { kind: 'tensors', tensors: Object.entries(value).map(([name, tensor]) => tensorOf(name, Array.isArray(tensor) ? tensor : [tensor], `${field}.${name}`)) };
  }
  throw SlipwayError.badRequest(`Invalid input. '${field}' must be a list (rows or a tensor) or a JSON object of named inputs.`);
}

function tensorOf(name: string | undefined, nested: readonly unknown[], field: string): RawTensor {
  const { shape, values } = flattenNested(nested, field);
  return { name, shape, values };
}

/** Rows of `{column: value}` objects; the columns are the union of keys in first-seen order. */
function recordsTable(records: ReadonlyArray<Record<string, unknown>>): ScoringInput {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return { kind: 'table', columns, rows: records.map((record) => columns.map((column) => record[column])) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
