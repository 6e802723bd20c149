/**
 * Writes a scored chunk: each kept input record with its prediction appended (CSV: one
 * more field, or `<name>_0…` fields for an output with several values per row; JSON Lines:
 * one more key), or the predictions alone.
 * @module
 */

import type { BatchFormat } from './batch-format.js';

export type OutputValues = ArrayLike<number | bigint | string | boolean>;

export interface FormatOptions {
  readonly format: BatchFormat;
  readonly predictionsOnly: boolean;
  /** The prediction's column (CSV) or key (JSON Lines). */
  readonly column: string;
}

/** The output's text for a chunk; `width` is the number of values per row. */
export function formatChunk(records: readonly string[], values: OutputValues, width: number, options: FormatOptions): string {
  const parts: string[] = new Array<string>(records.length);
  const csv = options.format === 'csv';
  const key = JSON.stringify(options.column);
  for (let row = 0; row < records.length; row++) {
    let prediction: string;
    if (width === 1) prediction = csv ? csvValue(values[row]!) : jsonValue(values[row]!);
    else {
      const cells: string[] = [];
      for (let k = 0; k < width; k++) cells.push(csv ? csvValue(values[row * width + k]!) : jsonValue(values[row * width + k]!));
      prediction = csv ? cells.join(',') : `[${cells.join(',')}]`;
    }
    if (csv) parts[row] = options.predictionsOnly ? prediction : `${records[row]!},${prediction}`;
    else parts[row] = options.predictionsOnly ? `{${key}:${prediction}}` : appendKey(records[row]!, key, prediction);
  }
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}

/** The CSV header line of the output. */
export function csvHeader(inputHeader: string, width: number, options: FormatOptions): string {
  const names = width === 1 ? [options.column] : Array.from({ length: width }, (_, k) => `${options.column}_${k}`);
  const columns = names.map(csvText).join(',');
  return `${options.predictionsOnly ? columns : `${inputHeader},${columns}`}\n`;
}

/** `{"a":1}` + `"prediction":2` → `{"a":1,"prediction":2}`; an array row becomes `{"inputs":[…],"prediction":2}`. */
function appendKey(record: string, key: string, prediction: string): string {
  const text = record.trimEnd();
  if (text.endsWith('}')) {
    const body = text.slice(0, -1).trimEnd();
    return `${body}${body.endsWith('{') ? '' : ','}${key}:${prediction}}`;
  }
  return `{"inputs":${text},${key}:${prediction}}`;
}

function csvValue(value: number | bigint | string | boolean): string {
  return typeof value === 'string' ? csvText(value) : String(value);
}

function csvText(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function jsonValue(value: number | bigint | string | boolean): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}
