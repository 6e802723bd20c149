import { SlipwayError } from '../errors/slipway-error.js';
import { coerceFeatureValue, describeFeatureValue } from './coerce-feature-value.js';
import type { Feature, FeatureBatch, FeatureType } from '../ports/model-runtime.js';
import type { ColumnSpec, ModelSignature, TensorSpec } from './ml-model.js';
import type { RawTable, RawTensor, ScoringInput } from './scoring-input.js';

/**
 * Checks a decoded request against the model's signature and turns it into the batch a
 * runtime scores. Every refusal is a 400 that names the column or input and what was
 * expected, so a client can fix its payload without reading the model.
 *
 * - A column signature takes a table with exactly its columns (a missing or unknown column
 *   is refused; rows may also be positional), named tensors of shape `[rows]`/`[rows, 1]`
 *   one per column, or one `[rows, columns]` tensor in signature order.
 * - A tensor signature takes tensors matched by name (or by position when unnamed) whose
 *   shapes fit the spec (`-1` is free); a table fits a single `[-1, F]` tensor spec.
 * - Without a signature the request is taken as it is.
 */
export function toFeatureBatch(input: ScoringInput, signature: ModelSignature | undefined): FeatureBatch {
  const specs = signature?.inputs;
  if (specs !== undefined && specs.length > 0 && specs.every((spec): spec is ColumnSpec => spec.kind === 'column' && spec.name !== undefined)) {
    return input.kind === 'table' ? tableToColumns(input, specs) : tensorsToColumns(input.tensors, specs);
  }
  if (specs !== undefined && specs.length > 0 && specs.every((spec): spec is TensorSpec => spec.kind === 'tensor')) {
    const tensors = input.kind === 'table' ? [tableAsTensor(input)] : input.tensors;
    return tensorsToTensorSpecs(tensors, specs);
  }
  return input.kind === 'table' ? untypedTable(input) : untypedTensors(input.tensors);
}

function tableToColumns(table: RawTable, specs: readonly ColumnSpec[]): FeatureBatch {
  const names = specs.map((spec) => spec.name!);
  let positions: Array<number | undefined>;
  if (table.columns === undefined) {
    const width = table.rows[0]?.length ?? names.length;
    if (width !== names.length) throw badInput(`The input has ${width} columns but the model expects ${names.length}: ${list(names)}.`);
    positions = names.map((_, index) => index);
  } else {
    const unknown = table.columns.filter((column) => !names.includes(column));
    if (unknown.length > 0) throw badInput(`Unknown input column(s) ${list(unknown)}; the model expects ${list(names)}.`);
    positions = names.map((name) => indexOrUndefined(table.columns!, name));
    const missing = specs.filter((spec, index) => spec.required && positions[index] === undefined).map((spec) => spec.name!);
    if (missing.length > 0) throw badInput(`Model is missing inputs ${list(missing)}.`);
  }
  const rows = table.rows.length;
  const features = specs.map((spec, index): Feature => {
    const position = positions[index];
    const type = featureTypeOfColumn(spec);
    const values = table.rows.map((row, rowIndex) => coerce(position === undefined ? null : row[position], type, `column '${spec.name!}'`, rowIndex));
    return { name: spec.name!, type, shape: [rows], values };
  });
  return { rows, features };
}

function tensorsToColumns(tensors: readonly RawTensor[], specs: readonly ColumnSpec[]): FeatureBatch {
  const names = specs.map((spec) => spec.name!);
  const [first] = tensors;
  if (tensors.length === 1 && first !== undefined && (first.name === undefined || !names.includes(first.name)) && first.shape.length === 2) {
    // One [rows, columns] matrix in signature order, e.g. `{"inputs": [[…], […]]}`.
    if (first.shape[1] !== names.length) {
      throw badInput(`Input${first.name === undefined ? '' : ` '${first.name}'`} has shape [${first.shape.join(', ')}] but the model expects [-1, ${names.length}] (columns ${list(names)}).`);
    }
    const width = names.length;
    const rows = first.shape[0]!;
    return tableToColumns({ kind: 'table', columns: undefined, rows: Array.from({ length: rows }, (_, row) => first.values.slice(row * width, row * width + width)) }, specs);
  }
  const byName = new Map<string, RawTensor>();
  for (const tensor of tensors) {
    if (tensor.name === undefined) throw badInput(`The model expects named columns ${list(names)}; send them as a table or as named inputs.`);
    if (!names.includes(tensor.name)) throw badInput(`Unknown input column(s) ${list([tensor.name])}; the model expects ${list(names)}.`);
    if (!(tensor.shape.length === 1 || (tensor.shape.length === 2 && tensor.shape[1] === 1))) {
      throw badInput(`Input '${tensor.name}' has shape [${tensor.shape.join(', ')}] but a column takes shape [rows] or [rows, 1].`);
    }
    byName.set(tensor.name, tensor);
  }
  const missing = specs.filter((spec) => spec.required && !byName.has(spec.name!)).map((spec) => spec.name!);
  if (missing.length > 0) throw badInput(`Model is missing inputs ${list(missing)}.`);
  const rowCounts = new Set([...byName.values()].map((tensor) => tensor.shape[0]!));
  if (rowCounts.size > 1) throw badInput(`The input columns have different numbers of rows (${[...rowCounts].join(', ')}).`);
  const rows = [...rowCounts][0] ?? 0;
  const features = specs.map((spec): Feature => {
    const tensor = byName.get(spec.name!);
    const type = featureTypeOfColumn(spec);
    const values = Array.from({ length: rows }, (_, row) => coerce(tensor === undefined ? null : tensor.values[row], type, `column '${spec.name!}'`, row));
    return { name: spec.name!, type, shape: [rows], values };
  });
  return { rows, features };
}

