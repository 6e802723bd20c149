/**
 * Turns one chunk of whole records (CSV without its header, or JSON Lines) into the typed
 * arrays of the graph's inputs, checking every value against the model's signature with
 * the scoring server's rules (`parse-scoring-csv.ts` and `to-feature-batch.ts`): unquoted
 * CSV fields that read as numbers are numbers, empty ones missing; a double column takes
 * numbers and missing values (NaN); an integer column integers; a boolean column
 * true/false or 0/1. A bad value is reported with its file line and column.
 * @module
 */

import { coerceFeatureValue, describeFeatureValue } from '../core/serving/coerce-feature-value.js';
import type { InputDtype, PlannedColumn, ScorePlan } from './score-plan.js';

export type InputArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];

export interface InputTensor {
  readonly name: string;
  readonly dtype: InputDtype;
  readonly data: InputArray;
  readonly dims: readonly number[];
}

/** A record that could not be scored. */
export interface BadRecord {
  readonly line: number;
  readonly message: string;
  /** The record as read. */
  readonly text: string;
}

export interface ParsedChunk {
  /** Rows kept (scored). */
  readonly rows: number;
  /** The kept records as read (no line end), for the output. */
  readonly records: readonly string[];
  readonly tensors: readonly InputTensor[];
  readonly bad: readonly BadRecord[];
}

/** A value that does not fit its column. */
class BadValue extends Error {}

export function parseChunk(text: string, plan: ScorePlan, firstLine: number): ParsedChunk {
  const { records, lines } = plan.format === 'csv' ? splitCsvRecords(text, firstLine) : splitLines(text, firstLine);
  const capacity = records.length;
  const arrays = plan.inputs.map((input) => allocate(input.dtype, capacity * input.columns.length));
  const kept: string[] = [];
  const bad: BadRecord[] = [];
  const width = plan.csvWidth ?? 0;
  // Inputs whose every column is a double/float present in the file, fed as float32/float64.
  const fast = plan.inputs.map((input) => (input.dtype === 'float32' || input.dtype === 'float64') && input.columns.every((c) => c.position !== -1 && (c.type === 'double' || c.type === 'float')));
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    try {
      const row = kept.length;
      if (plan.format === 'csv') {
        const fields = csvFields(record, width);
        for (let i = 0; i < plan.inputs.length; i++) {
          const { columns, dtype } = plan.inputs[i]!;
          const array = arrays[i]!;
          const base = row * columns.length;
          const floats = fast[i]!;
          for (let c = 0; c < columns.length; c++) {
            const column = columns[c]!;
            if (floats && fields.quoted === undefined) {
              // The common case, without the general path's calls: a plain number into a float tensor.
              const text = fields.values[column.position]!;
              const number = Number(text);
              if (number === number && (number !== 0 || text.charCodeAt(0) === 48)) {
                (array as Float32Array)[base + c] = number;
                continue;
              }
            }
            const value = column.position === -1 ? coerceJson(null, column) : coerceCsv(fields.values[column.position]!, fields.quoted?.[column.position] === true, column);
            store(array, base + c, dtype, value);
          }
        }
      } else {
        const object = jsonRow(record);
        for (let i = 0; i < plan.inputs.length; i++) {
          const { columns, dtype } = plan.inputs[i]!;
          for (let c = 0; c < columns.length; c++) {
            const column = columns[c]!;
            const value = Array.isArray(object) ? object[column.position] : object[column.name];
            store(arrays[i]!, row * columns.length + c, dtype, coerceJson(value, column));
          }
        }
      }
      kept.push(record);
    } catch (error) {
      if (!(error instanceof BadValue)) throw error;
      bad.push({ line: lines[r]!, message: `line ${lines[r]!}: ${error.message}`, text: record });
    }
  }
  const rows = kept.length;
  const tensors = plan.inputs.map((input, i): InputTensor => {
    const size = rows * input.columns.length;
    const array = arrays[i]!;
    const data = array.length === size ? array : (array.slice(0, size) as InputArray);
    return { name: input.name, dtype: input.dtype, data, dims: input.rank === 1 ? [rows] : [rows, input.columns.length] };
  });
  return { rows, records: kept, tensors, bad };
}

/** A CSV record's fields; `quoted` fields are strings as they are. */
interface Fields {
  readonly values: readonly string[];
  readonly quoted: readonly boolean[] | undefined;
}

function csvFields(record: string, width: number): Fields {
  const fields = record.includes('"') ? splitQuoted(record) : { values: record.split(','), quoted: undefined };
  if (width > 0 && fields.values.length !== width) throw new BadValue(`the record has ${fields.values.length} fields but the header has ${width}`);
  return fields;
}