function tensorsToTensorSpecs(tensors: readonly RawTensor[], specs: readonly TensorSpec[]): FeatureBatch {
  const named = specs.every((spec) => spec.name !== undefined);
  if (tensors.length !== specs.length) {
    throw badInput(`The model expects ${specs.length} input tensor(s)${named ? ` ${list(specs.map((spec) => spec.name!))}` : ''} but the request has ${tensors.length}.`);
  }
  const features = specs.map((spec, index): Feature => {
    const tensor = named && tensors.some((candidate) => candidate.name !== undefined) ? tensors.find((candidate) => candidate.name === spec.name) : tensors[index];
    const label = spec.name ?? `#${index}`;
    if (tensor === undefined) throw badInput(`Model is missing inputs ${list([label])}.`);
    const fits = tensor.shape.length === spec.shape.length && spec.shape.every((dim, axis) => dim === -1 || dim === tensor.shape[axis]);
    if (!fits) throw badInput(`Input '${label}' has shape [${tensor.shape.join(', ')}] but the model signature expects [${spec.shape.join(', ')}].`);
    const type = featureTypeOfDtype(spec.dtype);
    const values = tensor.values.map((value, position) => coerce(value, type, `input '${label}'`, Math.floor(position / Math.max(1, rowWidth(tensor.shape)))));
    return { name: label, type, shape: tensor.shape, values };
  });
  return { rows: sameRows(features), features };
}

function tableAsTensor(table: RawTable): RawTensor {
  const width = table.columns?.length ?? table.rows[0]?.length ?? 0;
  return { name: undefined, shape: [table.rows.length, width], values: table.rows.flat() };
}

function untypedTable(table: RawTable): FeatureBatch {
  const width = table.columns?.length ?? table.rows[0]?.length ?? 0;
  const names = table.columns ?? Array.from({ length: width }, (_, index) => String(index));
  const rows = table.rows.length;
  const features = names.map((name, column): Feature => {
    const raw = table.rows.map((row) => row[column]);
    const type = inferType(raw);
    return { name, type, shape: [rows], values: raw.map((value, row) => coerce(value, type, `column '${name}'`, row)) };
  });
  return { rows, features };
}

function untypedTensors(tensors: readonly RawTensor[]): FeatureBatch {
  const features = tensors.map((tensor, index): Feature => {
    const name = tensor.name ?? `#${index}`;
    const type = tensor.datatype === undefined ? inferType(tensor.values) : featureTypeOfDatatype(tensor.datatype);
    return { name, type, shape: tensor.shape, values: tensor.values.map((value, position) => coerce(value, type, `input '${name}'`, Math.floor(position / Math.max(1, rowWidth(tensor.shape))))) };
  });
  return { rows: sameRows(features), features };
}

function sameRows(features: readonly Feature[]): number {
  const rows = new Set(features.map((feature) => feature.shape[0] ?? 1));
  if (rows.size > 1) throw badInput(`The input tensors have different numbers of rows (${[...rows].join(', ')}).`);
  return [...rows][0] ?? 0;
}

function rowWidth(shape: readonly number[]): number {
  return shape.slice(1).reduce((product, dim) => product * dim, 1);
}

/** Converts one JSON value to `type`, or refuses it naming the column and row. */
function coerce(value: unknown, type: FeatureType, where: string, row: number): number | string | boolean {
  const coerced = coerceFeatureValue(value, type);
  if (coerced !== undefined) return coerced;
  const integer = type === 'long' || type === 'integer' ? ' (integer)' : '';
  throw badInput(`Incompatible input types for ${where}: row ${row} has ${describeFeatureValue(value)} but the model expects ${type}${integer} values.`);
}

function inferType(values: readonly unknown[]): FeatureType {
  if (values.some((value) => typeof value === 'string' && value !== 'NaN')) return 'string';
  if (values.length > 0 && values.every((value) => typeof value === 'boolean')) return 'boolean';
  return 'double';
}

function featureTypeOfColumn(spec: ColumnSpec): FeatureType {
  switch (spec.type) {
    case 'double':
    case 'float':
    case 'long':
    case 'integer':
    case 'boolean':
    case 'string':
      return spec.type;
    default:
      throw badInput(`Column '${spec.name ?? '?'}' has type '${spec.type}', which this server cannot score.`);
  }
}

function featureTypeOfDtype(dtype: string): FeatureType {
  if (dtype === 'float32' || dtype === 'float16') return 'float';
  if (dtype.startsWith('float')) return 'double';
  if (dtype === 'int64' || dtype === 'uint64' || dtype === 'uint32') return 'long';
  if (dtype.startsWith('int') || dtype.startsWith('uint')) return 'integer';
  if (dtype === 'bool') return 'boolean';
  return 'string';
}

function featureTypeOfDatatype(datatype: string): FeatureType {
  if (datatype === 'FP32' || datatype === 'FP16') return 'float';
  if (datatype === 'FP64') return 'double';
  if (datatype === 'INT64' || datatype === 'UINT64' || datatype === 'UINT32') return 'long';
  if (datatype.startsWith('INT') || datatype.startsWith('UINT')) return 'integer';
  if (datatype === 'BOOL') return 'boolean';
  return 'string';
}

function indexOrUndefined(columns: readonly string[], name: string): number | undefined {
  const index = columns.indexOf(name);
  return index === -1 ? undefined : index;
}

function list(names: readonly string[]): string {
  return `[${names.map((name) => `'${name}'`).join(', ')}]`;
}

function badInput(message: string): SlipwayError {
  return SlipwayError.badRequest(`Failed to enforce the model signature: ${message}`);
}