function jsonRow(record: string): unknown[] | Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch (error) {
    throw new BadValue(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object') throw new BadValue('a JSON Lines row must be an object (column → value) or an array');
  return value as unknown[] | Record<string, unknown>;
}

/** A CSV field as `parse-scoring-csv.ts` types it, then checked like `to-feature-batch.ts`. */
function coerceCsv(raw: string, quoted: boolean, column: PlannedColumn): number | string | boolean {
  const type = column.type;
  if (type === 'string') return raw;
  if (quoted) return coerceJson(raw, column);
  const text = raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
  if (text === '') return coerceJson(null, column);
  if (text === 'true' || text === 'True') return coerceJson(true, column);
  if (text === 'false' || text === 'False') return coerceJson(false, column);
  const number = Number(text);
  return coerceJson(Number.isNaN(number) && text !== 'NaN' ? raw : number, column);
}

/** A JSON value checked against its column's type, as the scoring server checks it. */
function coerceJson(value: unknown, column: PlannedColumn): number | string | boolean {
  const coerced = coerceFeatureValue(value, column.type);
  if (coerced !== undefined) return coerced;
  const integer = column.type === 'long' || column.type === 'integer' ? ' (integer)' : '';
  throw new BadValue(`column '${column.name}' has ${describeFeatureValue(value)} but the model expects ${column.type}${integer} values`);
}

function allocate(dtype: InputDtype, size: number): InputArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int64':
      return new BigInt64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    case 'string':
      return new Array<string>(size);
  }
}

function store(array: InputArray, index: number, dtype: InputDtype, value: number | string | boolean): void {
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'int32':
      (array as Float64Array)[index] = Number(value);
      return;
    case 'int64':
      (array as BigInt64Array)[index] = BigInt(Math.trunc(Number(value)));
      return;
    case 'bool':
      (array as Uint8Array)[index] = value === true || value === 1 ? 1 : 0;
      return;
    case 'string':
      (array as string[])[index] = String(value);
  }
}

/** JSON Lines: one record per non-blank line. */
function splitLines(text: string, firstLine: number): { records: string[]; lines: number[] } {
  const records: string[] = [];
  const lines: number[] = [];
  let position = 0;
  let line = firstLine;
  while (position < text.length) {
    let end = text.indexOf('\n', position);
    if (end === -1) end = text.length;
    const record = text.charCodeAt(end - 1) === 13 ? text.slice(position, end - 1) : text.slice(position, end);
    if (record.trim() !== '') {
      records.push(record);
      lines.push(line);
    }
    line++;
    position = end + 1;
  }
  return { records, lines };
}

/** CSV: records end at a newline outside double quotes; blank lines are skipped. */
function splitCsvRecords(text: string, firstLine: number): { records: string[]; lines: number[] } {
  const records: string[] = [];
  const lines: number[] = [];
  let position = 0;
  let line = firstLine;
  // The next quote, found once and moved past as records are cut (never a rescan of the text).
  let nextQuote = text.indexOf('"');
  while (position < text.length) {
    const startLine = line;
    let end = text.indexOf('\n', position);
    if (end === -1) end = text.length;
    line++;
    if (nextQuote !== -1 && nextQuote < end) {
      // Count quotes up to each newline; an odd count means the newline is inside a field.
      let inQuotes = false;
      for (;;) {
        while (nextQuote !== -1 && nextQuote < end) {
          inQuotes = !inQuotes;
          nextQuote = text.indexOf('"', nextQuote + 1);
        }
        if (!inQuotes || end >= text.length) break;
        const next = text.indexOf('\n', end + 1);
        end = next === -1 ? text.length : next;
        line++;
      }
    }
    const record = text.charCodeAt(end - 1) === 13 ? text.slice(position, end - 1) : text.slice(position, end);
    if (record !== '') {
      records.push(record);
      lines.push(startLine);
    }
    position = end + 1;
  }
  return { records, lines };
}

/** Splits a record with double-quoted fields (`""` is a quote inside one). */
export function splitQuoted(record: string): Fields {
  const values: string[] = [];
  const quoted: boolean[] = [];
  let value = '';
  let isQuoted = false;
  let inQuotes = false;
  for (let i = 0; i < record.length; i++) {
    const char = record[i]!;
    if (inQuotes) {
      if (char === '"' && record[i + 1] === '"') {
        value += '"';
        i++;
      } else if (char === '"') inQuotes = false;
      else value += char;
    } else if (char === '"' && value === '') {
      inQuotes = isQuoted = true;
    } else if (char === ',') {
      values.push(value);
      quoted.push(isQuoted);
      value = '';
      isQuoted = false;
    } else value += char;
  }
  if (inQuotes) throw new BadValue('the record ends inside a quoted field');
  values.push(value);
  quoted.push(isQuoted);
  return { values, quoted };
}
